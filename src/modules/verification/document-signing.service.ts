// Signs documents at issue, inside the issuing transaction (the lifecycle's IssueHooks):
// 1. verification(): Ed25519 signature over the canonical JSON of the essential fields (and the
//    SHA-256 of the e-invoice XML when the caller passes one), a random
//    128-bit verification token for the QR code, and the human fingerprint printed on the PDF;
// 2. pdfSigner(): the PAdES signer with the org's X.509 identity (+ RFC 3161 time-stamp if
//    configured); the renderer reserves its field and the signer fills it;
// 3. onIssued(): records the SHA-256 of the final PDF (and the time-stamp token), so an uploaded
//    file can be matched exactly.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { IssueHooks } from '../documents/document-lifecycle.service.ts';
import { insertSignature, recordSignedPdf } from './document-signature.repo.ts';
import { createPadesSigning } from './pades.ts';
import { buildPayload, fingerprintOf, serializePayload } from './signed-payload.ts';
import type { DocumentKey, SigningIdentity, SigningIdentityService } from './signing-identity.service.ts';
import type { OrgDetails } from '../orgs/org.service.ts';
import type { DocumentBody, DocumentDto } from '../documents/document.schemas.ts';
import type { TimestampAuthority } from '../../platform/crypto/tsa.ts';
import { sha256Hex } from '../../platform/crypto/hash.ts';
import { ed25519Sign } from '../../platform/crypto/signatures.ts';
import { hashToken, newToken } from '../../platform/crypto/tokens.ts';

export const payloadAad = (documentId: string) => ({
  table: 'document_signatures',
  row: documentId,
  column: 'payload_enc',
});
/** The QR target: a page of the web app that calls GET /api/v1/verify/:token. Keep this path stable. */
export const verifyUrl = (publicUrl: string, token: string): string => `${publicUrl}/verify/${token}`;

/** An e-invoice produced at issue, to be covered by the document's Ed25519 signature. */
export interface EinvoiceToSign {
  format: string;
  xml: Buffer | string;
}

export interface DocumentSigningDeps {
  keyring: Keyring;
  clock: Clock;
  publicUrl: string;
  signing: Pick<SigningIdentityService, 'getOrCreateInTx' | 'documentKeyInTx'>;
  tsa: TimestampAuthority | null;
  /** Where a failed time-stamp request is reported (issuing goes on without one). */
  warn: (msg: string) => void;
}

type BaseHooks = Required<IssueHooks>;
/** The issue hooks; verificationInTx() also takes the e-invoice XML made at issue, when there is one. */
export interface DocumentSigningHooks extends Omit<BaseHooks, 'verificationInTx'> {
  verificationInTx(
    ...args: [...Parameters<BaseHooks['verificationInTx']>, einvoice?: EinvoiceToSign | null]
  ): ReturnType<BaseHooks['verificationInTx']>;
}

export function createDocumentSigningHooks(deps: DocumentSigningDeps): DocumentSigningHooks {
  const { keyring, clock, publicUrl, signing, tsa, warn } = deps;
  // Parsed keys and CMS templates per identity, for every document this process signs.
  const pades = createPadesSigning();

  // `einvoice`: the XML issued with the document (Factur-X embedded, or the XRechnung/Peppol
  // file), generated before this call; the signature then covers its exact bytes (payload v2).
  async function verificationWith(
    key: DocumentKey,
    tx: Executor,
    org: OrgDetails,
    doc: DocumentDto,
    snapshot: NonNullable<DocumentBody['snapshot']>,
    einvoice?: EinvoiceToSign | null,
  ) {
    const canonical = serializePayload(
      buildPayload(org.id, doc, snapshot, key.keyId, clock.now().toISOString(), einvoice),
    );
    const signature = ed25519Sign(Buffer.from(canonical, 'utf8'), key.privateKey).toString('base64url');
    const fingerprint = fingerprintOf(canonical);
    const token = newToken(16);
    const crypto = await keyring.forOrg(tx, org.id);
    await insertSignature(tx, {
      org_id: org.id,
      document_id: doc.id,
      kind: doc.kind,
      number: doc.number!,
      key_id: key.keyId,
      payload_enc: crypto.encryptText(canonical, payloadAad(doc.id)),
      payload_sha256: sha256Hex(canonical),
      signature,
      fingerprint,
      token_hash: hashToken('verification', token),
      pdf_sha256: null,
      timestamp_token: null,
      created_at: clock.now().toISOString(),
    });
    const since = snapshot.payout ? snapshot.payoutUnchangedSince : null;
    return { url: verifyUrl(publicUrl, token), fingerprint, unchangedSince: since ? since.slice(0, 10) : null };
  }

  /** One document's PAdES signer: its own signing time (and time-stamp), the identity's key. */
  function signerWith(identity: SigningIdentity, orgId: string) {
    return pades.signer(identity, {
      signingTime: clock.now(),
      timestamp: tsa
        ? async (signatureValue) => {
            try {
              return await tsa.timestamp(signatureValue);
            } catch (err) {
              warn(`time-stamp skipped for a document of org ${orgId}: ${(err as Error).message}`);
              return null;
            }
          }
        : undefined,
      warn: (msg) => warn(`${msg} (a document of org ${orgId})`),
    });
  }

  return {
    async verificationInTx(tx, org, doc, snapshot, einvoice?: EinvoiceToSign | null) {
      return verificationWith(await signing.documentKeyInTx(tx, org.id), tx, org, doc, snapshot, einvoice);
    },

    async pdfSignerInTx(tx: Executor, orgId: string) {
      return signerWith(await signing.getOrCreateInTx(tx, orgId), orgId);
    },

    // Bulk issuing: the org's Ed25519 key and signing identity are read and decrypted once for the
    // batch's transaction (they cannot change under it: rotation takes the same row locks and, on
    // SQLite, the single write lock), not once per document. Each document still gets its own
    // payload, signature, token and signing time; the keys stay on this thread (DECISIONS D17).
    async batchInTx(tx: Executor, orgId: string) {
      const key = await signing.documentKeyInTx(tx, orgId);
      const identity = await signing.getOrCreateInTx(tx, orgId);
      return {
        verificationInTx: (
          ex: Executor,
          org: OrgDetails,
          doc: DocumentDto,
          snapshot: NonNullable<DocumentBody['snapshot']>,
          einvoice?: EinvoiceToSign | null,
        ) => verificationWith(key, ex, org, doc, snapshot, einvoice),
        pdfSignerInTx: async (_ex: Executor, id: string) => signerWith(identity, id),
      };
    },

    async onIssuedInTx(tx, orgId, doc, pdfSha256, timestampToken) {
      await recordSignedPdf(tx, orgId, doc.id, pdfSha256, timestampToken ? timestampToken.toString('base64') : null);
    },
  };
}
