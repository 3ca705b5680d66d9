// Issue #12 item 4 ("refuse before issue, not after"): the in-process pre-issue checks reject
// each designed-broken variant with the right rule id and the Sealbill field to fix, and — the
// point of having them — what they refuse, the official rules refuse too (for every variant whose
// rule has an offline official counterpart). The valid scenarios pass: einvoice-matrix.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { EINVOICE_FORMATS } from '../../src/modules/einvoice/einvoice.formats.ts';
import { generateEinvoice } from '../../src/modules/einvoice/einvoice.generate.ts';
import { checkEinvoice } from '../../src/modules/einvoice/einvoice.rules.ts';
import {
  EINVOICE_NEEDS,
  describeFailures,
  fatalOnly,
  ruleSetsFor,
  sefPath,
  validateOfficially,
} from '../helpers/einvoice-rules.ts';
import { itNeeds, missing } from '../helpers/tools.ts';
import { brokenVariants } from './broken-variants.ts';
import { scenarios } from './scenarios.ts';

const variants = brokenVariants();

beforeAll(() => {
  if (missing(EINVOICE_NEEDS).length > 0) return;
  for (const format of EINVOICE_FORMATS) for (const set of ruleSetsFor(format)) sefPath(set);
}, 900_000);

describe('pre-issue checks refuse designed-broken documents', () => {
  it('has a broken variant for at least twenty rules', () => {
    expect(new Set(variants.map((v) => v.ruleId)).size).toBeGreaterThanOrEqual(20);
  });

  for (const v of variants) {
    it(`${v.name} (${v.format}) → ${v.ruleId} on ${v.field}`, () => {
      const issues = checkEinvoice(v.model, v.format);
      expect(issues).toContainEqual(expect.objectContaining({ ruleId: v.ruleId, field: v.field }));
      for (const issue of issues) expect(issue.message.length).toBeGreaterThan(10);
    });
  }

  for (const v of variants.filter((x) => x.official !== undefined)) {
    itNeeds(
      EINVOICE_NEEDS,
      `the official rules refuse it too: ${v.name} → ${v.official}`,
      () => {
        const failures = fatalOnly(validateOfficially(generateEinvoice(v.model, v.format), v.format));
        expect(
          failures.map((f) => f.id),
          describeFailures(failures),
        ).toContain(v.official);
      },
      60_000,
    );
  }
});

describe('pre-issue checks are format-aware', () => {
  const domestic = scenarios()[0]!.model;

  it('asks for the buyer reference only where the format needs it', () => {
    const m = { ...structuredClone(domestic), buyerReference: undefined, purchaseOrderReference: undefined };
    expect(checkEinvoice(m, 'factur-x')).toEqual([]);
    expect(checkEinvoice(m, 'xrechnung-ubl').map((i) => i.ruleId)).toContain('BR-DE-15');
    expect(checkEinvoice(m, 'peppol-bis').map((i) => i.ruleId)).toEqual(
      expect.arrayContaining(['PEPPOL-EN16931-R003', 'DE-R-015']),
    );
    expect(checkEinvoice({ ...m, purchaseOrderReference: 'PO-1' }, 'peppol-bis').map((i) => i.ruleId)).not.toContain(
      'PEPPOL-EN16931-R003',
    );
  });

  it('accepts an email endpoint for XRechnung but not for Peppol', () => {
    const m = structuredClone(domestic);
    m.buyer.electronicAddress = { id: 'ap@mueller.example', scheme: 'EM' };
    expect(checkEinvoice(m, 'xrechnung-ubl')).toEqual([]);
    expect(checkEinvoice(m, 'peppol-bis')).toContainEqual(
      expect.objectContaining({ ruleId: 'PEPPOL-EN16931-CL008', field: 'client.electronicAddressScheme' }),
    );
  });

  it('applies the German Peppol rules only to a German seller', () => {
    const m = structuredClone(domestic);
    m.seller.contact = undefined;
    expect(checkEinvoice(m, 'peppol-bis').map((i) => i.ruleId)).toContain('DE-R-002');
    m.seller.address.country = 'AT';
    expect(checkEinvoice(m, 'peppol-bis').map((i) => i.ruleId)).not.toContain('DE-R-002');
  });

  it('reports every problem once, in a stable order', () => {
    const m = structuredClone(domestic);
    m.buyerReference = undefined;
    m.seller.contact = undefined;
    m.buyer.address.city = undefined;
    const first = checkEinvoice(m, 'xrechnung-cii');
    expect(first.map((i) => i.ruleId)).toEqual(['BR-DE-2', 'BR-DE-8', 'BR-DE-15']);
    expect(checkEinvoice(structuredClone(m), 'xrechnung-cii')).toEqual(first);
  });
});
