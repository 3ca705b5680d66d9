// The ledger a document writes ties out to the document: per rate to the printed breakdown
// (computeTotals), per (category, rate) to the e-invoice's VAT (deriveVat), in total to what the
// client owes, and the items' net to the taxable amounts. Property tests over random documents.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTotals, type Discount } from '../../shared/money/money.ts';
import { deriveVat } from '../einvoice/einvoice.mapping-vat.ts';
import type { VatCategory } from '../einvoice/einvoice.model.ts';
import { ledgerEntriesOf, quantityMicro, type LedgerDocument } from './ledger-entries.ts';

interface Line {
  quantity: string;
  unitPrice: number;
  rateBp: number;
  inclusive: boolean;
  category: VatCategory;
  itemId: string | null;
}

function doc(lines: Line[], discount: Discount | null, kind: 'invoice' | 'credit_note' = 'invoice'): LedgerDocument {
  const totals = computeTotals(
    lines.map((l) => ({
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      taxRateBp: l.rateBp,
      taxInclusive: l.inclusive,
    })),
    discount,
  );
  return {
    id: 'd',
    kind,
    issueDate: '2026-01-31',
    currency: 'EUR',
    exchangeRate: '1',
    taxes: totals.taxes,
    einvoice: {
      supplyDate: null,
      periodStart: null,
      periodEnd: null,
      buyerReference: null,
      purchaseOrderReference: null,
      contractReference: null,
      paymentMeans: null,
    },
    lines: lines.map((l, i) => ({
      itemId: l.itemId,
      description: 'x',
      quantity: l.quantity,
      unit: '',
      unitPrice: l.unitPrice,
      discount: null,
      taxRateId: null,
      taxName: '',
      taxRateBp: l.rateBp,
      taxInclusive: l.inclusive,
      taxCategory: l.category,
      amount: totals.lines[i]!.amount,
      lineDiscount: totals.lines[i]!.discount,
    })),
  };
}

// Rates with the categories a catalogue allows at them (catalog.schemas.ts).
const rate = fc.constantFrom<[number, VatCategory]>([1900, 'S'], [700, 'S'], [0, 'Z'], [0, 'E'], [0, 'AE'], [0, 'K']);
const line = fc.record({
  quantity: fc.integer({ min: 1, max: 5000 }).map((n) => (n / 100).toFixed(2)),
  unitPrice: fc.integer({ min: 0, max: 1_000_000 }),
  rate,
  inclusive: fc.boolean(),
  itemId: fc.constantFrom(null, 'item-a', 'item-b'),
});
const lines = fc
  .array(line, { minLength: 1, maxLength: 8 })
  .map((ls) => ls.map(({ rate: [rateBp, category], ...l }) => ({ ...l, rateBp, category })));
const discount = fc.option(
  fc.oneof(
    fc.integer({ min: 0, max: 10_000 }).map((basisPoints): Discount => ({ type: 'percent', basisPoints })),
    fc.integer({ min: 0, max: 500 }).map((amount): Discount => ({ type: 'amount', amount })),
  ),
  { nil: null },
);

describe('ledgerEntriesOf', () => {
  it('ties out to the printed breakdown, the e-invoice VAT and the total', () => {
    fc.assert(
      fc.property(lines, discount, (ls, d) => {
        // An amount discount larger than the lines is refused at input (money.ts); not a document.
        const sumOfLines = ls.reduce((a, l) => a + Math.round(Number(l.quantity) * l.unitPrice), 0);
        fc.pre(d?.type !== 'amount' || d.amount <= sumOfLines);
        const document = doc(ls, d);
        const totals = computeTotals(
          ls.map((l) => ({
            quantity: l.quantity,
            unitPrice: l.unitPrice,
            taxRateBp: l.rateBp,
            taxInclusive: l.inclusive,
          })),
          d,
        );
        const e = ledgerEntriesOf(document);
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        expect(sum(e.vat.map((v) => v.taxable + v.tax))).toBe(totals.total);
        expect(sum(e.vat.map((v) => v.tax))).toBe(totals.taxTotal);
        for (const r of new Set(totals.taxes.map((t) => t.rateBp))) {
          const printed = totals.taxes.filter((t) => t.rateBp === r);
          const rows = e.vat.filter((v) => v.rateBp === r);
          expect(sum(rows.map((v) => v.taxable))).toBe(sum(printed.map((t) => t.taxable)));
          expect(sum(rows.map((v) => v.tax))).toBe(sum(printed.map((t) => t.tax)));
        }
        // The e-invoice's tax per (category, rate), and its taxable amount per category.
        const derived = deriveVat(
          document.lines.map((l) => ({ ...l, tax: { category: l.taxCategory! } })),
          totals,
          d,
        );
        for (const v of e.vat) expect(derived.taxes[`${v.category}|${v.rateBp}`]).toBe(v.tax);
        expect(sum(e.items.map((i) => i.net))).toBe(sum(e.vat.map((v) => v.taxable)));
        expect(sum(e.items.map((i) => i.lineCount))).toBe(ls.length);
      }),
      { numRuns: 500 },
    );
  });

  it('stores a credit note negative and names no free-text line', () => {
    const e = ledgerEntriesOf(
      doc(
        [
          { quantity: '2', unitPrice: 100_00, rateBp: 1900, inclusive: false, category: 'S', itemId: 'item-a' },
          { quantity: '1.5', unitPrice: 10_00, rateBp: 0, inclusive: false, category: 'AE', itemId: null },
        ],
        null,
        'credit_note',
      ),
    );
    expect(e.vat).toEqual([
      { category: 'AE', rateBp: 0, taxable: -15_00, tax: 0 },
      { category: 'S', rateBp: 1900, taxable: -200_00, tax: -38_00 },
    ]);
    expect(e.items).toEqual([
      { itemId: null, lineCount: 1, quantityMicro: -1_500_000, net: -15_00 },
      { itemId: 'item-a', lineCount: 1, quantityMicro: -2_000_000, net: -200_00 },
    ]);
  });

  it('reads quantities exactly', () => {
    expect(quantityMicro('1.5')).toBe(1_500_000n);
    expect(quantityMicro('-0.000001')).toBe(-1n);
    expect(quantityMicro('123456789.123456')).toBe(123456789123456n);
  });
});
