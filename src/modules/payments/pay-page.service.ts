// What a payer sees and can do, for one invoice: the minimal view (org name, number, amount due,
// currency, due date, offered methods, bank transfer block, and the invoice's verification
// fingerprint with the public page that checks it) and starting a provider checkout. The
// same service serves the client portal (authenticated) and pay links (token). Amounts always come
// from our ledger; a payer never sends one.
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, conflict } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import { documentLanguage, type DocumentLanguage } from '../documents/document-language.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { payoutDetailsSchema } from '../orgs/org.schemas.ts';
import { fingerprintCheckUrl, type VerificationService } from '../verification/verification.service.ts';
import { epcQrPayload, formatCreditorReference, invoiceCreditorReference } from './bank-transfer.ts';
import { findCheckout, insertCheckout, updateCheckout } from './checkouts.repo.ts';
import type { PaymentSettingsService } from './payment-settings.service.ts';
import { PROVIDER_NAMES, ProviderError, type ProviderName } from './providers/provider.ts';
import { PROVIDERS } from './providers/registry.ts';
import { OPEN_INVOICE_STATUS_SET } from '../documents/documents.tables.ts';

const CHECKOUT_TTL_MS = 60 * 60_000;

export const bankTransferSchema = payoutDetailsSchema.extend({
  reference: z.string().describe('ISO 11649 RF creditor reference, grouped by four'),
  amount: z.number(),
  currency: z.string(),
  unchangedSince: z.string().nullable().describe('when the payout details last changed (protected change flow)'),
  qr: z.object({ payload: z.string().describe('EPC069-12 SEPA credit transfer'), svg: z.string() }).nullable(),
});

export const payPageSchema = z.object({
  orgName: z.string(),
  invoiceNumber: z.string(),
  currency: z.string(),
  amountDue: z.number(),
  dueDate: z.string().nullable(),
  status: z.enum(['open', 'paid', 'closed']),
  verification: z
    .object({
      fingerprint: z.string().describe('the verification fingerprint printed on the invoice PDF'),
      verifyUrl: z.string().describe('the public verification page, with the fingerprint filled in'),
    })
    .nullable()
    .describe(
      'so the payer can check the invoice is genuine before paying; null for documents issued without a signature',
    ),
  methods: z.object({
    providers: z.array(
      z.object({ name: z.enum(PROVIDER_NAMES), embedded: z.boolean(), publishableKey: z.string().nullable() }),
    ),
    bankTransfer: bankTransferSchema.nullable(),
  }),
});
/**
 * `language` and `formatLocale` are the invoice's (frozen at issue, issue #15 item 4): the
 * server-rendered pay page speaks them; they are not part of the JSON answers.
 */
export type PayPage = z.infer<typeof payPageSchema> & {
  payoutPrinted: boolean;
  /** The organization has a logo: the page shows it (from /api/v1/pay/:token/logo). */
  hasLogo?: boolean;
} & DocumentLanguage;

/** The portal's view adds whether the PDF carries bank details (a pay link's view stays minimal). */
export const portalPayPageSchema = payPageSchema.extend({
  payoutPrinted: z
    .boolean()
    .describe(
      'whether the invoice PDF itself carries bank details (frozen at issue); the portal never points to details that are not there',
    ),
});
export type PortalPayPage = z.infer<typeof portalPayPageSchema>;

export const checkoutInput = z.strictObject({
  provider: z.enum(PROVIDER_NAMES),
  embedded: z.boolean().default(false),
  saveMethod: z
    .boolean()
    .default(false)
    .describe(
      "save the payment method for the organization's future invoices (Stripe's hosted checkout only): the organization may then charge it without the payer present, until revoked",
    ),
});
export const checkoutResultSchema = z.object({
  checkoutId: z.string(),
  kind: z.enum(['redirect', 'embedded']),
  redirectUrl: z.string().nullable(),
  clientSecret: z.string().nullable().describe('Payment Element only'),
  publishableKey: z.string().nullable(),
});

export interface Channel {
  kind: 'portal' | 'pay_link';
  payLinkId: string | null;
  /** The portal contact paying (who authorises saving the method). */
  contactId?: string | null;
}

export interface PayPageDeps {
  db: Database;
  audit: AuditService;
  clock: Clock;
  documents: Pick<DocumentService, 'get' | 'languageOf'>;
  orgs: Pick<OrgService, 'get' | 'getPayout'>;
  settings: Pick<PaymentSettingsService, 'enabledMethodsInTx' | 'providerForInTx'>;
  verification: Pick<VerificationService, 'documentFingerprint'>;
  publicUrl: string;
}

