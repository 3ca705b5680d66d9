import { describe, expect, it } from 'vitest';
import {
  levelFor,
  parseSecurityPolicy,
  requirementFor,
  type Factors,
  type Method,
  type Requirement,
} from './mfa-policy.ts';
import { ROLE_PERMISSIONS } from '../members/rbac.ts';

const none: Factors = { totp: false, passkeys: 0 };
const totp: Factors = { totp: true, passkeys: 0 };
const pk: Factors = { totp: false, passkeys: 1 };
const both: Factors = { totp: true, passkeys: 1 };

describe('MFA policy levels', () => {
  it.each<[Method[], Factors, Requirement, string]>([
    // A password alone never gets past "mfa" when the user has any factor, whatever the policy.
    [['pwd'], totp, 'none', 'mfa'],
    [['pwd'], pk, 'none', 'mfa'],
    [['pwd'], both, 'mfa', 'mfa'],
    [['pwd'], none, 'none', 'full'],
    // Required but absent: enrolment (never from a password alone when a factor exists).
    [['pwd'], none, 'mfa', 'enrol'],
    [['pwd', 'totp'], totp, 'mfa', 'full'],
    [['pwd', 'recovery'], totp, 'mfa', 'full'],
    // Passkeys only (phishing-resistant).
    [['passkey'], pk, 'passkey', 'full'],
    [['pwd'], none, 'passkey', 'enrol'],
    [['pwd', 'totp'], totp, 'passkey', 'enrol'],
    [['pwd', 'totp'], both, 'passkey', 'mfa'],
    [['pwd', 'recovery'], both, 'passkey', 'enrol'],
    [['pwd', 'recovery', 'passkey'], both, 'passkey', 'full'],
  ])('amr %j, factors %j, requirement %s → %s', (amr, f, req, level) => {
    expect(levelFor(amr, f, req)).toBe(level);
  });

  it('applies "admins" to roles that administer the org only', () => {
    expect(requirementFor('admins', ROLE_PERMISSIONS.owner)).toBe('mfa');
    expect(requirementFor('admins', ROLE_PERMISSIONS.admin)).toBe('mfa');
    expect(requirementFor('admins', ROLE_PERMISSIONS.accountant)).toBe('none');
    expect(requirementFor('everyone', ROLE_PERMISSIONS.viewer)).toBe('mfa');
    expect(requirementFor('passkeys', ROLE_PERMISSIONS.viewer)).toBe('passkey');
  });

  it('reads a missing policy as off and an unreadable one as "everyone" (fails closed)', () => {
    expect(parseSecurityPolicy('{}')).toEqual({ mfa: 'off' });
    expect(parseSecurityPolicy('{"mfa":"bogus"}')).toEqual({ mfa: 'everyone' });
    expect(parseSecurityPolicy('not json')).toEqual({ mfa: 'everyone' });
  });
});
