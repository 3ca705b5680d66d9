// Schedule input and output. The template is validated like a draft on the way in (printed-text
// rules included); on the way out it is read as stored, so a template saved before a rule existed
// still lists (its runs then fail loudly until it is replaced).
import { z } from 'zod';
import { isoDate } from '../../platform/http/schemas.ts';
import { discountSchema, DOCUMENT_EINVOICE_KEYS, draftInput, draftPatch } from '../documents/document.schemas.ts';

// The per-document e-invoice fields (supply date, period, references, payment means; issue #12)
// are not part of a template yet: a recurring invoice states the client's default buyer reference.
const NO_EINVOICE_FIELDS = Object.fromEntries(DOCUMENT_EINVOICE_KEYS.map((k) => [k, true])) as Record<
  (typeof DOCUMENT_EINVOICE_KEYS)[number],
  true
>;
export const scheduleInput = draftInput
  .omit({ issueDate: true, dueDate: true, relatedDocumentId: true, ...NO_EINVOICE_FIELDS })
  .extend({
    frequency: z.enum(['weekly', 'monthly', 'quarterly', 'yearly']),
    intervalCount: z.number().int().min(1).max(24).default(1),
    startOn: isoDate,
    endOn: isoDate.nullable().default(null),
    autoIssue: z
      .boolean()
      .default(true)
      .describe('issue (number, sign, freeze) each invoice automatically; needs invoice:issue'),
    autoSend: z
      .boolean()
      .default(false)
      .describe(
        "send each issued invoice through the client's delivery mode (needs autoIssue and invoice:send); failures are retried and listed on the dashboard",
      ),
    autoCharge: z
      .boolean()
      .default(false)
      .describe(
        "charge each issued invoice to the client's saved, authorised payment method before sending it (needs autoSend and payment:record); without an active consent, or when the charge fails, the invoice is sent to pay",
      ),
    confirmBackdatedStart: z
      .boolean()
      .default(false)
      .describe('an owner or admin confirms a start more than one period before today'),
  })
  .strict();
export type ScheduleInput = z.input<typeof scheduleInput>;

export const template = scheduleInput.pick({
  clientId: true,
  currency: true,
  exchangeRate: true,
  lines: true,
  discount: true,
  notes: true,
  terms: true,
});

/** The invoice template part of a schedule input (the picked schema is strict, so the schedule fields are dropped first). */
export function templateOf(input: z.infer<typeof scheduleInput>): z.infer<typeof template> {
  const {
    frequency: _f,
    intervalCount: _i,
    startOn: _s,
    endOn: _e,
    autoIssue: _a,
    autoSend: _as,
    autoCharge: _ac,
    confirmBackdatedStart: _c,
    ...tpl
  } = input;
  return template.parse(tpl);
}

const FREQUENCIES = ['weekly', 'monthly', 'quarterly', 'yearly'] as const;

/**
 * A schedule's edit: its template (lines, discount, notes, terms, exchange rate) and its rhythm.
 * The client stays (its currency, delivery mode and history are the schedule's); every field is
 * optional and an absent field is left as it is (the patch shapes carry no defaults: draftPatch).
 */
export const schedulePatch = z.strictObject({
  lines: draftPatch.shape.lines,
  discount: draftPatch.shape.discount,
  notes: draftPatch.shape.notes,
  terms: draftPatch.shape.terms,
  exchangeRate: draftInput.shape.exchangeRate,
  frequency: z.enum(FREQUENCIES).optional(),
  intervalCount: z.number().int().min(1).max(24).optional(),
  nextRunOn: isoDate
    .optional()
    .describe('the next invoice date: today or later (the following runs keep its day of the month)'),
  endOn: isoDate.nullable().optional(),
  autoSend: z.boolean().optional().describe('needs invoice:send, and a schedule that issues automatically'),
  autoCharge: z
    .boolean()
    .optional()
    .describe("charge the client's saved payment method before sending; needs payment:record and autoSend"),
});
export type SchedulePatch = z.infer<typeof schedulePatch>;

/** A template as stored (plain types: see the header). */
export const storedTemplate = z.object({
  clientId: z.string(),
  currency: z.string().optional(),
  exchangeRate: z.string().optional(),
  lines: z.array(
    z.object({
      itemId: z.string().nullable(),
      description: z.string(),
      quantity: z.string(),
      unit: z.string(),
      unitPrice: z.number(),
      discount: discountSchema.nullable(),
      taxRateId: z.string().nullable(),
    }),
  ),
  discount: discountSchema.nullable(),
  notes: z.string().nullable(),
  terms: z.string().nullable(),
});

export const scheduleSchema = z.object({
  id: z.string(),
  clientId: z.string(),
  currency: z.string(),
  frequency: z.string(),
  intervalCount: z.number(),
  startOn: z
    .string()
    .describe("the first run, or the next run a later edit set (monthly and longer rhythms keep this date's day)"),
  nextRunOn: z.string(),
  endOn: z.string().nullable(),
  lastRunOn: z.string().nullable().describe('the period last invoiced (null before the first run)'),
  autoIssue: z.boolean(),
  autoSend: z.boolean().describe("each issued invoice is sent through the client's delivery mode"),
  senderUserId: z
    .string()
    .nullable()
    .describe('the member whose invoice:send permission automatic sending relies on; checked at every run'),
  autoCharge: z
    .boolean()
    .describe("each issued invoice is first charged to the client's saved, authorised payment method"),
  chargerUserId: z
    .string()
    .nullable()
    .describe('the member whose payment:record permission automatic charging relies on; checked at every run'),
  issuerUserId: z
    .string()
    .nullable()
    .describe('the member whose invoice:issue permission automatic issuing relies on; checked at every run'),
  autoIssueHeld: z
    .object({ reason: z.enum(['issuer_lacks_invoice_issue', 'no_issuer']), since: z.string() })
    .nullable()
    .describe('set when runs create drafts instead of issuing, until someone with invoice:issue confirms the schedule'),
  status: z.enum(['active', 'paused', 'ended']),
  template: storedTemplate,
  amount: z
    .object({ subtotal: z.number().int(), taxTotal: z.number().int(), total: z.number().int() })
    .nullable()
    .describe(
      "what the next invoice comes to (minor units of the schedule's currency) with today's tax rates; null when the template names a tax rate that no longer exists",
    ),
  createdAt: z.string(),
});
export type Schedule = z.infer<typeof scheduleSchema>;
