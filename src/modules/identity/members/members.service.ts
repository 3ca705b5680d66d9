// Members of an organization: list, change role, deactivate/reactivate, unlock sign-in, and the
// administrator's reset of a member's factors (CLI). Least privilege throughout: nobody grants a
// role holding permissions they lack, nobody modifies a member more privileged than themselves,
// nobody changes their own role or deactivates themselves, and the last owner stays an owner.
// Re-activating a member whose role holds step-up-protected permissions is announced to every
// administrator. An administrator lifts sign-in throttles only for accounts that belong to their
// organization alone: an account shared with another organization is unlocked by its owner's
// emailed link (or a password reset) or by the server's CLI, never by one tenant's admin
// (otherwise org A's admin could reset the guessing limit on org B's owner; issue #10 item 5).
import type { Clock } from '../../../platform/clock.ts';
import type { StaffPrincipal } from '../../../platform/http/principal.ts';
import type { Database, Executor } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { AppError, conflict, notFound } from '../../../platform/errors.ts';
import type { AuditActor } from '../../audit/audit.service.ts';
import { revokeApiTokens } from '../tokens/api-tokens.repo.ts';
import { factorsOfInTx, type Factors } from '../mfa/mfa-policy.ts';
import type { Notifier } from '../notify.ts';
import type { PasskeysService } from '../mfa/passkeys.service.ts';
import type { Permission } from './rbac.ts';
import { deleteRecoveryCodes } from '../mfa/recovery-codes.ts';
import { stepUpPermissionsIn } from './rbac.ts';
import { administratorsOfInTx, assertGrantable, permissionsOfInTx } from './roles.service.ts';
import type { SecurityAudit } from '../security-audit.ts';
import type { SessionStateService } from '../sessions/session-state.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import { accountKey, type ThrottleService } from '../sign-in/throttle.service.ts';
import type { TotpService } from '../mfa/totp.service.ts';
import { getOrgName } from './org-policy.repo.ts';
import {
  countActiveWithRole,
  findMembership,
  findUserByEmail,
  findUserById,
  hasMembershipOutside,
  listOrgMembers,
  updateMembership,
} from '../accounts/users.repo.ts';

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
  emailVerified: boolean;
  lastLoginAt: string | null;
  joinedAt: string;
  factors: Factors;
  locked: boolean;
}

export interface Acting {
  orgId: string;
  userId: string;
  permissions: ReadonlySet<Permission>;
  actor: AuditActor;
  /** Who is acting and how they authenticated (actions that hand over power check step-up on it). */
  principal: StaffPrincipal;
}

