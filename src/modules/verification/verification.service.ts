// Public verification: is this an authentic, unaltered document of that organization, was it
// voided or credited, and are its bank details the organization's current ones?
// What an answer may contain (docs/SECURITY.md, "What verification proves and leaks"): only facts
// the requester already holds (they hold the document, its QR token or its exact bytes) plus the
// yes/no answers above. Every negative answer for "we do not know this document" is the same
// constant object, whichever part of the input failed to match.
import { createHash, verify as cryptoVerify } from 'node:crypto';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { parseAmount } from '../../shared/money/money.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { Payout } from '../orgs/org.schemas.ts';
import {
  findSignature,
  findSignatureByPdf,
  findSignatureByToken,
  findSignaturesByFingerprint,
  findSignaturesByNumber,
  type SignatureRow,
} from './document-signature.repo.ts';
import { hashToken, payloadAad } from './document-signing.service.ts';
import { accountKey, normalizeAmount, normalizeFingerprint, normalizeIban, type SignedPayload } from './signed-payload.ts';
import type { SigningIdentityService } from './signing-identity.service.ts';
import { timestampTime } from './tsa.ts';
import type { VerificationResult, VerifyDetailsInput } from './verification.schemas.ts';

export interface VerificationDeps {
  db: Database;
  keyring: Keyring;
  signing: Pick<SigningIdentityService, 'documentPublicKey'>;
  documents: Pick<DocumentService, 'get'>;
  /** The org's payout details in force now (applies changes whose cooling-off has ended). */
  currentPayout: (orgId: string) => Promise<Payout | null>;
  publicUrl: string;
}

const NOTHING = { unaltered: null, document: null, status: null, bankDetails: null, signature: null } as const;
/** The single answer for every input that does not identify a document. */
export const NO_MATCH: VerificationResult = Object.freeze({ authentic: false, reason: 'no_match', ...NOTHING });

/**
 * The public verification page with a document's fingerprint filled in (in the fragment, so it
 * never reaches a server log), for pay pages: a payer checks the invoice there with its number,
 * amount and bank account before paying. Not the QR token's page: the token is stored only as a
 * hash, and its answer carries signed fields (client name, tax id) a pay link must not reveal.
 */
export const fingerprintCheckUrl = (publicUrl: string, fingerprint: string): string => `${publicUrl}/verify#fp=${fingerprint}`;