export function createPayPageService({
  db,
  audit,
  clock,
  documents,
  orgs,
  settings,
  verification,
  publicUrl,
}: PayPageDeps) {
  async function bankTransfer(
    orgName: string,
    orgId: string,
    inv: { id: string; number: string | null; currency: string; amountDue: number },
  ) {
    const { payout, updatedAt } = await orgs.getPayout(orgId);
    if (!payout) return null;
    const rf = invoiceCreditorReference(inv.number, inv.id);
    const sepa = inv.currency === 'EUR' && payout.iban !== null;
    const payload = sepa
      ? epcQrPayload({
          name: payout.accountHolder || orgName,
          iban: payout.iban!,
          bic: payout.bic,
          amount: inv.amountDue,
          reference: rf,
        })
      : null;
    return {
      accountHolder: payout.accountHolder,
      bankName: payout.bankName,
      iban: payout.iban ? payout.iban.replace(/(.{4})/g, '$1 ').trim() : null,
      bic: payout.bic,
      accountNumber: payout.accountNumber,
      routingNumber: payout.routingNumber,
      reference: formatCreditorReference(rf),
      amount: inv.amountDue,
      currency: inv.currency,
      unchangedSince: updatedAt,
      qr: payload
        ? { payload, svg: await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }) }
        : null,
    };
  }

  /** Where to send the payer back after a provider return: the portal invoice or the pay-link completion page. */
  async function returnTarget(checkoutId: string, outcome: 'success' | 'cancelled'): Promise<string> {
    const c = await findCheckout(db, checkoutId);
    if (!c) return `${publicUrl}/pay/complete/unknown?payment=${outcome}`;
    const base =
      c.channel === 'portal' ? `${publicUrl}/portal/documents/${c.document_id}` : `${publicUrl}/pay/complete/${c.id}`;
    return `${base}?payment=${outcome}`;
  }

  async function view(orgId: string, invoiceId: string): Promise<PayPage> {
    const [inv, org, fingerprint] = await Promise.all([
      documents.get(orgId, 'invoice', invoiceId),
      orgs.get(orgId),
      verification.documentFingerprint(orgId, invoiceId),
    ]);
    if (inv.status === 'draft') throw new AppError('not_found', 'Invoice not found');
    // The invoice's own language; one issued before languages is English, like its PDF.
    const lang = (await documents.languageOf(orgId, 'invoice', invoiceId)) ?? documentLanguage(null, org.locale);
    const status =
      OPEN_INVOICE_STATUS_SET.has(inv.status) && inv.amountDue > 0 ? 'open' : inv.status === 'paid' ? 'paid' : 'closed';
    const enabled = await settings.enabledMethodsInTx(db, orgId);
    const open = status === 'open';
    return {
      orgName: org.name,
      hasLogo: org.logo !== null,
      invoiceNumber: inv.number ?? '',
      currency: inv.currency,
      amountDue: Math.max(0, inv.amountDue),
      dueDate: inv.dueDate,
      status,
      verification: fingerprint ? { fingerprint, verifyUrl: fingerprintCheckUrl(publicUrl, fingerprint) } : null,
      payoutPrinted: inv.payoutPrinted,
      ...lang,
      methods: {
        providers: open ? enabled.providers : [],
        bankTransfer:
          open && enabled.bankTransfer
            ? await bankTransfer(org.name, orgId, {
                id: inv.id,
                number: inv.number,
                currency: inv.currency,
                amountDue: inv.amountDue,
              })
            : null,
      },
    };
  }

  return {
    view,

    /** The EPC QR code as PNG (for <img>, printing, or a phone's banking app). */
    async qrPng(orgId: string, invoiceId: string): Promise<Buffer> {
      const page = await view(orgId, invoiceId);
      const payload = page.methods.bankTransfer?.qr?.payload;
      if (!payload) throw new AppError('not_found', 'No SEPA QR code for this invoice');
      return QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 320 });
    },

    /** Starts a checkout for the full amount due; returns where to send the payer. */
    async startCheckout(
      orgId: string,
      invoiceId: string,
      raw: z.input<typeof checkoutInput>,
      channel: Channel,
      actor: AuditActor,
    ): Promise<z.infer<typeof checkoutResultSchema>> {
      const input = checkoutInput.parse(raw);
      const [inv, org] = await Promise.all([documents.get(orgId, 'invoice', invoiceId), orgs.get(orgId)]);
      if (!OPEN_INVOICE_STATUS_SET.has(inv.status) || inv.amountDue <= 0)
        throw conflict('This invoice has nothing left to pay');
      const p = await settings.providerForInTx(db, orgId, input.provider, true);
      if (!p)
        throw new AppError('unprocessable', `${input.provider} is not offered for this invoice`, {
          fieldErrors: [{ path: '/body/provider', message: 'not enabled' }],
        });
      if (input.embedded && !PROVIDERS[input.provider].publicOptions(JSON.parse(p.account.options)).embedded) {
        throw new AppError('unprocessable', 'This organization does not offer the embedded payment form', {
          fieldErrors: [{ path: '/body/embedded', message: 'not enabled' }],
        });
      }
      // Saving a method for later charges: the provider's hosted page only (it shows the payer
      // the off-session terms and keeps the method on a customer), never PayPal.
      if (input.saveMethod && (input.provider !== 'stripe' || input.embedded))
        throw new AppError('unprocessable', "Saving the payment method needs Stripe's hosted checkout", {
          fieldErrors: [{ path: '/body/saveMethod', message: 'Stripe hosted checkout only' }],
        });
      const consentBy = !input.saveMethod
        ? null
        : channel.kind === 'portal'
          ? `portal_contact:${channel.contactId ?? ''}`
          : `pay_link:${channel.payLinkId ?? ''}`;
      const now = clock.now();
      const checkoutId = newId(now.getTime());
      await inTx(db, async (tx) => {
        await insertCheckout(tx, {
          id: checkoutId,
          org_id: orgId,
          document_id: invoiceId,
          account_id: p.account.id,
          provider: input.provider,
          provider_ref: null,
          amount: inv.amountDue,
          currency: inv.currency,
          channel: channel.kind,
          pay_link_id: channel.payLinkId,
          status: 'open',
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
          save_method: input.saveMethod ? 1 : 0,
          consent_by: consentBy,
          consent_id: null,
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payment.checkout_started',
          objectType: 'invoice',
          objectId: invoiceId,
          summary: {
            checkoutId,
            provider: input.provider,
            amount: inv.amountDue,
            currency: inv.currency,
            channel: channel.kind,
            ...(input.saveMethod ? { saveMethod: true } : {}),
          },
        });
      });
      // The pay-link token never goes to the provider: return pages are keyed by checkout id.
      const done =
        channel.kind === 'portal'
          ? `${publicUrl}/portal/documents/${invoiceId}`
          : `${publicUrl}/pay/complete/${checkoutId}`;
      const successUrl =
        input.provider === 'paypal' ? `${publicUrl}/api/v1/pay/return/paypal/${checkoutId}` : `${done}?payment=success`;
      try {
        const started = await p.provider.createCheckout(
          {
            checkoutId,
            orgId,
            invoiceId,
            invoiceNumber: inv.number ?? '',
            orgName: org.name,
            amount: inv.amountDue,
            currency: inv.currency,
            successUrl,
            cancelUrl: `${done}?payment=cancelled`,
            expiresAt: new Date(now.getTime() + CHECKOUT_TTL_MS),
            saveMethod: input.saveMethod,
          },
          { embedded: input.embedded },
        );
        await updateCheckout(db, orgId, checkoutId, {
          provider_ref: started.providerRef,
          updated_at: clock.now().toISOString(),
        });
        return started.kind === 'redirect'
          ? { checkoutId, kind: 'redirect', redirectUrl: started.redirectUrl, clientSecret: null, publishableKey: null }
          : {
              checkoutId,
              kind: 'embedded',
              redirectUrl: null,
              clientSecret: started.clientSecret,
              publishableKey: started.publishableKey,
            };
      } catch (err) {
        await updateCheckout(db, orgId, checkoutId, { status: 'failed', updated_at: clock.now().toISOString() });
        if (err instanceof ProviderError)
          throw new AppError(
            'upstream_failed',
            'The payment provider could not start the payment; try again or choose another method',
            { cause: err },
          );
        throw err;
      }
    },

    /**
     * PayPal sent the payer back after approval (`token` is PayPal's order id): capture now (the
     * APPROVED webhook does the same if the payer never comes back; PayPal-Request-Id makes the two
     * captures one). Booking happens from the signed PAYMENT.CAPTURE.COMPLETED webhook, never from
     * this unsigned redirect. Returns where to send the payer.
     */
    async paypalReturn(checkoutId: string, token: string | undefined): Promise<string> {
      const c = await findCheckout(db, checkoutId);
      let outcome: 'success' | 'cancelled' = 'cancelled';
      if (c && c.provider === 'paypal' && c.provider_ref && token === c.provider_ref) {
        const p = await settings.providerForInTx(db, c.org_id, 'paypal', false);
        const captured = p
          ? await p.provider
              .captureOrder(c.provider_ref, c.id)
              .catch((err: unknown) => (err instanceof ProviderError ? null : Promise.reject(err)))
          : null;
        if (captured && captured.status !== 'failed') outcome = 'success';
      }
      return returnTarget(checkoutId, outcome);
    },
  };
}

export type PayPageService = ReturnType<typeof createPayPageService>;
export type { ProviderName };
