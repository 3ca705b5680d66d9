// Which reminder step is due for an invoice. A plan is a list of steps, each a number of days
// relative to the due date (negative: a friendly reminder before it). At most one step goes out
// per run per invoice, and only one later than every step already sent: after downtime (or a
// pause) the invoice gets the latest step that has come due, not a burst of all the missed ones.
// Steps are keyed by their offset, so a step is sent once per invoice (a unique key in the database).
import { z } from 'zod';

export const stepSchema = z.strictObject({
  offsetDays: z
    .number()
    .int()
    .min(-60)
    .max(365)
    .describe('days after the due date (negative: before it, a friendly reminder)'),
  interest: z.boolean().default(false).describe('add statutory interest (Directive 2011/7/EU) to this reminder'),
  compensation: z
    .boolean()
    .default(false)
    .describe('add the fixed EUR 40 recovery compensation (once per invoice; EUR invoices only)'),
});
export type Step = z.infer<typeof stepSchema>;

/** Defaults that work: friendly 3 days before due, reminders at 7, 14 and 30 days overdue, no charges. */
export const DEFAULT_STEPS: Step[] = [
  { offsetDays: -3, interest: false, compensation: false },
  { offsetDays: 7, interest: false, compensation: false },
  { offsetDays: 14, interest: false, compensation: false },
  { offsetDays: 30, interest: false, compensation: false },
];
/** Percentage points over the reference rate for business-to-business transactions (Article 2(6)). */
export const DEFAULT_MARGIN_PERCENT = '8.00';

export const stepKey = (s: Pick<Step, 'offsetDays'>): string => `d${s.offsetDays}`;

/**
 * The step to send now for an invoice `daysPastDue` days past its due date (negative: before it),
 * given the largest offset already sent by the schedule (null: none), or null.
 */
export function dueStep(steps: Step[], daysPastDue: number, lastSentOffset: number | null): Step | null {
  let due: Step | null = null;
  for (const s of steps) {
    if (s.offsetDays > daysPastDue) continue;
    if (lastSentOffset !== null && s.offsetDays <= lastSentOffset) continue;
    if (!due || s.offsetDays > due.offsetDays) due = s;
  }
  return due;
}

/** The next step the schedule will send (for display), or null when none is left. */
export function nextStep(steps: Step[], daysPastDue: number, lastSentOffset: number | null): Step | null {
  const pending = steps
    .filter((s) => lastSentOffset === null || s.offsetDays > lastSentOffset)
    .sort((a, b) => a.offsetDays - b.offsetDays);
  return dueStep(steps, daysPastDue, lastSentOffset) ?? pending.find((s) => s.offsetDays > daysPastDue) ?? null;
}
