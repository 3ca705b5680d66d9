// Look-alike email domains: the redirection fraud ("our bank details changed, reply to
// billing@acme-c0rp.com") relies on a domain that a reader takes for a known one. We flag a new
// domain when its confusable skeleton (UTS #39 idea: map homoglyphs to one representative) equals,
// or is within a small Damerau-Levenshtein distance of, a domain the organization already knows.
import { domainToUnicode } from 'node:url';

export interface LookalikeWarning {
  code: 'lookalike_domain';
  domain: string;
  resembles: string;
  reason: 'confusable' | 'edit_distance';
  distance: number;
}

// Common homoglyphs (Cyrillic, Greek, Latin extensions, digits) mapped to the ASCII letter they
// imitate; a subset of Unicode's confusables.txt that covers what phishing kits use in practice.
const CONFUSABLE: Record<string, string> = {
  а: 'a',
  ɑ: 'a',
  α: 'a',
  в: 'b',
  ь: 'b',
  с: 'c',
  ϲ: 'c',
  ԁ: 'd',
  е: 'e',
  ё: 'e',
  ε: 'e',
  һ: 'h',
  н: 'h',
  і: 'i',
  ї: 'i',
  ι: 'i',
  ı: 'i',
  ј: 'j',
  κ: 'k',
  к: 'k',
  ӏ: 'l',
  м: 'm',
  ո: 'n',
  η: 'n',
  о: 'o',
  ο: 'o',
  σ: 'o',
  ө: 'o',
  р: 'p',
  ρ: 'p',
  ԛ: 'q',
  г: 'r',
  ѕ: 's',
  т: 't',
  τ: 't',
  υ: 'u',
  ս: 'u',
  ν: 'v',
  ѵ: 'v',
  ѡ: 'w',
  ԝ: 'w',
  х: 'x',
  χ: 'x',
  у: 'y',
  γ: 'y',
  ү: 'y',
  ʐ: 'z',
  ɡ: 'g',
  '0': 'o',
  '1': 'l',
  '3': 'e',
  '5': 's',
  '|': 'l',
  _: '-',
};
// Multi-character look-alikes, applied after single characters: "rn" reads as "m", "vv" as "w".
const SEQUENCES: Array<[RegExp, string]> = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/cl/g, 'd'],
  [/i/g, 'l'], // i and l are one glyph in many sans-serif fonts
];

/** Lower-cased Unicode form of a domain (punycode decoded, NFKC, trailing dot removed). */
export function normalizeDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  const unicode = d.split('.').some((l) => l.startsWith('xn--')) ? domainToUnicode(d) || d : d;
  return unicode.normalize('NFKC');
}

/** The confusable skeleton: homoglyphs and look-alike sequences reduced to one representative. */
export function skeleton(domain: string): string {
  let s = [
    ...normalizeDomain(domain)
      .normalize('NFD')
      .replace(/\p{M}+/gu, ''),
  ]
    .map((c) => CONFUSABLE[c] ?? c)
    .join('');
  for (const [re, to] of SEQUENCES) s = s.replace(re, to);
  return s;
}

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). */
export function damerauLevenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...Array<number>(y.length).fill(0)]);
  for (let j = 0; j <= y.length; j++) d[0]![j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[x.length]![y.length]!;
}

/** How many edits still count as "looks like": none for very short names, where everything is close. */
export const threshold = (len: number): number => (len >= 8 ? 2 : len >= 5 ? 1 : 0);

export const domainOf = (email: string): string | null => {
  const at = email.lastIndexOf('@');
  return at > 0 && at < email.length - 1 ? normalizeDomain(email.slice(at + 1)) : null;
};

/** Warnings for `candidate` against the domains the organization already knows (identical domains are fine). */
export function lookalikeWarnings(candidate: string, known: Iterable<string>): LookalikeWarning[] {
  const domain = normalizeDomain(candidate);
  const sk = skeleton(domain);
  const out: LookalikeWarning[] = [];
  for (const k of new Set([...known].map(normalizeDomain))) {
    if (k === domain || k === '') continue;
    const ks = skeleton(k);
    if (ks === sk) {
      out.push({ code: 'lookalike_domain', domain, resembles: k, reason: 'confusable', distance: 0 });
      continue;
    }
    const distance = damerauLevenshtein(sk, ks);
    if (distance <= threshold(Math.min(sk.length, ks.length)))
      out.push({ code: 'lookalike_domain', domain, resembles: k, reason: 'edit_distance', distance });
  }
  return out.sort((a, b) => a.distance - b.distance || a.resembles.localeCompare(b.resembles));
}