export function createMembersService(deps: {
  db: Database;
  clock: Clock;
  sessions: SessionsService;
  throttle: ThrottleService;
  totp: TotpService;
  passkeys: PasskeysService;
  state: SessionStateService;
  notifier: Notifier;
  secAudit: SecurityAudit;
}) {
  const { db, clock, sessions, throttle, totp, passkeys, state, notifier, secAudit } = deps;

  /** The target member of the acting org, whom the actor may manage; 404 for anyone outside the org. */
  async function manageable(ex: Executor, a: Acting, userId: string) {
    const m = await findMembership(ex, a.orgId, userId);
    const user = m ? await findUserById(ex, userId) : undefined;
    if (!m || !user) throw notFound('Member');
    if (userId === a.userId)
      throw new AppError('forbidden', 'You cannot change your own membership; ask another administrator');
    const perms = await permissionsOfInTx(ex, a.orgId, m.role);
    assertGrantable(perms ?? [], a.permissions, 'changes to a member');
    return { m, user };
  }

  async function keepAnOwner(ex: Executor, orgId: string, role: string): Promise<void> {
    if (role === 'owner' && (await countActiveWithRole(ex, orgId, 'owner')) <= 1)
      throw conflict('An organization needs at least one active owner');
  }

  return {
    async list(orgId: string): Promise<MemberView[]> {
      const rows = await listOrgMembers(db, orgId);
      const out: MemberView[] = [];
      for (const r of rows) {
        out.push({
          userId: r.id,
          email: r.email,
          name: r.display_name,
          role: r.role,
          active: r.deactivated_at === null && r.status === 'active',
          emailVerified: r.email_verified_at !== null,
          lastLoginAt: r.last_login_at,
          joinedAt: r.created_at,
          factors: await factorsOfInTx(db, r.id),
          locked: await throttle.isLockedInTx(db, accountKey(r.email)),
        });
      }
      return out;
    },

    async changeRole(a: Acting, userId: string, role: string): Promise<void> {
      await inTx(db, async (tx) => {
        const { m } = await manageable(tx, a, userId);
        const perms = await permissionsOfInTx(tx, a.orgId, role);
        if (!perms)
          throw new AppError('unprocessable', `Unknown role ${role}`, {
            fieldErrors: [{ path: '/body/role', message: 'is not a role of this organization' }],
          });
        assertGrantable(perms, a.permissions, 'a role');
        if (m.role === role) return;
        await keepAnOwner(tx, a.orgId, m.role);
        await updateMembership(tx, a.orgId, userId, { role });
        // A new role may fall under the MFA policy (e.g. "admins"): its sessions are re-checked now.
        await state.reconcileOrgInTx(tx, a.orgId, userId);
        await secAudit.inOrg(tx, a.orgId, {
          action: 'member.role_changed',
          actor: a.actor,
          userId,
          summary: { from: m.role, to: role },
        });
      });
    },

    /** Ends the member's access to this org: sessions acting in it and tokens for it are revoked. */
    async deactivate(a: Acting, userId: string): Promise<void> {
      await inTx(db, async (tx) => {
        const { m } = await manageable(tx, a, userId);
        if (m.deactivated_at) return;
        await keepAnOwner(tx, a.orgId, m.role);
        const now = clock.now().toISOString();
        await updateMembership(tx, a.orgId, userId, { deactivated_at: now });
        await sessions.revokeInOrgInTx(tx, a.orgId, userId);
        await revokeApiTokens(tx, now, { orgId: a.orgId, userId });
        await secAudit.inOrg(tx, a.orgId, { action: 'member.deactivated', actor: a.actor, userId });
      });
    },

    async reactivate(a: Acting, userId: string): Promise<void> {
      await inTx(db, async (tx) => {
        const { m, user } = await manageable(tx, a, userId);
        if (!m.deactivated_at) return;
        await updateMembership(tx, a.orgId, userId, { deactivated_at: null });
        await secAudit.inOrg(tx, a.orgId, { action: 'member.reactivated', actor: a.actor, userId });
        const powers = stepUpPermissionsIn((await permissionsOfInTx(tx, a.orgId, m.role)) ?? []);
        if (powers.length === 0) return;
        const org = await getOrgName(tx, a.orgId);
        const by = (await findUserById(tx, a.userId))?.email ?? 'an administrator';
        await notifier.adminAlertInTx(
          tx,
          await administratorsOfInTx(tx, a.orgId),
          org.name,
          `${user.email} re-activated as ${m.role}`,
          `${by} re-activated ${user.email} in ${org.name} as ${m.role}.\nThis role can: ${powers.join(', ')}.`,
        );
      });
    },

    async unlock(a: Acting, userId: string): Promise<void> {
      await inTx(db, async (tx) => {
        const { user } = await manageable(tx, a, userId);
        const elsewhere = await hasMembershipOutside(tx, userId, a.orgId);
        if (elsewhere) {
          throw new AppError(
            'forbidden',
            'This account also belongs to another organization, so its sign-in lock can be lifted only by its owner (the unlock link emailed when it locked, or a password reset) or by the server administrator (`sealbill user unlock --email …`).',
          );
        }
        await throttle.unlockInTx(tx, accountKey(user.email));
        // The account belongs to this org alone, so this chain is every org of the user.
        await secAudit.inOrg(tx, a.orgId, {
          action: 'login.unlocked',
          actor: a.actor,
          userId,
          summary: { by: 'admin' },
        });
        const org = await getOrgName(tx, a.orgId);
        await notifier.securityAlertInTx(
          tx,
          user.email,
          'sign-in unlocked by an administrator',
          `An administrator of ${org.name} lifted the limit on failed sign-ins for your account.`,
        );
      });
    },

    /** CLI (trusted local administrator): lifts an account's sign-in lock; false when there is no such user. */
    async unlockAccount(email: string, actor: AuditActor): Promise<boolean> {
      const user = await findUserByEmail(db, email);
      if (!user) return false;
      await inTx(db, async (tx) => {
        await throttle.unlockInTx(tx, accountKey(email));
        await secAudit.forUserInTx(tx, { action: 'login.unlocked', actor, userId: user.id, summary: { by: 'cli' } });
      });
      return true;
    },

    /** CLI (trusted local administrator): removes every second factor and ends every session. */
    async resetMfa(email: string, actor: AuditActor): Promise<{ userId: string }> {
      const user = await findUserByEmail(db, email);
      if (!user) throw notFound('User');
      await inTx(db, async (tx) => {
        await totp.removeInTx(tx, user.id);
        await passkeys.removeAllInTx(tx, user.id);
        await deleteRecoveryCodes(tx, user.id);
        await sessions.revokeAllForInTx(tx, { userId: user.id });
        await throttle.unlockInTx(tx, accountKey(user.email));
        await secAudit.forUserInTx(tx, { action: 'factor.reset', actor, userId: user.id, summary: { by: 'cli' } });
        await notifier.securityAlertInTx(
          tx,
          user.email,
          'your second factors were reset',
          'An administrator removed the authenticator app, passkeys and recovery codes of your account and signed out every session. Set up a second factor again at your next sign-in.',
        );
      });
      return { userId: user.id };
    },
  };
}

export type MembersService = ReturnType<typeof createMembersService>;
