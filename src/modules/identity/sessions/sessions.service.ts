// Server-side sessions (OWASP ASVS V7, NIST SP 800-63B §7): 256-bit random tokens, only their
// SHA-256 stored; idle and absolute timeouts enforced on the server with the injected clock;
// a new token on every login and privilege change (no fixation); logout revokes server-side.
// The same table serves both realms: staff users and portal contacts never share a session.
import type { Clock } from '../../../platform/clock.ts';
import type { Database, Executor } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { newId } from '../../../platform/ids.ts';
import {
  findSession,
  findSessionByTokenHash,
  insertSession,
  listActiveSessionsOfUser,
  listLiveStaffSessionsInOrg,
  revokeSession,
  revokeSessionsInOrg,
  revokeSessionsOf,
  setLiveSessionLevel,
  updateSession,
  type SessionRow,
} from './sessions.repo.ts';
import { constantTimeEqual, hmacSha256 } from '../../../platform/crypto/hash.ts';
import { hashToken, newToken } from '../../../platform/crypto/tokens.ts';

export type { SessionRow };

export const STAFF_COOKIE = '__Host-sealbill';
export const PORTAL_COOKIE = '__Host-sealbill-portal';

/** CSRF token bound to the session token (synchronizer pattern without extra state). */
export function csrfTokenFor(sessionToken: string): string {
  return hmacSha256(sessionToken, 'sealbill csrf v1').toString('base64url');
}

export function csrfMatches(sessionToken: string, presented: string | undefined): boolean {
  if (!presented) return false;
  return constantTimeEqual(Buffer.from(csrfTokenFor(sessionToken)), Buffer.from(presented));
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

export function createSessionsService({ db, clock, policy }: { db: Database; clock: Clock; policy: SessionPolicy }) {
  const idleMs = policy.idleMinutes * 60_000;
  const absoluteMs = policy.absoluteHours * 3_600_000;

  const service = {
    policy,

    async create(tx: Executor, s: NewSession): Promise<{ id: string; token: string; row: SessionRow }> {
      const token = newToken();
      const now = clock.now();
      const row: SessionRow = {
        id: newId(now.getTime()),
        token_hash: hashToken('session', token),
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
      await insertSession(tx, row);
      return { id: row.id, token, row };
    },

    /** The live session for a token, or null (unknown, revoked, idle too long, or past its absolute lifetime). */
    async authenticateInTx(ex: Executor, token: string, realm: 'staff' | 'portal'): Promise<SessionRow | null> {
      if (token.length < 40 || token.length > 60) return null;
      const row = await findSessionByTokenHash(ex, hashToken('session', token));
      if (!row || row.realm !== realm || row.revoked_at) return null;
      const now = clock.now().getTime();
      if (now >= Date.parse(row.expires_at) || now - Date.parse(row.last_seen_at) >= idleMs) return null;
      // Refresh last-seen at most every 30 s to keep reads cheap.
      if (now - Date.parse(row.last_seen_at) > 30_000) {
        const at = new Date(now).toISOString();
        await updateSession(ex, row.id, { last_seen_at: at });
        row.last_seen_at = at;
      }
      return row;
    },

    /** A session by id, whatever its state (callers check what they need). */
    findInTx: (ex: Executor, id: string): Promise<SessionRow | undefined> => findSession(ex, id),

    /** Issues a new token for the same session (privilege change), invalidating the old one. */
    async rotateInTx(
      tx: Executor,
      id: string,
      patch: Partial<Pick<SessionRow, 'level' | 'org_id' | 'authenticated_at' | 'amr'>> = {},
    ): Promise<string> {
      const token = newToken();
      await updateSession(tx, id, { token_hash: hashToken('session', token), ...patch });
      return token;
    },

    /** Step-up: records a fresh full authentication on the session. */
    async markAuthenticatedInTx(tx: Executor, id: string): Promise<void> {
      await updateSession(tx, id, { authenticated_at: clock.now().toISOString() });
    },

    /** Changes the level of live sessions without rotating them (policy or factor changes restrict them). */
    async setLevelInTx(tx: Executor, id: string, level: SessionRow['level']): Promise<void> {
      await setLiveSessionLevel(tx, id, level);
    },

    /** Live staff sessions acting in an org (optionally of one user), for policy reconciliation. */
    liveInOrgInTx(ex: Executor, orgId: string, userId?: string): Promise<SessionRow[]> {
      return listLiveStaffSessionsInOrg(ex, orgId, clock.now().toISOString(), userId);
    },

    /** Ends a user's sessions that act in one org (membership deactivated). */
    async revokeInOrgInTx(tx: Executor, orgId: string, userId: string): Promise<void> {
      await revokeSessionsInOrg(tx, orgId, userId, clock.now().toISOString());
    },

    async revokeInTx(tx: Executor, id: string): Promise<void> {
      await revokeSession(tx, id, clock.now().toISOString());
    },

    /** Ends one session in its own transaction (sign-out, a portal contact that no longer exists). */
    async end(id: string): Promise<void> {
      await inTx(db, (tx) => revokeSession(tx, id, clock.now().toISOString()));
    },

    /** Ends the session a browser still presents, if it is live (a new sign-in replaces it: no fixation). */
    async endPresented(token: string, realm: 'staff' | 'portal'): Promise<void> {
      const old = await service.authenticateInTx(db, token, realm);
      if (old) await service.end(old.id);
    },

    /** Ends every session of a user (or of a portal contact), except optionally the current one. */
    async revokeAllForInTx(
      tx: Executor,
      who: { userId?: string; contactId?: string },
      exceptId?: string,
    ): Promise<number> {
      return revokeSessionsOf(tx, who, clock.now().toISOString(), exceptId);
    },

    listForUserInTx(ex: Executor, userId: string): Promise<SessionRow[]> {
      const now = clock.now();
      return listActiveSessionsOfUser(ex, userId, now.toISOString(), new Date(now.getTime() - idleMs).toISOString());
    },

    cookieOptions(maxAgeSeconds?: number) {
      return {
        path: '/',
        httpOnly: true,
        secure: true,
        sameSite: 'lax' as const,
        ...(maxAgeSeconds !== undefined && { maxAge: maxAgeSeconds }),
      };
    },
  };
  return service;
}

export type SessionsService = ReturnType<typeof createSessionsService>;
