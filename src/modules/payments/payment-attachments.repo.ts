import type { Executor } from '../../platform/db/kysely.ts';
import type { PaymentAttachmentsTable } from './payments.tables.ts';

export type AttachmentRow = PaymentAttachmentsTable;

export async function insertAttachment(db: Executor, row: AttachmentRow): Promise<void> {
  await db.insertInto('payment_attachments').values(row).execute();
}

/** A payment's attachments, oldest first (the files module describes their stored files). */
export function listAttachmentRows(db: Executor, orgId: string, paymentId: string): Promise<AttachmentRow[]> {
  return db
    .selectFrom('payment_attachments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('payment_id', '=', paymentId)
    .orderBy('id')
    .execute();
}

export function findAttachment(
  db: Executor,
  orgId: string,
  paymentId: string,
  id: string,
): Promise<AttachmentRow | undefined> {
  return db
    .selectFrom('payment_attachments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('payment_id', '=', paymentId)
    .where('id', '=', id)
    .executeTakeFirst();
}
