// The words of each delivery email. Notices carry only what the brief allows (number, amount,
// fingerprint): no client name or address, no lines, no attachment, no link. Encrypted modes put
// the details inside the encrypted part and keep the outer subject neutral. Plain mode attaches
// the document unencrypted and links to the public verification page.
// The subject and the opening come from a template (the organization's wording for the client's
// language, a sending's own, or the built-in one: src/shared/templates.ts); the facts block and
// each mode's instructions after it are fixed, whatever a template says.
import {
  DEFAULT_TEMPLATES,
  renderTemplate,
  type MessageTemplate,
  type TemplateKind,
  type TemplateValues,
} from '../../shared/templates.ts';
import { dateFormatter, moneyFormatter } from '../documents/pdf/document-view.ts';

export const KIND_WORD: Record<string, string> = { invoice: 'invoice', quote: 'quote', credit_note: 'credit note' };

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
  locale: string;
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

/** The values of the placeholders, formatted in the organization's locale. */
export function templateValues(f: MessageFacts): TemplateValues {
  const money = moneyFormatter(f.locale, f.currency);
  const day = dateFormatter(f.locale);
  const r = f.reminder;
  const dueDate = r?.dueDate ?? f.dueDate;
  return {
    'org.name': f.orgName,
    'client.name': f.clientName ?? '',
    'document.number': f.number,
    'document.kind': KIND_WORD[f.kind] ?? 'document',
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

const wordingOf = (f: MessageFacts): MessageTemplate => f.wording ?? DEFAULT_TEMPLATES[templateKindOf(f)];

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

function reminderHeadline(f: MessageFacts, r: ReminderFacts): string[] {
  const money = moneyFormatter(f.locale, f.currency);
  const charges = (r.interest?.amount ?? 0) + (r.compensation ?? 0);
  return [
    openingFor(f),
    '',
    `  Invoice number: ${f.number}`,
    `  Amount outstanding: ${money(r.outstanding)}`,
    ...(r.interest && r.interest.amount > 0
      ? [
          `  Statutory interest (Directive 2011/7/EU, ${r.interest.annualPercent} % a year for ${r.interest.days} days): ${money(r.interest.amount)}`,
        ]
      : []),
    ...(r.compensation ? [`  Compensation for recovery costs (Directive 2011/7/EU): ${money(r.compensation)}`] : []),
    ...(charges > 0 ? [`  Total now due: ${money(r.outstanding + charges)}`] : []),
    ...(r.document ? [`  Reminder document: ${r.document.number}`] : []),
    `  Fingerprint: ${f.fingerprint}`,
    '',
    'If you have paid in the meantime, thank you, and please disregard this reminder.',
    '',
  ];
}

function headline(f: MessageFacts): string[] {
  if (f.reminder) return reminderHeadline(f, f.reminder);
  const word = KIND_WORD[f.kind] ?? 'document';
  const amount = moneyFormatter(f.locale, f.currency)(f.total);
  return [
    openingFor(f),
    '',
    `  ${word[0]!.toUpperCase()}${word.slice(1)} number: ${f.number}`,
    `  Amount: ${amount}`,
    `  Fingerprint: ${f.fingerprint}`,
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
  return [
    ...headline(f),
    'This email deliberately contains no document and no link.',
    ...(portalAccess
      ? [
          `To view and download it, open the ${f.orgName} client portal from the address you have bookmarked`,
          '(or type it in yourself), sign in, and check that the portal shows the same number, amount and fingerprint.',
        ]
      : [
          `This address is the billing address ${f.orgName} has on file for you. Your contacts with access to the`,
          `${f.orgName} client portal can view and download it there; check that it shows the same number, amount and fingerprint.`,
        ]),
    '',
    'Never pay to bank details you received by email alone.',
    '',
  ].join('\n');
}

export function portalLinkText(f: MessageFacts, url: string, expiresAt: string): string {
  return [
    ...headline(f),
    'Open it in the client portal with your personal link:',
    '',
    url,
    '',
    `The link works once and until ${expiresAt.slice(0, 16).replace('T', ' ')} UTC. Afterwards, sign in to the portal`,
    'from your bookmark. Check that the portal shows the same fingerprint.',
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
  return [
    ...headline(f),
    'Download it with this end-to-end encrypted link (the key is in the part after #, which never reaches our server):',
    '',
    url,
    '',
    `The link works until ${expiresAt.slice(0, 16).replace('T', ' ')} UTC${maxDownloads ? ` and for ${maxDownloads} download(s)` : ''}.`,
    ...(requireCode ? ['Opening it asks for a one-time code, which will be sent to this address.'] : []),
    '',
  ].join('\n');
}

export function encryptedBodyText(f: MessageFacts, how: 'OpenPGP' | 'S/MIME'): string {
  return [
    ...headline(f),
    `The ${KIND_WORD[f.kind] ?? 'document'} is attached as a PDF. This message is signed by ${f.orgName} and encrypted to you with ${how}.`,
    '',
  ].join('\n');
}

export const encryptedSubject = (f: MessageFacts): string => `Encrypted message from ${f.orgName}`;

/**
 * Plain mode: the document travels attached, readable by anyone who can read the mailbox or the
 * mail on its way. The fingerprint and the public verification page (fingerprint in the fragment,
 * never sent to a server) let the recipient check the attachment against what the organization
 * signed; a forger who rewrites the email can rewrite this link too (docs/SECURITY.md).
 */
export function plainText(f: MessageFacts, verifyUrl: string, attachments: string[]): string {
  const word = KIND_WORD[f.kind] ?? 'document';
  return [
    ...headline(f),
    `The ${word} is attached (${attachments.join(', ')}). This email is not encrypted.`,
    '',
    `To check that it is genuine and unaltered, upload the attached PDF on the ${f.orgName} verification page,`,
    'or type in the number, amount and bank account printed on it:',
    '',
    verifyUrl,
    '',
    'Never pay to bank details you received by email alone.',
    '',
  ].join('\n');
}
