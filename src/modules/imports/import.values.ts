// Cell text → typed values for the import (pure). Spreadsheets write numbers in their locale:
// "1.234,50" (de, fr with ';' files) or "1,234.50" (en). When a cell has both separators the
// last one is the decimal mark; with one kind only, ',' is the decimal mark in ';'-separated
// files (the decimal comma is why those spreadsheets use ';') and a thousands separator otherwise.
import { parseAmount } from '../../shared/money/money.ts';
import { COUNTRY_CODES } from '../einvoice/einvoice.codelists.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (message: string): Parsed<never> => ({ ok: false, message });

/** A locale-written decimal as "1234.5" (no sign rules beyond a leading '-'), or null. */
export function normaliseDecimal(text: string, decimalComma: boolean): string | null {
  const t = text
    .replace(/[\s\u00a0\u202f']/g, '')
    .replace(/^([+-]?)[^\d,.-]+/, '$1')
    .replace(/[^\d,.]+$/, '');
  if (!/^[+-]?[\d.,]+$/.test(t)) return null;
  const lastComma = t.lastIndexOf(',');
  const lastDot = t.lastIndexOf('.');
  let decimal: ',' | '.' | null;
  if (lastComma >= 0 && lastDot >= 0) decimal = lastComma > lastDot ? ',' : '.';
  else if (lastComma >= 0) decimal = decimalComma ? ',' : null;
  else decimal = lastDot >= 0 ? (decimalComma && /\.\d{3}$/.test(t) && t.split('.').length > 1 ? null : '.') : null;
  const thousands = decimal === '.' ? ',' : decimal === ',' ? '.' : decimalComma ? '.' : ',';
  const [int, frac, extra] = t
    .split(thousands)
    .join('')
    .split(decimal ?? '\u0000');
  if (extra !== undefined || int === undefined || !/^[+-]?\d+$/.test(int)) return null;
  if (frac !== undefined && !/^\d+$/.test(frac)) return null;
  return frac !== undefined ? `${int.replace(/^\+/, '')}.${frac}` : int.replace(/^\+/, '');
}

/** An amount in minor units of the currency ("1.234,50" EUR → 123450). */
export function parseMoney(text: string, currency: string, decimalComma: boolean): Parsed<number> {
  const d = normaliseDecimal(text, decimalComma);
  if (d === null) return bad(`"${text}" is not an amount`);
  try {
    return ok(parseAmount(d, currency));
  } catch (err) {
    return bad((err as Error).message);
  }
}

/** A quantity as the documents take it ("1.5"), up to six decimals. */
export function parseQuantity(text: string, decimalComma: boolean): Parsed<string> {
  const d = normaliseDecimal(text, decimalComma);
  if (d === null) return bad(`"${text}" is not a number`);
  const trimmed = d.includes('.') ? d.replace(/0+$/, '').replace(/\.$/, '') : d;
  return ok(trimmed);
}

/** A percentage in basis points ("19", "19 %", "7,5" → 1900, 750); null when empty. */
export function parsePercent(text: string, decimalComma: boolean): Parsed<number> {
  const d = normaliseDecimal(text.replace('%', ''), decimalComma);
  if (d === null || d.startsWith('-')) return bad(`"${text}" is not a percentage`);
  const [i, f = ''] = d.split('.');
  if (f.length > 2) return bad(`"${text}" has more than two decimals`);
  return ok(Number(i) * 100 + Number(f.padEnd(2, '0')));
}

/** A date as YYYY-MM-DD from ISO (a time after it is ignored), DD.MM.YYYY or DD/MM/YYYY (day first). */
export function parseDate(text: string): Parsed<string> {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(text);
  const dmy = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(text);
  const [y, m, d] = iso
    ? [iso[1]!, iso[2]!, iso[3]!]
    : dmy
      ? [dmy[3]!, dmy[2]!.padStart(2, '0'), dmy[1]!.padStart(2, '0')]
      : [];
  if (!y || !m || !d) return bad(`"${text}" is not a date (YYYY-MM-DD or DD.MM.YYYY)`);
  const date = new Date(`${y}-${m}-${d}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${y}-${m}-${d}`)
    return bad(`"${text}" is not a date in the calendar`);
  return ok(`${y}-${m}-${d}`);
}

let countryNames: Map<string, string> | null = null;
/** An ISO 3166-1 alpha-2 code from the code itself or the country's name in English, German or French. */
export function parseCountry(text: string): Parsed<string> {
  const upper = text.trim().toUpperCase();
  if (COUNTRY_CODES.has(upper)) return ok(upper);
  if (!countryNames) {
    const map = new Map<string, string>();
    for (const lang of ['en', 'de', 'fr']) {
      const names = new Intl.DisplayNames([lang], { type: 'region' });
      for (const code of COUNTRY_CODES) {
        try {
          const name = names.of(code);
          if (name && name !== code) map.set(name.toLowerCase(), code);
        } catch {
          // a code of the EN 16931 list that ICU does not name (e.g. XI): by its code only
        }
      }
    }
    countryNames = map;
  }
  const code = countryNames.get(text.trim().toLowerCase());
  return code ? ok(code) : bad(`"${text}" is not a country this import knows (use its two-letter ISO code)`);
}

export const INVOICE_IMPORT_STATUSES = ['draft', 'issued', 'sent', 'partially_paid', 'paid'] as const;
export type InvoiceImportStatus = (typeof INVOICE_IMPORT_STATUSES)[number];
const STATUS_WORDS: Record<string, InvoiceImportStatus> = {
  draft: 'draft',
  entwurf: 'draft',
  brouillon: 'draft',
  issued: 'issued',
  open: 'issued',
  offen: 'issued',
  unpaid: 'issued',
  sent: 'sent',
  viewed: 'sent',
  approved: 'sent',
  overdue: 'sent',
  versendet: 'sent',
  gesendet: 'sent',
  envoyée: 'sent',
  envoyé: 'sent',
  partial: 'partially_paid',
  partially_paid: 'partially_paid',
  'partially paid': 'partially_paid',
  teilbezahlt: 'partially_paid',
  paid: 'paid',
  bezahlt: 'paid',
  payée: 'paid',
  payé: 'paid',
};

/** The document status of an imported invoice; empty: issued (a numbered invoice from the old program). */
export function parseStatus(text: string): Parsed<InvoiceImportStatus> {
  if (text.trim() === '') return ok('issued');
  const s = STATUS_WORDS[text.trim().toLowerCase()];
  return s
    ? ok(s)
    : bad(
        `status "${text}" cannot be imported (draft, issued, sent, partially paid or paid; cancelled invoices stay in the old program)`,
      );
}
