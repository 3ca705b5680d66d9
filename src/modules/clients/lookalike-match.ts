// lookalikeWarnings (lookalike-domain.ts) for one candidate against every domain an organization
// knows (the per-process cache of client-domains.ts: 10,000 domains must take well under 2 ms).
// Same answer, same order: lookalike-match.test.ts compares the two on random and adversarial
// pairs. What makes it fast, all exact:
// - each known domain's skeleton is computed once, when the cache learns the domain;
// - no distance is computed when the threshold is 0 or the lengths differ by more than it (the
//   optimal string alignment distance is at least the difference of the lengths), nor when the
//   letters differ too much: the bag distance (characters of one that the other lacks, counted
//   with multiplicity, the larger of both sides) is a lower bound of the OSA distance, since a
//   substitution, insertion or deletion changes each side by at most one and a transposition by
//   none. It is computed on counts per 16 buckets of code points (cp mod 16), capped at 7 and
//   packed 4 bits a bucket in two 32-bit words (bucketing and capping only lower it), so the
//   test is a few word operations; it rejects most domains of similar length;
// - the distance itself is bit-parallel (Hyyrö 2003, "A bit-vector algorithm for computing
//   Levenshtein and Damerau edit distances", with the transposition term of the restricted
//   Damerau distance, i.e. OSA): one pass of a few word operations per character of the known
//   skeleton, the candidate's skeleton (≤ 32 code points) being the bit vector. Longer candidates
//   use a dynamic program limited to the diagonals within the threshold, which stops as soon as a
//   whole row exceeds it.
import { normalizeDomain, skeleton, threshold, type LookalikeWarning } from './lookalike-domain.ts';

/** A known domain as the check compares it: normalized, with its skeleton (UTF-16 string and code points). */
export interface KnownDomain {
  domain: string;
  skeleton: string;
  codePoints: Int32Array;
  /** Capped counts of the skeleton's code points per bucket (buckets 0–7, 8–15), for the bag distance. */
  bag0: number;
  bag1: number;
}

const codePointsOf = (s: string): Int32Array => Int32Array.from(s, (c) => c.codePointAt(0)!);

function bagOf(cps: Int32Array): [number, number] {
  const counts = new Uint8Array(16);
  for (const c of cps) if (counts[c & 15]! < 7) counts[c & 15]!++;
  let w0 = 0;
  let w1 = 0;
  for (let i = 0; i < 8; i++) {
    w0 |= counts[i]! << (4 * i);
    w1 |= counts[8 + i]! << (4 * i);
  }
  return [w0, w1];
}

const GUARD = 0x88888888 | 0;
/** Σ over the 8 buckets of a word of max(0, a − b): a guard bit per bucket stops the borrows. */
function excess(a: number, b: number): number {
  const d = ((a | GUARD) - b) | 0;
  const p = d & (((d & GUARD) >>> 3) * 7);
  return Math.imul((p & 0x0f0f0f0f) + ((p >>> 4) & 0x0f0f0f0f), 0x01010101) >>> 24;
}

/** A lower bound of the OSA distance of two skeletons, from their bags. */
export function bagDistance(a: Pick<KnownDomain, 'bag0' | 'bag1'>, b: Pick<KnownDomain, 'bag0' | 'bag1'>): number {
  return Math.max(excess(a.bag0, b.bag0) + excess(a.bag1, b.bag1), excess(b.bag0, a.bag0) + excess(b.bag1, a.bag1));
}

export function knownDomain(domain: string): KnownDomain {
  const d = normalizeDomain(domain);
  const sk = skeleton(d);
  const codePoints = codePointsOf(sk);
  const [bag0, bag1] = bagOf(codePoints);
  return { domain: d, skeleton: sk, codePoints, bag0, bag1 };
}

