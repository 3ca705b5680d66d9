import { sql } from 'kysely';
import type { Executor } from '../../platform/db/kysely.ts';
import type { AuditEventsTable } from './audit.tables.ts';

export type AuditRow = Omit<AuditEventsTable, 'id'> & { id: number };
export type NewAuditRow = Omit<AuditEventsTable, 'id'>;

/** Serializes appends per org on PostgreSQL (SQLite has a single writer already). */
export async function lockAuditChain(db: Executor, dialect: 'sqlite' | 'postgres', orgId: string): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${'audit:' + orgId}))`.execute(db);
}

export function findAuditHead(db: Executor, orgId: string): Promise<{ seq: number; hash: string } | undefined> {
  return db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .where('org_id', '=', orgId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertAuditRow(db: Executor, row: NewAuditRow): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

export interface AuditFilter {
  orgId: string;
  action?: string | undefined;
  actorId?: string | undefined;
  objectId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  afterSeq?: number | undefined;
  limit: number;
}

export function listAuditRows(db: Executor, f: AuditFilter): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_events').selectAll().where('org_id', '=', f.orgId);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.objectId) q = q.where('object_id', '=', f.objectId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (f.afterSeq !== undefined) q = q.where('seq', '>', f.afterSeq);
  return q.orderBy('seq', 'asc').limit(f.limit).execute() as Promise<AuditRow[]>;
}

export function streamAuditRows(db: Executor, orgId: string): Promise<AuditRow[]> {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('id', 'asc')
    .execute() as Promise<AuditRow[]>;
}

export type CheckpointRow = import('./audit.tables.ts').AuditCheckpointsTable;
export type CheckpointKeyRow = import('./audit.tables.ts').AuditCheckpointKeysTable;

export function findLatestCheckpoint(db: Executor, orgId: string): Promise<CheckpointRow | undefined> {
  return db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function listCheckpoints(db: Executor, orgId: string, limit = 1000): Promise<CheckpointRow[]> {
  return db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('tree_size', 'asc')
    .limit(limit)
    .execute();
}

export async function insertCheckpoint(db: Executor, row: CheckpointRow): Promise<void> {
  await db.insertInto('audit_checkpoints').values(row).execute();
}

export async function setCheckpointTimestamp(db: Executor, id: string, token: string): Promise<void> {
  await db.updateTable('audit_checkpoints').set({ timestamp_token: token }).where('id', '=', id).execute();
}

export function listCheckpointKeys(db: Executor, orgId: string): Promise<CheckpointKeyRow[]> {
  return db.selectFrom('audit_checkpoint_keys').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute();
}

export async function insertCheckpointKey(db: Executor, row: CheckpointKeyRow): Promise<void> {
  await db.insertInto('audit_checkpoint_keys').values(row).execute();
}

/** Organizations with an audit log, and its current size. */
export function auditedOrgs(db: Executor): Promise<Array<{ org_id: string; size: number | string }>> {
  return db
    .selectFrom('audit_events')
    .select(['org_id', (eb) => eb.fn.max('seq').as('size')])
    .groupBy('org_id')
    .execute() as Promise<Array<{ org_id: string; size: number | string }>>;
}

export type EndorsementRow = import('./audit.tables.ts').AuditKeyEndorsementsTable;

export function listEndorsements(db: Executor, orgId: string): Promise<EndorsementRow[]> {
  return db.selectFrom('audit_key_endorsements').selectAll().where('org_id', '=', orgId).execute();
}

/** One endorsement per (key, endorser); a repeated rotation step writes the same statement again. */
export async function insertEndorsement(db: Executor, row: EndorsementRow): Promise<void> {
  await db
    .insertInto('audit_key_endorsements')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'public_key', 'endorser_public_key']).doNothing())
    .execute();
}
