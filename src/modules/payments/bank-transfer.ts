// Bank transfer aids, as pure functions:
// - ISO 11649 structured creditor reference ("RF" + 2 check digits + up to 21 alphanumerics), the
//   check digits computed with ISO 7064 MOD 97-10 like an IBAN, so a mistyped reference is caught
//   by the payer's bank;
// - the EPC069-12 "SEPA credit transfer" QR payload (the GiroCode / "Scan to pay" format, v002),
//   for EUR invoices payable to an IBAN.
import { sha256Hex } from '../../platform/crypto/hash.ts';
import { formatAmount } from '../../shared/money/money.ts';

/** ISO 7064 MOD 97-10 remainder of an alphanumeric string (A=10 … Z=35), digit by digit. */
function mod97(s: string): number {
  let rem = 0;
  for (const ch of s) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rem;
}

/** Builds an RF creditor reference from a base of 1–21 letters and digits (case and spaces ignored). */
export function creditorReference(base: string): string {
  const ref = base.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z0-9]{1,21}$/.test(ref)) throw new RangeError('an RF reference base is 1–21 letters or digits');
  const check = 98 - mod97(`${ref}RF00`);
  return `RF${String(check).padStart(2, '0')}${ref}`;
}

/** ISO 11649 validity: format, then the reference moved behind "RFcc" must leave remainder 1. */
export function isValidCreditorReference(raw: string): boolean {
  const rf = raw.replace(/\s+/g, '').toUpperCase();
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(rf)) return false;
  return mod97(rf.slice(4) + rf.slice(0, 4)) === 1;
}

/** Print form: groups of four ("RF18 5390 0754 7034"). */
export function formatCreditorReference(rf: string): string {
  return rf.replace(/(.{4})/g, '$1 ').trim();
}

/** The invoice's RF reference: its number's letters and digits, or (if longer than 21) a digest of its id. */
export function invoiceCreditorReference(invoiceNumber: string | null, invoiceId: string): string {
  const base = (invoiceNumber ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (base.length >= 1 && base.length <= 21) return creditorReference(base);
  const digest = sha256Hex(invoiceId).toUpperCase().slice(0, 21);
  return creditorReference(digest);
}

export interface EpcTransfer {
  name: string;
  iban: string;
  bic: string | null;
  /** EUR cents; omitted from the code when outside 0.01–999 999 999.99 (the payer types it). */
  amount: number | null;
  reference: string | null;
  /** Free text, used only when there is no structured reference (the standard allows one of them). */
  text?: string | null;
}

const MAX_EPC_BYTES = 331;

/** EPC069-12 v002 payload: fixed line order, UTF-8, the last populated line without a trailing LF. */
export function epcQrPayload(t: EpcTransfer): string {
  const iban = t.iban.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) throw new RangeError('EPC QR needs an IBAN');
  const name = [...t.name.replace(/[\r\n]+/g, ' ').trim()].slice(0, 70).join('');
  if (!name) throw new RangeError('EPC QR needs the beneficiary name');
  const amount =
    t.amount !== null && t.amount >= 1 && t.amount <= 99_999_999_999 ? `EUR${formatAmount(t.amount, 'EUR')}` : '';
  const reference = t.reference ? t.reference.replace(/\s+/g, '').toUpperCase() : '';
  if (reference.length > 35) throw new RangeError('structured reference longer than 35 characters');
  let text = reference ? '' : [...(t.text ?? '').replace(/[\r\n]+/g, ' ').trim()].slice(0, 140).join('');
  const build = () => {
    const lines = [
      'BCD',
      '002',
      '1',
      'SCT',
      t.bic ? t.bic.replace(/\s+/g, '').toUpperCase() : '',
      name,
      iban,
      amount,
      '',
      reference,
      text,
      '',
    ];
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  };
  // Multi-byte names can push the payload past 331 bytes: the free text gives way first.
  while (Buffer.byteLength(build(), 'utf8') > MAX_EPC_BYTES && text.length > 0) text = [...text].slice(0, -1).join('');
  const payload = build();
  if (Buffer.byteLength(payload, 'utf8') > MAX_EPC_BYTES) throw new RangeError('EPC QR payload exceeds 331 bytes');
  return payload;
}
