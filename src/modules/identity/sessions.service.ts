// Server-side sessions (OWASP ASVS V7, NIST SP 800-63B §7): 256-bit random tokens, only their
// SHA-256 stored; idle and absolute timeouts enforced on the server with the injected clock;
// a new token on every login and privilege change (no fixation); logout revokes server-side.
// The same table serves both realms: staff users and portal contacts never share a session.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { SessionsTable } from './identity.tables.ts';
import { newId } from '../../platform/ids.ts';

export type SessionRow = SessionsTable;

export const STAFF_COOKIE = '__Host-sealbill';
export const PORTAL_COOKIE = '__Host-sealbill-portal';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** CSRF token bound to the session token (synchronizer pattern without extra state). */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('sealbill csrf v1').digest('base64url');
}

export function csrfMatches(sessionToken: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(csrfTokenFor(sessionToken));
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
}

export interface NewSession {
  realm: 'staff' | 'portal';
  orgId: string | null;
  userId?: string | null;
  clientId?: string | null;
  contactId?: string | null;
  level: SessionRow['level'];
  /** How the user authenticated (space-separated: pwd, totp, recovery, passkey). */
  amr?: string;
  ip?: string | null;
  userAgent?: string | null;
}

export function createSessionsService({ clock, policy }: { clock: Clock; policy: SessionPolicy }) {
  const idleMs = policy.idleMinutes * 60_000;
  const absoluteMs = policy.absoluteHours * 3_600_000;

  return {
    policy,

    async create(tx: Executor, s: NewSession): Promise<{ id: string; token: string; row: SessionRow }> {
      const token = randomBytes(32).toString('base64url');
      const now = clock.now();
      const row: SessionRow = {
        id: newId(now.getTime()),
        token_hash: hashToken(token),
        realm: s.realm,
        org_id: s.orgId,
        user_id: s.userId ?? null,
        client_id: s.clientId ?? null,
        contact_id: s.contactId ?? null,
        level: s.level,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + absoluteMs).toISOString(),
        authenticated_at: now.toISOString(),
        ip: s.ip ?? null,
        user_agent: s.userAgent ? s.userAgent.slice(0, 300) : null,
        revoked_at: null,
        amr: s.amr ?? '',
      };
      await tx.insertInto('sessions').values(row).execute();
      return { id: row.id, token, row };
    },

    /** The live session for a token, or null (unknown, revoked, idle too long, or past its absolute lifetime). */
    async authenticate(db: Executor, token: string, realm: 'staff' | 'portal'): Promise<SessionRow | null> {
      if (token.length < 40 || token.length > 60) return null;
      const row = await db.selectFrom('sessions').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
      if (!row || row.realm !== realm || row.revoked_at) return null;
      const now = clock.now().getTime();
      if (now >= Date.parse(row.expires_at) || now - Date.parse(row.last_seen_at) >= idleMs) return null;
      // Refresh last-seen at most every 30 s to keep reads cheap.
      if (now - Date.parse(row.last_seen_at) > 30_000) {
        const at = new Date(now).toISOString();
        await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', row.id).execute();
        row.last_seen_at = at;
      }
      return row;
    },

    /** Issues a new token for the same session (privilege change), invalidating the old one. */
    async rotate(tx: Executor, id: string, patch: Partial<Pick<SessionRow, 'level' | 'org_id' | 'authenticated_at' | 'amr'>> = {}): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      await tx.updateTable('sessions').set({ token_hash: hashToken(token), ...patch }).where('id', '=', id).execute();
      return token;
    },

    /** Step-up: records a fresh full authentication on the session. */
    async markAuthenticated(tx: Executor, id: string): Promise<void> {
      await tx.updateTable('sessions').set({ authenticated_at: clock.now().toISOString() }).where('id', '=', id).execute();
    },

    /** Changes the level of live sessions without rotating them (policy or factor changes restrict them). */
    async setLevel(tx: Executor, id: string, level: SessionRow['level']): Promise<void> {
      await tx.updateTable('sessions').set({ level }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },

    /** Live staff sessions acting in an org (optionally of one user), for policy reconciliation. */
    liveInOrg(db: Executor, orgId: string, userId?: string): Promise<SessionRow[]> {
      const now = clock.now();
      let q = db
        .selectFrom('sessions')
        .selectAll()
        .where('realm', '=', 'staff')
        .where('org_id', '=', orgId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now.toISOString());
      if (userId) q = q.where('user_id', '=', userId);
      return q.execute();
    },

    /** Ends a user's sessions that act in one org (membership deactivated). */
    async revokeInOrg(tx: Executor, orgId: string, userId: string): Promise<void> {
      await tx.updateTable('sessions').set({ revoked_at: clock.now().toISOString() }).where('org_id', '=', orgId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    },

    async revoke(tx: Executor, id: string): Promise<void> {
      await tx.updateTable('sessions').set({ revoked_at: clock.now().toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },

    /** Ends every session of a user (or of a portal contact), except optionally the current one. */
    async revokeAllFor(tx: Executor, who: { userId?: string; contactId?: string }, exceptId?: string): Promise<number> {
      let q = tx.updateTable('sessions').set({ revoked_at: clock.now().toISOString() }).where('revoked_at', 'is', null);
      if (who.userId) q = q.where('user_id', '=', who.userId);
      else if (who.contactId) q = q.where('contact_id', '=', who.contactId);
      else return 0;
      if (exceptId) q = q.where('id', '!=', exceptId);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    listForUser(db: Executor, userId: string): Promise<SessionRow[]> {
      const now = clock.now();
      return db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now.toISOString())
        .where('last_seen_at', '>', new Date(now.getTime() - idleMs).toISOString())
        .orderBy('last_seen_at', 'desc')
        .execute();
    },

    cookieOptions(maxAgeSeconds?: number) {
      return { path: '/', httpOnly: true, secure: true, sameSite: 'lax' as const, ...(maxAgeSeconds !== undefined && { maxAge: maxAgeSeconds }) };
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
