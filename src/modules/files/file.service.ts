// Stored documents (issued PDFs, receipts, attachments). Bytes are sealed under the org's
// document key with AAD bound to the file row, and kept in the database so that a document and
// the record that refers to it commit (and back up) together. The SHA-256 of the plaintext is
// kept to prove byte-identical delivery.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import { notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { sha256Hex } from '../../platform/crypto/hash.ts';
import { deleteStoredFile, describeStoredFiles, findStoredFile, insertStoredFile } from './file.repo.ts';

const aad = (id: string) => ({ table: 'stored_files', row: id, column: 'content_enc' });

export interface StoredFile {
  id: string;
  contentType: string;
  size: number;
  sha256: string;
  bytes: Buffer;
  createdAt: string;
}

export function createFileService({ keyring, clock }: { keyring: Keyring; clock: Clock }) {
  return {
    async putInTx(
      tx: Executor,
      orgId: string,
      purpose: string,
      contentType: string,
      bytes: Buffer,
    ): Promise<{ id: string; sha256: string }> {
      const id = newId();
      const crypto = await keyring.forOrg(tx, orgId);
      const sha256 = sha256Hex(bytes);
      await insertStoredFile(tx, {
        id,
        org_id: orgId,
        purpose,
        content_type: contentType,
        size: bytes.length,
        sha256,
        content_enc: crypto.encryptBytes(bytes, aad(id)),
        created_at: clock.now().toISOString(),
      });
      return { id, sha256 };
    },

    /** What is known about stored files without opening them (type, size, digest), by id; unknown ids are absent. */
    async describeInTx(
      ex: Executor,
      orgId: string,
      ids: string[],
    ): Promise<Map<string, Omit<StoredFile, 'bytes' | 'createdAt'>>> {
      if (ids.length === 0) return new Map();
      const rows = await describeStoredFiles(ex, orgId, ids);
      return new Map(
        rows.map((r) => [r.id, { id: r.id, contentType: r.content_type, size: Number(r.size), sha256: r.sha256 }]),
      );
    },

    /** Deletes a file nothing refers to any more (a replaced logo); never an issued document's. */
    async removeInTx(tx: Executor, orgId: string, id: string): Promise<void> {
      await deleteStoredFile(tx, orgId, id);
    },

    async getInTx(ex: Executor, orgId: string, id: string): Promise<StoredFile> {
      const row = await findStoredFile(ex, orgId, id);
      if (!row) throw notFound('File');
      const crypto = await keyring.forOrg(ex, orgId);
      const bytes = crypto.decryptBytes(Buffer.from(row.content_enc), aad(id));
      return {
        id,
        contentType: row.content_type,
        size: row.size,
        sha256: row.sha256,
        bytes,
        createdAt: row.created_at,
      };
    },
  };
}

export type FileService = ReturnType<typeof createFileService>;
