// The words of each delivery email. Notices carry only what the brief allows (number, amount,
// fingerprint): no client name or address, no lines, no attachment, no link. Encrypted modes put
// the details inside the encrypted part and keep the outer subject neutral. Plain mode attaches
// the document unencrypted and links to the public verification page.
// The subject and the opening come from a template (the organization's wording for the client's
// language, a sending's own, or the built-in one: built-in-templates.ts); the facts block and
// each mode's instructions after it are fixed, whatever a template says.
// Every fixed text is in the server's message catalogue (`mail.*`, src/shared/i18n/locales), in
// the language and format locale of the issued document (issue #15 item 4), so the email says
// what its PDF says, in the same words ("Fingerprint" is the PDF's own label).
import { plural, t, type MessageKey } from '../../shared/i18n/messages.ts';
import {
  renderTemplate,
  type MessageTemplate,
  type TemplateKind,
  type TemplateValues,
} from '../../shared/templates.ts';
import { dateFormatter, moneyFormatter } from '../documents/pdf/document-view.ts';
import { builtInTemplate } from './built-in-templates.ts';

type Kind = 'invoice' | 'quote' | 'credit_note';
const kindOf = (kind: string): Kind => (kind === 'quote' || kind === 'credit_note' ? kind : 'invoice');

/**
 * Fallback fingerprint for a document without a signature record (first 80 bits of the PDF's
 * SHA-256, grouped in hex). Signed documents use the fingerprint printed on their PDF instead
 * (verification module), so the email, the portal and the PDF all show one value.
 */
export function pdfHashFingerprint(sha256Hex: string): string {
  return sha256Hex
    .slice(0, 20)
    .toUpperCase()
    .replace(/(.{4})(?!$)/g, '$1 ');
}

/** Who can tell the fingerprint printed on a document (the verification service). */
export interface FingerprintSource {
  documentFingerprint(orgId: string, documentId: string): Promise<string | null>;
}

/** The one fingerprint shown for a document: the PDF's printed one, else the PDF-hash fallback. */
export async function fingerprintFor(
  source: FingerprintSource | null,
  orgId: string,
  documentId: string,
  pdfSha256: string,
): Promise<string> {
  return (await source?.documentFingerprint(orgId, documentId)) ?? pdfHashFingerprint(pdfSha256);
}

export interface MessageFacts {
  orgName: string;
  kind: string;
  number: string;
  total: number;
  currency: string;
  /** The catalogue language ("de"): the issued document's (its snapshot), else the client's. */
  language: string;
  /** The locale amounts and dates are written in ("de-AT"), like the document's PDF. */
  formatLocale: string;
  /** As printed on the PDF (see fingerprintFor). */
  fingerprint: string;
  /** Set when the message is a payment reminder (dunning module) rather than the first sending. */
  reminder?: ReminderFacts;
  /** The organization's or the sending's own wording; absent: the built-in one. */
  wording?: MessageTemplate;
  /** For {{client.name}}; empty in notices, which never name the client. */
  clientName?: string;
  issueDate?: string | null;
  dueDate?: string | null;
  portalUrl?: string;
}

/** Which template words a message. */
export const templateKindOf = (f: Pick<MessageFacts, 'kind' | 'reminder'>): TemplateKind =>
  f.reminder ? (f.reminder.daysPastDue < 0 ? 'reminder_before_due' : 'reminder') : (f.kind as TemplateKind);

/** The values of the placeholders, in the message's language and format locale. */
export function templateValues(f: MessageFacts): TemplateValues {
  const money = moneyFormatter(f.formatLocale, f.currency);
  const day = dateFormatter(f.formatLocale);
  const r = f.reminder;
  const dueDate = r?.dueDate ?? f.dueDate;
  return {
    'org.name': f.orgName,
    'client.name': f.clientName ?? '',
    'document.number': f.number,
    'document.kind': t(f.language, `mail.kind.${kindOf(f.kind)}`),
    'document.total': money(f.total),
    'document.issueDate': f.issueDate ? day(f.issueDate) : '',
    'document.dueDate': dueDate ? day(dueDate) : '',
    'portal.url': f.portalUrl ?? '',
    ...(r && {
      'reminder.outstanding': money(r.outstanding),
      'reminder.daysOverdue': String(Math.max(0, r.daysPastDue)),
      'reminder.totalDue': money(r.outstanding + (r.interest?.amount ?? 0) + (r.compensation ?? 0)),
    }),
  };
}

const wordingOf = (f: MessageFacts): MessageTemplate => f.wording ?? builtInTemplate(templateKindOf(f), f.language);

/** The message's opening paragraph, as sent. */
export const openingFor = (f: MessageFacts): string => renderTemplate(wordingOf(f).body, templateValues(f)).trim();

/** A payment reminder's facts, with any late-payment charges (computed by dunning.charges.ts). */
export interface ReminderFacts {
  dueDate: string;
  /** Days past the due date; negative before it (a friendly reminder). */
  daysPastDue: number;
  outstanding: number;
  interest: { amount: number; days: number; annualPercent: string } | null;
  /** The fixed recovery compensation (Directive 2011/7/EU, Article 6), in the invoice currency. */
  compensation: number | null;
  /** The signed reminder document that itemises the charges (dunning.document.ts). */
  document?: { number: string; sha256: string };
}

/** One line of the facts block ("  Amount: €123.45"; French puts a space before the colon). */
const fact = (f: MessageFacts, label: string, value: string): string =>
  `  ${t(f.language, 'mail.fact', { label, value })}`;

