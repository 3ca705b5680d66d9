// The placeholder language of email templates (issue #15, item 3): `{{name.path}}` and nothing
// else — no expressions, loops, filters or helpers, so a template can never run code. Rendering
// is a lookup in a flat map of strings; a name the message kind does not offer is an error when
// the template is saved, and renders as nothing should an old template use one. Values are made
// safe for where they land: no CR/LF in a header (the subject), and HTML-escaped when the caller
// renders HTML (the staff app's preview is React, which escapes by itself).
const PLACEHOLDER = /\{\{\s*([a-zA-Z]+(?:\.[a-zA-Z]+)*)\s*\}\}/g;

/**
 * Message kinds staff can word. Security mails (factor and payout changes) keep fixed wording; the
 * portal sign-in code mail (`portal_code`) lets staff word only its subject and opening: the code,
 * the sign-in link and the warning follow in fixed wording, whatever the template says.
 */
export const TEMPLATE_KINDS = [
  'invoice',
  'quote',
  'credit_note',
  'reminder',
  'reminder_before_due',
  'receipt',
  'portal_code',
] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

const DOCUMENT = [
  'org.name',
  'client.name',
  'document.number',
  'document.kind',
  'document.total',
  'document.issueDate',
  'document.dueDate',
  'portal.url',
];
const REMINDER = [...DOCUMENT, 'reminder.outstanding', 'reminder.daysOverdue', 'reminder.totalDue'];
// A receipt answers a payment on an invoice: the invoice's facts and the payment's.
const RECEIPT = [
  'org.name',
  'client.name',
  'document.number',
  'document.total',
  'document.dueDate',
  'payment.amount',
  'payment.date',
  'payment.method',
  'portal.url',
];
// No placeholder for the code or the link: they are never in staff's wording.
const PORTAL_CODE = ['org.name', 'client.name', 'contact.name', 'portal.url'];

/** The placeholders each kind offers. */
export const PLACEHOLDERS: Record<TemplateKind, readonly string[]> = {
  invoice: DOCUMENT,
  quote: DOCUMENT,
  credit_note: DOCUMENT,
  reminder: REMINDER,
  reminder_before_due: REMINDER,
  receipt: RECEIPT,
  portal_code: PORTAL_CODE,
};

export type TemplateValues = Partial<Record<string, string>>;

/** Names used in `text` that `kind` does not offer (empty: the template is valid). */
export function unknownPlaceholders(kind: TemplateKind, text: string): string[] {
  const allowed = new Set(PLACEHOLDERS[kind]);
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((n) => !allowed.has(n)))];
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Replaces each placeholder by its value; `as: 'header'` keeps the result on one line. */
export function renderTemplate(text: string, values: TemplateValues, as: 'text' | 'header' | 'html' = 'text'): string {
  const out = text.replace(PLACEHOLDER, (_, name: string) => {
    // Own keys only: `{{constructor}}` must not reach Object.prototype.
    const v = (Object.hasOwn(values, name) ? values[name] : undefined) ?? '';
    if (as === 'html') return escapeHtml(v);
    return as === 'header' ? v.replace(/[\r\n\t\u2028\u2029]+/g, ' ') : v;
  });
  return as === 'header' ? out.replace(/[\r\n]+/g, ' ').trim() : out;
}

/**
 * A message's subject and opening. The built-in wording of each kind is in the server's message
 * catalogue per language (`template.<kind>.subject|body`, see modules/delivery/built-in-templates.ts);
 * it is not here because this file is shared with the staff app, which has no catalogue files.
 */
export interface MessageTemplate {
  subject: string;
  body: string;
}
