// Finishing a sign-in with a second factor (TOTP, recovery code or passkey), step-up
// re-authentication (password + TOTP, or a passkey, within the last 5 minutes before sensitive
// actions: step-up.ts) and switching organization. Each success rotates the session token
// (privilege change); each failure counts against the account's sign-in throttle.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Clock } from '../../../platform/clock.ts';
import type { Database } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import type { StaffPrincipal } from '../../../platform/http/principal.ts';
import { factorsOfInTx, parseAmr, type Method } from '../mfa/mfa-policy.ts';
import type { ClientInfo, Established, LoginService } from './login.service.ts';
import type { Notifier } from '../notify.ts';
import type { PasskeysService } from '../mfa/passkeys.service.ts';
import type { PasswordService } from '../passwords/passwords.ts';
import { consumeRecoveryCodeInTx, remainingRecoveryCodes } from '../mfa/recovery-codes.ts';
import type { SecurityAudit } from '../security-audit.ts';
import type { SessionRow, SessionsService } from '../sessions/sessions.service.ts';
import { accountKey, ipKey, throttledError, type ThrottleService } from './throttle.service.ts';
import type { TotpService } from '../mfa/totp.service.ts';
import { findUserById, updateUser, type UserRow } from '../accounts/users.repo.ts';
import { findSession } from '../sessions/sessions.repo.ts';

export interface SecondFactorDeps {
  db: Database;
  clock: Clock;
  sessions: SessionsService;
  throttle: ThrottleService;
  totp: TotpService;
  passkeys: PasskeysService;
  passwords: PasswordService;
  login: LoginService;
  notifier: Notifier;
  secAudit: SecurityAudit;
}

