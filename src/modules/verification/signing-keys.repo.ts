import { sql } from 'kysely';
import type { Executor } from '../../platform/db/kysely.ts';
import type { DocumentSigningKeysTable, SigningIdentitiesTable } from './verification.tables.ts';

export type SigningIdentityRow = SigningIdentitiesTable;
export type DocumentKeyRow = DocumentSigningKeysTable;

/** Serializes key creation per org (PostgreSQL); SQLite has a single writer already. */
export async function lockOrgSigning(db: Executor, dialect: 'sqlite' | 'postgres', orgId: string): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${'signing:' + orgId}))`.execute(db);
}

export function findActiveIdentity(db: Executor, orgId: string): Promise<SigningIdentityRow | undefined> {
  return db
    .selectFrom('signing_identities')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('active_slot', '=', 1)
    .executeTakeFirst();
}

export function listIdentities(db: Executor, orgId: string | null): Promise<SigningIdentityRow[]> {
  let q = db.selectFrom('signing_identities').selectAll();
  if (orgId) q = q.where('org_id', '=', orgId);
  return q.orderBy('org_id').orderBy('created_at').execute();
}

export async function insertIdentity(db: Executor, row: SigningIdentityRow): Promise<void> {
  await db.insertInto('signing_identities').values(row).execute();
}

export async function retireActiveIdentity(db: Executor, orgId: string, at: string): Promise<void> {
  await db
    .updateTable('signing_identities')
    .set({ active_slot: null, retired_at: at })
    .where('org_id', '=', orgId)
    .where('active_slot', '=', 1)
    .execute();
}

export function findActiveDocumentKey(db: Executor, orgId: string): Promise<DocumentKeyRow | undefined> {
  return db
    .selectFrom('document_signing_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('active_slot', '=', 1)
    .executeTakeFirst();
}

export function findDocumentKey(db: Executor, orgId: string, keyId: string): Promise<DocumentKeyRow | undefined> {
  return db
    .selectFrom('document_signing_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('key_id', '=', keyId)
    .executeTakeFirst();
}

export function listDocumentKeys(db: Executor, orgId: string | null): Promise<DocumentKeyRow[]> {
  let q = db.selectFrom('document_signing_keys').selectAll();
  if (orgId) q = q.where('org_id', '=', orgId);
  return q.orderBy('org_id').orderBy('created_at').execute();
}

export async function insertDocumentKey(db: Executor, row: DocumentKeyRow): Promise<void> {
  await db.insertInto('document_signing_keys').values(row).execute();
}

export async function retireActiveDocumentKey(
  db: Executor,
  orgId: string,
  at: string,
): Promise<DocumentKeyRow | undefined> {
  const active = await findActiveDocumentKey(db, orgId);
  if (active)
    await db
      .updateTable('document_signing_keys')
      .set({ active_slot: null, retired_at: at })
      .where('id', '=', active.id)
      .execute();
  return active;
}
