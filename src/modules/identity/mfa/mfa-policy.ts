// Per-organization MFA policy and the session levels it implies. Pure functions, so the rules
// are tested on their own (mfa-policy.test.ts):
//   off        — a second factor only if the user enrolled one (then it is always asked for)
//   admins     — members who administer the org (owner, admin, custom roles with admin rights) need one
//   everyone   — every member needs one
//   passkeys   — every member must sign in with a passkey (phishing-resistant, NIST AAL3-capable)
// A user who lacks the required factor gets an 'enrol' session that reaches only enrolment routes.
import { z } from 'zod';
import type { Executor } from '../../../platform/db/kysely.ts';
import { countPasskeys, findUserTotpState } from './factors.repo.ts';
import { findOrgSecurityPolicy } from '../members/org-policy.repo.ts';
import type { Permission } from '../members/rbac.ts';
import { isAdministrative } from '../members/rbac.ts';

export const MFA_POLICIES = ['off', 'admins', 'everyone', 'passkeys'] as const;
export type MfaPolicy = (typeof MFA_POLICIES)[number];
export type Requirement = 'none' | 'mfa' | 'passkey';
export type Level = 'full' | 'mfa' | 'enrol';
export type Method = 'pwd' | 'totp' | 'recovery' | 'passkey';

export const securityPolicySchema = z.object({ mfa: z.enum(MFA_POLICIES).default('off') });
export type SecurityPolicy = z.infer<typeof securityPolicySchema>;

export function parseSecurityPolicy(json: string | null | undefined): SecurityPolicy {
  try {
    return securityPolicySchema.parse(JSON.parse(json || '{}'));
  } catch {
    // An unreadable policy fails closed: everyone needs a second factor.
    return { mfa: 'everyone' };
  }
}

export function requirementFor(policy: MfaPolicy, permissions: ReadonlySet<Permission>): Requirement {
  if (policy === 'passkeys') return 'passkey';
  if (policy === 'everyone') return 'mfa';
  if (policy === 'admins' && isAdministrative(permissions)) return 'mfa';
  return 'none';
}

export interface Factors {
  totp: boolean;
  passkeys: number;
}

export const parseAmr = (amr: string): Method[] =>
  amr.split(' ').filter((m): m is Method => m === 'pwd' || m === 'totp' || m === 'recovery' || m === 'passkey');
export const formatAmr = (methods: Iterable<Method>): string => [...new Set(methods)].join(' ');

/**
 * The level a session reaches given how it authenticated, the user's factors and the org's
 * requirement. Invariant: a user with any second factor never gets past 'mfa' with a password
 * alone, and never gets an 'enrol' session from a password alone either (that would let a
 * password thief enrol their own factor).
 */
export function levelFor(amr: readonly Method[], f: Factors, req: Requirement): Level {
  const secondDone = amr.includes('totp') || amr.includes('passkey') || amr.includes('recovery');
  const hasFactor = f.totp || f.passkeys > 0;
  if (hasFactor && !secondDone) return 'mfa';
  if (req === 'passkey') {
    if (amr.includes('passkey') && f.passkeys > 0) return 'full';
    // Has a passkey: present it. Without one (or recovering from a lost one): enrol one now.
    return f.passkeys > 0 && !amr.includes('recovery') ? 'mfa' : 'enrol';
  }
  // A policy that requires a factor is met only while the user still has one.
  if (req === 'mfa' && !hasFactor) return 'enrol';
  return 'full';
}

export async function factorsOfInTx(db: Executor, userId: string): Promise<Factors> {
  const totp = await findUserTotpState(db, userId);
  return { totp: Boolean(totp?.confirmed_at), passkeys: await countPasskeys(db, userId) };
}

export async function orgPolicyInTx(db: Executor, orgId: string): Promise<SecurityPolicy> {
  return parseSecurityPolicy(await findOrgSecurityPolicy(db, orgId));
}
