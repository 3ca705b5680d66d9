// Public verification: is this an authentic, unaltered document of that organization, was it
// voided or credited, are its bank details the organization's current ones, and does the e-invoice
// XML it carries (or that was uploaded on its own) state what the issuer signed?
// What an answer may contain (docs/SECURITY.md, "What verification proves and leaks"): only facts
// the requester already holds (they hold the document, its QR token or its exact bytes) plus the
// yes/no answers above. Every negative answer for "we do not know this document" is the same
// constant object, whichever part of the input failed to match.
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
import { payloadAad } from './document-signing.service.ts';
import { EINVOICE_FIELDS, einvoiceDifferences, IDENTIFYING, type EinvoiceField } from './einvoice-compare.ts';
import { embeddedFiles, readEinvoice, XmlRefused, type StatedInvoice } from './einvoice-read.ts';
import {
  accountKey,
  einvoiceDigest,
  normalizeAmount,
  normalizeFingerprint,
  normalizeIban,
  type SignedPayload,
} from './signed-payload.ts';
import { unprocessable } from '../../platform/errors.ts';
import { EINVOICE_FORMATS, FORMATS, type EinvoiceFormat } from '../einvoice/einvoice.formats.ts';
import type { SigningIdentityService } from './signing-identity.service.ts';
import { timestampTime } from '../../platform/crypto/tsa.ts';
import type { VerificationResult, VerifyDetailsInput } from './verification.schemas.ts';
import { sha256Hex } from '../../platform/crypto/hash.ts';
import { ed25519Verify } from '../../platform/crypto/signatures.ts';
import { hashToken } from '../../platform/crypto/tokens.ts';

export interface VerificationDeps {
  db: Database;
  keyring: Keyring;
  signing: Pick<SigningIdentityService, 'documentPublicKey'>;
  documents: Pick<DocumentService, 'get'>;
  /** The org's payout details in force now (applies changes whose cooling-off has ended). */
  currentPayout: (orgId: string) => Promise<Payout | null>;
  publicUrl: string;
  /**
   * Reminder documents (the dunning module, wired by the container): signed PDFs numbered in
   * their own series, found by their exact bytes.
   */
  reminderDocuments?: ReminderDocumentSource;
}

/** A reminder document whose PDF is exactly the uploaded bytes. */
export interface ReminderDocumentSource {
  byPdfSha256(pdfSha256: string): Promise<{
    number: string;
    issueDate: string;
    currency: string;
    total: number;
    issuerName: string;
    signedAt: string;
    invoiceVoided: boolean;
  } | null>;
}

/** A fingerprint for a document signed without an Ed25519 payload: the first 80 bits of its PDF's SHA-256, grouped. */
const pdfFingerprint = (sha256: string): string =>
  sha256
    .slice(0, 20)
    .toUpperCase()
    .replace(/(.{4})(?!$)/g, '$1 ');

const NOTHING = { unaltered: null, document: null, status: null, bankDetails: null, signature: null } as const;
/** The single answer for every input that does not identify a document. */
export const NO_MATCH: VerificationResult = Object.freeze({ authentic: false, reason: 'no_match', ...NOTHING });

/**
 * The public verification page with a document's fingerprint filled in (in the fragment, so it
 * never reaches a server log), for pay pages: a payer checks the invoice there with its number,
 * amount and bank account before paying. Not the QR token's page: the token is stored only as a
 * hash, and its answer carries signed fields (client name, tax id) a pay link must not reveal.
 */
export const fingerprintCheckUrl = (publicUrl: string, fingerprint: string): string =>
  `${publicUrl}/verify#fp=${fingerprint}`;

