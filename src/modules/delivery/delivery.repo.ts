import type { Executor } from '../../platform/db/kysely.ts';
import type { ClientKeysTable, DeliveriesTable, DeliveryEventsTable, DeliveryKeysTable } from './delivery.tables.ts';

export type DeliveryKeyRow = DeliveryKeysTable;
export type ClientKeysRow = ClientKeysTable;
export type DeliveryRow = DeliveriesTable;
export type DeliveryEventRow = DeliveryEventsTable;

export function findDeliveryKey(
  db: Executor,
  orgId: string,
  purpose: DeliveryKeyRow['purpose'],
): Promise<DeliveryKeyRow | undefined> {
  return db
    .selectFrom('delivery_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
}

/** Inserts unless another process created the key first (the caller then reads the winner). */
export async function insertDeliveryKeyIfAbsent(db: Executor, row: DeliveryKeyRow): Promise<void> {
  await db
    .insertInto('delivery_keys')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'purpose']).doNothing())
    .execute();
}

export function findClientKeys(db: Executor, orgId: string, clientId: string): Promise<ClientKeysRow | undefined> {
  return db
    .selectFrom('client_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}

export async function upsertClientKeys(db: Executor, row: ClientKeysRow): Promise<void> {
  await db
    .insertInto('client_keys')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['org_id', 'client_id']).doUpdateSet({ keys_enc: row.keys_enc, updated_at: row.updated_at }),
    )
    .execute();
}

export async function insertDelivery(db: Executor, row: DeliveryRow): Promise<void> {
  await db.insertInto('deliveries').values(row).execute();
}

export function findDelivery(db: Executor, orgId: string, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('deliveries').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export async function updateDelivery(
  db: Executor,
  orgId: string,
  id: string,
  patch: Partial<Pick<DeliveryRow, 'status' | 'message_id' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('deliveries').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}

export function listDeliveriesFor(
  db: Executor,
  orgId: string,
  documentId: string,
  clientId?: string,
): Promise<DeliveryRow[]> {
  let q = db.selectFrom('deliveries').selectAll().where('org_id', '=', orgId).where('document_id', '=', documentId);
  if (clientId) q = q.where('client_id', '=', clientId);
  return q.orderBy('id', 'asc').execute();
}

/** The most recent delivery of a document to a client (portal access is recorded against it). */
export function latestDeliveryFor(
  db: Executor,
  orgId: string,
  documentId: string,
  clientId: string,
): Promise<DeliveryRow | undefined> {
  return db
    .selectFrom('deliveries')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('document_id', '=', documentId)
    .where('client_id', '=', clientId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function listEvents(db: Executor, orgId: string, deliveryIds: string[]): Promise<DeliveryEventRow[]> {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('delivery_events')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('delivery_id')
    .orderBy('seq')
    .execute();
}

export function lastEvent(db: Executor, orgId: string, deliveryId: string): Promise<DeliveryEventRow | undefined> {
  return db
    .selectFrom('delivery_events')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('delivery_id', '=', deliveryId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertEvent(db: Executor, row: DeliveryEventRow): Promise<void> {
  await db.insertInto('delivery_events').values(row).execute();
}

export async function setEventTimestamp(db: Executor, orgId: string, id: string, token: string): Promise<void> {
  await db
    .updateTable('delivery_events')
    .set({ timestamp_token: token })
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .execute();
}

/** Serializes appends to one delivery's chain (PostgreSQL row lock; SQLite has a single writer). */
export async function lockDelivery(
  db: Executor,
  dialect: 'sqlite' | 'postgres',
  orgId: string,
  id: string,
): Promise<void> {
  if (dialect === 'postgres')
    await db
      .selectFrom('deliveries')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .forUpdate()
      .execute();
}
