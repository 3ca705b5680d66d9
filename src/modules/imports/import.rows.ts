// CSV rows → the inputs of the create services (pure). Every cell is converted, then the result is
// checked with the very Zod schemas the create endpoints use (clientInput, itemInput, lineInput),
// so an import refuses exactly what the API refuses; each problem names the row and the field.
import type { z } from 'zod';
import { clientInput, type ClientInput } from '../clients/client.schemas.ts';
import { itemInput } from '../catalog/catalog.schemas.ts';
import { lineInput, type LineInputRaw } from '../documents/document.schemas.ts';
import type { TaxRate } from '../catalog/catalog.schemas.ts';
import {
  parseCountry,
  parseDate,
  parseMoney,
  parsePercent,
  parseQuantity,
  parseStatus,
  type InvoiceImportStatus,
  type Parsed,
} from './import.values.ts';

export interface RowError {
  line: number;
  field: string | null;
  message: string;
}

export interface RowContext {
  orgCurrency: string;
  decimalComma: boolean;
  taxRates: TaxRate[];
}

type Cells = Record<string, string>;

/** Collects a row's errors while its cells are converted. */
class RowReader {
  readonly errors: RowError[] = [];
  readonly line: number;
  readonly cells: Cells;
  constructor(line: number, cells: Cells) {
    this.line = line;
    this.cells = cells;
  }
  text(field: string): string {
    return this.cells[field] ?? '';
  }
  opt(field: string): string | null {
    const t = this.text(field);
    return t === '' ? null : t;
  }
  parse<T>(field: string, parsed: Parsed<T>): T | undefined {
    if (parsed.ok) return parsed.value;
    this.errors.push({ line: this.line, field, message: parsed.message });
    return undefined;
  }
  fail(field: string | null, message: string): void {
    this.errors.push({ line: this.line, field, message });
  }
  /** Zod issues of the create schema, named by the import field they come from. */
  zod(error: z.ZodError, fieldOf: (path: PropertyKey[]) => string | null): void {
    for (const i of error.issues) this.fail(fieldOf(i.path), i.message);
  }
}

/** A tax rate of the catalogue by its name, or by its percentage when one rate has it. */
export function findTaxRate(text: string, r: RowReader, rates: TaxRate[], decimalComma: boolean): string | null {
  if (text === '') return null;
  const byName = rates.filter((t) => t.name.toLowerCase() === text.toLowerCase());
  if (byName.length === 1) return byName[0]!.id;
  const bp = r.parse('taxRate', parsePercent(text, decimalComma));
  if (bp === undefined) return null;
  if (bp === 0 && !rates.some((t) => t.rateBp === 0)) return null; // no tax
  const matches = rates.filter((t) => t.rateBp === bp);
  if (matches.length === 1) return matches[0]!.id;
  r.fail(
    'taxRate',
    matches.length === 0
      ? `no tax rate of ${bp / 100} % in Settings → Tax rates: add it first`
      : `several tax rates of ${bp / 100} %: write the tax rate's name instead`,
  );
  return null;
}

export function clientFromRow(line: number, cells: Cells): { input: ClientInput | null; errors: RowError[] } {
  const r = new RowReader(line, cells);
  const country = r.opt('country');
  const addressLines = [r.opt('address1'), r.opt('address2')].filter((l): l is string => l !== null);
  const phone = r.opt('phone');
  const input: ClientInput = {
    name: r.text('name'),
    email: r.opt('email'),
    addressLines,
    country: country === null ? null : (r.parse('country', parseCountry(country)) ?? null),
    taxId: r.opt('taxId'),
    vatId: r.opt('vatId'),
    city: r.opt('city'),
    postalCode: r.opt('postalCode'),
    notes: [r.opt('notes'), phone && `Phone: ${phone}`].filter(Boolean).join('\n') || null,
    ...(r.opt('currency') && { currency: r.text('currency').toUpperCase() }),
    ...(r.opt('language') && { language: r.text('language') }),
  };
  const checked = clientInput.safeParse(input);
  if (!checked.success)
    r.zod(checked.error, (p) => (p[0] === 'addressLines' ? `address${Number(p[1] ?? 0) + 1}` : String(p[0] ?? '')));
  return { input: r.errors.length ? null : input, errors: r.errors };
}

