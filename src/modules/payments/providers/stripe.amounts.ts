// Stripe counts most currencies in ISO 4217 minor units, with documented exceptions
// (https://docs.stripe.com/currencies#special-cases): ISK and UGX are zero-decimal in ISO but
// Stripe expects them ×100 (and divisible by 100); three-decimal currencies must end in 0. Any
// amount that would need rounding is refused rather than charged differently from the invoice.
import { currencyExponent } from '../../../shared/money/currency.ts';
import { ProviderError } from './provider.ts';

const TIMES_100 = new Set(['ISK', 'UGX']);

export function toStripeAmount(minor: number, currency: string): number {
  if (!Number.isSafeInteger(minor) || minor <= 0)
    throw new ProviderError('amount must be a positive integer of minor units');
  if (TIMES_100.has(currency)) return minor * 100;
  if (currencyExponent(currency) === 3 && minor % 10 !== 0)
    throw new ProviderError(`Stripe cannot charge ${currency} amounts with a non-zero last decimal`);
  return minor;
}

export function fromStripeAmount(amount: number, currency: string): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new ProviderError('Stripe sent an invalid amount');
  if (TIMES_100.has(currency)) return Math.trunc(amount / 100);
  return amount;
}
