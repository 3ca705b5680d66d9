// Signs documents at issue, inside the issuing transaction (the lifecycle's IssueHooks):
// 1. verification(): Ed25519 signature over the canonical JSON of the essential fields, a random
//    128-bit verification token for the QR code, and the human fingerprint printed on the PDF;
// 2. signPdf(): PAdES signature with the org's X.509 identity (+ RFC 3161 time-stamp if configured);
// 3. onIssued(): records the SHA-256 of the final PDF, so an uploaded file can be matched exactly.
import { randomBytes, sign as cryptoSign, X509Certificate, createHash } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { IssueHooks } from '../invoices/document-lifecycle.service.ts';
import { insertSignature, recordSignedPdf } from './document-signature.repo.ts';
import { signPdfPades } from './pades.ts';
import { buildPayload, fingerprintOf, serializePayload } from './signed-payload.ts';
import type { SigningIdentityService } from './signing-identity.service.ts';
import type { TimestampAuthority } from './tsa.ts';

export const payloadAad = (documentId: string) => ({ table: 'document_signatures', row: documentId, column: 'payload_enc' });
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
/** The QR target: a page of the web app that calls GET /api/v1/verify/:token. Keep this path stable. */
export const verifyUrl = (publicUrl: string, token: string): string => `${publicUrl}/verify/${token}`;

export interface DocumentSigningDeps {
  keyring: Keyring;
  clock: Clock;
  publicUrl: string;
  signing: Pick<SigningIdentityService, 'getOrCreate' | 'documentKey'>;
  tsa: TimestampAuthority | null;
  /** Where a failed time-stamp request is reported (issuing goes on without one). */
  warn: (msg: string) => void;
}

export function createDocumentSigningHooks(deps: DocumentSigningDeps): Required<IssueHooks> {
  const { keyring, clock, publicUrl, signing, tsa, warn } = deps;
  // signPdf and onIssued run in the same transaction right after each other for one document;
  // the time-stamp token travels between them keyed by that transaction object.
  const pendingTimestamp = new WeakMap<object, string | null>();

  return {
    async verification(tx, org, doc, snapshot) {
      const key = await signing.documentKey(tx, org.id);
      const canonical = serializePayload(buildPayload(org.id, doc, snapshot, key.keyId, clock.now().toISOString()));
      const signature = cryptoSign(null, Buffer.from(canonical, 'utf8'), key.privateKey).toString('base64url');
      const fingerprint = fingerprintOf(canonical);
      const token = randomBytes(16).toString('base64url');
      const crypto = await keyring.forOrg(tx, org.id);
      await insertSignature(tx, {
        org_id: org.id,
        document_id: doc.id,
        kind: doc.kind,
        number: doc.number!,
        key_id: key.keyId,
        payload_enc: crypto.encryptText(canonical, payloadAad(doc.id)),
        payload_sha256: createHash('sha256').update(canonical, 'utf8').digest('hex'),
        signature,
        fingerprint,
        token_hash: hashToken(token),
        pdf_sha256: null,
        timestamp_token: null,
        created_at: clock.now().toISOString(),
      });
      const since = snapshot.payout ? snapshot.payoutUnchangedSince : null;
      return { url: verifyUrl(publicUrl, token), fingerprint, unchangedSince: since ? since.slice(0, 10) : null };
    },

    async signPdf(tx: Executor, orgId: string, pdf: Buffer): Promise<Buffer> {
      const identity = await signing.getOrCreate(tx, orgId);
      let token: Buffer | null = null;
      const signed = await signPdfPades(pdf, {
        identity,
        signingTime: clock.now(),
        signerName: /CN=([^\n]+)/.exec(new X509Certificate(identity.certificatePem).subject)?.[1] ?? 'Sealbill',
        timestamp: tsa
          ? async (signatureValue) => {
              try {
                token = await tsa.timestamp(signatureValue);
              } catch (err) {
                warn(`time-stamp skipped for a document of org ${orgId}: ${(err as Error).message}`);
              }
              return token;
            }
          : undefined,
      });
      pendingTimestamp.set(tx, token ? (token as Buffer).toString('base64') : null);
      return signed;
    },

    async onIssued(tx, orgId, doc, pdfSha256) {
      await recordSignedPdf(tx, orgId, doc.id, pdfSha256, pendingTimestamp.get(tx) ?? null);
      pendingTimestamp.delete(tx);
    },
  };
}
