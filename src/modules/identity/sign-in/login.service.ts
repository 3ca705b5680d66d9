// Signing in (OWASP ASVS V6/V7, NIST SP 800-63B): password or passkey first, then the second
// factor when the user has one or the org requires one. Every sign-in creates a NEW session
// token (and ends the one the browser presented: no fixation); a partial session ('mfa' or
// 'enrol') reaches only the routes that finish signing in. Unknown emails cost the same argon2
// work and get the same answer as wrong passwords, so answers never reveal who has an account.
import type { Clock } from '../../../platform/clock.ts';
import type { Database, Executor } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { AppError } from '../../../platform/errors.ts';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import {
  factorsOfInTx,
  formatAmr,
  levelFor,
  orgPolicyInTx,
  parseAmr,
  requirementFor,
  type Level,
  type Method,
} from '../mfa/mfa-policy.ts';
import type { Notifier } from '../notify.ts';
import type { PasskeysService } from '../mfa/passkeys.service.ts';
import { needsRehash, type PasswordService } from '../passwords/passwords.ts';
import { permissionsOfInTx } from '../members/roles.service.ts';
import type { SecurityAudit } from '../security-audit.ts';
import type { SessionRow, SessionsService } from '../sessions/sessions.service.ts';
import { hashToken, newToken } from '../../../platform/crypto/tokens.ts';
import { accountKey, ipKey, throttledError, type ThrottleService } from './throttle.service.ts';
import type { FailedSignIns } from './failed-sign-ins.ts';
import { insertKnownDevice, isKnownDevice, touchKnownDevice } from './devices.repo.ts';
import {
  findUserByEmail,
  findUserById,
  listActiveMemberships,
  normalizeEmail,
  updateUser,
  type UserRow,
} from '../accounts/users.repo.ts';

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
  /** The device cookie the browser sent (recognizes returning devices for new-device alerts). */
  deviceToken: string | null;
  /** The session cookie the browser sent, ended when a new session starts. */
  currentToken: string | null;
  /** When the request arrived (`performance.now()`): password work past its deadline is shed. */
  receivedAt?: number;
}

export interface Established {
  token: string;
  sessionId: string;
  level: Level;
  orgId: string;
  /** A new device cookie to set, when the browser had none (or an unknown one). */
  deviceToken: string | null;
}

export interface LoginDeps {
  db: Database;
  clock: Clock;
  sessions: SessionsService;
  throttle: ThrottleService;
  passkeys: PasskeysService;
  passwords: PasswordService;
  notifier: Notifier;
  secAudit: SecurityAudit;
  failedSignIns: FailedSignIns;
}

export const invalidCredentials = (): AppError => new AppError('unauthenticated', 'Email or password is incorrect');
const hashDevice = (t: string) => hashToken('device', t);

