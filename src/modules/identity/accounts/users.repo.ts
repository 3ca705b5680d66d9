// Users and memberships (identity owns both tables). Emails are stored lower-cased.
import type { Executor } from '../../../platform/db/kysely.ts';
import type { UsersTable } from '../identity.tables.ts';
import type { MembershipsTable } from '../identity.tables.ts';

export type UserRow = UsersTable;
export type MembershipRow = MembershipsTable;

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
}

export function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(db: Executor, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function updateUser(
  db: Executor,
  id: string,
  patch: Partial<Omit<UserRow, 'id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export interface MembershipView {
  orgId: string;
  orgName: string;
  role: string;
}

/** Active memberships of a user (deactivated ones give no access), oldest first. */
export function listActiveMemberships(db: Executor, userId: string): Promise<MembershipView[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['m.org_id as orgId', 'o.name as orgName', 'm.role as role'])
    .where('m.user_id', '=', userId)
    .where('m.deactivated_at', 'is', null)
    .orderBy('m.created_at')
    .orderBy('m.org_id')
    .execute();
}

export function findMembership(db: Executor, orgId: string, userId: string): Promise<MembershipRow | undefined> {
  return db
    .selectFrom('memberships')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** The role of an active membership and its user's status (checked on every request). */
export function findActiveMemberRole(
  db: Executor,
  orgId: string,
  userId: string,
): Promise<{ role: string; status: UserRow['status'] } | undefined> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.role', 'u.status'])
    .where('m.org_id', '=', orgId)
    .where('m.user_id', '=', userId)
    .where('m.deactivated_at', 'is', null)
    .executeTakeFirst();
}

/** Orgs a user is an active member of, in a stable order. */
export async function activeOrgIdsOf(ex: Executor, userId: string): Promise<string[]> {
  const rows = await ex
    .selectFrom('memberships')
    .select('org_id')
    .where('user_id', '=', userId)
    .where('deactivated_at', 'is', null)
    .orderBy('org_id')
    .execute();
  return rows.map((r) => r.org_id);
}

/** Whether the user belongs (active or not) to any org other than this one. */
export async function hasMembershipOutside(db: Executor, userId: string, orgId: string): Promise<boolean> {
  return (
    (await db
      .selectFrom('memberships')
      .select('org_id')
      .where('user_id', '=', userId)
      .where('org_id', '!=', orgId)
      .executeTakeFirst()) !== undefined
  );
}

/** Users holding a role in an org (active memberships). */
export async function activeHoldersOfRole(db: Executor, orgId: string, role: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('org_id', '=', orgId)
    .where('role', '=', role)
    .where('deactivated_at', 'is', null)
    .execute();
  return rows.map((r) => r.user_id);
}

/** Whether anyone (active or not) holds the role in the org. */
export async function roleInUse(db: Executor, orgId: string, role: string): Promise<boolean> {
  return (
    (await db
      .selectFrom('memberships')
      .select('user_id')
      .where('org_id', '=', orgId)
      .where('role', '=', role)
      .executeTakeFirst()) !== undefined
  );
}

/** The user with this email (id only; any status). */
export function findUserIdByEmail(db: Executor, email: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('users').select(['id']).where('email', '=', email).executeTakeFirst();
}

export async function insertMembership(db: Executor, row: MembershipRow): Promise<void> {
  await db.insertInto('memberships').values(row).execute();
}

export async function updateMembership(
  db: Executor,
  orgId: string,
  userId: string,
  patch: Partial<Pick<MembershipRow, 'role' | 'deactivated_at'>>,
): Promise<void> {
  await db.updateTable('memberships').set(patch).where('org_id', '=', orgId).where('user_id', '=', userId).execute();
}

export function listOrgMembers(db: Executor, orgId: string) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'u.id',
      'u.email',
      'u.display_name',
      'u.status',
      'u.email_verified_at',
      'u.last_login_at',
      'm.role',
      'm.created_at',
      'm.deactivated_at',
    ])
    .where('m.org_id', '=', orgId)
    .orderBy('m.created_at')
    .orderBy('u.id')
    .execute();
}

/** Active members holding one of the given roles (last-owner checks). */
export async function countActiveWithRole(db: Executor, orgId: string, role: string): Promise<number> {
  const r = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('m.org_id', '=', orgId)
    .where('m.role', '=', role)
    .where('m.deactivated_at', 'is', null)
    .where('u.status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function newUserRow(
  id: string,
  email: string,
  name: string,
  passwordHash: string | null,
  now: string,
  verified: boolean,
): UserRow {
  return {
    id,
    email: normalizeEmail(email),
    display_name: name,
    password_hash: passwordHash,
    status: 'active',
    created_at: now,
    updated_at: now,
    email_verified_at: verified ? now : null,
    password_changed_at: passwordHash ? now : null,
    last_login_at: null,
    last_org_id: null,
  };
}