const TOKEN = /^[A-Za-z0-9_-]{22}$/;
/** A QR/link token inside an uploaded file (our link annotations are uncompressed /URI strings). */
const TOKEN_IN_PDF = /\/verify\/([A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A verification link an issuer may put in an e-invoice's text (a note or a document reference). */
const TOKEN_IN_TEXT = /\/verify\/([A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/;

/** E-invoice XML found in an upload: one or more (a PDF may carry several, which is itself suspicious). */
interface XmlFound {
  source: 'embedded' | 'file';
  invoices: Array<{ bytes: Buffer; stated: StatedInvoice }>;
}

/** The EN 16931 invoices embedded in a PDF (identical copies counted once); null when there is none. */
function embeddedInvoices(pdf: Buffer): XmlFound | null {
  const invoices: XmlFound['invoices'] = [];
  const seen = new Set<string>();
  for (const bytes of embeddedFiles(pdf).files) {
    const digest = einvoiceDigest(bytes);
    if (seen.has(digest)) continue;
    seen.add(digest);
    try {
      const stated = readEinvoice(bytes);
      if (stated) invoices.push({ bytes, stated });
    } catch (err) {
      if (!(err instanceof XmlRefused)) throw err;
    }
  }
  return invoices.length > 0 ? { source: 'embedded', invoices } : null;
}

type EinvoiceCheck = NonNullable<VerificationResult['einvoice']>;

/** Which of our formats an XML claims to be (syntax + BT-24); null for anything else. */
function formatOf(stated: StatedInvoice): EinvoiceFormat | null {
  return (
    EINVOICE_FORMATS.find(
      (f) => FORMATS[f].syntax === stated.syntax && FORMATS[f].specificationId === stated.specification,
    ) ?? null
  );
}

/** Compares every e-invoice found with the signed payload (differences only by field name). */
function checkXml(found: XmlFound, payload: SignedPayload): EinvoiceCheck {
  const diffs = new Set<EinvoiceField>();
  for (const inv of found.invoices) for (const d of einvoiceDifferences(inv.stated, payload)) diffs.add(d);
  if (found.invoices.length > 1) diffs.add('attachments');
  const signed = payload.v >= 2 && 'einvoice' in payload ? payload.einvoice : undefined;
  const differences = EINVOICE_FIELDS.filter((f) => diffs.has(f));
  const first = found.invoices[0]!;
  // The digest covers the one format made at issue; another format of the same document (an
  // XRechnung downloaded later beside a signed Factur-X) is checked by its fields only.
  const sameFormat = signed !== undefined && formatOf(first.stated) === signed.format;
  return {
    syntax: first.stated.syntax,
    source: found.source,
    exact: !sameFormat ? null : found.invoices.length === 1 && einvoiceDigest(first.bytes) === signed.sha256,
    agreesWithSignature: differences.length === 0,
    differences,
  };
}

export function createVerificationService(deps: VerificationDeps) {
  const { db, keyring, signing, documents, currentPayout, publicUrl } = deps;

  /** Decrypts the signed payload and re-checks its Ed25519 signature (a tampered row must not verify). */
  async function openPayload(row: SignatureRow): Promise<{ canonical: string; payload: SignedPayload } | null> {
    const crypto = await keyring.forOrg(db, row.org_id);
    const canonical = crypto.decryptText(row.payload_enc, payloadAad(row.document_id));
    const key = await signing.documentPublicKey(row.org_id, row.key_id);
    const ok =
      key !== null && ed25519Verify(Buffer.from(canonical, 'utf8'), key, Buffer.from(row.signature, 'base64url'));
    if (!ok || sha256Hex(canonical) !== row.payload_sha256) return null;
    return { canonical, payload: JSON.parse(canonical) as SignedPayload };
  }

  async function answer(
    row: SignatureRow,
    opts: { unaltered: boolean | null; providedAccount: string | null; withPayload: boolean; xml?: XmlFound | null },
    alreadyOpened?: { canonical: string; payload: SignedPayload },
  ): Promise<VerificationResult> {
    const opened = alreadyOpened ?? (await openPayload(row));
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
        timestampedAt: row.timestamp_token
          ? timestampTime(Buffer.from(row.timestamp_token, 'base64')).toISOString()
          : null,
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
        ? {
            algorithm: 'Ed25519',
            keyId: row.key_id,
            orgId: row.org_id,
            payload: canonical,
            value: row.signature,
            keysUrl: `${publicUrl}/.well-known/sealbill/keys`,
          }
        : null,
      ...(opts.xml ? { einvoice: checkXml(opts.xml, payload) } : {}),
    };
  }

  /**
   * The answer for e-invoice XML that matched a signed document: authentic only if it states the
   * signed fields, and "unaltered" only if it is the exact XML signed at issue (when one was).
   */
  async function answerXml(
    row: SignatureRow,
    found: XmlFound,
    withPayload: boolean,
    opened: { canonical: string; payload: SignedPayload },
  ): Promise<VerificationResult> {
    const check = checkXml(found, opened.payload);
    if (check.differences.length > 0)
      return { authentic: false, reason: 'einvoice_differs', ...NOTHING, einvoice: check };
    if (check.exact === false)
      return { authentic: false, reason: 'altered', ...NOTHING, unaltered: false, einvoice: check };
    return answer(row, { unaltered: check.exact, providedAccount: null, withPayload, xml: found }, opened);
  }

  /**
   * E-invoice XML without one of our tokens: identified by the organization (from the verification
   * link) and the XML's own number, currency and total, as a typed-in details check would be; an
   * XML that does not match on those is answered like any unknown document.
   */
  async function byOrgAndXml(orgId: string, found: XmlFound): Promise<VerificationResult> {
    const number = found.invoices[0]!.stated.number;
    if (!UUID.test(orgId) || !number) return NO_MATCH;
    for (const row of await findSignaturesByNumber(db, orgId, number)) {
      if (row.number !== number) continue;
      const opened = await openPayload(row);
      if (!opened) return { authentic: false, reason: 'signature_invalid', ...NOTHING };
      const diffs = einvoiceDifferences(found.invoices[0]!.stated, opened.payload);
      if (IDENTIFYING.some((f) => diffs.includes(f))) continue;
      return answerXml(row, found, false, opened);
    }
    return NO_MATCH;
  }

  /** Turns what a person typed into the account key used on documents (IBAN, or a plain account number). */
  const providedAccountKeys = (raw: string): string[] => {
    const v = normalizeIban(raw);
    return [`iban:${v}`, ...(/^\d{4,17}$/.test(v) ? [v] : [])];
  };
  const matchesAccount = (payee: SignedPayload['payee'], raw: string): boolean => {
    const keys = providedAccountKeys(raw);
    const onDoc = accountKey(payee);
    return (
      (onDoc !== null && keys.includes(onDoc)) || (payee?.accountNumber != null && keys.includes(payee.accountNumber))
    );
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
      const row = await findSignatureByToken(db, hashToken('verification', token));
      return row ? answer(row, { unaltered: null, providedAccount: null, withPayload: true }) : NO_MATCH;
    },

    /**
     * An uploaded file: authentic and unaltered only if it is byte for byte the PDF we issued. The
     * e-invoice XML a hybrid (Factur-X / ZUGFeRD) carries is compared with the signed fields.
     * `orgId` (from the verification link) lets a hybrid without our token be matched by its XML.
     */
    async byPdf(bytes: Buffer, orgId?: string): Promise<VerificationResult> {
      const xml = embeddedInvoices(bytes);
      const digest = sha256Hex(bytes);
      const row = await findSignatureByPdf(db, digest);
      if (row) return answer(row, { unaltered: true, providedAccount: null, withPayload: true, xml });
      // A reminder document (issue #15 item 1): authentic only as the exact bytes issued; it has
      // no signed payload, bank details or e-invoice of its own to compare.
      const reminder = await deps.reminderDocuments?.byPdfSha256(digest);
      if (reminder)
        return {
          authentic: true,
          reason: 'verified',
          unaltered: true,
          document: {
            kind: 'reminder',
            number: reminder.number,
            issueDate: reminder.issueDate,
            dueDate: null,
            currency: reminder.currency,
            total: reminder.total,
            issuerName: reminder.issuerName,
            fingerprint: pdfFingerprint(digest),
            signedAt: reminder.signedAt,
            timestampedAt: null,
          },
          status: { voided: reminder.invoiceVoided, credited: false },
          bankDetails: null,
          signature: null,
        };
      // Not our bytes. If it carries one of our tokens it was derived from a real document and
      // changed afterwards (edited, or an incremental update appended): say so, and nothing more
      // but which signed fields its XML states differently (the token's holder may see them all).
      const token = TOKEN_IN_PDF.exec(bytes.toString('latin1'))?.[1];
      const tokenRow = token ? await findSignatureByToken(db, hashToken('verification', token)) : undefined;
      if (tokenRow) {
        if (!xml) return { authentic: false, reason: 'altered', ...NOTHING, unaltered: false };
        const opened = await openPayload(tokenRow);
        if (!opened) return { authentic: false, reason: 'signature_invalid', ...NOTHING };
        return {
          authentic: false,
          reason: 'altered',
          ...NOTHING,
          unaltered: false,
          einvoice: checkXml(xml, opened.payload),
        };
      }
      if (xml && orgId) {
        const r = await byOrgAndXml(orgId, xml);
        // The PDF itself is not ours whatever its XML says.
        return r.authentic
          ? {
              ...r,
              authentic: false,
              reason: 'altered',
              unaltered: false,
              document: null,
              status: null,
              bankDetails: null,
              signature: null,
            }
          : r;
      }
      return NO_MATCH;
    },

    /**
     * An uploaded e-invoice XML (XRechnung / Peppol UBL or CII, or a Factur-X XML taken out of its
     * PDF): found by a verification link in its text, else by `orgId` + its number and total; then
     * compared with the signed fields. Refuses what is not a readable EN 16931 invoice (422).
     */
    async byEinvoice(bytes: Buffer, orgId?: string): Promise<VerificationResult> {
      let stated: StatedInvoice | null;
      try {
        stated = readEinvoice(bytes);
      } catch (err) {
        if (err instanceof XmlRefused)
          throw unprocessable(`The file is not readable XML: ${err.message}`, [
            { path: '/body', message: 'not readable XML' },
          ]);
        throw err;
      }
      if (!stated)
        throw unprocessable('The file is not an EN 16931 invoice in UBL 2.1 or UN/CEFACT CII syntax', [
          { path: '/body', message: 'not a UBL or CII invoice' },
        ]);
      const found: XmlFound = { source: 'file', invoices: [{ bytes, stated }] };
      for (const text of stated.freeText) {
        const token = TOKEN_IN_TEXT.exec(text)?.[1];
        const row = token ? await findSignatureByToken(db, hashToken('verification', token)) : undefined;
        if (!row) continue;
        const opened = await openPayload(row);
        if (!opened) return { authentic: false, reason: 'signature_invalid', ...NOTHING };
        return answerXml(row, found, true, opened);
      }
      return orgId ? byOrgAndXml(orgId, found) : NO_MATCH;
    },

    /** Typed-in details: number + amount (+ org or fingerprint) identify the document; the account is then compared. */
    async byDetails(input: VerifyDetailsInput): Promise<VerificationResult> {
      let rows: SignatureRow[] = [];
      const fp = input.fingerprint ? normalizeFingerprint(input.fingerprint) : null;
      if (fp) rows = await findSignaturesByFingerprint(db, fp);
      else if (input.orgId && UUID.test(input.orgId))
        rows = await findSignaturesByNumber(db, input.orgId, input.number.trim());
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
          return answer(row, {
            unaltered: null,
            providedAccount: accountKey(opened.payload.payee),
            withPayload: false,
          });
        }
        // The document exists, but not with these bank details: the classic altered-invoice fraud.
        const current = await currentPayout(row.org_id);
        const providedIsCurrent = providedAccountKeys(input.iban).includes(accountKey(current) ?? '-');
        return {
          authentic: false,
          reason: 'bank_details_differ',
          ...NOTHING,
          bankDetails: {
            onDocumentAreCurrent: null,
            providedMatchDocument: false,
            providedAreCurrent: providedIsCurrent,
          },
        };
      }
      return NO_MATCH;
    },
  };
}

export type VerificationService = ReturnType<typeof createVerificationService>;
