// What an issued invoice or credit note adds to the reports' ledger (migration 0022): its VAT
// breakdown per (category, rate) and its net revenue per catalogue item. Pure: computed from the
// document as issued (the DTO's `taxes` are computeTotals' groups, the very figures the PDF prints
// and the signature covers), so the report ties out to the documents to the minor unit:
//   Σ taxable + Σ tax over a document's VAT rows = its total, Σ tax = its tax total, and per rate
//   the rows add up to the printed breakdown;
//   Σ net over its item rows = Σ taxable (net revenue after the document discount).
//
// computeTotals groups by (rate, tax-inclusive); a VAT return needs (category, rate). A group of one
// category is handed over whole. A 0 % group holding several categories (Z, E, AE, …) is split by
// the same steps as the e-invoice (einvoice.mapping-vat.ts: net per line, then the group's discount
// allocated over the categories by largest remainder), so the report states what the XML states.
// Two categories at one non-zero rate (only possible without an e-invoice format, which refuses
// them): the tax is apportioned over their taxable amounts.
import { roundHalfAwayFromZero } from '../../shared/money/money.ts';
import { lineCategory } from '../documents/line-category.ts';
import type { DocumentDto } from '../documents/document.schemas.ts';
import { allocate } from '../einvoice/einvoice.mapping-vat.ts';
import type { VatCategory } from '../einvoice/einvoice.model.ts';

export type LedgerDocument = Pick<
  DocumentDto,
  'id' | 'kind' | 'issueDate' | 'currency' | 'exchangeRate' | 'lines' | 'taxes' | 'einvoice'
>;

export interface VatEntry {
  category: VatCategory;
  rateBp: number;
  taxable: number;
  tax: number;
}

export interface ItemEntry {
  itemId: string | null;
  lineCount: number;
  /** Σ quantity × 10^6 */
  quantityMicro: number;
  net: number;
}

export interface LedgerEntries {
  kind: 'invoice' | 'credit_note';
  issueDate: string;
  supplyDate: string | null;
  vat: VatEntry[];
  items: ItemEntry[];
}

const MICRO = 6;

/** "1.5" → 1_500_000 (quantities have at most 6 decimals: document.schemas.ts quantityString). */
export function quantityMicro(q: string): bigint {
  const negative = q.startsWith('-');
  const [int = '0', frac = ''] = (negative ? q.slice(1) : q).split('.');
  const v = BigInt(int) * 10n ** BigInt(MICRO) + BigInt(frac.padEnd(MICRO, '0').slice(0, MICRO) || '0');
  return negative ? -v : v;
}

export function ledgerEntriesOf(doc: LedgerDocument): LedgerEntries {
  if (doc.kind === 'quote') throw new RangeError('quotes have no ledger entries');
  if (!doc.issueDate) throw new RangeError(`document ${doc.id} has no issue date`);
  const sign = doc.kind === 'credit_note' ? -1n : 1n;
  const vat = new Map<string, { category: VatCategory; rateBp: number; taxable: bigint; tax: bigint }>();
  const items = new Map<string, { itemId: string | null; lineCount: number; quantity: bigint; net: bigint }>();

  for (const group of doc.taxes) {
    const idx = doc.lines.flatMap((l, i) =>
      l.taxRateBp === group.rateBp && l.taxInclusive === group.inclusive ? [i] : [],
    );
    const amounts = idx.map((i) => BigInt(doc.lines[i]!.amount));
    // A gross group's lines as net amounts (what the e-invoice states as BT-131).
    let nets = amounts;
    if (group.inclusive) {
      const rate = BigInt(group.rateBp);
      const gross = amounts.reduce((a, b) => a + b, 0n);
      nets = allocate(gross - roundHalfAwayFromZero(gross * rate, 10_000n + rate), amounts);
    }
    const categories = [...new Set(idx.map((i) => lineCategory(doc.lines[i]!)))];
    const members = categories.map((c) => idx.flatMap((i, k) => (lineCategory(doc.lines[i]!) === c ? [k] : [])));
    const sums = members.map((ks) => ks.reduce((a, k) => a + nets[k]!, 0n));
    const groupNet = sums.reduce((a, s) => a + s, 0n);
    const discounts = allocate(groupNet - BigInt(group.taxable), sums);
    const taxables = sums.map((s, c) => s - discounts[c]!);
    const taxes = categories.length === 1 ? [BigInt(group.tax)] : allocate(BigInt(group.tax), taxables);

    categories.forEach((category, c) => {
      const key = `${category}|${group.rateBp}`;
      const v = vat.get(key) ?? { category, rateBp: group.rateBp, taxable: 0n, tax: 0n };
      v.taxable += taxables[c]!;
      v.tax += taxes[c]!;
      vat.set(key, v);
      // Each line's net revenue: the category's taxable amount over its lines, by their net.
      const ks = members[c]!;
      const lineNets = allocate(
        taxables[c]!,
        ks.map((k) => nets[k]!),
      );
      ks.forEach((k, j) => {
        const line = doc.lines[idx[k]!]!;
        const itemKey = line.itemId ?? '';
        const it = items.get(itemKey) ?? { itemId: line.itemId, lineCount: 0, quantity: 0n, net: 0n };
        it.lineCount += 1;
        it.quantity += quantityMicro(line.quantity);
        it.net += lineNets[j]!;
        items.set(itemKey, it);
      });
    });
  }

  const toNumber = (v: bigint) => Number(v * sign);
  return {
    kind: doc.kind,
    issueDate: doc.issueDate,
    supplyDate: doc.einvoice.supplyDate ?? doc.einvoice.periodEnd ?? null,
    vat: [...vat.values()].map((v) => ({
      category: v.category,
      rateBp: v.rateBp,
      taxable: toNumber(v.taxable),
      tax: toNumber(v.tax),
    })),
    items: [...items.values()].map((i) => ({
      itemId: i.itemId,
      lineCount: i.lineCount,
      quantityMicro: toNumber(i.quantity),
      net: toNumber(i.net),
    })),
  };
}
