// Managing one's own sign-in factors: authenticator app (TOTP), passkeys, recovery codes.
// Adding or removing a factor needs step-up (a fresh sign-in or re-authentication), ends the
// user's other sessions, re-evaluates the current one against the org's MFA policy, is audited,
// and is announced by email. During forced enrolment ('enrol' sessions) the same routes are how
// the user gets a factor; completing enrolment rotates the session to its new level.
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Clock } from '../../../platform/clock.ts';
import type { Database, Executor } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { AppError, conflict, notFound } from '../../../platform/errors.ts';
import type { StaffPrincipal } from '../../../platform/http/principal.ts';
import type { ClientInfo, LoginService } from '../sign-in/login.service.ts';
import type { Method } from './mfa-policy.ts';
import type { Notifier } from '../notify.ts';
import type { PasskeysService, PasskeyView } from './passkeys.service.ts';
import { deleteRecoveryCodes, regenerateRecoveryCodesInTx, remainingRecoveryCodes } from './recovery-codes.ts';
import type { SecurityAudit } from '../security-audit.ts';
import type { SessionStateService } from '../sessions/session-state.ts';
import type { SessionRow, SessionsService } from '../sessions/sessions.service.ts';
import { requireStepUp } from '../../../platform/http/step-up.ts';
import type { TotpEnrolment, TotpService } from './totp.service.ts';
import { findUserById, type UserRow } from '../accounts/users.repo.ts';
import { findUserTotpState } from './factors.repo.ts';
import { findSession, getSession } from '../sessions/sessions.repo.ts';

/** A pending TOTP enrolment must be confirmed within this long of being started. */
export const ENROLMENT_WINDOW_MS = 10 * 60_000;

export interface FactorChange {
  /** New session token when the current session was rotated (set it as the cookie). */
  token: string | null;
  level: SessionRow['level'];
}

export interface FactorsDeps {
  db: Database;
  clock: Clock;
  sessions: SessionsService;
  totp: TotpService;
  passkeys: PasskeysService;
  login: LoginService;
  state: SessionStateService;
  notifier: Notifier;
  secAudit: SecurityAudit;
}

