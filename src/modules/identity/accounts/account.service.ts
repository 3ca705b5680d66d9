// One's own account: profile, password change, password reset by email, email change and
// verification, unlocking sign-in by the emailed link, and the list of one's sessions.
// A password reset proves control of the mailbox only: it sets the password and ends every
// session, but never signs anyone in, so the second factor is still asked at the next sign-in.
import type { Clock } from '../../../platform/clock.ts';
import type { Database } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { AppError, conflict, notFound } from '../../../platform/errors.ts';
import type { StaffPrincipal } from '../../../platform/http/principal.ts';
import { consumeEmailTokenInTx, countRecentEmailTokensInTx, issueEmailToken } from './email-tokens.ts';
import type { Notifier } from '../notify.ts';
import type { PasswordService } from '../passwords/passwords.ts';
import type { SecurityAudit } from '../security-audit.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import { accountKey, type ThrottleService } from '../sign-in/throttle.service.ts';
import { requireStepUp } from '../../../platform/http/step-up.ts';
import { hashToken } from '../../../platform/crypto/tokens.ts';
import {
  findUserByEmail,
  findUserById,
  listActiveMemberships,
  normalizeEmail,
  updateUser,
  type UserRow,
} from './users.repo.ts';
import { peekUnusedEmailTokenUser } from './email-tokens.repo.ts';
import { findSession } from '../sessions/sessions.repo.ts';

export interface SessionView {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  orgId: string | null;
}

const invalidLink = () => new AppError('unprocessable', 'This link is invalid, has expired or was already used');

