import { describe, expect, it } from 'vitest';
import { checkPassword, PASSWORD_MIN } from './password-policy.ts';

describe('password policy (NIST SP 800-63B §5.1.1.2)', () => {
  it('refuses fewer than 8 characters, counting Unicode code points', () => {
    expect(checkPassword('a'.repeat(PASSWORD_MIN - 1))).toEqual({ ok: false, reason: 'must be at least 8 characters' });
    expect(checkPassword('🔐🔐🔐🔐🔐🔐🔐').ok).toBe(false); // 7 code points, 14 UTF-16 units
    expect(checkPassword('🔐🔐🔐🔐🔐🔐🔐🔑').ok).toBe(true);
  });

  it('has no composition rules and accepts long passphrases and any Unicode', () => {
    expect(checkPassword('lowercase only words here').ok).toBe(true);
    expect(checkPassword('x'.repeat(64)).ok).toBe(true);
    expect(checkPassword('ü'.repeat(500)).ok).toBe(true);
    expect(checkPassword('Ωμέγα σύνθημα 🙂 ünïcödé').ok).toBe(true);
  });

  it('refuses the most common passwords whatever their case (top 10,000 and beyond)', () => {
    for (const p of ['password', 'Password1', '12345678', 'qwertyuiop', 'iloveyou', 'sunshine', 'football1', 'letmein1']) {
      const r = checkPassword(p);
      expect(r.ok, p).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/most commonly used/);
    }
  });

  it('refuses a password containing the email or the organization name', () => {
    expect(checkPassword('my ann.smith@example.com pw', { email: 'Ann.Smith@example.com' })).toEqual({ ok: false, reason: 'must not contain your email address' });
    expect(checkPassword('ann.smith rules forever', { email: 'ann.smith@example.com' }).ok).toBe(false);
    expect(checkPassword('welcome to Acme Widgets 2026', { orgNames: ['Acme Widgets'] })).toEqual({ ok: false, reason: "must not contain your organization's name" });
    expect(checkPassword('acmewidgets-secret-2026', { orgNames: ['Acme Widgets'] }).ok).toBe(false);
    expect(checkPassword('a perfectly fine phrase', { email: 'ann.smith@example.com', orgNames: ['Acme Widgets'] }).ok).toBe(true);
  });
});