export function createFactorsService(deps: FactorsDeps) {
  const { db, clock, sessions, totp, passkeys, login, state, notifier, secAudit } = deps;

  async function current(
    p: StaffPrincipal,
    levels: SessionRow['level'][],
  ): Promise<{ session: SessionRow; user: UserRow }> {
    const session = await findSession(db, p.sessionId!);
    const user = await findUserById(db, p.userId);
    if (!session || !user) throw new AppError('unauthenticated', 'Sign in first');
    if (!levels.includes(session.level))
      throw new AppError('unauthenticated', 'Finish signing in with your second factor first');
    return { session, user };
  }

  /**
   * Common tail of every factor change, in the caller's transaction: end the other sessions, audit,
   * then either advance a partial session (enrolment proved the new factor) or re-check this one;
   * the alert to the account's address (`what` changed) is a mail job in the same transaction.
   */
  async function changed(
    tx: Executor,
    p: StaffPrincipal,
    s: { session: SessionRow; user: UserRow },
    action: string,
    summary: Record<string, unknown>,
    info: ClientInfo,
    proved: Method | null,
    what: string,
  ): Promise<FactorChange> {
    await sessions.revokeAllForInTx(tx, { userId: s.user.id }, s.session.id);
    await secAudit.forUserInTx(tx, {
      action,
      actor: { type: 'user', id: s.user.id, ip: info.ip },
      userId: s.user.id,
      summary,
    });
    let result: FactorChange = { token: null, level: s.session.level };
    if (proved) {
      const est = await login.advanceInTx(tx, s.session, s.user, proved, info);
      result = { token: est.token, level: est.level };
    } else {
      await state.reconcileUserInTx(tx, s.user.id);
      const row = await getSession(tx, s.session.id);
      // A changed factor is a privilege change for this session too: new token.
      result = { token: await sessions.rotateInTx(tx, s.session.id), level: row.level };
    }
    await notifier.securityAlertInTx(
      tx,
      s.user.email,
      what,
      `The sign-in methods of your Sealbill account changed: ${what}. Your other sessions were signed out.`,
    );
    return result;
  }

  return {
    async beginTotp(p: StaffPrincipal): Promise<TotpEnrolment> {
      const { user } = await current(p, ['full', 'enrol']);
      requireStepUp(p, clock, 'Setting up an authenticator app');
      return inTx(db, (tx) => totp.beginInTx(tx, user, p.orgId));
    },

    async confirmTotp(
      p: StaffPrincipal,
      code: string,
      info: ClientInfo,
    ): Promise<FactorChange & { recoveryCodes: string[] | null }> {
      const s = await current(p, ['full', 'enrol']);
      const pending = await findUserTotpState(db, s.user.id);
      if (!pending || pending.confirmed_at) throw conflict('Start setting up the authenticator app first');
      if (clock.now().getTime() - Date.parse(pending.created_at) > ENROLMENT_WINDOW_MS)
        throw conflict('This setup has expired; start again');
      const r = await inTx(db, async (tx) => {
        const check = await totp.confirmInTx(tx, s.user.id, code);
        if (!check.ok) return null;
        // The first factor comes with recovery codes, shown once.
        const codes =
          (await remainingRecoveryCodes(tx, s.user.id)) === 0
            ? await regenerateRecoveryCodesInTx(tx, clock, s.user.id)
            : null;
        return {
          ...(await changed(
            tx,
            p,
            s,
            'factor.added',
            { factor: 'totp' },
            info,
            'totp',
            'an authenticator app was added',
          )),
          recoveryCodes: codes,
        };
      });
      if (!r)
        throw new AppError(
          'unprocessable',
          'The code is not valid; check the time on your device and try the current code',
          { fieldErrors: [{ path: '/body/code', message: 'is not valid' }] },
        );
      return { token: r.token, level: r.level, recoveryCodes: r.recoveryCodes };
    },

    async removeTotp(p: StaffPrincipal, info: ClientInfo): Promise<FactorChange> {
      const s = await current(p, ['full']);
      requireStepUp(p, clock, 'Removing your authenticator app');
      const r = await inTx(db, async (tx) => {
        if (!(await totp.removeInTx(tx, s.user.id))) throw notFound('Authenticator app');
        if ((await passkeys.countInTx(tx, s.user.id)) === 0) await deleteRecoveryCodes(tx, s.user.id);
        return changed(tx, p, s, 'factor.removed', { factor: 'totp' }, info, null, 'the authenticator app was removed');
      });
      return { token: r.token, level: r.level };
    },

    async passkeyOptions(p: StaffPrincipal) {
      const { user } = await current(p, ['full', 'enrol']);
      requireStepUp(p, clock, 'Adding a passkey');
      return passkeys.registrationOptions({ id: user.id, email: user.email, name: user.display_name }, p.sessionId!);
    },

    async addPasskey(
      p: StaffPrincipal,
      input: { challengeId: string; name: string; response: RegistrationResponseJSON },
      info: ClientInfo,
    ): Promise<FactorChange & { passkey: PasskeyView; recoveryCodes: string[] | null }> {
      const s = await current(p, ['full', 'enrol']);
      const v = await passkeys.verifyRegistration(s.user.id, p.sessionId!, input.challengeId, input.response);
      if (!v.ok) throw new AppError('unprocessable', `The passkey could not be registered: ${v.reason}`);
      const r = await inTx(db, async (tx) => {
        const passkey = await passkeys.insertInTx(tx, s.user.id, v.credential, input.name);
        if (!passkey) throw conflict('This passkey is already registered');
        const codes =
          (await remainingRecoveryCodes(tx, s.user.id)) === 0
            ? await regenerateRecoveryCodesInTx(tx, clock, s.user.id)
            : null;
        return {
          ...(await changed(
            tx,
            p,
            s,
            'factor.added',
            { factor: 'passkey', name: input.name },
            info,
            'passkey',
            `a passkey ("${input.name}") was added`,
          )),
          passkey,
          recoveryCodes: codes,
        };
      });
      return { token: r.token, level: r.level, passkey: r.passkey, recoveryCodes: r.recoveryCodes };
    },

    async removePasskey(p: StaffPrincipal, id: string, info: ClientInfo): Promise<FactorChange> {
      const s = await current(p, ['full']);
      requireStepUp(p, clock, 'Removing a passkey');
      const r = await inTx(db, async (tx) => {
        const row = await passkeys.removeInTx(tx, s.user.id, id);
        if (!row) throw notFound('Passkey');
        if (!(await totp.isEnabledInTx(tx, s.user.id)) && (await passkeys.countInTx(tx, s.user.id)) === 0)
          await deleteRecoveryCodes(tx, s.user.id);
        return {
          ...(await changed(
            tx,
            p,
            s,
            'factor.removed',
            { factor: 'passkey', name: row.name },
            info,
            null,
            `the passkey "${row.name}" was removed`,
          )),
          name: row.name,
        };
      });
      return { token: r.token, level: r.level };
    },

    async regenerateRecoveryCodes(
      p: StaffPrincipal,
      info: ClientInfo,
    ): Promise<FactorChange & { recoveryCodes: string[] }> {
      const s = await current(p, ['full']);
      requireStepUp(p, clock, 'Generating new recovery codes');
      if (!(await totp.isEnabledInTx(db, s.user.id)) && (await passkeys.countInTx(db, s.user.id)) === 0)
        throw conflict('Set up an authenticator app or a passkey first');
      const r = await inTx(db, async (tx) => ({
        recoveryCodes: await regenerateRecoveryCodesInTx(tx, clock, s.user.id),
        ...(await changed(
          tx,
          p,
          s,
          'factor.recovery_codes_regenerated',
          {},
          info,
          null,
          'new recovery codes were generated (the old ones no longer work)',
        )),
      }));
      return { token: r.token, level: r.level, recoveryCodes: r.recoveryCodes };
    },
  };
}

export type FactorsService = ReturnType<typeof createFactorsService>;
