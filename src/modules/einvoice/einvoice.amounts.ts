// Exact decimal arithmetic for the e-invoice model: quantities and prices are decimal strings,
// amounts integer minor units, rates basis points. Everything is BigInt inside and rounds once,
// half away from zero, through money.ts, so no float ever touches an amount.
import { currencyExponent, formatAmount, roundHalfAwayFromZero } from '../../shared/money/money.ts';
import type { InvoiceLine, LineAllowanceCharge, Minor } from './einvoice.model.ts';

const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const MAX_DECIMAL_LENGTH = 40;

/** Whether `text` is a plain decimal ("12", "-0.5"; no exponent, no '+', no grouping). */
export function isDecimal(text: unknown): text is string {
  return (
    typeof text === 'string' && text.length <= MAX_DECIMAL_LENGTH && DECIMAL.test(text) && !/^-0(\.0*)?$/.test(text)
  );
}

/** A decimal string as an integer and the power of ten it is scaled by. */
export function parseDecimal(text: string): { units: bigint; scale: number } {
  if (!isDecimal(text)) throw new RangeError(`not a plain decimal: ${JSON.stringify(text).slice(0, 40)}`);
  const [whole = '', fraction = ''] = text.split('.');
  return { units: BigInt(whole + fraction), scale: fraction.length };
}

/** Basis points as a percentage without trailing zeros: 1900 → "19", 550 → "5.5", 5 → "0.05". */
export function formatPercentBp(bp: number): string {
  if (!Number.isSafeInteger(bp) || bp < 0)
    throw new RangeError(`rate must be a non-negative integer of basis points, got ${bp}`);
  const whole = Math.trunc(bp / 100);
  const cents = bp % 100;
  if (cents === 0) return String(whole);
  return `${whole}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}

export function formatMinor(minor: Minor, currency: string): string {
  return formatAmount(minor, currency);
}

/** round(quantity × price ÷ base quantity) in minor units of `currency`. */
export function priceTimesQuantity(
  quantity: string,
  netPrice: string,
  baseQuantity: string | undefined,
  currency: string,
): bigint {
  const q = parseDecimal(quantity);
  const p = parseDecimal(netPrice);
  const b = parseDecimal(baseQuantity ?? '1');
  if (b.units <= 0n) throw new RangeError('base quantity must be positive');
  const exponent = BigInt(currencyExponent(currency));
  // q/10^qs × p/10^ps ÷ (b/10^bs) × 10^e
  const numerator = q.units * p.units * 10n ** (BigInt(b.scale) + exponent);
  const denominator = b.units * 10n ** BigInt(q.scale + p.scale);
  return roundHalfAwayFromZero(numerator, denominator);
}

/** A percentage of an amount, rounded once: round(base × bp ÷ 10 000). */
export function percentOf(base: Minor, bp: number): Minor {
  return Number(roundHalfAwayFromZero(BigInt(base) * BigInt(bp), 10_000n));
}

function signed(ac: LineAllowanceCharge): bigint {
  return ac.charge ? BigInt(ac.amount) : -BigInt(ac.amount);
}

/** BT-131 = round(quantity × price ÷ base quantity) + Σ line charges − Σ line allowances. */
export function lineNetAmount(
  line: Pick<InvoiceLine, 'quantity' | 'netPrice' | 'baseQuantity' | 'allowanceCharges'>,
  currency: string,
): Minor {
  const base = priceTimesQuantity(line.quantity, line.netPrice, line.baseQuantity, currency);
  const net = line.allowanceCharges.reduce((acc, ac) => acc + signed(ac), base);
  return Number(net);
}

/** PEPPOL-EN16931-R040/R120 accept 0.02 currency units of slack: that many minor units (0 for JPY). */
export function slackMinor(currency: string): number {
  const exponent = currencyExponent(currency);
  return exponent >= 2 ? 2 * 10 ** (exponent - 2) : 0;
}