export function createAccountService(deps: {
  db: Database;
  clock: Clock;
  sessions: SessionsService;
  throttle: ThrottleService;
  passwords: PasswordService;
  notifier: Notifier;
  secAudit: SecurityAudit;
}) {
  const { db, clock, sessions, throttle, passwords, notifier, secAudit } = deps;
  const orgNamesOf = async (userId: string) => (await listActiveMemberships(db, userId)).map((m) => m.orgName);
  const actor = (userId: string | null, ip: string) =>
    userId ? { type: 'user' as const, id: userId, ip } : { type: 'anonymous' as const, id: null, ip };

  async function me(p: StaffPrincipal): Promise<UserRow> {
    const user = await findUserById(db, p.userId);
    if (!user) throw new AppError('unauthenticated', 'Sign in first');
    return user;
  }

  return {
    async rename(p: StaffPrincipal, name: string, ip: string): Promise<void> {
      await inTx(db, async (tx) => {
        await updateUser(tx, p.userId, { display_name: name, updated_at: clock.now().toISOString() });
        await secAudit.inOrg(tx, p.orgId, { action: 'user.renamed', actor: actor(p.userId, ip), userId: p.userId });
      });
    },

    /** ASVS V6.2.3: the current password and step-up; then every other session ends. */
    async changePassword(
      p: StaffPrincipal,
      input: { currentPassword: string; newPassword: string },
      ip: string,
    ): Promise<string> {
      requireStepUp(p, clock, 'Changing your password');
      const user = await me(p);
      if (!user.password_hash || !(await passwords.verify(user.password_hash, input.currentPassword))) {
        throw new AppError('unprocessable', 'The current password is not correct', {
          fieldErrors: [{ path: '/body/currentPassword', message: 'is not correct' }],
        });
      }
      await passwords.assertAcceptable(
        input.newPassword,
        { email: user.email, orgNames: await orgNamesOf(user.id) },
        '/body/newPassword',
      );
      const hash = await passwords.hash(input.newPassword);
      const token = await inTx(db, async (tx) => {
        const now = clock.now().toISOString();
        await updateUser(tx, user.id, { password_hash: hash, password_changed_at: now, updated_at: now });
        await sessions.revokeAllForInTx(tx, { userId: user.id }, p.sessionId);
        await secAudit.forUserInTx(tx, { action: 'password.changed', actor: actor(user.id, ip), userId: user.id });
        await notifier.securityAlertInTx(
          tx,
          user.email,
          'your password was changed',
          'The password of your Sealbill account was changed. Your other sessions were signed out.',
        );
        return sessions.rotateInTx(tx, p.sessionId!);
      });
      return token;
    },

    /**
     * Always answers the same, at the same speed: the lookup is the only work done before answering;
     * for a registered, active account the link is issued and mailed afterwards (at most 5 an hour).
     */
    async requestPasswordReset(email: string, ip: string): Promise<void> {
      const user = await findUserByEmail(db, email);
      if (!user || user.status !== 'active') return;
      notifier.later('password reset mail', async () => {
        const since = new Date(clock.now().getTime() - 3_600_000).toISOString();
        if ((await countRecentEmailTokensInTx(db, user.id, 'password_reset', since)) >= 5) return;
        await inTx(db, async (tx) => {
          await secAudit.forUserInTx(tx, {
            action: 'password.reset_requested',
            actor: actor(null, ip),
            userId: user.id,
          });
          const token = await issueEmailToken(tx, clock, {
            purpose: 'password_reset',
            userId: user.id,
            email: user.email,
          });
          await notifier.send(tx, {
            to: user.email,
            subject: 'Reset your Sealbill password',
            text: `Someone (hopefully you) asked to reset the password of your Sealbill account.\n\nChoose a new password here (valid 30 minutes, once):\n${notifier.link('/app/reset-password', token)}\n\nYour second factor will still be asked for when you sign in. If you did not ask for this, ignore this message.`,
          });
        });
      });
    },

    async confirmPasswordReset(input: { token: string; newPassword: string }, ip: string): Promise<void> {
      const peekUserId = await peekUnusedEmailTokenUser(db, 'password_reset', hashToken('email-token', input.token));
      const user = peekUserId ? await findUserById(db, peekUserId) : undefined;
      if (!user) throw invalidLink();
      await passwords.assertAcceptable(
        input.newPassword,
        { email: user.email, orgNames: await orgNamesOf(user.id) },
        '/body/newPassword',
      );
      const hash = await passwords.hash(input.newPassword);
      await inTx(db, async (tx) => {
        const t = await consumeEmailTokenInTx(tx, clock, 'password_reset', input.token);
        if (!t || t.user_id !== user.id) throw invalidLink();
        const now = clock.now().toISOString();
        await updateUser(tx, user.id, { password_hash: hash, password_changed_at: now, updated_at: now });
        await sessions.revokeAllForInTx(tx, { userId: user.id });
        // Proving control of the mailbox also lifts a sign-in lock.
        await throttle.unlockInTx(tx, accountKey(user.email));
        await secAudit.forUserInTx(tx, { action: 'password.reset', actor: actor(user.id, ip), userId: user.id });
        await notifier.securityAlertInTx(
          tx,
          user.email,
          'your password was reset',
          'The password of your Sealbill account was reset through the emailed link. Every session was signed out.',
        );
      });
    },

    /** Step-up; the new address must confirm by link before it replaces the old one (which is told). */
    async requestEmailChange(p: StaffPrincipal, newEmail: string, ip: string): Promise<void> {
      requireStepUp(p, clock, 'Changing your email address');
      const user = await me(p);
      const email = normalizeEmail(newEmail);
      if (email === user.email) throw conflict('That is already your email address');
      await inTx(db, async (tx) => {
        await secAudit.forUserInTx(tx, {
          action: 'email.change_requested',
          actor: actor(user.id, ip),
          userId: user.id,
        });
        const token = await issueEmailToken(tx, clock, { purpose: 'email_change', userId: user.id, email });
        await notifier.send(tx, {
          to: email,
          subject: 'Confirm your new Sealbill email address',
          text: `Confirm that this is the new email address of your Sealbill account (valid 24 hours):\n${notifier.link('/app/verify-email', token)}`,
        });
        await notifier.securityAlertInTx(
          tx,
          user.email,
          'email change requested',
          `A change of your account's email address to ${email} was requested. It takes effect only when confirmed from that address.`,
        );
      });
    },

    async requestVerification(p: StaffPrincipal): Promise<void> {
      const user = await me(p);
      if (user.email_verified_at) throw conflict('Your email address is already verified');
      await inTx(db, async (tx) => {
        const token = await issueEmailToken(tx, clock, { purpose: 'verify_email', userId: user.id, email: user.email });
        await notifier.send(tx, {
          to: user.email,
          subject: 'Verify your Sealbill email address',
          text: `Confirm your email address (valid 48 hours):\n${notifier.link('/app/verify-email', token)}`,
        });
      });
    },

    /** Confirms a verification or an email change link. */
    async confirmEmail(token: string, ip: string): Promise<{ email: string }> {
      const r = await inTx(db, async (tx) => {
        const t =
          (await consumeEmailTokenInTx(tx, clock, 'verify_email', token)) ??
          (await consumeEmailTokenInTx(tx, clock, 'email_change', token));
        if (!t?.user_id || !t.email) throw invalidLink();
        const user = await findUserById(tx, t.user_id);
        if (!user) throw invalidLink();
        const now = clock.now().toISOString();
        if (t.purpose === 'verify_email') {
          if (t.email !== user.email) throw invalidLink();
          await updateUser(tx, user.id, { email_verified_at: now, updated_at: now });
          return { email: user.email };
        }
        if (await findUserByEmail(tx, t.email)) throw conflict('Another account already uses this email address');
        await updateUser(tx, user.id, { email: t.email, email_verified_at: now, updated_at: now });
        await sessions.revokeAllForInTx(tx, { userId: user.id });
        await secAudit.forUserInTx(tx, { action: 'email.changed', actor: actor(user.id, ip), userId: user.id });
        await notifier.securityAlertInTx(
          tx,
          user.email,
          'your email address was changed',
          `The email address of your Sealbill account is now ${t.email}. Every session was signed out.`,
        );
        return { email: t.email };
      });
      return { email: r.email };
    },

    async unlockByLink(token: string, ip: string): Promise<void> {
      await inTx(db, async (tx) => {
        const t = await consumeEmailTokenInTx(tx, clock, 'unlock', token);
        if (!t?.email) throw invalidLink();
        await throttle.unlockInTx(tx, accountKey(t.email));
        await secAudit.forUserInTx(tx, {
          action: 'login.unlocked',
          actor: actor(t.user_id, ip),
          userId: t.user_id,
          summary: { by: 'email' },
        });
      });
    },

    async listSessions(p: StaffPrincipal): Promise<SessionView[]> {
      const rows = await sessions.listForUserInTx(db, p.userId);
      return rows
        .filter((s) => s.realm === 'staff')
        .map((s) => ({
          id: s.id,
          current: s.id === p.sessionId,
          createdAt: s.created_at,
          lastSeenAt: s.last_seen_at,
          ip: s.ip,
          userAgent: s.user_agent,
          orgId: s.org_id,
        }));
    },

    async endSession(p: StaffPrincipal, id: string, ip: string): Promise<void> {
      await inTx(db, async (tx) => {
        const s = await findSession(tx, id);
        if (!s || s.user_id !== p.userId || s.revoked_at) throw notFound('Session');
        await sessions.revokeInTx(tx, id);
        await secAudit.inOrg(tx, p.orgId, {
          action: 'session.revoked',
          actor: actor(p.userId, ip),
          userId: p.userId,
          summary: { session: id },
        });
      });
    },

    async endOtherSessions(p: StaffPrincipal, ip: string): Promise<number> {
      return inTx(db, async (tx) => {
        const n = await sessions.revokeAllForInTx(tx, { userId: p.userId }, p.sessionId);
        await secAudit.inOrg(tx, p.orgId, {
          action: 'session.revoked_others',
          actor: actor(p.userId, ip),
          userId: p.userId,
          summary: { count: n },
        });
        return n;
      });
    },

    async logout(p: StaffPrincipal, ip: string): Promise<void> {
      await inTx(db, async (tx) => {
        await sessions.revokeInTx(tx, p.sessionId!);
        await secAudit.inOrg(tx, p.orgId, { action: 'logout', actor: actor(p.userId, ip), userId: p.userId });
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
