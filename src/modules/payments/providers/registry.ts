// The list of adapters. Adding a provider = writing one adapter file that exports a
// ProviderDefinition, and adding it here (and its name to PROVIDER_NAMES).
import { paypalDefinition } from './paypal.adapter.ts';
import {
  checkApiUrl,
  type PaymentProvider,
  type ProviderAccount,
  type ProviderDefinition,
  type ProviderEndpoints,
  type ProviderName,
} from './provider.ts';
import { stripeDefinition } from './stripe.adapter.ts';

// Each definition is typed by its own settings; the registry only moves them around opaquely.
export const PROVIDERS: Readonly<Record<ProviderName, ProviderDefinition>> = {
  stripe: stripeDefinition as unknown as ProviderDefinition,
  paypal: paypalDefinition as unknown as ProviderDefinition,
};

export type ProviderFactory = (name: ProviderName, account: ProviderAccount) => PaymentProvider;

/** Builds adapters for the configured endpoints; refuses a non-HTTPS, non-loopback override at start. */
export function createProviderFactory(endpoints: ProviderEndpoints): ProviderFactory {
  if (endpoints.stripeApiUrl) checkApiUrl(endpoints.stripeApiUrl);
  if (endpoints.paypalApiUrl) checkApiUrl(endpoints.paypalApiUrl);
  return (name, account) => PROVIDERS[name].create(account, endpoints);
}
