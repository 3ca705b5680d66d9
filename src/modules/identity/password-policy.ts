// Password rules of NIST SP 800-63B §5.1.1.2 and OWASP ASVS 5.0 V6.2: at least 8 characters
// (counted as Unicode code points), at least 64 allowed (we allow 1,024), no composition rules, no
// truncation, and a refusal with a clear reason when the password is among the most common ones
// or contains the user's email or the organization's name. The common-password list is the one
// zxcvbn-ts ships (~49,000 entries, far beyond the required top 10,000), checked offline.
import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../../platform/errors.ts';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;

let common: ReadonlySet<string> | null = null;
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

/** NFKC so that the same password typed on different keyboards hashes the same (SP 800-63B §5.1.1.2). */
export const normalizePassword = (password: string): string => password.normalize('NFKC');

export interface PasswordContext {
  email?: string | null;
  orgNames?: string[];
}

export type PasswordCheck = { ok: true } | { ok: false; reason: string };

export function checkPassword(raw: string, ctx: PasswordContext = {}): PasswordCheck {
  const password = normalizePassword(raw);
  const length = [...password].length;
  if (length < PASSWORD_MIN) return { ok: false, reason: `must be at least ${PASSWORD_MIN} characters` };
  if (length > PASSWORD_MAX) return { ok: false, reason: `must be at most ${PASSWORD_MAX} characters` };
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return { ok: false, reason: 'is one of the most commonly used passwords; choose another (a passphrase of several words works well)' };
  const email = ctx.email?.trim().toLowerCase();
  if (email) {
    const local = email.split('@')[0] ?? '';
    if (lower.includes(email) || (local.length >= 5 && lower.includes(local))) return { ok: false, reason: 'must not contain your email address' };
  }
  for (const name of ctx.orgNames ?? []) {
    const n = name.trim().toLowerCase();
    if (n.length >= 3 && (lower.includes(n) || lower.replace(/\s+/g, '').includes(n.replace(/\s+/g, '')))) {
      return { ok: false, reason: "must not contain your organization's name" };
    }
  }
  return { ok: true };
}

/** Throws 422 with the reason attached to the field, for routes and services. */
export function assertPasswordAcceptable(password: string, ctx: PasswordContext, field = '/body/password'): void {
  const r = checkPassword(password, ctx);
  if (!r.ok) throw new AppError('unprocessable', `The password ${r.reason}.`, { fieldErrors: [{ path: field, message: r.reason }] });
}
