// The fast check (lookalike-match.ts) against its oracle, lookalikeWarnings: same warnings, same
// distances, same order, on random domains and on the pairs it must not get wrong (one or two
// transpositions, insertions, deletions, substitutions, homoglyphs, astral code points, skeletons
// around the 32-code-point limit of the bit-parallel path and the length thresholds 5 and 8).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { damerauLevenshtein, lookalikeWarnings } from './lookalike-domain.ts';
import { bagDistance, knownDomain, matchLookalikes, osaBanded } from './lookalike-match.ts';

/** The cache holds each normalized domain once, as lookalikeWarnings counts it once. */
const cached = (known: string[]) => new Map(known.map(knownDomain).map((k) => [k.domain, k])).values();
const check = (candidate: string, known: string[]): void => {
  expect(matchLookalikes(candidate, cached(known)), `${candidate} vs ${known.join(' ')}`).toEqual(
    lookalikeWarnings(candidate, known),
  );
};

// Letters the skeleton maps (homoglyphs, rn/vv/cl/i sequences), accents, astral and other scripts.
const ALPHABET = [...'abcdeilmnorsuvw-.01', ...'аеорсхіԁ', 'é', 'ö', 'ß', '𝐚', '😀', 'ｍ', 'ℌ', '中', 'ا'];
const label = (min: number, max: number) =>
  fc.array(fc.constantFrom(...ALPHABET), { minLength: min, maxLength: max }).map((cs) => cs.join(''));
const domain = fc.tuple(label(1, 40), fc.constantFrom('.com', '.de', '', '.co.uk')).map(([a, b]) => a + b);

/** A domain with up to `n` random edits (substitution, insertion, deletion, transposition). */
const edited = (base: string, n: number) =>
  fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...ALPHABET)), { minLength: 0, maxLength: n }).map((edits) => {
    const cs = [...base];
    for (const [pos, kind, c] of edits) {
      const i = cs.length ? pos % cs.length : 0;
      if (kind === 0 && cs.length) cs[i] = c;
      else if (kind === 1) cs.splice(i, 0, c);
      else if (kind === 2 && cs.length > 1) cs.splice(i, 1);
      else if (cs.length > 1 && i + 1 < cs.length) [cs[i], cs[i + 1]] = [cs[i + 1]!, cs[i]!];
    }
    return cs.join('');
  });

describe('matchLookalikes', () => {
  it('answers exactly as lookalikeWarnings on random domains', () => {
    fc.assert(
      fc.property(domain, fc.array(domain, { maxLength: 30 }), (c, known) => check(c, known)),
      { numRuns: 3000 },
    );
  });

  it('answers exactly as lookalikeWarnings on near misses (1 to 3 edits, homoglyphs, long names)', () => {
    fc.assert(
      fc.property(
        domain.chain((base) =>
          fc.tuple(fc.constant(base), fc.array(edited(base, 3), { minLength: 1, maxLength: 20 }), edited(base, 2)),
        ),
        ([base, others, candidate]) => {
          check(candidate, [base, ...others]);
          check(base, [candidate, ...others]);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['acme-crop.com', ['acme-corp.com']], // transposition
    ['acme-rcop.com', ['acme-corp.com']], // transposition elsewhere
    ['cmae-corp.com', ['acme-corp.com']],
    ['amce-crop.com', ['acme-corp.com']], // two transpositions
    ['ca', ['ac']],
    ['abcde', ['badce', 'bacde', 'abced', 'abdce']],
    ['аcme-corp.com', ['acme-corp.com']], // Cyrillic а
    ['xn--cme-corp-06g.com', ['acme-corp.com']], // punycode
    ['acrne-corp.com', ['acme-corp.com', 'acme-corp.com.', 'ACME-CORP.COM']],
    ['exampel.org', ['examples.org', 'example.org', 'other.net', '']],
    ['😀😀😀😀😀.de', ['😀😀😀😀.de', '😀😀😀😀😀😀.de', '😀😀😁😀😀.de']], // astral: UTF-16 lengths
    ['𝐚𝐛𝐜𝐝𝐞.de', ['abcde.de', 'abcdf.de']],
    ['ℌello-world.de', ['hello-world.de', 'Hello-world.de']], // NFKC gives an uppercase letter
    ['a'.repeat(31) + '.de', ['a'.repeat(30) + '.de', 'a'.repeat(33) + '.de', 'a'.repeat(29) + 'b.de']],
    ['a'.repeat(32), ['a'.repeat(31) + 'b', 'a'.repeat(30), 'b' + 'a'.repeat(32)]], // 32 code points
    ['q'.repeat(40) + '-gmbh.de', ['q'.repeat(40) + '-gmhb.de', 'q'.repeat(39) + '-gmbh.de', 'q'.repeat(42) + '.de']],
    ['abcd.', ['abce.', 'abdc.', 'abcde']], // 5 characters: threshold 1
    ['abcdefg', ['abcdegf', 'abdcegf', 'bacdegf']], // 7: one edit only
    ['abcdefgh', ['abcdehgf', 'abdcefhg', 'bacdefhg']], // 8: two edits
  ])('%s', (candidate, known) => check(candidate, known));
});

describe('osaBanded', () => {
  const cps = (s: string) => Int32Array.from(s, (c) => c.codePointAt(0)!);
  it('is the OSA distance when within the band, and max + 1 beyond', () => {
    fc.assert(
      fc.property(label(0, 50), label(0, 50), fc.integer({ min: 0, max: 3 }), (a, b, max) => {
        const d = damerauLevenshtein(a, b);
        expect(osaBanded(cps(a), cps(b), max)).toBe(d <= max ? d : max + 1);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        label(30, 60).chain((a) => fc.tuple(fc.constant(a), edited(a, 3))),
        fc.integer({ min: 1, max: 3 }),
        ([a, b], max) => {
          const d = damerauLevenshtein(a, b);
          expect(osaBanded(cps(a), cps(b), max)).toBe(d <= max ? d : max + 1);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('bagDistance', () => {
  it('never exceeds the OSA distance of the skeletons (it only rules pairs out)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(label(0, 60), label(0, 60)),
          label(1, 60).chain((a) => fc.tuple(fc.constant(a), edited(a, 4))),
        ),
        ([a, b]) => {
          const [x, y] = [knownDomain(a), knownDomain(b)];
          expect(bagDistance(x, y)).toBeLessThanOrEqual(damerauLevenshtein(x.skeleton, y.skeleton));
        },
      ),
      { numRuns: 5000 },
    );
    expect(bagDistance(knownDomain('aaaa'), knownDomain('bbbb'))).toBe(4);
    expect(bagDistance(knownDomain('abcdef'), knownDomain('fedcba'))).toBe(0);
  });
});
