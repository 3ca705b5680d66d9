// The statement of account on the wire (issue #15, item 7): the query (period and currency) and the
// answer, shared by the staff and portal routes, the OpenAPI document and the web app.
import { z } from 'zod';
import { isoDate } from '../../platform/http/schemas.ts';
import { currencyCode } from '../orgs/org.schemas.ts';

const minor = z.number().int().describe('minor units (cents)');

/** Without `from`/`to`: the calendar year so far. Without `currency`: the client's currency. */
export const statementQuery = z
  .strictObject({
    from: isoDate.optional(),
    to: isoDate.optional(),
    currency: currencyCode.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' });
export type StatementQuery = z.infer<typeof statementQuery>;

export const statementLineSchema = z.object({
  date: isoDate,
  kind: z.enum(['invoice', 'credit_note', 'payment', 'refund']),
  documentId: z.uuid().describe('the invoice or credit note; for a payment or refund, the invoice it was for'),
  number: z.string().nullable().describe('the document number (for a payment or refund, its invoice’s)'),
  paymentId: z.uuid().nullable(),
  method: z.string().nullable().describe('payments and refunds: how the money moved'),
  dueDate: isoDate.nullable().describe('invoices: the due date'),
  amount: minor.describe('effect on the balance: invoices and refunds positive, credit notes and payments negative'),
  balance: minor.describe('the running balance after this line'),
});
export type StatementLine = z.infer<typeof statementLineSchema>;

export const overdueInvoiceSchema = z.object({
  documentId: z.uuid(),
  number: z.string().nullable(),
  issueDate: isoDate,
  dueDate: isoDate,
  total: minor,
  outstanding: minor.describe('what was still due at the end of the period'),
  daysOverdue: z.number().int(),
});
export type OverdueInvoice = z.infer<typeof overdueInvoiceSchema>;

export const statementSchema = z.object({
  clientId: z.uuid(),
  clientName: z.string(),
  organization: z.string(),
  currency: z.string(),
  currencies: z.array(z.string()).describe('every currency the client has issued documents in (one statement each)'),
  from: isoDate,
  to: isoDate,
  today: isoDate,
  openingBalance: minor.describe('owed by the client at the start of `from` (negative: in credit)'),
  lines: z.array(statementLineSchema),
  totals: z.object({ invoiced: minor, credited: minor, paid: minor, refunded: minor }),
  closingBalance: minor.describe('owed by the client at the end of `to` (negative: in credit)'),
  overdue: z.object({
    asOf: isoDate,
    total: minor,
    invoices: z.array(overdueInvoiceSchema),
  }),
});
export type Statement = z.infer<typeof statementSchema>;
