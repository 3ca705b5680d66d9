// Issue #12 item 3: every scenario of the matrix, in every format, has zero fatal failures
// against the official rules: EN 16931 (UBL or CII), plus XRechnung for the XRechnung formats,
// plus the CII D16B XSD for the CII formats; the pre-issue checks accept every one of them; and
// the amounts the XML states are the amounts Sealbill's own computeTotals gives the PDF.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeTotals } from '../../src/shared/money/money.ts';
import { EINVOICE_FORMATS } from '../../src/modules/einvoice/einvoice.formats.ts';
import { generateEinvoice } from '../../src/modules/einvoice/einvoice.generate.ts';
import { checkEinvoice } from '../../src/modules/einvoice/einvoice.rules.ts';
import {
  EINVOICE_NEEDS,
  describeFailures,
  fatalOnly,
  keepArtifact,
  ruleSetsFor,
  sefPath,
  validateOfficially,
} from '../helpers/einvoice-rules.ts';
import { itNeeds, missing } from '../helpers/tools.ts';
import { scenarios } from './scenarios.ts';

const all = scenarios();
const results: string[] = [];

beforeAll(() => {
  if (missing(EINVOICE_NEEDS).length > 0) return;
  for (const format of EINVOICE_FORMATS) for (const set of ruleSetsFor(format)) sefPath(set);
}, 900_000);

afterAll(() => {
  if (results.length > 0)
    console.log(`e-invoice matrix (scenario | format | fatal | warnings):\n${results.join('\n')}`);
});

describe('scenario matrix', () => {
  it('covers at least the twelve scenarios of issue #12', () => {
    expect(all.length).toBeGreaterThanOrEqual(12);
    const categories = new Set(all.flatMap((s) => s.model.lines.map((l) => l.vatCategory)));
    for (const c of ['S', 'AE', 'K', 'G', 'E', 'O']) expect(categories).toContain(c);
    expect(all.some((s) => s.model.typeCode === '381' && s.model.precedingInvoices.length > 0)).toBe(true);
    expect(all.some((s) => s.model.taxCurrency === 'EUR' && s.model.currency !== 'EUR')).toBe(true);
    expect(
      all.some(
        (s) => s.model.allowanceCharges.some((a) => a.charge) && s.model.allowanceCharges.some((a) => !a.charge),
      ),
    ).toBe(true);
    expect(all.some((s) => s.model.lines.some((l) => l.allowanceCharges.length > 0))).toBe(true);
    expect(all.some((s) => s.model.buyer.electronicAddress?.scheme === '0204')).toBe(true);
  });

  for (const scenario of all) {
    describe(scenario.name, () => {
      it('passes the pre-issue checks in every format', () => {
        for (const format of EINVOICE_FORMATS) expect(checkEinvoice(scenario.model, format), format).toEqual([]);
      });

      if (scenario.input) {
        const input = scenario.input;
        it('states the same totals as computeTotals (what the PDF prints)', () => {
          const t = computeTotals(input.lines, input.discount);
          const m = scenario.model.totals;
          expect(m.lineNet).toBe(t.subtotal);
          expect(m.allowances).toBe(t.discountTotal);
          expect(m.tax).toBe(t.taxTotal);
          expect(m.taxInclusive).toBe(t.total);
          // Exclusive lines state computeTotals' line amount; inclusive ones their net share.
          input.lines.forEach((line, i) => {
            if (!line.taxInclusive) expect(scenario.model.lines[i]?.netAmount).toBe(t.lines[i]?.amount);
          });
        });
      }

      for (const format of EINVOICE_FORMATS) {
        itNeeds(
          EINVOICE_NEEDS,
          `${format}: zero fatal failures against ${ruleSetsFor(format).join(' + ')}${format.endsWith('cii') || format === 'factur-x' ? ' + CII XSD' : ''}`,
          () => {
            const xml = generateEinvoice(scenario.model, format);
            const failures = validateOfficially(xml, format);
            const fatal = fatalOnly(failures);
            const warnings = failures.filter((f) => f.flag !== 'fatal').map((f) => f.id);
            results.push(`${scenario.name} | ${format} | ${fatal.length} | ${warnings.join(',') || '-'}`);
            if (fatal.length > 0) {
              const file = keepArtifact(`${scenario.name.replace(/[^a-z0-9]+/gi, '-')}.${format}.xml`, xml);
              expect.fail(`${fatal.length} fatal failures (document kept in ${file}):\n${describeFailures(fatal)}`);
            }
          },
          60_000,
        );
      }
    });
  }
});
