// Issuing maps a document to the EN 16931 model once, before its number is drawn (the pre-issue
// check), and writes the Factur-X XML from that model under the drawn number (issue #12 item 9).
// That is only right if renumbering a model gives exactly what mapping the numbered document gives:
// every scenario of the matrix, as a model and as XML bytes in every format.
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../../test/einvoice/scenarios.ts';
import { EINVOICE_FORMATS } from './einvoice.formats.ts';
import { generateEinvoice } from './einvoice.generate.ts';
import { renumber, toEinvoice } from './einvoice.mapping.ts';

describe('renumber', () => {
  const withInput = scenarios().filter((s) => s.input);

  it('covers the scenarios that come from a Sealbill document', () => {
    expect(withInput.length).toBeGreaterThan(3);
  });

  for (const s of withInput) {
    it(`${s.name}: the model mapped as a draft, renumbered, is the model of the numbered document`, () => {
      const input = s.input!;
      const renumbered = renumber(toEinvoice({ ...input, number: 'DRAFT' }), input.number);
      expect(renumbered).toEqual(toEinvoice(input));
      for (const f of EINVOICE_FORMATS) expect(generateEinvoice(renumbered, f)).toBe(generateEinvoice(s.model, f));
    });
  }

  it('leaves the model it was given as it was', () => {
    const model = toEinvoice({ ...withInput[0]!.input!, number: 'DRAFT' });
    const before = structuredClone(model);
    renumber(model, 'RE-2026-0001');
    expect(model).toEqual(before);
  });
});
