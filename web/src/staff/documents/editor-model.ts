// The invoice editor's state and its translation to the API body and to live totals. Totals use
// the server's own computeTotals (invoice.money.ts), so what the editor shows is what the issued
// document will say, to the minor unit.
import {
  amountInput,
  computeTotals,
  readAmount,
  readPercent,
  type Discount,
  type LineInput,
  type Totals,
} from '../../lib/format.ts';
import type { DocumentDto, Schedule, TaxRate } from '../../lib/types.ts';

export interface LineState {
  key: string;
  itemId: string | null;
  description: string;
  quantity: string;
  unit: string;
  price: string;
  discountPercent: string;
  /** An amount discount loaded from the API (the editor edits percentages only). */
  fixedDiscount: Discount | null;
  taxRateId: string;
}

export interface EditorState {
  clientId: string;
  currency: string;
  exchangeRate: string;
  issueDate: string;
  dueDate: string;
  discountType: 'none' | 'percent' | 'amount';
  discountValue: string;
  notes: string;
  terms: string;
  relatedDocumentId: string;
  lines: LineState[];
}

let seq = 0;
export const newKey = () => `l${++seq}`;

export function emptyLine(): LineState {
  return {
    key: newKey(),
    itemId: null,
    description: '',
    quantity: '1',
    unit: '',
    price: '',
    discountPercent: '',
    fixedDiscount: null,
    taxRateId: '',
  };
}

const percentText = (bp: number) => (bp % 100 === 0 ? String(bp / 100) : (bp / 100).toFixed(2).replace(/0$/, ''));

/** What the editor reads of a draft (and of a schedule's template). */
type Editable = Pick<
  DocumentDto,
  | 'clientId'
  | 'currency'
  | 'exchangeRate'
  | 'issueDate'
  | 'dueDate'
  | 'discount'
  | 'notes'
  | 'terms'
  | 'relatedDocumentId'
> & {
  /** Set when the rate came from the rate table (not typed): the field then stays empty, the hint shows it. */
  exchangeRateSource?: DocumentDto['exchangeRateSource'];
  lines: Array<
    Pick<
      DocumentDto['lines'][number],
      'itemId' | 'description' | 'quantity' | 'unit' | 'unitPrice' | 'discount' | 'taxRateId'
    >
  >;
};

export function stateFrom(doc: Editable): EditorState {
  return {
    clientId: doc.clientId,
    currency: doc.currency,
    exchangeRate: doc.exchangeRate === '1' || doc.exchangeRateSource ? '' : doc.exchangeRate,
    issueDate: doc.issueDate ?? '',
    dueDate: doc.dueDate ?? '',
    discountType: doc.discount ? doc.discount.type : 'none',
    discountValue: !doc.discount
      ? ''
      : doc.discount.type === 'percent'
        ? percentText(doc.discount.basisPoints)
        : amountInput(doc.discount.amount, doc.currency),
    notes: doc.notes ?? '',
    terms: doc.terms ?? '',
    relatedDocumentId: doc.relatedDocumentId ?? '',
    lines: doc.lines.map((l) => ({
      key: newKey(),
      itemId: l.itemId,
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      price: amountInput(l.unitPrice, doc.currency),
      discountPercent: l.discount?.type === 'percent' ? percentText(l.discount.basisPoints) : '',
      fixedDiscount: l.discount?.type === 'amount' ? l.discount : null,
      taxRateId: l.taxRateId ?? '',
    })),
  };
}

/** A recurring schedule's template in the editor (no dates of its own: the runs give them). */
export function stateFromSchedule(sc: Schedule): EditorState {
  const t = sc.template;
  return stateFrom({
    clientId: t.clientId,
    currency: sc.currency,
    exchangeRate: t.exchangeRate ?? '1',
    issueDate: null,
    dueDate: null,
    discount: t.discount,
    notes: t.notes,
    terms: t.terms,
    relatedDocumentId: null,
    lines: t.lines,
  });
}

export interface Built {
  body: Record<string, unknown> | null;
  /** Editor-side problems keyed like the API's field paths ("lines/0/unitPrice"). */
  errors: Record<string, string>;
  totals: Totals | null;
}

function lineDiscount(l: LineState): Discount | null | 'invalid' {
  if (l.fixedDiscount) return l.fixedDiscount;
  if (!l.discountPercent.trim()) return null;
  const bp = readPercent(l.discountPercent);
  return bp === null || bp > 10_000 ? 'invalid' : { type: 'percent', basisPoints: bp };
}

export function build(s: EditorState, rates: TaxRate[]): Built {
  const errors: Record<string, string> = {};
  const currency = s.currency.trim().toUpperCase();
  const lines: Record<string, unknown>[] = [];
  const money: LineInput[] = [];
  s.lines.forEach((l, i) => {
    const price = readAmount(l.price, currency);
    if (!price.ok) errors[`lines/${i}/unitPrice`] = price.message;
    if (!/^-?\d{1,9}(\.\d{1,6})?$/.test(l.quantity.trim()) || /^-?0+(\.0+)?$/.test(l.quantity.trim()))
      errors[`lines/${i}/quantity`] = 'Enter a quantity such as 1 or 2.5 (not zero)';
    if (!l.description.trim()) errors[`lines/${i}/description`] = 'Describe what you are billing';
    const discount = lineDiscount(l);
    if (discount === 'invalid') errors[`lines/${i}/discount`] = 'Enter a percentage between 0 and 100';
    const rate = rates.find((r) => r.id === l.taxRateId);
    lines.push({
      itemId: l.itemId,
      description: l.description.trim(),
      quantity: l.quantity.trim(),
      unit: l.unit.trim(),
      unitPrice: price.ok ? price.minor : 0,
      discount: discount === 'invalid' ? null : discount,
      taxRateId: l.taxRateId || null,
    });
    money.push({
      quantity: l.quantity.trim(),
      unitPrice: price.ok ? price.minor : 0,
      discount: discount === 'invalid' ? null : discount,
      taxRateBp: rate?.rateBp ?? 0,
      taxInclusive: rate?.inclusive ?? false,
    });
  });
  let discount: Discount | null = null;
  if (s.discountType === 'percent') {
    const bp = readPercent(s.discountValue);
    if (bp === null || bp > 10_000) errors['discount'] = 'Enter a percentage between 0 and 100';
    else discount = { type: 'percent', basisPoints: bp };
  } else if (s.discountType === 'amount') {
    const a = readAmount(s.discountValue, currency);
    if (!a.ok || a.minor < 0) errors['discount'] = a.ok ? 'The discount cannot be negative' : a.message;
    else discount = { type: 'amount', amount: a.minor };
  }
  if (!s.clientId) errors['clientId'] = 'Choose a client';
  if (s.lines.length === 0) errors['lines'] = 'Add at least one line';

  let totals: Totals | null = null;
  if (Object.keys(errors).filter((k) => k !== 'clientId').length === 0 && money.length > 0) {
    try {
      totals = computeTotals(money, discount);
    } catch (e) {
      errors['discount'] = (e as Error).message;
    }
  }
  const body: Record<string, unknown> = {
    clientId: s.clientId,
    currency,
    issueDate: s.issueDate || null,
    dueDate: s.dueDate || null,
    lines,
    discount,
    notes: s.notes.trim() || null,
    terms: s.terms.trim() || null,
  };
  if (s.exchangeRate.trim()) body.exchangeRate = s.exchangeRate.trim();
  if (s.relatedDocumentId) body.relatedDocumentId = s.relatedDocumentId;
  return { body: Object.keys(errors).length ? null : body, errors, totals };
}