export function itemFromRow(
  line: number,
  cells: Cells,
  ctx: RowContext,
): { input: z.input<typeof itemInput> | null; errors: RowError[] } {
  const r = new RowReader(line, cells);
  const currency = (r.opt('currency') ?? ctx.orgCurrency).toUpperCase();
  const input = {
    name: r.text('name'),
    description: r.text('description'),
    unit: r.text('unit'),
    unitPrice: r.parse('unitPrice', parseMoney(r.text('unitPrice'), currency, ctx.decimalComma)) ?? 0,
    currency,
    taxRateId: findTaxRate(r.text('taxRate'), r, ctx.taxRates, ctx.decimalComma),
  };
  const checked = itemInput.safeParse(input);
  if (!checked.success) r.zod(checked.error, (p) => (p[0] === 'taxRateId' ? 'taxRate' : String(p[0] ?? '')));
  return { input: r.errors.length ? null : input, errors: r.errors };
}

/** One invoice as read from its rows (one row per line, the invoice's columns repeated). */
export interface InvoiceRecord {
  number: string;
  lines: number[];
  status: InvoiceImportStatus;
  clientName: string | null;
  clientEmail: string | null;
  currency: string | null;
  issueDate: string | null;
  dueDate: string | null;
  poNumber: string | null;
  notes: string | null;
  terms: string | null;
  amountPaid: number | null;
  items: LineInputRaw[];
}

/**
 * Groups rows into invoices by number; the first row of an invoice gives its header fields, the
 * others must not contradict it. Lines are checked with lineInput.
 */
export function invoicesFromRows(
  rows: Array<{ line: number; cells: Cells }>,
  ctx: RowContext,
): { invoices: InvoiceRecord[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const byNumber = new Map<string, InvoiceRecord>();
  const bad = new Set<string>();
  for (const { line, cells } of rows) {
    const r = new RowReader(line, cells);
    const number = r.text('number');
    if (!number) {
      r.fail('number', 'required: the rows of one invoice share its number');
      errors.push(...r.errors);
      continue;
    }
    const currency = r.opt('currency')?.toUpperCase() ?? null;
    const money = (field: string, text: string | null) =>
      text === null ? null : (r.parse(field, parseMoney(text, currency ?? ctx.orgCurrency, ctx.decimalComma)) ?? null);
    const date = (field: string) => {
      const t = r.opt(field);
      return t === null ? null : (r.parse(field, parseDate(t)) ?? null);
    };
    const head = {
      status: r.parse('status', parseStatus(r.text('status'))) ?? 'issued',
      clientName: r.opt('clientName'),
      clientEmail: r.opt('clientEmail')?.toLowerCase() ?? null,
      currency,
      issueDate: date('issueDate'),
      dueDate: date('dueDate'),
      poNumber: r.opt('poNumber'),
      notes: r.opt('notes'),
      terms: r.opt('terms'),
      amountPaid: money('amountPaid', r.opt('amountPaid')),
    };
    if (!head.clientName && !head.clientEmail) r.fail('clientName', 'required: the client’s name or email');
    const description = r.opt('description') ?? r.opt('item');
    const line_: LineInputRaw = {
      description: description ?? '',
      quantity: r.parse('quantity', parseQuantity(r.text('quantity'), ctx.decimalComma)) ?? '1',
      unit: r.text('unit'),
      unitPrice: money('unitPrice', r.text('unitPrice')) ?? 0,
      taxRateId: findTaxRate(r.text('taxRate'), r, ctx.taxRates, ctx.decimalComma),
    };
    if (!description) r.fail('description', 'required: the line’s description (or item)');
    else {
      const checked = lineInput.safeParse(line_);
      if (!checked.success) r.zod(checked.error, (p) => (p[0] === 'taxRateId' ? 'taxRate' : String(p[0] ?? '')));
    }
    const existing = byNumber.get(number);
    if (existing) {
      for (const [k, v] of Object.entries(head) as Array<[keyof typeof head, unknown]>)
        if (v !== null && existing[k] !== null && v !== existing[k])
          r.fail(k, `differs from the invoice's first row (line ${existing.lines[0]})`);
    }
    errors.push(...r.errors);
    if (r.errors.length) bad.add(number);
    const inv = existing ?? { number, lines: [], items: [], ...head };
    if (existing)
      for (const [k, v] of Object.entries(head) as Array<[keyof typeof head, never]>) if (inv[k] === null) inv[k] = v;
    inv.lines.push(line);
    inv.items.push(line_);
    byNumber.set(number, inv);
  }
  for (const inv of byNumber.values()) {
    if (bad.has(inv.number)) continue;
    if (inv.status !== 'draft' && !inv.issueDate)
      errors.push({ line: inv.lines[0]!, field: 'issueDate', message: 'required for an issued invoice' });
    if (inv.items.length > 500)
      errors.push({ line: inv.lines[0]!, field: 'number', message: 'an invoice has at most 500 lines' });
  }
  const refused = new Set(errors.map((e) => e.line));
  return {
    invoices: [...byNumber.values()].filter((i) => !bad.has(i.number) && !i.lines.some((l) => refused.has(l))),
    errors,
  };
}
