// Unit tests of the pure building blocks: XML writer, decimal arithmetic, IBAN, field table,
// and the mapping from a Sealbill document (units, deduction lines, discount allocation).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTotals } from '../../shared/money/money.ts';
import { formatPercentBp, lineNetAmount, priceTimesQuantity } from './einvoice.amounts.ts';
import { sealbillField } from './einvoice.fields.ts';
import {
  EinvoiceMappingError,
  toEinvoice,
  unitCode,
  type SealbillDocument,
  type SealbillLine,
} from './einvoice.mapping.ts';
import type { EinvoiceModel } from './einvoice.model.ts';
import { checkEinvoice } from './einvoice.rules.ts';
import { isIsoDate } from './rules/findings.ts';
import { isValidIban } from './iban.ts';
import { XmlWriter, escapeAttr, escapeText } from './xml.ts';
import { scenarios } from '../../../test/einvoice/scenarios.ts';

describe('xml writer', () => {
  const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
  it('escapes text and attributes', () => {
    const xml = XmlWriter.document('a', { t: 'x"<y>&\n', none: undefined }, (x) =>
      x.leaf('b', 'Müller & Söhne <GmbH> ]]>'),
    );
    expect(xml.toString('utf8')).toBe(
      `${DECLARATION}<a t="x&quot;&lt;y&gt;&amp;&#10;">\n  <b>Müller &amp; Söhne &lt;GmbH&gt; ]]&gt;</b>\n</a>\n`,
    );
    expect(escapeAttr('tab\there')).toBe('tab&#9;here');
  });

  it('drops empty elements recursively, keeps a required container and the root', () => {
    const xml = XmlWriter.document('root', {}, (x) => {
      x.el('empty', () => {});
      x.leaf('blank', '');
      x.leaf('missing', undefined);
      x.el('nested', () => x.el('inner', () => x.leaf('text', null)));
      x.el('outer', () => x.el('middle', () => x.leaf('full', 'x')));
      x.el('parent', () => x.required('kept', () => x.leaf('no', '')));
    });
    expect(xml.toString('utf8')).toBe(
      `${DECLARATION}<root>\n  <outer>\n    <middle>\n      <full>x</full>\n    </middle>\n  </outer>\n` +
        '  <parent>\n    <kept/>\n  </parent>\n</root>\n',
    );
    expect(XmlWriter.document('r', { a: 'b' }, () => {}).toString('utf8')).toBe(`${DECLARATION}<r a="b"/>\n`);
  });

  it('refuses text XML cannot carry instead of writing a broken document', () => {
    expect(() => XmlWriter.document('a', {}, (x) => x.leaf('b', 'bell\u0007'))).toThrow(RangeError);
    expect(() => XmlWriter.document('a', {}, (x) => x.leaf('b', 'lone \uD800 surrogate'))).toThrow(RangeError);
    expect(() => XmlWriter.document('a', { v: 'bell\u0007' }, () => {})).toThrow(RangeError);
  });

  it('writes the UTF-8 encoding of the text it is given (any text, names and attributes)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 20 });
    fc.assert(
      fc.property(text, text, fc.constantFrom('a', 'ram:Name', 'Größe', 'Ω'), (t, attr, name) => {
        const xml = XmlWriter.document('root', { v: attr }, (x) => {
          x.leaf(name, t, { w: attr });
          x.el('b', () => x.leaf('c', t));
        });
        const inner =
          t === ''
            ? ''
            : `\n  <${name} w="${escapeAttr(attr)}">${escapeText(t)}</${name}>\n  <b>\n    <c>${escapeText(t)}</c>\n  </b>`;
        const expected = `${DECLARATION}<root v="${escapeAttr(attr)}"${inner === '' ? '/>' : `>${inner}\n</root>`}\n`;
        expect(xml.equals(Buffer.from(expected, 'utf8'))).toBe(true);
      }),
    );
  });
});

