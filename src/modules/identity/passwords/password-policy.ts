// Password rules of NIST SP 800-63B §5.1.1.2 and OWASP ASVS 5.0 V6.2: at least 8 characters
// (counted as Unicode code points), at least 64 allowed (we allow 1,024), no composition rules, no
// truncation, and a refusal with a clear reason when the password is among the most common ones,
// contains the user's email or the organization's name, or is easy to guess.
// "Easy to guess" is zxcvbn-ts's estimate (score 0–4, from the number of guesses an attacker who
// knows common passwords, words, names, dates, keyboard walks, repeats and l33t substitutions
// would need): we require at least 3 ("safely unguessable", about 10^10 guesses), which refuses
// the exact-match-proof patterns `Password1!`, `Winter2026!` and `aaaaaaaa`.
// The estimate is CPU-heavy (hundreds of milliseconds for some 64-character inputs), so services
// run `checkPassword` in a worker thread through the bounded password work queue (passwords.ts),
// never on the event loop of a request; it looks at the first STRENGTH_MAX_LENGTH characters.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as enDictionary, translations } from '@zxcvbn-ts/language-en';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;
/** Minimum zxcvbn score (0–4). */
export const STRENGTH_MIN_SCORE = 3;
/** The estimate reads this many characters: a longer password is at least as strong as its start. */
export const STRENGTH_MAX_LENGTH = 64;

let common: ReadonlySet<string> | null = null;
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(commonDictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

let zxcvbn: ZxcvbnFactory | null = null;
function estimator(): ZxcvbnFactory {
  // l33tMaxSubstitutions bounds the worst case (random strings full of digits and symbols took
  // seconds with the default of 100) without missing the common "P@ssw0rd" forms.
  zxcvbn ??= new ZxcvbnFactory({
    translations,
    graphs: adjacencyGraphs,
    dictionary: { ...commonDictionary, ...enDictionary },
    maxLength: STRENGTH_MAX_LENGTH,
    l33tMaxSubstitutions: 5,
  });
  return zxcvbn;
}

/** NFKC so that the same password typed on different keyboards hashes the same (SP 800-63B §5.1.1.2). */
export const normalizePassword = (password: string): string => password.normalize('NFKC');

export interface PasswordContext {
  email?: string | null;
  orgNames?: string[];
}

export type PasswordCheck = { ok: true } | { ok: false; reason: string };

const WEAK_HINT = 'a passphrase of three or four unrelated words works well';

export function checkPassword(raw: string, ctx: PasswordContext = {}): PasswordCheck {
  const password = normalizePassword(raw);
  const length = [...password].length;
  if (length < PASSWORD_MIN) return { ok: false, reason: `must be at least ${PASSWORD_MIN} characters` };
  if (length > PASSWORD_MAX) return { ok: false, reason: `must be at most ${PASSWORD_MAX} characters` };
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower))
    return {
      ok: false,
      reason: 'is one of the most commonly used passwords; choose another (a passphrase of several words works well)',
    };
  const email = ctx.email?.trim().toLowerCase();
  const local = email?.split('@')[0] ?? '';
  if (email && (lower.includes(email) || (local.length >= 5 && lower.includes(local))))
    return { ok: false, reason: 'must not contain your email address' };
  for (const name of ctx.orgNames ?? []) {
    const n = name.trim().toLowerCase();
    if (n.length >= 3 && (lower.includes(n) || lower.replace(/\s+/g, '').includes(n.replace(/\s+/g, '')))) {
      return { ok: false, reason: "must not contain your organization's name" };
    }
  }
  const userInputs = [email, local, ...(ctx.orgNames ?? [])].filter((s): s is string => Boolean(s && s.length >= 3));
  const r = estimator().check(password, userInputs);
  if (r.score < STRENGTH_MIN_SCORE) {
    const w = r.feedback.warning?.replace(/\.$/, '');
    const why = w ? `${w.charAt(0).toLowerCase()}${w.slice(1)}; ` : '';
    return { ok: false, reason: `is too easy to guess (${why}${WEAK_HINT})` };
  }
  return { ok: true };
}
