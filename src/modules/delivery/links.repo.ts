import type { Executor } from '../../platform/db/kysely.ts';
import type { PortalLinksTable, SealedLinksTable } from './delivery.tables.ts';

export type PortalLinkRow = PortalLinksTable;
export type SealedLinkRow = SealedLinksTable;

export async function insertPortalLink(db: Executor, row: PortalLinkRow): Promise<void> {
  await db.insertInto('portal_links').values(row).execute();
}

export function findPortalLinkByHash(db: Executor, tokenHash: string): Promise<PortalLinkRow | undefined> {
  return db.selectFrom('portal_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Marks a link used if it is still live; true when this call consumed it. */
export async function consumePortalLink(db: Executor, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('portal_links')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function revokePortalLinks(db: Executor, orgId: string, deliveryId: string, now: string): Promise<number> {
  const r = await db
    .updateTable('portal_links')
    .set({ revoked_at: now })
    .where('org_id', '=', orgId)
    .where('delivery_id', '=', deliveryId)
    .where('revoked_at', 'is', null)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function insertSealedLink(db: Executor, row: SealedLinkRow): Promise<void> {
  await db.insertInto('sealed_links').values(row).execute();
}

export function findSealedLink(db: Executor, id: string): Promise<SealedLinkRow | undefined> {
  return db.selectFrom('sealed_links').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findSealedLinkInOrg(db: Executor, orgId: string, id: string): Promise<SealedLinkRow | undefined> {
  return db.selectFrom('sealed_links').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** Counts one download if the link is live and under its limit; true when the download may proceed. */
export async function countSealedDownload(db: Executor, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('sealed_links')
    .set((eb) => ({ downloads: eb('downloads', '+', 1) }))
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where((eb) => eb.or([eb('max_downloads', 'is', null), eb('downloads', '<', eb.ref('max_downloads'))]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function revokeSealedLinks(
  db: Executor,
  orgId: string,
  where: { deliveryId?: string; id?: string },
  now: string,
): Promise<number> {
  let q = db
    .updateTable('sealed_links')
    .set({ revoked_at: now })
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null);
  if (where.deliveryId) q = q.where('delivery_id', '=', where.deliveryId);
  if (where.id) q = q.where('id', '=', where.id);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