/** A rate such as "9.90" (a decimal string, exact, its decimals kept) in the locale's digits: "9,90" in German. */
function percentIn(locale: string, percent: string): string {
  const decimals = Math.min(percent.split('.')[1]?.length ?? 0, 20);
  const nf = intl(
    `pct|${locale}|${decimals}`,
    () => new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }),
  );
  return nf.format(percent as unknown as number);
}

const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
/** Intl formatters cached per locale and options (building one costs far more than formatting with it). */
function intl<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, build: () => T): T {
  let f = formats.get(key) as T | undefined;
  if (!f) {
    f = build(); // throws for an invalid locale: nothing cached
    if (formats.size >= 256) formats.clear();
    formats.set(key, f);
  }
  return f;
}

/** Date and time in UTC, as the locale writes them ("15 Dec 2026, 09:00"; "15.12.2026, 09:00"). */
export function expiryIn(locale: string, iso: string): string {
  const df = intl(
    `expiry|${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }),
  );
  return df.format(new Date(iso));
}

function reminderHeadline(f: MessageFacts, r: ReminderFacts): string[] {
  const lang = f.language;
  const money = moneyFormatter(f.formatLocale, f.currency);
  const charges = (r.interest?.amount ?? 0) + (r.compensation ?? 0);
  return [
    openingFor(f),
    '',
    fact(f, t(lang, 'mail.number.invoice'), f.number),
    fact(f, t(lang, 'mail.reminder.outstanding'), money(r.outstanding)),
    ...(r.interest && r.interest.amount > 0
      ? [
          fact(
            f,
            plural(lang, 'mail.reminder.interest', r.interest.days, {
              percent: percentIn(f.formatLocale, r.interest.annualPercent),
              days: r.interest.days,
            }),
            money(r.interest.amount),
          ),
        ]
      : []),
    ...(r.compensation ? [fact(f, t(lang, 'mail.reminder.compensation'), money(r.compensation))] : []),
    ...(charges > 0 ? [fact(f, t(lang, 'mail.reminder.totalDue'), money(r.outstanding + charges))] : []),
    ...(r.document ? [fact(f, t(lang, 'mail.reminder.document'), r.document.number)] : []),
    fact(f, t(lang, 'pdf.fingerprint'), f.fingerprint),
    '',
    t(lang, 'mail.reminder.paidMeanwhile'),
    '',
  ];
}

function headline(f: MessageFacts): string[] {
  if (f.reminder) return reminderHeadline(f, f.reminder);
  return [
    openingFor(f),
    '',
    fact(f, t(f.language, `mail.number.${kindOf(f.kind)}`), f.number),
    fact(f, t(f.language, 'mail.amount'), moneyFormatter(f.formatLocale, f.currency)(f.total)),
    fact(f, t(f.language, 'pdf.fingerprint'), f.fingerprint),
    '',
  ];
}

export const subjectFor = (f: MessageFacts): string =>
  renderTemplate(wordingOf(f).subject, templateValues(f), 'header');

/**
 * `portalAccess` false: the recipient is the client's billing address, which is no portal contact
 * (portal access is personal), so the text does not send them to a sign-in they cannot complete.
 */
export function noticeText(f: MessageFacts, portalAccess = true): string {
  const org = { org: f.orgName };
  return [
    ...headline(f),
    t(f.language, 'mail.notice.noDocument'),
    t(f.language, portalAccess ? 'mail.notice.portal' : 'mail.notice.billing', org),
    '',
    t(f.language, 'mail.neverPay'),
    '',
  ].join('\n');
}

export function portalLinkText(f: MessageFacts, url: string, expiresAt: string): string {
  return [
    ...headline(f),
    t(f.language, 'mail.portalLink.open'),
    '',
    url,
    '',
    t(f.language, 'mail.portalLink.expiry', { expiresAt: expiryIn(f.formatLocale, expiresAt) }),
    '',
  ].join('\n');
}

export function sealedLinkText(
  f: MessageFacts,
  url: string,
  expiresAt: string,
  maxDownloads: number | null,
  requireCode: boolean,
): string {
  const until = { expiresAt: expiryIn(f.formatLocale, expiresAt) };
  return [
    ...headline(f),
    t(f.language, 'mail.sealed.download'),
    '',
    url,
    '',
    maxDownloads
      ? plural(f.language, 'mail.sealed.expiryDownloads', maxDownloads, until)
      : t(f.language, 'mail.sealed.expiry', until),
    ...(requireCode ? [t(f.language, 'mail.sealed.code')] : []),
    '',
  ].join('\n');
}

export function encryptedBodyText(f: MessageFacts, how: 'OpenPGP' | 'S/MIME'): string {
  const key: MessageKey = `mail.encrypted.attached.${kindOf(f.kind)}`;
  return [...headline(f), t(f.language, key, { org: f.orgName, how }), ''].join('\n');
}

export const encryptedSubject = (f: MessageFacts): string =>
  t(f.language, 'mail.encrypted.subject', { org: f.orgName });

/**
 * Plain mode: the document travels attached, readable by anyone who can read the mailbox or the
 * mail on its way. The fingerprint and the public verification page (fingerprint in the fragment,
 * never sent to a server) let the recipient check the attachment against what the organization
 * signed; a forger who rewrites the email can rewrite this link too (docs/SECURITY.md).
 */
export function plainText(f: MessageFacts, verifyUrl: string, attachments: string[]): string {
  return [
    ...headline(f),
    t(f.language, `mail.plain.attached.${kindOf(f.kind)}`, { files: attachments.join(', ') }),
    '',
    t(f.language, 'mail.plain.verify', { org: f.orgName }),
    '',
    verifyUrl,
    '',
    t(f.language, 'mail.neverPay'),
    '',
  ].join('\n');
}
