// Exact decimal arithmetic for exchange rates (pure). A rate is stored and used as decimal text
// with at most 9 integer digits and RATE_DECIMALS decimals — the precision of a document's
// exchangeRate and of convertAmount (shared/money/money.ts) — so a computed rate is rounded once,
// half away from zero, at that precision, and never goes through a float.

export const RATE_DECIMALS = 10;
const SCALE = 10n ** BigInt(RATE_DECIMALS);
/** The documents' exchangeRate pattern (documents/document.schemas.ts: exchangeRateString). */
export const RATE_PATTERN = /^\d{1,9}(\.\d{1,10})?$/;

/** A positive decimal as an integer count of 10^-RATE_DECIMALS; null if not a positive decimal of that shape. */
export function parseRate(text: string): bigint | null {
  if (!RATE_PATTERN.test(text)) return null;
  const [int, frac = ''] = text.split('.');
  const scaled = BigInt(int!) * SCALE + BigInt(frac.padEnd(RATE_DECIMALS, '0'));
  return scaled > 0n ? scaled : null;
}

/** Scaled → shortest decimal text ("0.9239582371", "1.5", "2"). */
export function formatRate(scaled: bigint): string {
  const int = scaled / SCALE;
  const frac = (scaled % SCALE).toString().padStart(RATE_DECIMALS, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : `${int}`;
}

/** The canonical text of a rate ("1.08230" → "1.0823"), so equal rates compare equal as text. */
export function normalizeRate(text: string): string {
  const scaled = parseRate(text);
  if (scaled === null) throw new RangeError(`"${text}" is not a positive rate`);
  return formatRate(scaled);
}

/**
 * numerator / denominator, both positive decimal texts, rounded half away from zero to
 * RATE_DECIMALS; null when the quotient rounds to zero or needs more than 9 integer digits (no
 * document could carry it).
 */
export function divideRates(numerator: string, denominator: string): string | null {
  const n = parseRate(numerator);
  const d = parseRate(denominator);
  if (n === null || d === null) throw new RangeError(`cannot divide "${numerator}" by "${denominator}"`);
  return divideScaled(n, d);
}

/** divideRates on parsed rates (parseRate), for callers that divide by many rates. */
export function divideScaled(n: bigint, d: bigint): string | null {
  // (n / S) / (d / S) = n / d, wanted scaled by S: n·S / d.
  const q = (n * SCALE * 2n + d) / (2n * d); // half away from zero (all positive)
  if (q === 0n || q >= 10n ** 9n * SCALE) return null;
  return formatRate(q);
}
