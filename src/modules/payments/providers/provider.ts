// The one interface every payment provider adapter implements. Card data never reaches Sealbill
// (PCI DSS v4.0.1 SAQ A): a checkout hands the payer to the provider's own page (or, optionally,
// the provider's iframe), and everything we learn back is normalized here into a short whitelist
// of fields: references, amounts in minor units, currency, status. Raw provider payloads never
// leave the adapter, so nothing a payer typed (or a provider echoed) can be stored or logged.
import type { z } from 'zod';

export const PROVIDER_NAMES = ['stripe', 'paypal'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface CheckoutRequest {
  checkoutId: string;
  orgId: string;
  invoiceId: string;
  invoiceNumber: string;
  orgName: string;
  /** Minor units, always the amount due from our ledger, never a figure the payer sent. */
  amount: number;
  currency: string;
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
  /**
   * The payer asked to save the method for the organization's future invoices (Stripe:
   * setup_future_usage=off_session on the hosted checkout, with a customer created for it).
   */
  saveMethod?: boolean;
}

export type CheckoutStart =
  | { kind: 'redirect'; providerRef: string; redirectUrl: string }
  | { kind: 'embedded'; providerRef: string; clientSecret: string; publishableKey: string };

/** What a verified webhook means for our ledger, in whitelisted fields only. */
export type ProviderEvent =
  | {
      kind: 'payment_succeeded';
      checkoutId: string | null;
      paymentRef: string;
      orderRef: string | null;
      amount: number;
      currency: string;
      /** The payment saved its method for later off-session charges (refs only, never card data). */
      savedMethod?: { customerRef: string; paymentMethodRef: string } | null;
    }
  | { kind: 'checkout_closed'; checkoutId: string | null; orderRef: string; status: 'expired' | 'failed' }
  | { kind: 'order_approved'; checkoutId: string | null; orderRef: string }
  | { kind: 'refunded'; paymentRef: string; refundRef: string; amount: number; currency: string }
  | { kind: 'refund_failed'; paymentRef: string; refundRef: string; amount: number; currency: string }
  | { kind: 'dispute_opened'; paymentRef: string; disputeRef: string; amount: number; currency: string; reason: string }
  | {
      kind: 'dispute_closed';
      paymentRef: string;
      disputeRef: string;
      amount: number;
      currency: string;
      outcome: 'won' | 'lost';
    }
  | { kind: 'ignored' };

export interface VerifiedEvent {
  eventId: string;
  type: string;
  event: ProviderEvent;
}

export type WebhookVerification =
  | { ok: true; verified: VerifiedEvent; deliveryId: string }
  | { ok: false; reason: 'bad_signature' | 'stale' | 'malformed' };

/** A provider's view of one payment, for fees and reconciliation. */
export interface ProviderPayment {
  paymentRef: string;
  orderRef: string | null;
  checkoutId: string | null;
  status: 'succeeded' | 'pending' | 'failed';
  amount: number;
  amountRefunded: number;
  currency: string;
  fee: number | null;
  feeCurrency: string | null;
}

/**
 * A charge of a payment method the client saved and authorised for later charges (a card on
 * file, a SEPA Direct Debit mandate), made while the client is away ("off-session"): recurring
 * invoices (issue #15, item 5). Strong Customer Authentication may still ask for the client.
 */
export interface SavedMethodCharge {
  orgId: string;
  /** Our off-session checkout: its id travels in the metadata, so the provider's webhook books the payment like a paid checkout. */
  checkoutId: string;
  invoiceId: string;
  invoiceNumber: string;
  /** The provider's customer and the saved payment method (Stripe: cus_…, pm_…). */
  customerRef: string;
  paymentMethodRef: string;
  /** Minor units, always the amount due from our ledger. */
  amount: number;
  currency: string;
  /** The same key for every attempt at the same charge: the provider makes it at most once. */
  idempotencyKey: string;
}

/**
 * Expected outcomes are values (a decline is no error): 'succeeded' (money taken), 'processing'
 * (a SEPA debit: settles days later, confirmed by webhook), 'authentication_required' (the bank
 * wants the client: send the invoice with a pay link instead), 'declined' (card declined,
 * insufficient funds, expired: the provider's code, never card data).
 */
export type SavedMethodChargeResult =
  | { status: 'succeeded'; paymentRef: string; amount: number; currency: string }
  | { status: 'processing'; paymentRef: string }
  | { status: 'authentication_required'; paymentRef: string | null }
  | { status: 'declined'; paymentRef: string | null; code: string };

export interface PaymentProvider {
  readonly name: ProviderName;
  createCheckout(req: CheckoutRequest, opts: { embedded: boolean }): Promise<CheckoutStart>;
  /** Verifies signature and freshness against `now`; expected failures are values, never throws. */
  verifyWebhook(
    raw: Buffer,
    headers: Readonly<Record<string, string | undefined>>,
    now: Date,
  ): Promise<WebhookVerification>;
  /** Captures an approved order (PayPal); providers that capture on their own page return null. */
  captureOrder(orderRef: string, checkoutId: string): Promise<ProviderPayment | null>;
  fetchPayment(paymentRef: string): Promise<ProviderPayment | null>;
  refund(
    paymentRef: string,
    amount: number,
    currency: string,
    idempotencyKey: string,
  ): Promise<{ refundRef: string; status: 'succeeded' | 'pending' }>;
  acceptDispute(disputeRef: string): Promise<void>;
  /** Recent provider records for reconciliation: listed since `since`, or looked up by our known order refs. */
  recentPayments(since: Date, knownOrderRefs: string[]): Promise<ProviderPayment[]>;
  /** Charges a saved, authorised payment method off-session; ProviderError when the provider cannot. */
  chargeSavedMethod(req: SavedMethodCharge): Promise<SavedMethodChargeResult>;
  /**
   * What a saved method is, for the consent's label ("Visa •••• 4242", "SEPA DE •••• 3000"): a
   * brand and the last four digits only. null when it is not the customer's, or not a kind
   * Sealbill charges (card, SEPA Direct Debit).
   */
  describeSavedMethod(customerRef: string, paymentMethodRef: string): Promise<SavedMethodInfo | null>;
}

export interface SavedMethodInfo {
  kind: 'card' | 'sepa_debit';
  label: string;
}

/** Where the adapters send API calls (tests point them at loopback fakes). */
export interface ProviderEndpoints {
  stripeApiUrl: string | null;
  paypalApiUrl: string | null;
}

export interface ProviderAccount<S = unknown, O = unknown> {
  id: string;
  mode: 'test' | 'live';
  secrets: S;
  options: O;
}

/** One adapter = one of these: its settings schema (what an org enters) and how to build it. */
export interface ProviderDefinition<I extends z.ZodType = z.ZodType, S = unknown, O = unknown> {
  name: ProviderName;
  /** What the staff app submits (secrets included); validated, then split. */
  settingsInput: I;
  /** webhookReady: the webhook secret/id is set, so deliveries can be verified (required to enable). */
  split(input: z.infer<I>): { mode: 'test' | 'live'; secrets: S; options: O; hint: string; webhookReady: boolean };
  /** Options the payment page may show (never secrets). */
  publicOptions(options: O): { embedded: boolean; publishableKey: string | null };
  create(account: ProviderAccount<S, O>, endpoints: ProviderEndpoints): PaymentProvider;
}

/** Refuses anything but HTTPS, except loopback HTTP for local fakes. */
export function checkApiUrl(url: string): URL {
  const u = new URL(url);
  const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
    throw new Error(`payment API URL ${u.origin} must be https (http only on loopback)`);
  return u;
}

export class ProviderError extends Error {
  override name = 'ProviderError';
}
