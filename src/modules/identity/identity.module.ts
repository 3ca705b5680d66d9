// Wires the identity services together (one call from the container).
import type { Config } from '../../config/env.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { createLogger } from '../../platform/logger.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import type { MailQueue } from '../../platform/mail/mail.job.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ApiTokensService } from './tokens/api-tokens.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { createAccountService } from './accounts/account.service.ts';
import { userTotpStore } from './mfa/factors.repo.ts';
import { createFactorsService } from './mfa/factors.service.ts';
import { createIdentityHousekeeping } from './housekeeping.service.ts';
import { createInvitationsService } from './members/invitations.service.ts';
import { createLoginService } from './sign-in/login.service.ts';
import { createMembersService } from './members/members.service.ts';
import { createNotifier } from './notify.ts';
import { createOrgSecurityService } from './members/org-security.service.ts';
import { createPasskeysService } from './mfa/passkeys.service.ts';
import type { PasswordService } from './passwords/passwords.ts';
import { createPrincipalsService } from './sessions/principals.service.ts';
import { createRolesService } from './members/roles.service.ts';
import { createSecondFactorService } from './sign-in/second-factor.service.ts';
import { createSecurityAudit } from './security-audit.ts';
import { createSessionState } from './sessions/session-state.ts';
import type { SessionsService } from './sessions/sessions.service.ts';
import { createSignupService } from './accounts/signup.service.ts';
import { createThrottleService } from './sign-in/throttle.service.ts';
import { createFailedSignIns } from './sign-in/failed-sign-ins.ts';
import { createTotpService } from './mfa/totp.service.ts';

export interface IdentityDeps {
  config: Readonly<Config>;
  db: Database;
  clock: Clock;
  keyring: Keyring;
  audit: AuditService;
  mail: MailQueue;
  jobs: Jobs;
  orgs: OrgService;
  sessions: SessionsService;
  tokens: ApiTokensService;
  passwords: PasswordService;
}

export function createIdentityServices(d: IdentityDeps) {
  const { db, clock, sessions, passwords } = d;
  const logger = createLogger(d.config.logLevel);
  const notifier = createNotifier({
    queue: d.mail,
    settle: () => d.jobs.settled(),
    publicUrl: d.config.publicUrl,
    log: (msg, err) => logger.warn({ err }, msg),
  });
  const secAudit = createSecurityAudit(d.audit, db);
  const throttle = createThrottleService({ clock, db });
  const totp = createTotpService({ keyring: d.keyring, clock, issuer: d.config.webauthn.rpName, store: userTotpStore });
  const passkeys = createPasskeysService({ db, clock, webauthn: d.config.webauthn });
  const state = createSessionState({ db, sessions });
  const failedSignIns = createFailedSignIns({ db, clock, throttle, secAudit, notifier });
  const login = createLoginService({
    db,
    clock,
    sessions,
    throttle,
    passkeys,
    passwords,
    notifier,
    secAudit,
    failedSignIns,
  });
  return {
    passwords,
    notifier,
    secAudit,
    throttle,
    failedSignIns,
    totp,
    passkeys,
    state,
    login,
    principals: createPrincipalsService({ db, sessions, tokens: d.tokens }),
    roles: createRolesService({ db, audit: d.audit, clock, state }),
    secondFactor: createSecondFactorService({
      db,
      clock,
      sessions,
      throttle,
      totp,
      passkeys,
      passwords,
      login,
      notifier,
      secAudit,
    }),
    factors: createFactorsService({ db, clock, sessions, totp, passkeys, login, state, notifier, secAudit }),
    account: createAccountService({ db, clock, sessions, throttle, passwords, notifier, secAudit }),
    members: createMembersService({ db, clock, sessions, throttle, totp, passkeys, state, notifier, secAudit }),
    invitations: createInvitationsService({ db, clock, passwords, notifier, secAudit }),
    signup: createSignupService({ db, clock, orgs: d.orgs, passwords, notifier, mode: d.config.signup }),
    orgSecurity: createOrgSecurityService({ db, audit: d.audit, state }),
    housekeeping: createIdentityHousekeeping({ db, clock, idleMinutes: d.config.session.idleMinutes }),
  };
}

export type IdentityServices = ReturnType<typeof createIdentityServices>;
