import type { Executor } from '../../platform/db/kysely.ts';
import type { PaymentAttachmentsTable } from './payments.tables.ts';

export type AttachmentRow = PaymentAttachmentsTable;

export async function insertAttachment(db: Executor, row: AttachmentRow): Promise<void> {
  await db.insertInto('payment_attachments').values(row).execute();
}

export function listAttachmentRows(db: Executor, orgId: string, paymentId: string) {
  return db
    .selectFrom('payment_attachments as a')
    .innerJoin('stored_files as f', (j) => j.onRef('f.id', '=', 'a.file_id').onRef('f.org_id', '=', 'a.org_id'))
    .select(['a.id', 'a.payment_id', 'a.filename_enc', 'a.created_at', 'f.content_type', 'f.size', 'f.sha256'])
    .where('a.org_id', '=', orgId)
    .where('a.payment_id', '=', paymentId)
    .orderBy('a.id')
    .execute();
}

export function findAttachment(db: Executor, orgId: string, paymentId: string, id: string): Promise<AttachmentRow | undefined> {
  return db.selectFrom('payment_attachments').selectAll().where('org_id', '=', orgId).where('payment_id', '=', paymentId).where('id', '=', id).executeTakeFirst();
}
