// What every rule file shares: the findings collector and small predicates.

export interface Finding {
  ruleId: string;
  /** Model path, e.g. `buyer.vatId`, `lines[2].vatRateBp`. */
  path: string;
  message: string;
  /** For exemption rules: the VAT category whose tax rate needs the text. */
  category?: string;
}

export class Findings {
  readonly list: Finding[] = [];
  add(ruleId: string, path: string, message: string, category?: string): void {
    this.list.push(category === undefined ? { ruleId, path, message } : { ruleId, path, message, category });
  }
}

export function present(value: string | undefined | null): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar date 'YYYY-MM-DD' (no 2026-02-30), proleptic Gregorian. */
export function isIsoDate(value: string | undefined): value is string {
  const m = ISO_DATE.exec(value ?? '');
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** GS1 mod-10 check digit of a GLN (PEPPOL-COMMON-R040). */
export function isValidGln(value: string): boolean {
  if (!/^\d{13}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const check = digits.pop() as number;
  const sum = digits.reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === check;
}