const TOKEN = /^[A-Za-z0-9_-]{22}$/;
/** A QR/link token inside an uploaded file (our link annotations are uncompressed /URI strings). */
const TOKEN_IN_PDF = /\/verify\/([A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createVerificationService(deps: VerificationDeps) {
  const { db, keyring, signing, documents, currentPayout, publicUrl } = deps;

  /** Decrypts the signed payload and re-checks its Ed25519 signature (a tampered row must not verify). */
  async function openPayload(row: SignatureRow): Promise<{ canonical: string; payload: SignedPayload } | null> {
    const crypto = await keyring.forOrg(db, row.org_id);
    const canonical = crypto.decryptText(row.payload_enc, payloadAad(row.document_id));
    const key = await signing.documentPublicKey(row.org_id, row.key_id);
    const ok = key !== null && cryptoVerify(null, Buffer.from(canonical, 'utf8'), key, Buffer.from(row.signature, 'base64url'));
    if (!ok || createHash('sha256').update(canonical, 'utf8').digest('hex') !== row.payload_sha256) return null;
    return { canonical, payload: JSON.parse(canonical) as SignedPayload };
  }

  async function answer(row: SignatureRow, opts: { unaltered: boolean | null; providedAccount: string | null; withPayload: boolean }): Promise<VerificationResult> {
    const opened = await openPayload(row);
    if (!opened) return { authentic: false, reason: 'signature_invalid', ...NOTHING };
    const { canonical, payload } = opened;
    const doc = await documents.get(row.org_id, row.kind, row.document_id);
    const current = accountKey(await currentPayout(row.org_id));
    const onDocument = accountKey(payload.payee);
    return {
      authentic: true,
      reason: 'verified',
      unaltered: opts.unaltered,
      document: {
        kind: payload.document.kind,
        number: payload.document.number,
        issueDate: payload.document.issueDate,
        dueDate: payload.document.dueDate,
        currency: payload.totals.currency,
        total: payload.totals.total,
        issuerName: payload.issuer.name,
        fingerprint: row.fingerprint,
        signedAt: payload.signedAt,
        timestampedAt: row.timestamp_token ? timestampTime(Buffer.from(row.timestamp_token, 'base64')).toISOString() : null,
      },
      status: { voided: doc.status === 'void', credited: doc.amountCredited > 0 },
      bankDetails: onDocument
        ? {
            onDocumentAreCurrent: onDocument === current,
            providedMatchDocument: opts.providedAccount === null ? null : opts.providedAccount === onDocument,
            providedAreCurrent: opts.providedAccount === null ? null : opts.providedAccount === current,
          }
        : null,
      signature: opts.withPayload
        ? { algorithm: 'Ed25519', keyId: row.key_id, orgId: row.org_id, payload: canonical, value: row.signature, keysUrl: `${publicUrl}/.well-known/sealbill/keys` }
        : null,
    };
  }

  /** Turns what a person typed into the account key used on documents (IBAN, or a plain account number). */
  const providedAccountKeys = (raw: string): string[] => {
    const v = normalizeIban(raw);
    return [`iban:${v}`, ...(/^\d{4,17}$/.test(v) ? [v] : [])];
  };
  const matchesAccount = (payee: SignedPayload['payee'], raw: string): boolean => {
    const keys = providedAccountKeys(raw);
    const onDoc = accountKey(payee);
    return (onDoc !== null && keys.includes(onDoc)) || (payee?.accountNumber != null && keys.includes(payee.accountNumber));
  };

  return {
    /**
     * The fingerprint printed on a document's PDF (base32 of SHA-256 of its signed payload), so the
     * delivery emails and the portal show the very value the PDF carries. Null if never signed.
     */
    async documentFingerprint(orgId: string, documentId: string): Promise<string | null> {
      return (await findSignature(db, orgId, documentId))?.fingerprint ?? null;
    },

    /** The QR code's link: the token was printed on the document, so its holder sees the signed fields. */
    async byToken(token: string): Promise<VerificationResult> {
      if (!TOKEN.test(token)) return NO_MATCH;
      const row = await findSignatureByToken(db, hashToken(token));
      return row ? answer(row, { unaltered: null, providedAccount: null, withPayload: true }) : NO_MATCH;
    },

    /** An uploaded file: authentic and unaltered only if it is byte for byte the PDF we issued. */
    async byPdf(bytes: Buffer): Promise<VerificationResult> {
      const row = await findSignatureByPdf(db, createHash('sha256').update(bytes).digest('hex'));
      if (row) return answer(row, { unaltered: true, providedAccount: null, withPayload: true });
      // Not our bytes. If it carries one of our tokens it was derived from a real document and
      // changed afterwards (edited, or an incremental update appended): say so, and nothing more.
      const token = TOKEN_IN_PDF.exec(bytes.toString('latin1'))?.[1];
      if (token && (await findSignatureByToken(db, hashToken(token)))) return { authentic: false, reason: 'altered', ...NOTHING, unaltered: false };
      return NO_MATCH;
    },

    /** Typed-in details: number + amount (+ org or fingerprint) identify the document; the account is then compared. */
    async byDetails(input: VerifyDetailsInput): Promise<VerificationResult> {
      let rows: SignatureRow[] = [];
      const fp = input.fingerprint ? normalizeFingerprint(input.fingerprint) : null;
      if (fp) rows = await findSignaturesByFingerprint(db, fp);
      else if (input.orgId && UUID.test(input.orgId)) rows = await findSignaturesByNumber(db, input.orgId, input.number.trim());
      for (const row of rows) {
        if (row.number !== input.number.trim() || (input.orgId && row.org_id !== input.orgId)) continue;
        const doc = await documents.get(row.org_id, row.kind, row.document_id);
        if (input.currency && input.currency !== doc.currency) continue;
        let amount: number;
        try {
          amount = parseAmount(normalizeAmount(input.amount), doc.currency);
        } catch {
          continue;
        }
        if (amount !== doc.total) continue;
        const opened = await openPayload(row);
        if (!opened) return { authentic: false, reason: 'signature_invalid', ...NOTHING };
        if (matchesAccount(opened.payload.payee, input.iban)) {
          return answer(row, { unaltered: null, providedAccount: accountKey(opened.payload.payee), withPayload: false });
        }
        // The document exists, but not with these bank details: the classic altered-invoice fraud.
        const current = await currentPayout(row.org_id);
        const providedIsCurrent = providedAccountKeys(input.iban).includes(accountKey(current) ?? '-');
        return {
          authentic: false,
          reason: 'bank_details_differ',
          ...NOTHING,
          bankDetails: { onDocumentAreCurrent: null, providedMatchDocument: false, providedAreCurrent: providedIsCurrent },
        };
      }
      return NO_MATCH;
    },
  };
}

export type VerificationService = ReturnType<typeof createVerificationService>;
