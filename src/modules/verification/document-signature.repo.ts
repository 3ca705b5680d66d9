import type { Executor } from '../../platform/db/kysely.ts';
import type { DocumentSignaturesTable } from './verification.tables.ts';

export type SignatureRow = DocumentSignaturesTable;

export async function insertSignature(db: Executor, row: SignatureRow): Promise<void> {
  await db.insertInto('document_signatures').values(row).execute();
}

export async function recordSignedPdf(
  db: Executor,
  orgId: string,
  documentId: string,
  pdfSha256: string,
  timestampToken: string | null,
): Promise<void> {
  await db
    .updateTable('document_signatures')
    .set({ pdf_sha256: pdfSha256, timestamp_token: timestampToken })
    .where('org_id', '=', orgId)
    .where('document_id', '=', documentId)
    .execute();
}

export function findSignature(db: Executor, orgId: string, documentId: string): Promise<SignatureRow | undefined> {
  return db
    .selectFrom('document_signatures')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('document_id', '=', documentId)
    .executeTakeFirst();
}

// The lookups below are deliberately not scoped to an org: they serve the public verification
// routes, whose callers hold only a token, a file or a fingerprint. Each matches on a value only a
// holder of the document knows (a 128-bit token hash, a SHA-256 of the file, an 80-bit fingerprint).

export function findSignatureByToken(db: Executor, tokenHash: string): Promise<SignatureRow | undefined> {
  return db.selectFrom('document_signatures').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export function findSignatureByPdf(db: Executor, pdfSha256: string): Promise<SignatureRow | undefined> {
  return db.selectFrom('document_signatures').selectAll().where('pdf_sha256', '=', pdfSha256).executeTakeFirst();
}

export function findSignaturesByFingerprint(db: Executor, fingerprint: string): Promise<SignatureRow[]> {
  return db.selectFrom('document_signatures').selectAll().where('fingerprint', '=', fingerprint).limit(5).execute();
}

export function findSignaturesByNumber(db: Executor, orgId: string, number: string): Promise<SignatureRow[]> {
  return db
    .selectFrom('document_signatures')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('number', '=', number)
    .limit(5)
    .execute();
}
