// A line's VAT category, on its own so the PDF view (and reports) can use it without loading the
// e-invoice mapping, rules and writers that document-einvoice.ts brings (the render path's memory,
// issue #14 item 3).
import type { VatCategory } from '../einvoice/einvoice.model.ts';
import type { StoredLine } from './document.schemas.ts';

/** A line's VAT category: frozen from its rate; lines saved before issue #12 were S or Z by their rate. */
export function lineCategory(l: Pick<StoredLine, 'taxCategory' | 'taxRateBp'>): VatCategory {
  return l.taxCategory ?? (l.taxRateBp > 0 ? 'S' : 'Z');
}