/** OSA distance of the pattern (≤ 32 code points, as match masks) to `text`; above `max` answers max + 1. */
function osaBitParallel(
  ascii: Int32Array,
  other: Map<number, number>,
  m: number,
  text: Int32Array,
  max: number,
): number {
  const last = 1 << (m - 1);
  const n = text.length;
  let vp = -1;
  let vn = 0;
  let d0 = 0;
  let pmPrev = 0;
  let dist = m;
  for (let j = 0; j < n; j++) {
    const c = text[j]!;
    const pm = c < 128 ? ascii[c]! : (other.get(c) ?? 0);
    const tr = ((~d0 & pm) << 1) & pmPrev;
    d0 = (((pm & vp) + vp) ^ vp) | pm | vn | tr | 0;
    const hp = vn | ~(d0 | vp);
    const hn = d0 & vp;
    if (hp & last) dist++;
    else if (hn & last) dist--;
    // Each remaining column changes the last row by at most one.
    if (dist - (n - 1 - j) > max) return max + 1;
    const hps = (hp << 1) | 1;
    vp = (hn << 1) | ~(d0 | hps);
    vn = hps & d0;
    pmPrev = pm;
  }
  return dist <= max ? dist : max + 1;
}

/** OSA distance when at most `max`, else max + 1: only cells within `max` of the diagonal. */
export function osaBanded(a: Int32Array, b: Int32Array, max: number): number {
  const m = a.length;
  const n = b.length;
  const big = max + 1;
  if (Math.abs(m - n) > max) return big;
  let prev2 = new Int32Array(n + 2);
  let prev = new Int32Array(n + 2);
  let cur = new Int32Array(n + 2);
  for (let j = 0; j <= n + 1; j++) prev[j] = j <= max ? j : big;
  for (let i = 1; i <= m; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(n, i + max);
    cur[lo - 1] = lo === 1 ? (i <= max ? i : big) : big;
    let rowMin = cur[lo - 1]!;
    const ai = a[i - 1]!;
    for (let j = lo; j <= hi; j++) {
      const bj = b[j - 1]!;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b[j - 2] && a[i - 2] === bj) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v > big ? big : v;
      if (v < rowMin) rowMin = v;
    }
    cur[hi + 1] = big;
    if (rowMin > max) return big;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]! <= max ? prev[n]! : big;
}

/**
 * Exactly `lookalikeWarnings(candidate, known.map((k) => k.domain))`: same skeleton → confusable;
 * OSA distance of the skeletons within threshold(shorter length) → edit_distance.
 */
export function matchLookalikes(candidate: string, known: Iterable<KnownDomain>): LookalikeWarning[] {
  const c = knownDomain(candidate);
  const { domain, skeleton: sk, codePoints: p } = c;
  const m = p.length;
  const ascii = new Int32Array(128);
  const other = new Map<number, number>();
  if (m <= 32)
    for (let i = 0; i < m; i++) {
      const c = p[i]!;
      if (c < 128) ascii[c]! |= 1 << i;
      else other.set(c, (other.get(c) ?? 0) | (1 << i));
    }
  const out: LookalikeWarning[] = [];
  for (const k of known) {
    // Cheapest tests first: an equal skeleton (confusable) has the same length and bag, so the
    // filters never drop one.
    const max = threshold(Math.min(sk.length, k.skeleton.length));
    if (Math.abs(k.codePoints.length - m) > max || bagDistance(c, k) > max) continue;
    if (k.domain === domain || k.domain === '') continue;
    if (k.skeleton === sk) {
      out.push({ code: 'lookalike_domain', domain, resembles: k.domain, reason: 'confusable', distance: 0 });
      continue;
    }
    if (max === 0) continue;
    const distance = m <= 32 ? osaBitParallel(ascii, other, m, k.codePoints, max) : osaBanded(p, k.codePoints, max);
    if (distance <= max)
      out.push({ code: 'lookalike_domain', domain, resembles: k.domain, reason: 'edit_distance', distance });
  }
  return out.sort((a, b) => a.distance - b.distance || a.resembles.localeCompare(b.resembles));
}
