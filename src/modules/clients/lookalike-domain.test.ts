import { describe, expect, it } from 'vitest';
import { damerauLevenshtein, domainOf, lookalikeWarnings, skeleton } from './lookalike-domain.ts';

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