export function createSecondFactorService(deps: SecondFactorDeps) {
  const { db, clock, sessions, throttle, totp, passkeys, passwords, login, notifier, secAudit } = deps;

  async function load(
    p: StaffPrincipal,
    levels: SessionRow['level'][],
  ): Promise<{ session: SessionRow; user: UserRow }> {
    const session = p.sessionId ? await findSession(db, p.sessionId) : undefined;
    const user = await findUserById(db, p.userId);
    if (!session || !user) throw new AppError('unauthenticated', 'Sign in first');
    if (!levels.includes(session.level)) {
      throw new AppError(
        'conflict',
        session.level === 'full' ? 'You are already signed in' : 'Finish signing in first',
      );
    }
    return { session, user };
  }

  /** Runs one throttled verification; on failure records it and answers 401 with `message`. */
  async function throttled<T>(
    user: UserRow,
    info: ClientInfo,
    method: string,
    check: () => Promise<T | null>,
    message: string,
  ): Promise<T> {
    const keys = { account: accountKey(user.email), ip: ipKey(info.ip) };
    const gate = await inTx(db, (tx) => throttle.attemptInTx(tx, keys));
    if (!gate.ok) throw throttledError(gate);
    const result = await check();
    if (result === null) {
      await inTx(db, (tx) =>
        secAudit.forUserInTx(tx, {
          action: 'login.failed',
          actor: { type: 'user', id: user.id, ip: info.ip },
          userId: user.id,
          summary: { method },
        }),
      );
      throw new AppError('unauthenticated', message);
    }
    await inTx(db, (tx) => throttle.succeededInTx(tx, keys));
    return result;
  }

  async function advance(
    p: StaffPrincipal,
    method: Method,
    info: ClientInfo,
    verify: (user: UserRow) => Promise<boolean>,
    message: string,
  ): Promise<Established> {
    const { session, user } = await load(p, ['mfa']);
    if (method === 'totp' && parseAmr(session.amr).includes('totp'))
      throw new AppError('conflict', 'Use your passkey to finish signing in');
    await throttled(user, info, method, async () => ((await verify(user)) ? true : null), message);
    return inTx(db, (tx) => login.advanceInTx(tx, session, user, method, info));
  }

  async function stepUp(p: StaffPrincipal, user: UserRow, method: string, info: ClientInfo): Promise<string> {
    return inTx(db, async (tx) => {
      const token = await sessions.rotateInTx(tx, p.sessionId!, { authenticated_at: clock.now().toISOString() });
      await secAudit.inOrg(tx, p.orgId, {
        action: 'reauth.succeeded',
        actor: { type: 'user', id: user.id, ip: info.ip },
        userId: user.id,
        summary: { method },
      });
      return token;
    });
  }

  return {
    completeTotp: (p: StaffPrincipal, code: string, info: ClientInfo) =>
      advance(
        p,
        'totp',
        info,
        async (u) => (await inTx(db, (tx) => totp.verifyInTx(tx, u.id, code))).ok,
        'The code is not valid, has expired, or was already used',
      ),

    async completeRecovery(p: StaffPrincipal, code: string, info: ClientInfo): Promise<Established> {
      // The alert is written with the code's use: it goes out even if signing in fails later on.
      const use = (u: UserRow) =>
        inTx(db, async (tx) => {
          if (!(await consumeRecoveryCodeInTx(tx, clock, u.id, code))) return false;
          const left = await remainingRecoveryCodes(tx, u.id);
          await notifier.securityAlertInTx(
            tx,
            u.email,
            'a recovery code was used',
            `A recovery code was used to sign in to your account. ${left} unused code(s) remain; generate a new set under Security if you are running low.`,
          );
          return true;
        });
      return advance(p, 'recovery', info, use, 'The recovery code is not valid or was already used');
    },

    async mfaPasskeyOptions(p: StaffPrincipal) {
      await load(p, ['mfa']);
      return passkeys.authenticationOptions('mfa', { userId: p.userId, sessionId: p.sessionId! });
    },

    completePasskey: (p: StaffPrincipal, challengeId: string, response: AuthenticationResponseJSON, info: ClientInfo) =>
      advance(
        p,
        'passkey',
        info,
        async () => (await passkeys.authenticate(challengeId, 'mfa', response, { sessionId: p.sessionId! })).ok,
        'The passkey could not be verified',
      ),

    /** Step-up with the password, plus the TOTP code when the user has an authenticator app. */
    async reauthPassword(
      p: StaffPrincipal,
      input: { password: string; code?: string | undefined },
      info: ClientInfo,
    ): Promise<string> {
      // 'enrol' too: a session sent to enrolment long after sign-in re-authenticates before adding a factor.
      const { user } = await load(p, ['full', 'enrol']);
      const factors = await factorsOfInTx(db, user.id);
      if (!factors.totp && factors.passkeys > 0)
        throw new AppError('unprocessable', 'Confirm with your passkey (your account has no authenticator app)');
      if (factors.totp && !input.code)
        throw new AppError('unprocessable', 'Enter the code from your authenticator app as well', {
          fieldErrors: [{ path: '/body/code', message: 'is required' }],
        });
      await throttled(
        user,
        info,
        'reauth',
        async () => {
          if (!user.password_hash || !(await passwords.verify(user.password_hash, input.password))) return null;
          if (factors.totp && !(await inTx(db, (tx) => totp.verifyInTx(tx, user.id, input.code!))).ok) return null;
          return true;
        },
        'The password or code is not correct',
      );
      return stepUp(p, user, factors.totp ? 'pwd+totp' : 'pwd', info);
    },

    async reauthPasskeyOptions(p: StaffPrincipal) {
      await load(p, ['full']);
      return passkeys.authenticationOptions('reauth', { userId: p.userId, sessionId: p.sessionId! });
    },

    async reauthPasskey(
      p: StaffPrincipal,
      challengeId: string,
      response: AuthenticationResponseJSON,
      info: ClientInfo,
    ): Promise<string> {
      const { user } = await load(p, ['full']);
      await throttled(
        user,
        info,
        'reauth-passkey',
        async () =>
          (await passkeys.authenticate(challengeId, 'reauth', response, { sessionId: p.sessionId! })).ok ? true : null,
        'The passkey could not be verified',
      );
      return stepUp(p, user, 'passkey', info);
    },

    /** Acts in another org of the user's: new token, level re-evaluated under that org's policy. */
    async switchOrg(
      p: StaffPrincipal,
      orgId: string,
      info: ClientInfo,
    ): Promise<{ token: string; level: SessionRow['level'] }> {
      const { session, user } = await load(p, ['full']);
      return inTx(db, async (tx) => {
        const org = await login.chooseOrg(tx, user, orgId);
        if (!org || org.orgId !== orgId) throw notFound('Organization');
        const level = await login.levelIn(tx, user.id, orgId, org.permissions, parseAmr(session.amr));
        const token = await sessions.rotateInTx(tx, session.id, { org_id: orgId, level });
        await updateUser(tx, user.id, { last_org_id: orgId });
        await secAudit.inOrg(tx, orgId, {
          action: 'session.org_switched',
          actor: { type: 'user', id: user.id, ip: info.ip },
          userId: user.id,
          summary: { from: p.orgId },
        });
        return { token, level };
      });
    },
  };
}

export type SecondFactorService = ReturnType<typeof createSecondFactorService>;
