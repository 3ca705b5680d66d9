// The words a search can find, from the texts of a row (issue #13, item 2). Normalised (lower
// case, accents removed, split at anything that is not a letter or digit) so "Müller" is found
// as "muller", "INV-2026-00042" as "inv 2026 42", and partial words by their prefixes (from 3
// characters: "glob" finds "Globex"). Amounts are one term each ("amount:123456", minor units), so
// "1234.56" finds a total of 1,234.56. The terms themselves never reach the database: each is
// stored as a keyed blind index (search.repo.ts), and a query is turned into terms the same way.
const MIN_PREFIX = 3;
const MAX_PREFIX = 12;

export function normalise(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}@.]+|(?<=\S)\.(?=\s|$)/u)
    .flatMap((w) => (w.includes('@') ? [w, ...w.split(/[@.]+/)] : w.split('.')))
    .filter((w) => w.length > 0);
}

/** Every term a row is found by: each word, its prefixes, and numbers without leading zeros. */
export function termsOf(texts: Array<string | null | undefined>, amounts: number[] = []): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const w of normalise(text)) {
      out.add(w);
      if (/^\d+$/.test(w)) out.add(w.replace(/^0+(?=\d)/, ''));
      for (let n = MIN_PREFIX; n < Math.min(w.length, MAX_PREFIX + 1); n++) out.add(w.slice(0, n));
    }
  }
  for (const a of amounts) out.add(`amount:${a}`);
  return [...out];
}

/** The terms a query asks for, all of which must match: its words (as typed, or as prefixes) and amounts. */
export function queryTerms(query: string): string[] {
  const out = new Set<string>();
  for (const raw of query.trim().split(/\s+/)) {
    // "1234.56", "1.234,56", "1,234.56", "1234" as an amount too would over-match: decimals only.
    const money = /^(\d{1,3}(?:[.,\s]?\d{3})*|\d+)[.,](\d{2})$/.exec(raw);
    if (money) {
      out.add(`amount:${Number(money[1]!.replace(/[.,\s]/g, '')) * 100 + Number(money[2])}`);
      continue;
    }
    for (const w of normalise(raw)) {
      const term = /^\d+$/.test(w) ? w.replace(/^0+(?=\d)/, '') : w;
      out.add(term.length > MAX_PREFIX && !term.includes('@') ? term.slice(0, MAX_PREFIX) : term);
    }
  }
  return [...out].filter((t) => t.length >= 2 || /^\d$/.test(t));
}
