import { describe, expect, it } from 'vitest';
import { checkPassword, PASSWORD_MIN } from './password-policy.ts';

describe('password policy (NIST SP 800-63B §5.1.1.2)', () => {
  it('refuses fewer than 8 characters, counting Unicode code points', () => {
    expect(checkPassword('a'.repeat(PASSWORD_MIN - 1))).toEqual({ ok: false, reason: 'must be at least 8 characters' });
    expect(checkPassword('🔐🔐🔐🔐🔐🔐🔐').ok).toBe(false); // 7 code points, 14 UTF-16 units
    expect(checkPassword('🔐🦊🌵🎻🚲🧭🪁🍋').ok).toBe(true); // 8 code points, none repeated
  });

  it('has no composition rules and accepts long passphrases and any Unicode', () => {
    expect(checkPassword('lowercase only words here').ok).toBe(true);
    const long = 'the quiet lighthouse keeper collects blue teacups and forgotten maps';
    expect([...long].length).toBeGreaterThanOrEqual(64);
    expect(checkPassword(long).ok).toBe(true);
    expect(checkPassword(`${long} `.repeat(15).slice(0, 1024)).ok).toBe(true); // the maximum, accepted whole
    expect(checkPassword('ü'.repeat(1025)).ok).toBe(false);
    expect(checkPassword('Grüße aus dem Äußeren Wäldchen ünd mehr').ok).toBe(true);
    expect(checkPassword('Ωμέγα σύνθημα 🙂 ünïcödé').ok).toBe(true);
  });

  it('refuses the most common passwords whatever their case (top 10,000 and beyond)', () => {
    for (const p of [
      'password',
      'Password1',
      '12345678',
      'qwertyuiop',
      'iloveyou',
      'sunshine',
      'football1',
      'letmein1',
    ]) {
      const r = checkPassword(p);
      expect(r.ok, p).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/most commonly used/);
    }
  });

  it('refuses easy-to-guess passwords that are not on the list verbatim (zxcvbn score below 3), saying why', () => {
    for (const p of [
      'Password1!',
      'Winter2026!',
      'Summer2026!',
      'aaaaaaaa',
      'P@ssw0rd2026!',
      'qwerty123456',
      'abcdefgh1',
    ]) {
      const r = checkPassword(p);
      expect(r.ok, p).toBe(false);
      if (!r.ok) expect(r.reason, p).toMatch(/too easy to guess|most commonly used/);
    }
    const r = checkPassword('aaaaaaaaaaaa');
    expect(r).toEqual({
      ok: false,
      reason: expect.stringMatching(/^is too easy to guess \(repeated characters .*passphrase/i),
    });
    for (const p of ['correct horse battery staple', 'a long enough passphrase', 'kitten42 lamp oyster'])
      expect(checkPassword(p).ok, p).toBe(true);
  });

  it("counts the user's own email and organization name as guessable", () => {
    expect(checkPassword('globexcorp2026', { orgNames: ['Globex Corp'] }).ok).toBe(false);
    expect(checkPassword('ann.smith.2026!', { email: 'ann.smith@example.com' }).ok).toBe(false);
  });

  it('refuses a password containing the email or the organization name', () => {
    expect(checkPassword('my ann.smith@example.com pw', { email: 'Ann.Smith@example.com' })).toEqual({
      ok: false,
      reason: 'must not contain your email address',
    });
    expect(checkPassword('ann.smith rules forever', { email: 'ann.smith@example.com' }).ok).toBe(false);
    expect(checkPassword('welcome to Acme Widgets 2026', { orgNames: ['Acme Widgets'] })).toEqual({
      ok: false,
      reason: "must not contain your organization's name",
    });
    expect(checkPassword('acmewidgets-secret-2026', { orgNames: ['Acme Widgets'] }).ok).toBe(false);
    expect(
      checkPassword('a perfectly fine phrase', { email: 'ann.smith@example.com', orgNames: ['Acme Widgets'] }).ok,
    ).toBe(true);
  });
});
