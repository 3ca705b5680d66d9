// Attachments on payments (a scanned cheque, a bank statement line, a cash slip). Bytes are sealed
// by the file service under the org's document key; the file name is personal data too and is
// sealed in the row. Only PDF, PNG and JPEG are accepted, checked by their leading bytes rather
// than the declared type, and file names are reduced to a safe base name whose extension is the
// verified type's (a PDF uploaded as "statement.html" is stored and served as "statement.pdf"),
// so no file name can make a download open as something other than what was checked.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { FileService } from '../files/file.service.ts';
import { findAttachment, insertAttachment, listAttachmentRows } from './payment-attachments.repo.ts';
import { findPaymentRow } from './payment.repo.ts';

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
const nameAad = (id: string) => ({ table: 'payment_attachments', row: id, column: 'filename_enc' });

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
};

export const attachmentInput = z.strictObject({
  filename: z.string().min(1).max(255),
  contentType: z.enum(['application/pdf', 'image/png', 'image/jpeg']),
  contentBase64: z.base64().max(Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + 4),
});

export const attachmentSchema = z.object({
  id: z.string(),
  paymentId: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  createdAt: z.string(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** Base name only, no control or path characters; never empty. */
export function safeFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f"<>:|?*]/g, '')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 120);
  return clean || 'attachment';
}

/** The one extension of each accepted type (the type is verified by magic bytes, the name is not). */
export const EXTENSION_OF: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};

/**
 * A safe base name with the extension derived from the verified content type: the name's own last
 * extension is dropped, whatever it was. Applied on upload and again when serving, so rows stored
 * before this rule are served with the right extension too.
 */
export function attachmentFilename(raw: string, contentType: string): string {
  const ext = EXTENSION_OF[contentType] ?? 'bin';
  const stem =
    safeFilename(raw)
      .replace(/\.[^.\s]{1,16}$/, '')
      .replace(/[.\s]+$/, '') || 'attachment';
  return `${stem}.${ext}`;
}

export interface AttachmentDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  files: Pick<FileService, 'putInTx' | 'getInTx' | 'describeInTx'>;
}

export function createPaymentAttachmentService({ db, keyring, audit, clock, files }: AttachmentDeps) {
  async function mustPayment(orgId: string, paymentId: string) {
    const p = await findPaymentRow(db, orgId, paymentId);
    if (!p) throw notFound('Payment');
    return p;
  }

  return {
    async add(
      orgId: string,
      paymentId: string,
      input: z.infer<typeof attachmentInput>,
      actor: AuditActor,
    ): Promise<Attachment> {
      await mustPayment(orgId, paymentId);
      const bytes = Buffer.from(input.contentBase64, 'base64');
      if (bytes.length === 0 || bytes.length > MAX_ATTACHMENT_BYTES)
        throw unprocessable('Attachments are 1 byte to 5 MiB', [{ path: '/body/contentBase64', message: 'size' }]);
      if (!MAGIC[input.contentType]!(bytes))
        throw unprocessable(`The file is not a ${input.contentType}`, [
          { path: '/body/contentType', message: 'does not match the content' },
        ]);
      const filename = attachmentFilename(input.filename, input.contentType);
      return inTx(db, async (tx) => {
        const stored = await files.putInTx(tx, orgId, 'payment_attachment', input.contentType, bytes);
        const id = newId();
        const crypto = await keyring.forOrg(tx, orgId);
        const createdAt = clock.now().toISOString();
        await insertAttachment(tx, {
          id,
          org_id: orgId,
          payment_id: paymentId,
          file_id: stored.id,
          filename_enc: crypto.encryptText(filename, nameAad(id)),
          created_by: actor.id,
          created_at: createdAt,
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payment.attachment_added',
          objectType: 'payment',
          objectId: paymentId,
          summary: { attachmentId: id, size: bytes.length, sha256: stored.sha256 },
        });
        return {
          id,
          paymentId,
          filename,
          contentType: input.contentType,
          size: bytes.length,
          sha256: stored.sha256,
          createdAt,
        };
      });
    },

    async list(orgId: string, paymentId: string): Promise<{ items: Attachment[] }> {
      await mustPayment(orgId, paymentId);
      const rows = await listAttachmentRows(db, orgId, paymentId);
      const stored = await files.describeInTx(
        db,
        orgId,
        rows.map((r) => r.file_id),
      );
      const crypto = await keyring.forOrg(db, orgId);
      const items: Attachment[] = [];
      for (const r of rows) {
        const f = stored.get(r.file_id);
        if (!f) continue;
        items.push({
          id: r.id,
          paymentId: r.payment_id,
          filename: attachmentFilename(crypto.decryptText(r.filename_enc, nameAad(r.id)), f.contentType),
          contentType: f.contentType,
          size: f.size,
          sha256: f.sha256,
          createdAt: r.created_at,
        });
      }
      return { items };
    },

    async get(
      orgId: string,
      paymentId: string,
      id: string,
    ): Promise<{ filename: string; contentType: string; bytes: Buffer }> {
      const row = await findAttachment(db, orgId, paymentId, id);
      if (!row) throw notFound('Attachment');
      const crypto = await keyring.forOrg(db, orgId);
      const file = await files.getInTx(db, orgId, row.file_id);
      return {
        filename: attachmentFilename(crypto.decryptText(row.filename_enc, nameAad(row.id)), file.contentType),
        contentType: file.contentType,
        bytes: file.bytes,
      };
    },
  };
}

export type PaymentAttachmentService = ReturnType<typeof createPaymentAttachmentService>;
