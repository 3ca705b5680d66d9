import type { Executor } from '../../platform/db/kysely.ts';
import type { PayLinksTable } from './payments.tables.ts';

export type PayLinkRow = PayLinksTable;

export async function insertPayLink(db: Executor, row: PayLinkRow): Promise<void> {
  await db.insertInto('pay_links').values(row).execute();
}

/** Token lookups go by the SHA-256 of the token (unique), across orgs: the link names its org. */
export function findPayLinkByHash(db: Executor, tokenHash: string): Promise<PayLinkRow | undefined> {
  return db.selectFrom('pay_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export function findPayLink(db: Executor, orgId: string, id: string): Promise<PayLinkRow | undefined> {
  return db.selectFrom('pay_links').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function listPayLinks(db: Executor, orgId: string, documentId: string): Promise<PayLinkRow[]> {
  return db
    .selectFrom('pay_links')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('document_id', '=', documentId)
    .orderBy('id', 'desc')
    .execute();
}

export async function updatePayLink(
  db: Executor,
  orgId: string,
  id: string,
  patch: Partial<Pick<PayLinkRow, 'revoked_at' | 'last_used_at'>>,
): Promise<void> {
  await db.updateTable('pay_links').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}
