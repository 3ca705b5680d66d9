// lookalikeWarnings (lookalike-domain.ts) for one candidate against every domain an organization
// knows (the per-process cache of client-domains.ts: 10,000 domains must take well under 2 ms).
// Same answer, same order: lookalike-match.test.ts compares the two on random and adversarial
// pairs. What makes it fast, all exact:
// - each known domain's skeleton is computed once, when the cache learns the domain;
// - no distance is computed when the threshold is 0 or the lengths differ by more than it (the
//   optimal string alignment distance is at least the difference of the lengths);
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
}

const codePointsOf = (s: string): Int32Array => Int32Array.from(s, (c) => c.codePointAt(0)!);

export function knownDomain(domain: string): KnownDomain {
  const d = normalizeDomain(domain);
  const sk = skeleton(d);
  return { domain: d, skeleton: sk, codePoints: codePointsOf(sk) };
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
  const domain = normalizeDomain(candidate);
  const sk = skeleton(domain);
  const p = codePointsOf(sk);
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
    if (k.domain === domain || k.domain === '') continue;
    if (k.skeleton === sk) {
      out.push({ code: 'lookalike_domain', domain, resembles: k.domain, reason: 'confusable', distance: 0 });
      continue;
    }
    const max = threshold(Math.min(sk.length, k.skeleton.length));
    if (max === 0 || Math.abs(k.codePoints.length - m) > max) continue;
    const distance = m <= 32 ? osaBitParallel(ascii, other, m, k.codePoints, max) : osaBanded(p, k.codePoints, max);
    if (distance <= max)
      out.push({ code: 'lookalike_domain', domain, resembles: k.domain, reason: 'edit_distance', distance });
  }
  return out.sort((a, b) => a.distance - b.distance || a.resembles.localeCompare(b.resembles));
}