describe('amounts', () => {
  it('prints rates without trailing zeros', () => {
    expect([1900, 700, 550, 5, 0, 2150, 10_000].map(formatPercentBp)).toEqual([
      '19',
      '7',
      '5.5',
      '0.05',
      '0',
      '21.5',
      '100',
    ]);
  });

  it('multiplies quantity and price exactly, rounding once half away from zero', () => {
    expect(priceTimesQuantity('2.5', '80.00', undefined, 'EUR')).toBe(20000n);
    expect(priceTimesQuantity('0.333333', '0.03', undefined, 'EUR')).toBe(1n);
    expect(priceTimesQuantity('-1', '33.33', undefined, 'EUR')).toBe(-3333n);
    expect(priceTimesQuantity('3', '10.00', '2', 'EUR')).toBe(1500n);
    expect(priceTimesQuantity('1.5', '12001', undefined, 'JPY')).toBe(18002n);
  });

  it('agrees with computeTotals on every exclusive line (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 0, max: 999_999 }),
        (q, price, fraction) => {
          const quantity = `${q % 10_000}.${String(fraction).padStart(6, '0')}`.replace(/^0\.000000$/, '1');
          const [t] = computeTotals([{ quantity, unitPrice: price, taxRateBp: 1900, taxInclusive: false }]).lines;
          const negative = price < 0;
          const net = lineNetAmount(
            {
              quantity: negative ? `-${quantity}` : quantity,
              netPrice: (Math.abs(price) / 100).toFixed(2),
              allowanceCharges: [],
            },
            'EUR',
          );
          expect(net).toBe(t?.amount);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('iban (BR-DE-19 as JavaScript)', () => {
  it('accepts valid IBANs, with or without spaces, and refuses a wrong check digit', () => {
    expect(isValidIban('DE75512108001245126199')).toBe(true); // the README's SaxonJS counter-example
    expect(isValidIban('DE75 5121 0800 1245 1261 99')).toBe(true);
    expect(isValidIban('GB33BUKB20201555555555')).toBe(true);
    expect(isValidIban('DE76512108001245126199')).toBe(false);
    expect(isValidIban('12345')).toBe(false);
  });
});

describe('field table', () => {
  it('names the Sealbill field, keeping indexes and falling back to the nearest parent', () => {
    expect(sealbillField('buyer.vatId')).toBe('client.vatId');
    expect(sealbillField('seller.contact.email')).toBe('org.contactEmail');
    expect(sealbillField('lines[3].vatRateBp')).toBe('lines[3].taxRate');
    expect(sealbillField('lines[2].allowanceCharges[0].reason')).toBe('lines[2].discount');
    expect(sealbillField('vatBreakdown[1].exemptionReason', 'E')).toBe('taxRates[E].exemptionReason');
    expect(sealbillField('paymentMeans[0].account.id')).toBe('payout.iban');
    expect(sealbillField('nothing.known')).toBe('nothing.known');
  });
});

describe('mapping from a Sealbill document', () => {
  const input = (): SealbillDocument =>
    structuredClone(scenarios().find((s) => s.name === 'line discounts')?.input as SealbillDocument);

  it('maps free-text units to UN/ECE Recommendation 20', () => {
    expect(['h', 'Hours', 'pcs', '', 'day', 'kg', 'MTR', 'crate'].map(unitCode)).toEqual([
      'HUR',
      'HUR',
      'C62',
      'C62',
      'DAY',
      'KGM',
      'MTR',
      'C62',
    ]);
  });

  it('turns a negative price into a negative quantity (BR-27) and a line discount into a BG-27 allowance', () => {
    const m = toEinvoice(input());
    const [workshop, travel, goodwill] = m.lines;
    expect(workshop?.allowanceCharges).toEqual([
      { charge: false, amount: 28000, base: 280000, percentBp: 1000, reason: 'Discount', reasonCode: '95' },
    ]);
    expect(travel?.allowanceCharges).toEqual([{ charge: false, amount: 5000, reason: 'Discount', reasonCode: '95' }]);
    expect(goodwill).toMatchObject({ quantity: '-1', netPrice: '33.33', netAmount: -3333 });
  });

  it('allocates the document discount over the VAT breakdown like computeTotals', () => {
    const doc = scenarios().find((s) => s.name === 'document-level discount')?.input as SealbillDocument;
    const m = toEinvoice(doc);
    const t = computeTotals(doc.lines, doc.discount);
    expect(m.allowanceCharges.map((a) => [a.vatRateBp, a.amount])).toEqual([
      [700, 934],
      [1900, 8550],
    ]);
    expect(m.vatBreakdown.map((v) => [v.rateBp, v.taxable, v.tax])).toEqual(
      t.taxes.map((g) => [g.rateBp, g.taxable, g.tax]),
    );
  });

  it('states tax-inclusive lines net, summing to exactly the subtotal, VAT and total computeTotals gives', () => {
    const doc = scenarios().find((x) => x.name === 'tax-inclusive prices with a document discount')
      ?.input as SealbillDocument;
    const m = toEinvoice(doc);
    const t = computeTotals(doc.lines, doc.discount);
    expect(m.totals).toMatchObject({
      lineNet: t.subtotal,
      allowances: t.discountTotal,
      tax: t.taxTotal,
      taxInclusive: t.total,
    });
    for (const l of m.lines) expect(lineNetAmount(l, doc.currency)).toBe(l.netAmount); // R120, exactly
    expect(m.lines.filter((l, i) => doc.lines[i]?.taxInclusive).every((l) => l.allowanceCharges.length === 0)).toBe(
      true,
    );
  });

  it('refuses two VAT categories at one non-zero rate (the PDF could not print them apart)', () => {
    const doc = input();
    doc.lines[1] = { ...(doc.lines[1] as SealbillLine), tax: { category: 'L' } };
    expect(() => toEinvoice(doc)).toThrow(EinvoiceMappingError);
    expect(() => toEinvoice(doc)).toThrow(expect.objectContaining({ ruleId: 'SB-VAT-01', field: 'lines[1].taxRate' }));
  });

  it('splits a 0 % group holding several categories by their line sums', () => {
    const doc = input();
    doc.lines = [
      { ...(doc.lines[0] as SealbillLine), taxRateBp: 0, tax: { category: 'Z' } },
      {
        ...(doc.lines[1] as SealbillLine),
        taxRateBp: 0,
        tax: { category: 'E', exemptionReason: 'Steuerfrei nach § 4 Nr. 14 UStG' },
      },
    ];
    doc.discount = { type: 'amount', amount: 1001 };
    const m = toEinvoice(doc);
    expect(m.vatBreakdown.map((v) => v.category)).toEqual(['E', 'Z']);
    expect(m.allowanceCharges.reduce((a, x) => a + x.amount, 0)).toBe(1001);
    expect(m.totals.taxInclusive).toBe(computeTotals(doc.lines, doc.discount).total);
  });
});

describe('SB-TEXT-01 (text an XML document cannot carry)', () => {
  // Any UTF-16 code unit sequence, judged independently by XML 1.0's Char production.
  const NOT_XML = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
  const base = scenarios().find((s) => s.name === 'domestic standard and reduced rate')!.model;
  const places: Array<[string, (m: EinvoiceModel, t: string) => void]> = [
    ['seller.name', (m, t) => (m.seller.name = t)],
    ['lines[1].itemName', (m, t) => (m.lines[1]!.itemName = t)],
    ['notes[0]', (m, t) => (m.notes = [t])],
    ['buyer.address.lines[0]', (m, t) => (m.buyer.address.lines = [t])],
  ];

  it('is reported, at the right field, exactly when a text holds such a character', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({
        unit: fc.constantFrom('a', 'ß', '\u0007', '\b', '\f', '\uFFFE', '\uD800', '\uDC00', '\n', '\r', '\t'),
      }),
    );
    fc.assert(
      fc.property(text, fc.constantFrom(...places), (t, [path, put]) => {
        const m = structuredClone(base);
        put(m, `x${t}`);
        const found = checkEinvoice(m, 'factur-x').filter((i) => i.ruleId === 'SB-TEXT-01');
        expect(found.map((i) => i.field)).toEqual(NOT_XML.test(t) ? [sealbillField(path)] : []);
      }),
      { numRuns: 500 },
    );
  });
});

describe('isIsoDate', () => {
  it('accepts exactly the real calendar dates (against Date, leap years included)', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const text = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
          const date = new Date(0);
          date.setUTCFullYear(y, m - 1, d);
          const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
          expect(isIsoDate(text)).toBe(real);
        },
      ),
      { numRuns: 2000 },
    );
    expect([
      isIsoDate('2024-02-29'),
      isIsoDate('2023-02-29'),
      isIsoDate('1900-02-29'),
      isIsoDate('2000-02-29'),
    ]).toEqual([true, false, false, true]);
    expect([isIsoDate('2026-1-01'), isIsoDate(undefined), isIsoDate('2026-04-31')]).toEqual([false, false, false]);
  });
});
