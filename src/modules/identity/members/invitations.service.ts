// Invitations: an administrator invites an email address with a role; the link (256-bit token,
// SHA-256 stored, single use, 7 days) lets its holder join. A new person sets a name and a
// password (policy-checked; the link proves the mailbox, so the email counts as verified); an
// existing account simply gains the membership. A role above the inviter's own cannot be given.
// A role holding any step-up-protected permission (rbac.ts STEP_UP_PERMISSIONS) is power that
// only a fresh interactive re-authentication may hand over: inviting into it (which may also
// re-activate a deactivated member) needs the inviter's step-up, never an API token, and every
// administrator of the organization is emailed about it (issue #10 item 1).
import type { Clock } from '../../../platform/clock.ts';
import type { Database } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { AppError, conflict, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import type { Acting } from './members.service.ts';
import type { Notifier } from '../notify.ts';
import type { PasswordService } from '../passwords/passwords.ts';
import { stepUpPermissionsIn } from './rbac.ts';
import { administratorsOfInTx, assertGrantable, permissionsOfInTx } from './roles.service.ts';
import type { SecurityAudit } from '../security-audit.ts';
import {
  acceptOpenInvitation,
  findInvitationByTokenHash,
  insertInvitation,
  listInvitations,
  revokeOpenInvitation,
  revokeOpenInvitationsFor,
  type InvitationRow,
} from './invitations.repo.ts';
import { getOrgName } from './org-policy.repo.ts';
import {
  findMembership,
  findUserByEmail,
  findUserById,
  insertMembership,
  insertUser,
  newUserRow,
  normalizeEmail,
  updateMembership,
} from '../accounts/users.repo.ts';
import { requireStepUp } from '../../../platform/http/step-up.ts';
import { hashToken, newToken } from '../../../platform/crypto/tokens.ts';

export const INVITATION_TTL_MS = 7 * 86_400_000;

export interface InvitationView {
  id: string;
  email: string;
  role: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  expiresAt: string;
  createdAt: string;
}

const invalid = () => new AppError('unprocessable', 'This invitation is invalid, has expired or was already used');

export function createInvitationsService({
  db,
  clock,
  passwords,
  notifier,
  secAudit,
}: {
  db: Database;
  clock: Clock;
  passwords: PasswordService;
  notifier: Notifier;
  secAudit: SecurityAudit;
}) {
  const statusOf = (r: {
    accepted_at: string | null;
    revoked_at: string | null;
    expires_at: string;
  }): InvitationView['status'] =>
    r.accepted_at
      ? 'accepted'
      : r.revoked_at
        ? 'revoked'
        : r.expires_at <= clock.now().toISOString()
          ? 'expired'
          : 'pending';

  async function live(token: string) {
    if (token.length < 20 || token.length > 100) return null;
    const row = await findInvitationByTokenHash(db, hashToken('invitation', token));
    return row && statusOf(row) === 'pending' ? row : null;
  }

  return {
    async invite(a: Acting, input: { email: string; role: string }): Promise<InvitationView> {
      const email = normalizeEmail(input.email);
      const perms = await permissionsOfInTx(db, a.orgId, input.role);
      if (!perms)
        throw new AppError('unprocessable', `Unknown role ${input.role}`, {
          fieldErrors: [{ path: '/body/role', message: 'is not a role of this organization' }],
        });
      assertGrantable(perms, a.permissions, 'a role');
      const powers = stepUpPermissionsIn(perms);
      if (powers.length > 0)
        requireStepUp(a.principal, clock, `Inviting someone as ${input.role} (it can ${powers.join(', ')})`);
      const token = newToken();
      const r = await inTx(db, async (tx) => {
        const existing = await findUserByEmail(tx, email);
        const m = existing ? await findMembership(tx, a.orgId, existing.id) : undefined;
        if (m && !m.deactivated_at) throw conflict('This person is already a member');
        const reactivates = Boolean(m?.deactivated_at);
        const now = clock.now();
        // One live invitation per address: a new one replaces the earlier.
        await revokeOpenInvitationsFor(tx, a.orgId, email, now.toISOString());
        const row: InvitationRow = {
          id: newId(now.getTime()),
          org_id: a.orgId,
          email,
          role: input.role,
          token_hash: hashToken('invitation', token),
          invited_by: a.userId,
          expires_at: new Date(now.getTime() + INVITATION_TTL_MS).toISOString(),
          accepted_at: null,
          revoked_at: null,
          created_at: now.toISOString(),
        };
        await insertInvitation(tx, row);
        await secAudit.inOrg(tx, a.orgId, {
          action: 'member.invited',
          actor: a.actor,
          summary: { email, role: input.role, invitation: row.id, ...(reactivates && { reactivates }) },
        });
        const org = await getOrgName(tx, a.orgId);
        const inviter = await findUserById(tx, a.userId);
        if (powers.length > 0) {
          const by = inviter ? `${inviter.display_name} <${inviter.email}>` : 'An administrator';
          await notifier.adminAlertInTx(
            tx,
            await administratorsOfInTx(tx, a.orgId),
            org.name,
            `${email} invited as ${input.role}`,
            `${by} invited ${email} to ${org.name} as ${input.role}${reactivates ? ' (accepting re-activates their deactivated membership)' : ''}.\nThis role can: ${powers.join(', ')}.\nThe invitation is valid 7 days; any administrator can revoke it until it is accepted.`,
          );
        }
        await notifier.send(tx, {
          to: email,
          subject: `You are invited to ${org.name} on Sealbill`,
          text: `You were invited to join ${org.name} on Sealbill as ${input.role}.\n\nAccept the invitation here (valid 7 days, once):\n${notifier.link('/app/invitation', token)}\n\nIf you did not expect this, ignore this message.`,
        });
        return { row };
      });
      return {
        id: r.row.id,
        email,
        role: input.role,
        status: 'pending',
        expiresAt: r.row.expires_at,
        createdAt: r.row.created_at,
      };
    },

    async list(orgId: string): Promise<InvitationView[]> {
      const rows = await listInvitations(db, orgId);
      return rows.map((r) => ({
        id: r.id,
        email: r.email,
        role: r.role,
        status: statusOf(r),
        expiresAt: r.expires_at,
        createdAt: r.created_at,
      }));
    },

    async revoke(a: Acting, id: string): Promise<void> {
      await inTx(db, async (tx) => {
        if (!(await revokeOpenInvitation(tx, a.orgId, id, clock.now().toISOString()))) throw notFound('Invitation');
        await secAudit.inOrg(tx, a.orgId, {
          action: 'member.invitation_revoked',
          actor: a.actor,
          summary: { invitation: id },
        });
      });
    },

    /** What the invitee sees before accepting. */
    async inspect(token: string): Promise<{ orgName: string; email: string; role: string; accountExists: boolean }> {
      const row = await live(token);
      if (!row) throw invalid();
      return {
        orgName: row.org_name,
        email: row.email,
        role: row.role,
        accountExists: Boolean(await findUserByEmail(db, row.email)),
      };
    },

    async accept(
      token: string,
      input: { name?: string | undefined; password?: string | undefined },
      ip: string,
    ): Promise<{ orgId: string; email: string; newAccount: boolean }> {
      const row = await live(token);
      if (!row) throw invalid();
      const existing = await findUserByEmail(db, row.email);
      let passwordHash: string | null = null;
      if (!existing) {
        if (!input.name || !input.password)
          throw new AppError('unprocessable', 'Choose your name and a password to create your account', {
            fieldErrors: [{ path: '/body/password', message: 'is required for a new account' }],
          });
        await passwords.assertAcceptable(
          input.password,
          { email: row.email, orgNames: [row.org_name] },
          '/body/password',
        );
        passwordHash = await passwords.hash(input.password);
      }
      return inTx(db, async (tx) => {
        const now = clock.now().toISOString();
        if (!(await acceptOpenInvitation(tx, row.id, now))) throw invalid();
        let userId = existing?.id;
        if (!userId) {
          userId = newId();
          await insertUser(tx, newUserRow(userId, row.email, input.name!, passwordHash, now, true));
        }
        const m = await findMembership(tx, row.org_id, userId);
        if (m) await updateMembership(tx, row.org_id, userId, { role: row.role, deactivated_at: null });
        else
          await insertMembership(tx, {
            org_id: row.org_id,
            user_id: userId,
            role: row.role,
            created_at: now,
            deactivated_at: null,
          });
        await secAudit.inOrg(tx, row.org_id, {
          action: 'member.joined',
          actor: { type: 'user', id: userId, ip },
          userId,
          summary: { role: row.role, invitation: row.id },
        });
        return { orgId: row.org_id, email: row.email, newAccount: !existing };
      });
    },
  };
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
