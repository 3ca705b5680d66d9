// Does an e-invoice's XML state what the issuer signed? A hybrid PDF whose XML says another IBAN
// or total than its visible, signed content is a known fraud vector (accounting software books the
// XML, people read the PDF): every signed field the XML also states is compared, and the names of
// those that disagree are reported (never the signed values themselves).
import { currencyExponent, parseAmount } from '../../shared/money/money.ts';
import type { StatedInvoice, StatedParty } from './einvoice-read.ts';
import { normalizeIban, type SignedPayload } from './signed-payload.ts';

export const EINVOICE_FIELDS = [
  'kind',
  'number',
  'issueDate',
  'dueDate',
  'currency',
  'total',
  'taxTotal',
  'taxes',
  'issuer',
  'client',
  'payee',
  'attachments',
] as const;
export type EinvoiceField = (typeof EINVOICE_FIELDS)[number];

/** The fields a bare XML is identified by (with the organization): a mismatch there means "not this document". */
export const IDENTIFYING: readonly EinvoiceField[] = ['number', 'currency', 'total'];

const name = (s: string | null): string => (s ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
const id = (s: string): string => s.replace(/[\s.\-/]+/g, '').toUpperCase();

/** Decimal text in the document currency → minor units; null if it is not an amount of that currency. */
function minor(text: string | null, currency: string): number | null {
  if (text === null) return null;
  try {
    // EN 16931 amounts have at most two decimals; trailing zeros beyond the currency's exponent are harmless.
    const exp = currencyExponent(currency);
    const m = /^(-?\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!m) return null;
    const frac = (m[2] ?? '').replace(/0+$/, '');
    if (frac.length > exp) return null;
    return parseAmount(frac ? `${m[1]}.${frac}` : m[1]!, currency);
  } catch {
    return null;
  }
}

/** "19", "19.00", "5.5" → basis points (1900, 1900, 550); null if finer than a basis point. */
function basisPoints(rate: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d+))?$/.exec(rate.trim());
  if (!m) return null;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > 2) return null;
  return Number(m[1]) * 100 + Number(frac.padEnd(2, '0'));
}

function partyDiffers(
  stated: StatedParty,
  signed: { name: string; taxId: string | null; country: string | null },
): boolean {
  if (name(stated.name) !== name(signed.name)) return true;
  if (
    signed.country !== null &&
    stated.country !== null &&
    stated.country.toUpperCase() !== signed.country.toUpperCase()
  )
    return true;
  // Sealbill's single tax id may be the VAT id, the tax number or a register number: it must be among those the XML states.
  if (signed.taxId !== null && signed.taxId.trim() !== '' && !stated.ids.some((s) => id(s) === id(signed.taxId!)))
    return true;
  return false;
}

/** The VAT breakdown summed per rate (a rate may hold several categories or tax-inclusive groups). */
function perRate(entries: Array<{ rateBp: number | null; taxable: number | null; tax: number | null }>): string | null {
  const sums = new Map<number, { taxable: number; tax: number }>();
  for (const e of entries) {
    if (e.rateBp === null || e.taxable === null || e.tax === null) return null;
    const s = sums.get(e.rateBp) ?? { taxable: 0, tax: 0 };
    s.taxable += e.taxable;
    s.tax += e.tax;
    sums.set(e.rateBp, s);
  }
  return JSON.stringify([...sums.entries()].sort((a, b) => a[0] - b[0]));
}

/** The signed fields `stated` disagrees with (empty: the XML states what was signed). */
export function einvoiceDifferences(stated: StatedInvoice, p: SignedPayload): EinvoiceField[] {
  const out: EinvoiceField[] = [];
  const cur = p.totals.currency;
  if (stated.kind !== p.document.kind) out.push('kind');
  if (stated.number !== p.document.number) out.push('number');
  if (stated.issueDate !== p.document.issueDate) out.push('issueDate');
  // A due date the XML adds or changes; EN 16931 lets the XML leave it out (payment terms text).
  if (stated.dueDate !== null && stated.dueDate !== p.document.dueDate) out.push('dueDate');
  if (stated.currency !== cur) out.push('currency');
  if (minor(stated.total, cur) !== p.totals.total) out.push('total');
  if (minor(stated.taxTotal, cur) !== p.totals.taxTotal) out.push('taxTotal');
  if (p.v >= 2 && 'taxes' in p) {
    const xml = perRate(
      stated.taxes.map((t) => ({
        rateBp: basisPoints(t.rate),
        taxable: minor(t.taxable, cur),
        tax: minor(t.tax, cur),
      })),
    );
    if (xml === null || xml !== perRate(p.taxes)) out.push('taxes');
  }
  if (partyDiffers(stated.seller, p.issuer)) out.push('issuer');
  if (partyDiffers(stated.buyer, p.client)) out.push('client');
  const signedAccount = p.payee?.iban
    ? normalizeIban(p.payee.iban)
    : p.payee?.accountNumber
      ? id(p.payee.accountNumber)
      : null;
  // Every account the XML names must be the signed one (an added second account is the fraud), and a signed IBAN must be stated.
  const accounts = new Set(stated.payeeAccounts);
  if ([...accounts].some((a) => a !== signedAccount) || (p.payee?.iban && !accounts.has(signedAccount!)))
    out.push('payee');
  return out;
}
