// Numbers, money and dates for the reader's locale. Money arrives as integer minor units; it is
// turned into an exact decimal string by the server's own rules (invoice.money.ts) and only then
// handed to Intl.NumberFormat, which formats decimal strings without going through a float.
import { currencyExponent, formatAmount, isCurrency, parseAmount } from '../../../src/shared/money/money.ts';

export {
  computeTotals,
  formatAmount,
  parseAmount,
  type Totals,
  type LineInput,
  type Discount,
} from '../../../src/shared/money/money.ts';

/** The browser's locale: the staff app writes numbers and dates in it. */
export const userLocale: string = typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en-GB';

let currentLocale = userLocale;

/**
 * Writes numbers and dates in `tag` from now on (null: the browser's locale again). The client
 * portal sets the client's language, so it formats like the client's documents (issue #15 item 4).
 */
export function setFormatLocale(tag: string | null): void {
  try {
    currentLocale = tag ? (Intl.getCanonicalLocales(tag)[0] ?? userLocale) : userLocale;
  } catch {
    currentLocale = userLocale;
  }
}

const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cachedFormat<F extends Intl.NumberFormat | Intl.DateTimeFormat>(name: string, make: (locale: string) => F): F {
  const key = `${name}|${currentLocale}`;
  let f = formats.get(key) as F | undefined;
  if (!f) {
    f = make(currentLocale);
    formats.set(key, f);
  }
  return f;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let f = moneyFormats.get(key);
  if (!f) {
    const digits = isCurrency(currency) ? currencyExponent(currency) : 2;
    f = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    moneyFormats.set(key, f);
  }
  return f;
}

/** 123456 EUR → "€1,234.56" (en-GB) or "1.234,56 €" (de-DE). */
export function money(minor: number, currency: string, locale?: string): string {
  if (!isCurrency(currency)) return `${minor} ${currency}`;
  // Intl.NumberFormat.prototype.format accepts a decimal string and formats it exactly (ECMA-402 v3).
  return moneyFormat(currency, locale ?? currentLocale).format(formatAmount(minor, currency) as unknown as number);
}

/** "12.50" typed in an amount field → minor units, or an error message to show. */
export function readAmount(
  text: string,
  currency: string,
): { ok: true; minor: number } | { ok: false; message: string } {
  const t = text.trim();
  if (!t) return { ok: false, message: 'Enter an amount' };
  try {
    return { ok: true, minor: parseAmount(t.replace(/^(-?)\./, '$10.'), currency) };
  } catch {
    const digits = isCurrency(currency) ? currencyExponent(currency) : 2;
    return {
      ok: false,
      message: digits
        ? `Enter an amount like 1234.${'5'.repeat(digits)} (digits and a dot, no separators)`
        : 'Enter a whole amount like 1234',
    };
  }
}

/** Minor units → the plain decimal shown in an editable amount field. */
export function amountInput(minor: number, currency: string): string {
  return isCurrency(currency) ? formatAmount(minor, currency) : String(minor);
}

const dateFormat = () =>
  cachedFormat('date', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeZone: 'UTC' }));
const dateTimeFormat = () =>
  cachedFormat('dateTime', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' }));
const monthFormat = () => cachedFormat('month', (l) => new Intl.DateTimeFormat(l, { month: 'short', timeZone: 'UTC' }));
const numberFormat = () => cachedFormat('number', (l) => new Intl.NumberFormat(l));
const percentFormat = () =>
  cachedFormat('percent', (l) => new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 3 }));

/** A calendar date 'YYYY-MM-DD' (no time zone shift). */
export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : dateFormat().format(d);
}

/** An instant (ISO timestamp) in the reader's time zone. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFormat().format(d);
}

export function monthLabel(yyyyMm: string): string {
  return monthFormat().format(new Date(`${yyyyMm}-01T00:00:00Z`));
}

export function num(n: number): string {
  return numberFormat().format(n);
}

/** Basis points → "19 %" in the reader's locale (the ratio is exact to 1/10000, well within a double). */
export function rate(bp: number): string {
  return percentFormat().format(bp / 10_000);
}

/** "19.5" typed as a percentage → basis points, or null when it is not a plain number with ≤ 2 decimals. */
export function readPercent(text: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * Today as YYYY-MM-DD in `timeZone` (the organization's: the server dates documents and payments
 * in it, so a default period ending on the browser's own today can miss today's documents when the
 * two zones are on different sides of midnight). Without a zone, the browser's.
 */
export function todayIso(timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const part = Object.fromEntries(parts.formatToParts(new Date()).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day}`;
}

export const STATUS_LABEL: Record<string, string> = {
  draft: 'Draft',
  issued: 'Issued',
  sent: 'Sent',
  partially_paid: 'Partly paid',
  paid: 'Paid',
  void: 'Void',
  accepted: 'Accepted',
  declined: 'Declined',
  converted: 'Converted',
  overdue: 'Overdue',
};
