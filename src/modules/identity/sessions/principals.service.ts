// Who a request is (the per-request check behind every authenticated route): an API token, or a
// live session of the route's realm together with what it may do now. Memberships, roles and
// user status are read on every request, so a deactivation or a role change takes effect at once.
// Transport concerns (which cookie, CSRF, Origin) stay with the HTTP wiring in src/main.
import type { Database } from '../../../platform/db/kysely.ts';
import type { Principal, StaffPrincipal } from '../../../platform/http/principal.ts';
import type { ApiTokensService } from '../tokens/api-tokens.service.ts';
import type { RoleKey } from '../members/rbac.ts';
import { permissionsOfInTx } from '../members/roles.service.ts';
import type { SessionRow, SessionsService } from './sessions.service.ts';
import { findActiveMemberRole } from '../accounts/users.repo.ts';

export function createPrincipalsService({
  db,
  sessions,
  tokens,
}: {
  db: Database;
  sessions: SessionsService;
  tokens: ApiTokensService;
}) {
  return {
    /** The staff principal of an API token (integrations; throws 401 for a bad one). */
    ofApiToken: (token: string): Promise<StaffPrincipal | null> => tokens.authenticateInTx(db, token),

    /** The live session for a cookie's token, or null. */
    liveSession: (token: string, realm: 'staff' | 'portal'): Promise<SessionRow | null> =>
      sessions.authenticateInTx(db, token, realm),

    /** What a live session may do now: null when its contact, membership or user no longer qualifies. */
    async ofSession(session: SessionRow, token: string): Promise<Principal | null> {
      if (session.realm === 'portal') {
        if (!session.org_id || !session.client_id || !session.contact_id) return null;
        const level = session.level === 'full' ? 'full' : 'mfa';
        return {
          realm: 'portal',
          orgId: session.org_id,
          clientId: session.client_id,
          contactId: session.contact_id,
          sessionId: session.id,
          level,
          authenticatedAt: session.authenticated_at,
        };
      }
      if (!session.user_id || !session.org_id) return null;
      const m = await findActiveMemberRole(db, session.org_id, session.user_id);
      if (!m || m.status !== 'active') return null;
      const permissions = await permissionsOfInTx(db, session.org_id, m.role);
      if (!permissions) return null;
      return {
        realm: 'staff',
        via: 'session',
        orgId: session.org_id,
        userId: session.user_id,
        role: m.role as RoleKey,
        permissions,
        sessionId: session.id,
        authenticatedAt: session.authenticated_at,
        level: session.level,
        sessionToken: token,
      };
    },
  };
}

export type PrincipalsService = ReturnType<typeof createPrincipalsService>;
