// What a document signature covers: the fields a payer relies on (issuer, number, dates, client,
// totals, currency, VAT breakdown, payee bank details, and the e-invoice XML when one was made), as
// canonical JSON (keys sorted, no whitespace), so anyone can re-serialise the payload and check the
// Ed25519 signature with the published key.
//
// Versions (docs/SECURITY.md, "Signatures: exact bytes"): the stored canonical JSON is what is
// verified, whatever its version, so a payload is never re-built from the document and old
// signatures keep verifying. v1 (until issue #12): no VAT breakdown, no e-invoice. v2: adds
// `taxes` (the VAT breakdown as printed) and, when the document carries an e-invoice, `einvoice`
// (its format and the SHA-256 of its exact XML bytes).
import { canonicalJson } from '../audit/audit.chain.ts';
import type { DocumentBody, DocumentDto } from '../documents/document.schemas.ts';
import { sha256, sha256Hex } from '../../platform/crypto/hash.ts';

type Snapshot = NonNullable<DocumentBody['snapshot']>;
type PayeeDetails = NonNullable<Snapshot['payout']>;

interface PayloadV1 {
  v: 1;
  alg: 'Ed25519';
  keyId: string;
  issuer: { orgId: string; name: string; taxId: string | null; country: string | null };
  document: { kind: DocumentDto['kind']; number: string; issueDate: string; dueDate: string | null };
  client: { name: string; taxId: string | null; country: string | null };
  totals: { currency: string; subtotal: number; discountTotal: number; taxTotal: number; total: number };
  payee: PayeeDetails | null;
  signedAt: string;
}

/** One VAT breakdown entry as computed and printed: rate in basis points, amounts in minor units. */
export interface SignedTax {
  rateBp: number;
  inclusive: boolean;
  taxable: number;
  tax: number;
}

/** The e-invoice issued with the document: its format and the SHA-256 (hex) of its exact XML bytes. */
export interface SignedEinvoice {
  format: string;
  sha256: string;
}

interface PayloadV2 extends Omit<PayloadV1, 'v'> {
  v: 2;
  taxes: SignedTax[];
  /** Absent when the document was issued without an e-invoice. */
  einvoice?: SignedEinvoice;
}

/** Any payload ever signed (verification reads all versions). */
export type SignedPayload = PayloadV1 | PayloadV2;

/** The SHA-256 an e-invoice is signed with (`einvoice.sha256`). */
export const einvoiceDigest = (xml: Buffer | string): string => sha256Hex(xml);

/**
 * The payload signed at issue (always the newest version). `einvoice`: the XML produced for the
 * document at issue (the Factur-X XML embedded in the PDF, or the client's XRechnung/Peppol file).
 */
export function buildPayload(
  orgId: string,
  doc: DocumentDto,
  snapshot: Snapshot,
  keyId: string,
  signedAt: string,
  einvoice?: { format: string; xml: Buffer | string } | null,
): PayloadV2 {
  return {
    v: 2,
    alg: 'Ed25519',
    keyId,
    issuer: { orgId, name: snapshot.org.name, taxId: snapshot.org.taxId, country: snapshot.org.country },
    document: { kind: doc.kind, number: doc.number!, issueDate: doc.issueDate!, dueDate: doc.dueDate },
    client: { name: snapshot.client.name, taxId: snapshot.client.taxId, country: snapshot.client.country },
    totals: {
      currency: doc.currency,
      subtotal: doc.subtotal,
      discountTotal: doc.discountTotal,
      taxTotal: doc.taxTotal,
      total: doc.total,
    },
    taxes: doc.taxes.map((t) => ({ rateBp: t.rateBp, inclusive: t.inclusive, taxable: t.taxable, tax: t.tax })),
    payee: snapshot.payout,
    ...(einvoice ? { einvoice: { format: einvoice.format, sha256: einvoiceDigest(einvoice.xml) } } : {}),
    signedAt,
  };
}

export const serializePayload = (p: SignedPayload): string => canonicalJson(p);

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (no padding) of the first 10 bytes of SHA-256(payload), grouped "XXXX-XXXX-XXXX-XXXX" (80 bits). */
export function fingerprintOf(canonical: string): string {
  const bytes = sha256(canonical).subarray(0, 10);
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)!.join('-');
}

/** Accepts "abcd efgh-ijkl mnop" as typed by a person; null if it cannot be a fingerprint. */
export function normalizeFingerprint(raw: string): string | null {
  const t = raw.toUpperCase().replace(/[\s-]+/g, '');
  return /^[A-Z2-7]{16}$/.test(t) ? t.match(/.{4}/g)!.join('-') : null;
}

export const normalizeIban = (raw: string): string => raw.replace(/[\s-]+/g, '').toUpperCase();

/** The account money is paid into: the IBAN, or account + routing number. */
export function accountKey(
  p: { iban: string | null; accountNumber: string | null; routingNumber: string | null } | null,
): string | null {
  if (!p) return null;
  if (p.iban) return `iban:${normalizeIban(p.iban)}`;
  if (p.accountNumber && p.routingNumber) return `aba:${p.routingNumber}:${p.accountNumber}`;
  return null;
}

/** "1.480,95", "1,480.95", "1 480,95", "1480.95" → "1480.95": amounts as people type them. */
export function normalizeAmount(raw: string): string {
  const t = raw.replace(/[\s'\u2019\u00a0\u202f]+/g, '');
  const lastComma = t.lastIndexOf(',');
  const lastDot = t.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    // Whichever separator comes last is the decimal one; the other groups thousands.
    return lastComma > lastDot ? t.replace(/\./g, '').replace(',', '.') : t.replace(/,/g, '');
  }
  if (lastComma >= 0) return t.indexOf(',') === lastComma ? t.replace(',', '.') : t.replace(/,/g, '');
  return t;
}