export function createLoginService(deps: LoginDeps) {
  const { db, clock, sessions, throttle, passkeys, passwords, notifier, secAudit, failedSignIns } = deps;
  const actorFor = (userId: string | null, ip: string) =>
    userId ? { type: 'user' as const, id: userId, ip } : { type: 'anonymous' as const, id: null, ip };

  /** The org a sign-in lands in: the one asked for, else the last used, else the oldest membership. */
  async function chooseOrg(ex: Executor, user: UserRow, wanted?: string | null) {
    const ms = await listActiveMemberships(ex, user.id);
    const ordered = [wanted, user.last_org_id]
      .map((id) => ms.find((m) => m.orgId === id))
      .filter((m) => m !== undefined);
    for (const m of [...ordered, ...ms]) {
      const permissions = await permissionsOfInTx(ex, m.orgId, m.role);
      if (permissions) return { orgId: m.orgId, permissions };
    }
    return null;
  }

  async function levelIn(
    ex: Executor,
    userId: string,
    orgId: string,
    permissions: Parameters<typeof requirementFor>[1],
    amr: Method[],
  ): Promise<Level> {
    const policy = await orgPolicyInTx(ex, orgId);
    return levelFor(amr, await factorsOfInTx(ex, userId), requirementFor(policy.mfa, permissions));
  }

  /** Remembers the device; returns a cookie to set and whether to alert the user. */
  async function noteDevice(
    tx: Executor,
    user: UserRow,
    info: ClientInfo,
  ): Promise<{ deviceToken: string | null; alert: boolean }> {
    const presented = info.deviceToken && /^[A-Za-z0-9_-]{43}$/.test(info.deviceToken) ? info.deviceToken : null;
    const token = presented ?? newToken();
    const now = clock.now().toISOString();
    if (await isKnownDevice(tx, user.id, hashDevice(token))) {
      await touchKnownDevice(tx, user.id, hashDevice(token), now);
      return { deviceToken: null, alert: false };
    }
    await insertKnownDevice(tx, user.id, hashDevice(token), now);
    // The very first sign-in of an account is not news to its owner.
    return { deviceToken: presented ? null : token, alert: user.last_login_at !== null };
  }

  /** Records a completed sign-in: device, last login, audit, and the new-device alert (a mail job). */
  async function completed(
    tx: Executor,
    user: UserRow,
    orgId: string,
    amr: Method[],
    info: ClientInfo,
  ): Promise<{ deviceToken: string | null }> {
    const device = await noteDevice(tx, user, info);
    await updateUser(tx, user.id, { last_login_at: clock.now().toISOString(), last_org_id: orgId });
    await secAudit.inOrg(tx, orgId, {
      action: 'login.succeeded',
      actor: actorFor(user.id, info.ip),
      userId: user.id,
      summary: { methods: amr, userAgent: info.userAgent },
    });
    const when = clock.now().toISOString();
    if (device.alert) {
      await notifier.securityAlertInTx(
        tx,
        user.email,
        'sign-in from a new device',
        `Your Sealbill account was signed in to from a device we had not seen before:\n\n  ${info.userAgent ?? 'unknown browser'}\n  IP address ${info.ip}\n  at ${when}`,
      );
    }
    return { deviceToken: device.deviceToken };
  }

  /** Starts a new session (ending the presented one) at the level the org's policy allows. */
  async function establish(
    tx: Executor,
    user: UserRow,
    amr: Method[],
    info: ClientInfo,
    wantedOrg?: string | null,
  ): Promise<Established> {
    const org = await chooseOrg(tx, user, wantedOrg);
    if (!org) throw invalidCredentials();
    if (info.currentToken) {
      const old = await sessions.authenticateInTx(tx, info.currentToken, 'staff');
      if (old) await sessions.revokeInTx(tx, old.id);
    }
    const level = await levelIn(tx, user.id, org.orgId, org.permissions, amr);
    const s = await sessions.create(tx, {
      realm: 'staff',
      orgId: org.orgId,
      userId: user.id,
      level,
      amr: formatAmr(amr),
      ip: info.ip,
      userAgent: info.userAgent,
    });
    const done = level === 'full' ? await completed(tx, user, org.orgId, amr, info) : { deviceToken: null };
    return { token: s.token, sessionId: s.id, level, orgId: org.orgId, deviceToken: done.deviceToken };
  }

  return {
    chooseOrg,
    levelIn,

    async passwordLogin(
      input: { email: string; password: string; orgId?: string | undefined },
      info: ClientInfo,
    ): Promise<Established> {
      const email = normalizeEmail(input.email);
      const keys = { account: accountKey(email), ip: ipKey(info.ip) };
      // A place in the password queue is taken before the attempt is counted: a saturated server
      // (queue full, or no slot before the request's deadline) sheds the request with 429 first,
      // and requests arriving together cannot all be counted and then shed by the queue.
      const admission = passwords.queue.admit({ receivedAt: info.receivedAt });
      let user: UserRow | undefined;
      try {
        // Counted (committed, in a batch with the other attempts of the moment) before the password is checked.
        const gate = await failedSignIns.reserve(keys);
        if (!gate.ok) throw throttledError(gate);
        user = await findUserByEmail(db, email);
        const work = { receivedAt: info.receivedAt, admission };
        const ok = user?.password_hash
          ? await passwords.verify(user.password_hash, input.password, work)
          : await passwords.verifyAgainstDummy(input.password, work);
        if (!user || !ok || user.status !== 'active') {
          const failure = { ip: info.ip, method: 'pwd' as const, lockedNow: gate.lockedNow };
          await failedSignIns.record(
            { ...failure, user: user ? { id: user.id, email: user.email } : null },
            // Other password checks waiting: a flood, whose failures are worth coalescing.
            { underLoad: passwords.queue.stats().queued > 0 },
          );
          throw invalidCredentials();
        }
      } finally {
        admission.release();
      }
      const upgraded = needsRehash(user.password_hash!) ? await passwords.hash(input.password) : null;
      const est = await inTx(db, async (tx) => {
        await throttle.succeededInTx(tx, keys);
        if (upgraded) await updateUser(tx, user.id, { password_hash: upgraded });
        return establish(tx, user, ['pwd'], info, input.orgId);
      });
      return est;
    },

    passkeyLoginOptions: () => passkeys.authenticationOptions('login', {}),

    /** Usernameless sign-in: the passkey (with user verification) is both factors. */
    async passkeyLogin(
      challengeId: string,
      response: AuthenticationResponseJSON,
      info: ClientInfo,
    ): Promise<Established> {
      const r = await passkeys.authenticate(challengeId, 'login', response, {});
      const user = r.userId ? await findUserById(db, r.userId) : undefined;
      if (!r.ok || !user || user.status !== 'active') {
        await inTx(db, (tx) =>
          secAudit.forUserInTx(tx, {
            action: 'login.failed',
            actor: actorFor(null, info.ip),
            userId: user?.id ?? null,
            summary: { method: 'passkey', reason: r.ok ? 'inactive' : r.reason.slice(0, 200) },
          }),
        );
        throw new AppError('unauthenticated', 'The passkey could not be verified');
      }
      return inTx(db, (tx) => establish(tx, user, ['passkey'], info));
    },

    /** A partial session proved another method: rotate it and raise its level as far as policy allows. */
    async advanceInTx(
      tx: Executor,
      session: SessionRow,
      user: UserRow,
      method: Method,
      info: ClientInfo,
    ): Promise<Established> {
      const amr = [...parseAmr(session.amr), method];
      const orgId = session.org_id!;
      const ms = await listActiveMemberships(tx, user.id);
      const m = ms.find((x) => x.orgId === orgId);
      const permissions = m ? await permissionsOfInTx(tx, orgId, m.role) : null;
      if (!permissions) throw new AppError('unauthenticated', 'Your membership of this organization has ended');
      const level = await levelIn(tx, user.id, orgId, permissions, amr);
      const now = clock.now().toISOString();
      const token = await sessions.rotateInTx(tx, session.id, { level, amr: formatAmr(amr), authenticated_at: now });
      const done =
        level === 'full' && session.level !== 'full'
          ? await completed(tx, user, orgId, amr, info)
          : { deviceToken: null };
      return { token, sessionId: session.id, level, orgId, deviceToken: done.deviceToken };
    },
  };
}

export type LoginService = ReturnType<typeof createLoginService>;
