import { z } from 'zod';
import { isoDate } from '../../platform/http/schemas.ts';
import { lineText } from '../../platform/http/text-guard.ts';
import { stepSchema } from './dunning.plan.ts';

const percent = z
  .string()
  .regex(/^-?\d{1,3}(\.\d{1,2})?$/, 'must be a percentage with at most two decimals, e.g. 2.15');

export const planInput = z
  .strictObject({
    name: lineText(100).min(1),
    steps: z.array(stepSchema).max(12),
    marginPercent: percent
      .default('8.00')
      .describe('points over the reference rate for statutory interest (8 for business-to-business)'),
    isDefault: z.boolean().default(false).describe("the organization's default plan for clients without their own"),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<number>();
    p.steps.forEach((s, i) => {
      if (seen.has(s.offsetDays))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'offsetDays'], message: 'two steps on the same day' });
      seen.add(s.offsetDays);
    });
  });
export type PlanInput = z.infer<typeof planInput>;

export const planSchema = z.object({
  id: z.string(),
  name: z.string(),
  steps: z.array(stepSchema),
  marginPercent: z.string(),
  isDefault: z.boolean(),
});
export type Plan = z.infer<typeof planSchema>;

export const referenceRatesInput = z.strictObject({
  items: z
    .array(
      z.strictObject({
        validFrom: isoDate,
        ratePercent: percent.describe('the reference rate in percent a year (ECB or national base rate), e.g. 2.15'),
      }),
    )
    .max(200)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((r, i) => {
        if (seen.has(r.validFrom))
          ctx.addIssue({ code: 'custom', path: [i, 'validFrom'], message: 'two rates from the same day' });
        seen.add(r.validFrom);
      });
    }),
});
export const referenceRatesSchema = z.object({
  items: z.array(z.object({ validFrom: z.string(), ratePercent: z.string() })),
});

export const clientDunningInput = z.strictObject({
  optedOut: z.boolean().describe('no reminders for this client'),
  planId: z.uuid().nullable().describe("the client's own plan; null: the organization's default"),
});
export const clientDunningSchema = z.object({ optedOut: z.boolean(), planId: z.string().nullable() });

export const holdInput = z.strictObject({
  state: z.enum(['active', 'paused', 'stopped']).describe('paused and stopped both send nothing until made active'),
});

export const sendReminderInput = z.strictObject({
  interest: z.boolean().default(false).describe('add statutory interest to date'),
  compensation: z.boolean().default(false).describe('add the EUR 40 recovery compensation (once per invoice)'),
});

export const REMINDER_STATUSES = [
  'queued',
  'sending',
  'sent',
  'saved_to_outbox',
  'failed',
  'skipped',
  'interrupted',
] as const;

export const reminderSchema = z.object({
  id: z.string(),
  step: z.string().describe('d<days> for a plan step (days after the due date), manual for one sent by staff'),
  offsetDays: z.number().nullable(),
  scheduledOn: z.string(),
  status: z.enum(REMINDER_STATUSES),
  outstanding: z.number().nullable(),
  interest: z.number().nullable(),
  compensation: z.number().nullable(),
  chargesDetail: z.record(z.string(), z.unknown()).nullable(),
  number: z.string().nullable().describe('the reminder document number (REM-…), when it added charges'),
  hasDocument: z.boolean().describe('GET …/reminders/:reminderId/pdf serves its signed PDF'),
  deliveryId: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Reminder = z.infer<typeof reminderSchema>;

export const invoiceDunningSchema = z.object({
  state: z.enum(['active', 'paused', 'stopped']),
  /** null: the client opted out. */
  plan: planSchema.nullable(),
  next: z.object({ step: z.string(), offsetDays: z.number(), on: z.string() }).nullable(),
  reminders: z.array(reminderSchema),
});
export type InvoiceDunning = z.infer<typeof invoiceDunningSchema>;
