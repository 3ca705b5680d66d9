// Text hygiene for every request body and query string, before schema validation. Control
// characters (C0 except tab, line feed and carriage return; DEL; C1) and lone UTF-16 surrogates
// are refused with 400: PostgreSQL cannot store NUL in text columns (a 500 otherwise), terminals
// and log viewers interpret them, and PDFs and CSV exports would carry them on. Right-to-left
// scripts, emoji and combining marks are ordinary text and pass untouched.
import { z } from 'zod';
import type { FieldError } from '../errors.ts';

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const MAX_ERRORS = 20;
/** No API body nests this deep; refusing deeper ones also keeps this walk's recursion bounded. */
const MAX_DEPTH = 64;

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function problemOf(s: string): string | null {
  if (CONTROL.test(s)) return 'must not contain control characters';
  if (!s.isWellFormed()) return 'must be well-formed Unicode (no lone surrogates)';
  return null;
}

/** Parsed JSON and query strings only: never streams, buffers or a multipart body's file parts. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Field errors for every string (value or object key) in a parsed JSON value or query object. */
export function findUnsafeText(value: unknown, path: string, out: FieldError[] = [], depth = 0): FieldError[] {
  if (out.length >= MAX_ERRORS) return out;
  if (depth > MAX_DEPTH && (Array.isArray(value) || isPlainObject(value))) {
    out.push({ path, message: `is nested more than ${MAX_DEPTH} levels deep` });
    return out;
  }
  if (typeof value === 'string') {
    const p = problemOf(value);
    if (p) out.push({ path, message: p });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length && out.length < MAX_ERRORS; i++)
      findUnsafeText(value[i], `${path}/${i}`, out, depth + 1);
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = problemOf(k);
      if (p) out.push({ path: `${path}/${escapePointer(k)}`, message: `key ${p}` });
      findUnsafeText(v, `${path}/${escapePointer(k)}`, out, depth + 1);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Field classes. The walk above applies to every string; a schema field is further declared as
// one of these, so the rule lives here once rather than as a regex in each schema:
// - lineText: a single line (names, address lines, phone, units). CR, LF and the Unicode line
//   separators are refused: such values end up in mail headers (the organization's name is the
//   sender's display name), PDF cells and CSV cells, where a line break splits or injects.
// - printed (lineText or multilineText with { printed: true }): text that prints on signed
//   documents (organization profile, notes, terms, line descriptions, item texts, client party).
//   A signed document that says "our bank account changed, pay to IBAN …" would verify as
//   authentic, so IBAN-like and account-number-like strings are refused there: payment details
//   print only from the protected payout details (step-up, announcement, cooling-off).

const LINE_BREAK = /[\r\n\u2028\u2029\u0085\u000b\u000c]/;

/** IBAN length per country (ISO 13616 registry), so only a full-length, checksum-valid IBAN matches. */
const IBAN_LENGTH: Record<string, number> = Object.fromEntries(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 ' +
    'GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 ' +
    'MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 ' +
    'TR26 UA29 VA22 VG24 XK20 YE30'
  )
    .split(' ')
    .map((e) => [e.slice(0, 2), Number(e.slice(2))]),
);

function ibanChecksumOk(iban: string): boolean {
  let rem = 0;
  for (const ch of iban.slice(4) + iban.slice(0, 4)) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

/** An IBAN written anywhere in the text (spaces, dashes or dots between characters allowed). */
function findIban(text: string): string | null {
  const up = text.toUpperCase();
  for (const m of up.matchAll(/(?<![A-Z0-9])([A-Z]{2})\d{2}/g)) {
    const len = IBAN_LENGTH[m[1]!];
    if (!len) continue;
    let compact = '';
    for (let i = m.index; i < up.length && compact.length < len; i++) {
      const ch = up[i]!;
      if (/[A-Z0-9]/.test(ch)) compact += ch;
      else if (!/[ .\-\u00a0]/.test(ch) || !/[A-Z0-9]/.test(up[i + 1] ?? '')) break;
    }
    if (compact.length === len && ibanChecksumOk(compact)) return `an IBAN (…${compact.slice(-4)})`;
  }
  return null;
}

/** Words that introduce bank details, in the languages of our users. */
const BANK_WORD =
  /\b(iban|bic|swift|account|acct|a\/c|konto\w*|kto|blz|bankleitzahl|routing|aba|sort[ -]?code|rekening\w*|compte|rib|cuenta|conto|bank)\b/giu;

/** An account number, routing number, sort code or BIC introduced by such a word. */
function findAccountNumber(text: string): string | null {
  for (const m of text.matchAll(BANK_WORD)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 48).split(/[\r\n]/)[0]!;
    // 6+ digits, possibly grouped by single spaces; phone numbers (+49 30 …) are not account numbers.
    const withoutPhones = after.replace(/\+\d[\d \u00a0()/.-]{5,}/g, ' ');
    if (/(?<!\d)\d(?:[ \u00a0]?\d){5,}/.test(withoutPhones)) return `an account number after "${m[0]}"`;
    if (/\d{2}-\d{2}-\d{2}/.test(after) && /sort/i.test(m[0])) return 'a sort code';
    if (/^(bic|swift)$/i.test(m[0]) && /\b[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b/.test(after)) return 'a BIC';
  }
  return null;
}

/** What in `text` looks like bank account details, or null. */
export function findPaymentDetails(text: string): string | null {
  return findIban(text) ?? findAccountNumber(text);
}

export const PAYMENT_DETAILS_MESSAGE =
  'must not contain bank account details: payment details print on documents only from the protected payout details ' +
  '(Settings → Bank details, PUT /api/v1/org/payout: re-authentication, announced to owners and admins, cooling-off)';

const printedCheck = (s: string, ctx: z.RefinementCtx) => {
  const found = findPaymentDetails(s);
  if (found) ctx.addIssue({ code: 'custom', message: `contains ${found}; ${PAYMENT_DETAILS_MESSAGE}` });
};

/** A single-line text field (trimmed); `printed` adds the payment-details rule. */
export function lineText(max: number, opts: { printed?: boolean } = {}) {
  const base = z
    .string()
    .trim()
    .max(max)
    .refine((s) => !LINE_BREAK.test(s), 'must be a single line (no line breaks)');
  return opts.printed ? base.superRefine(printedCheck) : base;
}

/** A multi-line text field (trimmed); `printed` adds the payment-details rule. */
export function multilineText(max: number, opts: { printed?: boolean } = {}) {
  const base = z.string().trim().max(max);
  return opts.printed ? base.superRefine(printedCheck) : base;
}
