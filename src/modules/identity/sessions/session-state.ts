// What the web app needs to know about the current sign-in (GET /api/v1/auth/session), and the
// re-evaluation of live sessions when the rules change under them: an org's MFA policy, a
// member's role or a user's factors. Reconciliation only ever restricts a session that no longer
// meets the rules (or relaxes an enrolment session the policy no longer demands); an 'mfa'
// session is never promoted, because its user has a factor they have not presented.
import { z } from 'zod';
import type { Database, Executor } from '../../../platform/db/kysely.ts';
import type { StaffPrincipal } from '../../../platform/http/principal.ts';
import { factorsOfInTx, levelFor, orgPolicyInTx, parseAmr, requirementFor, type Factors } from '../mfa/mfa-policy.ts';
import { remainingRecoveryCodes } from '../mfa/recovery-codes.ts';
import { permissionsOfInTx } from '../members/roles.service.ts';
import { csrfTokenFor, type SessionRow, type SessionsService } from './sessions.service.ts';
import { findMembership, findUserById, listActiveMemberships } from '../accounts/users.repo.ts';
import { getOrgName } from '../members/org-policy.repo.ts';
import { getSession, listUnrevokedStaffSessionsOfUser } from './sessions.repo.ts';
import { STEP_UP_WINDOW_MS } from '../../../platform/http/step-up.ts';

export const sessionStateSchema = z.object({
  level: z.enum(['full', 'mfa', 'enrol']),
  csrfToken: z.string(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), emailVerified: z.boolean() }),
  org: z.object({ id: z.string(), name: z.string(), mfaPolicy: z.enum(['off', 'admins', 'everyone', 'passkeys']) }),
  role: z.string(),
  permissions: z.array(z.string()),
  memberships: z.array(z.object({ orgId: z.string(), orgName: z.string(), role: z.string() })),
  factors: z.object({ totp: z.boolean(), passkeys: z.number(), recoveryCodes: z.number() }),
  /** What the org's policy requires of this user: none, mfa, passkey. */
  requirement: z.enum(['none', 'mfa', 'passkey']),
  methods: z.array(z.string()),
  authenticatedAt: z.string(),
  /** Until when step-up-protected actions are allowed without re-authenticating. */
  stepUpUntil: z.string(),
  expiresAt: z.string(),
  idleTimeoutMinutes: z.number(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

export function createSessionState({ db, sessions }: { db: Database; sessions: SessionsService }) {
  async function reconcileSessions(tx: Executor, rows: SessionRow[]): Promise<void> {
    const factorCache = new Map<string, Factors>();
    for (const s of rows) {
      if (!s.user_id || !s.org_id) continue;
      const m = await findMembership(tx, s.org_id, s.user_id);
      const permissions = m && !m.deactivated_at ? await permissionsOfInTx(tx, s.org_id, m.role) : null;
      if (!permissions) {
        await sessions.revokeInTx(tx, s.id);
        continue;
      }
      let f = factorCache.get(s.user_id);
      if (!f) factorCache.set(s.user_id, (f = await factorsOfInTx(tx, s.user_id)));
      const policy = await orgPolicyInTx(tx, s.org_id);
      const level = levelFor(parseAmr(s.amr), f, requirementFor(policy.mfa, permissions));
      if (level !== s.level && !(s.level === 'mfa' && level === 'full')) await sessions.setLevelInTx(tx, s.id, level);
    }
  }

  return {
    async state(p: StaffPrincipal): Promise<SessionState> {
      const s = await getSession(db, p.sessionId!);
      const user = (await findUserById(db, p.userId))!;
      const org = await getOrgName(db, p.orgId);
      const policy = await orgPolicyInTx(db, p.orgId);
      const factors = await factorsOfInTx(db, user.id);
      return {
        level: s.level,
        csrfToken: csrfTokenFor(p.sessionToken!),
        user: {
          id: user.id,
          email: user.email,
          name: user.display_name,
          emailVerified: user.email_verified_at !== null,
        },
        org: { id: org.id, name: org.name, mfaPolicy: policy.mfa },
        role: p.role,
        // A half-signed-in session (a password thief, perhaps) learns nothing beyond what finishing needs.
        permissions: s.level === 'full' ? [...p.permissions].sort() : [],
        memberships: s.level === 'full' ? await listActiveMemberships(db, user.id) : [],
        factors: { ...factors, recoveryCodes: await remainingRecoveryCodes(db, user.id) },
        requirement: requirementFor(policy.mfa, p.permissions),
        methods: parseAmr(s.amr),
        authenticatedAt: s.authenticated_at,
        stepUpUntil: new Date(Date.parse(s.authenticated_at) + STEP_UP_WINDOW_MS).toISOString(),
        expiresAt: s.expires_at,
        idleTimeoutMinutes: sessions.policy.idleMinutes,
      };
    },

    /** After an org's policy changed (or one member's role): re-evaluate its live sessions. */
    async reconcileOrgInTx(tx: Executor, orgId: string, userId?: string): Promise<void> {
      await reconcileSessions(tx, await sessions.liveInOrgInTx(tx, orgId, userId));
    },

    /** After a user's factors changed: re-evaluate their sessions in every org. */
    async reconcileUserInTx(tx: Executor, userId: string): Promise<void> {
      await reconcileSessions(tx, await listUnrevokedStaffSessionsOfUser(tx, userId));
    },
  };
}

export type SessionStateService = ReturnType<typeof createSessionState>;
