import { z } from 'zod';
import { DELIVERY_MODES } from '../clients/client.schemas.ts';
import { EVENT_TYPES } from './evidence.chain.ts';
import { lineText, multilineText } from '../../platform/http/text-guard.ts';
import { TEMPLATE_KINDS } from '../../shared/templates.ts';

export { DELIVERY_MODES };
export type { DeliveryMode } from '../clients/client.schemas.ts';

/** Modes as recorded on a delivery: the sending modes, plus 'portal' for documents fetched in the portal without a sending. */
export const RECORDED_MODES = [...DELIVERY_MODES, 'portal'] as const;
/** 'saved_to_outbox': no SMTP relay is configured, the message is a file on this server and reached nobody. */
export const DELIVERY_STATUSES = [
  'submitted',
  'relayed',
  'saved_to_outbox',
  'failed',
  'bounced',
  'accessed',
  'acknowledged',
  'revoked',
] as const;

export const sendInput = z.strictObject({
  mode: z.enum(DELIVERY_MODES).optional().describe("overrides the client's delivery mode"),
  to: z.uuid().optional().describe('contact id (default: the primary contact, else the first contact with an email)'),
  includeBillingEmail: z
    .boolean()
    .default(true)
    .describe(
      "also deliver to the client's billing email (its own delivery and evidence; a notice instead of a personal portal link when that address is no contact)",
    ),
  sealedLink: z
    .strictObject({
      expiresInHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 90)
        .default(24 * 14),
      maxDownloads: z.number().int().min(1).max(1000).nullable().default(null),
      requireCode: z.boolean().default(false),
    })
    .optional(),
  message: z
    .strictObject({
      subject: lineText(200, { printed: true }).min(1),
      body: multilineText(5000, { printed: true }).min(1),
    })
    .optional()
    .describe(
      "this sending's own subject and opening (placeholders allowed); default: the template for the client's language",
    ),
});
export type SendInput = z.infer<typeof sendInput>;

export const sealedLinkInput = z.strictObject({
  contactId: z.uuid().nullable().default(null).describe('contact who may receive the one-time code'),
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 14),
  maxDownloads: z.number().int().min(1).max(1000).nullable().default(null),
  requireCode: z.boolean().default(false),
});
export type SealedLinkInput = z.infer<typeof sealedLinkInput>;

export const sealedLinkCreated = z.object({
  id: z.string(),
  deliveryId: z.string(),
  url: z.string().describe('shown once: the key is only in the fragment and is not stored'),
  expiresAt: z.string(),
  maxDownloads: z.number().nullable(),
  requireCode: z.boolean(),
});

export const evidenceEventSchema = z.object({
  seq: z.number(),
  type: z.enum(EVENT_TYPES),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
  hash: z.string(),
  timestamped: z.boolean(),
});

export const deliverySchema = z.object({
  id: z.string(),
  documentId: z.string(),
  documentKind: z.string(),
  clientId: z.string(),
  contactId: z.string().nullable(),
  mode: z.enum(RECORDED_MODES),
  status: z.enum(DELIVERY_STATUSES),
  recipient: z.string().nullable(),
  documentSha256: z.string(),
  messageId: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  events: z.array(evidenceEventSchema),
});
export type Delivery = z.infer<typeof deliverySchema>;

/** A sending: the first recipient's delivery, and the deliveries to the other recipients (the billing email). */
export const sendResultSchema = deliverySchema.extend({
  alsoDelivered: z
    .array(deliverySchema)
    .describe(
      "the same document delivered to the client's other recipients (its billing email), each with its own evidence",
    ),
});
export type SendResult = z.infer<typeof sendResultSchema>;

/** What a client sees of a delivery in the portal: no staff identities, no IPs, no relay internals. */
export const portalDeliverySchema = z.object({
  id: z.string(),
  mode: z.enum(RECORDED_MODES),
  status: z.enum(DELIVERY_STATUSES),
  createdAt: z.string(),
  events: z.array(z.object({ type: z.enum(EVENT_TYPES), at: z.string(), hash: z.string() })),
});
export type PortalDelivery = z.infer<typeof portalDeliverySchema>;

const pem = z.string().max(20_000);
export const clientKeysInput = z.strictObject({
  openpgpPublicKey: pem.nullable().optional().describe('ASCII-armored public key; null removes it'),
  smimeCertificatePem: pem.nullable().optional().describe('PEM certificate; null removes it'),
});
export type ClientKeysInput = z.infer<typeof clientKeysInput>;

export const clientKeysSchema = z.object({
  openpgp: z
    .object({
      fingerprint: z.string().nullable(),
      userIds: z.array(z.string()),
      expiresAt: z.string().nullable(),
      usable: z.boolean(),
      source: z.enum(['imported', 'wkd']),
    })
    .nullable(),
  smime: z
    .object({
      fingerprintSha256: z.string().nullable(),
      subject: z.string().nullable(),
      emails: z.array(z.string()),
      notAfter: z.string().nullable(),
      usable: z.boolean(),
    })
    .nullable(),
  updatedAt: z.string().nullable(),
});
export type ClientKeys = z.infer<typeof clientKeysSchema>;

export const bounceInput = z.strictObject({
  diagnostic: z.string().trim().min(1).max(1000).describe('the bounce (DSN) diagnostic, e.g. "550 5.1.1 user unknown"'),
});

// Email templates (issue #15, item 3). Templates are checked by the payment-details rule like any
// printed text: wording staff can edit must not become a way around the protected payout details.
export const templateLanguage = z
  .string()
  .regex(/^[a-z]{2,3}$/, 'must be a language code such as en, de or fr')
  .describe('ISO 639-1 language code: the language of the clients this wording is for');
export const messageTemplateInput = z.strictObject({
  subject: lineText(200, { printed: true }).min(1),
  body: multilineText(5000, { printed: true }).min(1),
});
export const templateParams = z.strictObject({ kind: z.enum(TEMPLATE_KINDS), language: templateLanguage });
export const messageTemplateSchema = z.object({
  kind: z.enum(TEMPLATE_KINDS),
  language: z.string(),
  subject: z.string(),
  body: z.string(),
  updatedAt: z.string(),
});
export const templatesSchema = z.object({
  items: z.array(messageTemplateSchema),
  kinds: z.array(
    z.object({
      kind: z.enum(TEMPLATE_KINDS),
      placeholders: z.array(z.string()),
      /** The built-in wording per shipped language ("en", "de", "fr", …). */
      builtIn: z.record(z.string(), z.object({ subject: z.string(), body: z.string() })),
    }),
  ),
});

export const sendPreviewSchema = z.object({
  recipients: z.array(z.object({ email: z.string(), mode: z.enum(DELIVERY_MODES), billing: z.boolean() })),
  subject: z.string(),
  /** The message's opening, as it will be sent (placeholders filled in) — what the send dialog lets staff edit. */
  opening: z.string(),
  /** The whole text of the first recipient's message (links are made when sending). */
  text: z.string(),
  wording: z.enum(['built-in', 'organization', 'this sending']),
});
