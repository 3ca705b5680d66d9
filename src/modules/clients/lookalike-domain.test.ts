import { describe, expect, it } from 'vitest';
import { damerauLevenshtein, domainOf, lookalikeKeys, lookalikeWarnings, skeleton } from './lookalike-domain.ts';

const KNOWN = ['acme-corp.com', 'gmail.com', 'example.org', 'bank.de', 'omega.test'];

describe('lookalikeWarnings', () => {
  it.each([
    // [candidate, resembles, reason]
    ['acme-c0rp.com', 'acme-corp.com', 'confusable'], // digit zero for o
    ['acrne-corp.com', 'acme-corp.com', 'confusable'], // rn for m
    ['аcme-corp.com', 'acme-corp.com', 'confusable'], // Cyrillic а
    ['xn--cme-corp-06g.com', 'acme-corp.com', 'confusable'], // the same, as punycode
    ['gmaiI.com', 'gmail.com', 'confusable'], // capital I (lower-cased to i) for l
    ['gmai1.com', 'gmail.com', 'confusable'], // digit one for l
    ['acme-corp.co', 'acme-corp.com', 'edit_distance'], // TLD trimmed
    ['acme-crop.com', 'acme-corp.com', 'edit_distance'], // transposition
    ['acmecorp.com', 'acme-corp.com', 'edit_distance'], // hyphen dropped
    ['examp1e.org', 'example.org', 'confusable'],
    ['exarnple.org', 'example.org', 'confusable'],
    ['exmaple.org', 'example.org', 'edit_distance'],
  ])('%s looks like %s (%s)', (candidate, resembles, reason) => {
    const w = lookalikeWarnings(candidate, KNOWN);
    expect(w[0]).toMatchObject({ code: 'lookalike_domain', resembles, reason });
  });

  it.each([
    ['acme-corp.com'], // the known domain itself
    ['ACME-CORP.COM.'], // same domain, other spelling
    ['contoso.com'], // unrelated
    ['hotmail.com'], // another real provider, 3+ edits from gmail.com
    ['bank.fr'], // short names: no edit-distance matches (everything short is close)
    ['omega.example'],
  ])('%s raises no warning', (candidate) => {
    expect(lookalikeWarnings(candidate, KNOWN)).toEqual([]);
  });

  it('reports every resembled domain, closest first', () => {
    const w = lookalikeWarnings('exampel.org', ['examples.org', 'example.org', 'other.net']);
    expect(w.map((x) => [x.resembles, x.distance])).toEqual([
      ['example.org', 1],
      ['examples.org', 2],
    ]);
  });
});

describe('helpers', () => {
  it('computes the optimal string alignment distance', () => {
    expect(damerauLevenshtein('abcd', 'abcd')).toBe(0);
    expect(damerauLevenshtein('abcd', 'abdc')).toBe(1);
    expect(damerauLevenshtein('abcd', 'abd')).toBe(1);
    expect(damerauLevenshtein('', 'abc')).toBe(3);
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3);
  });
  it('maps homoglyphs to one skeleton', () => {
    expect(skeleton('pаypal.com')).toBe(skeleton('paypal.com'));
    expect(skeleton('ｐａｙｐａｌ.com')).toBe(skeleton('paypal.com')); // full-width, via NFKC
  });
  it('extracts and normalizes the domain of an address', () => {
    expect(domainOf('Billing@Acme-Corp.COM')).toBe('acme-corp.com');
    expect(domainOf('no-at-sign')).toBeNull();
    expect(domainOf('trailing@')).toBeNull();
  });
});

describe('lookalikeKeys', () => {
  const KNOWN_AND_MORE = [...KNOWN, 'acme-corp.de', 'example.com', 'hotmail.com', 'contoso.example', 'sealbill.app'];
  const CANDIDATES = [
    'acme-c0rp.com',
    'acrne-corp.com',
    'acme-corp.co',
    'acme-crop.com',
    'acmecorp.com',
    'exmaple.org',
    'gmai1.com',
    'xn--cme-corp-06g.com',
    'contoso.com',
    'hotmail.com',
    'bamk.de',
    'omeqa.test',
    'seaibill.app',
    'sealbil.app',
  ];
  const intersects = (a: string[], b: string[]) => a.some((k) => b.includes(k));

  it('shares a key with every domain lookalikeWarnings flags (the index never misses one)', () => {
    for (const c of CANDIDATES)
      for (const w of lookalikeWarnings(c, KNOWN_AND_MORE))
        expect(intersects(lookalikeKeys(c), lookalikeKeys(w.resembles)), `${c} ~ ${w.resembles}`).toBe(true);
  });

  it('shares no key with clearly unrelated domains, and stays small', () => {
    expect(intersects(lookalikeKeys('contoso.com'), lookalikeKeys('acme-corp.com'))).toBe(false);
    expect(lookalikeKeys('x.de')).toEqual([skeleton('x.de')]); // short: equality only
    expect(lookalikeKeys('a'.repeat(200) + '.com').length).toBeLessThanOrEqual(205);
  });
});
