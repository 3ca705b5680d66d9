// Passwords (NIST SP 800-63B, OWASP ASVS V6.2), through the API that sets them (accepting an
// invitation) and the one that checks them (sign-in). Asserted: short, common, easy-to-guess,
// email- or org-name-containing passwords are refused with a clear reason; 64+ characters and Unicode are
// accepted; no truncation (the right password plus one character fails); argon2id with at least
// m=19 MiB, t=2, p=1, upgraded transparently at sign-in; hashing leaves the event loop free.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hash } from '@node-rs/argon2';
import { hashPassword } from '../../src/modules/identity/passwords/passwords.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { addUser, browser, signIn } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

describeEachDb('passwords', (dialect) => {
  let smtp: TestSmtp;
  let t: TestInstance;
  let api: Api;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, { env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Globex Corp');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function invitationToken(email: string): Promise<string> {
    await api.ok('POST', '/api/v1/members/invitations', { email, role: 'viewer' }, 201);
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    return /#token=([A-Za-z0-9_-]+)/.exec(mail.parsed.text ?? '')![1]!;
  }

  it('refuses weak passwords with a clear reason, without using up the invitation', async () => {
    const token = await invitationToken('newbie@globex.test');
    const accept = (password: string) =>
      browser(t.app).req('POST', '/api/v1/auth/invitations/accept', { token, name: 'New Bie', password });
    const cases: Array<[string, RegExp]> = [
      ['short', /at least 8 characters/],
      ['password1', /most commonly used/],
      ['Qwertyuiop', /most commonly used/],
      ['my newbie@globex.test login', /email address/],
      ['i work at globex corp!', /organization's name/],
      // Not on the list verbatim, but guessed early by any cracker (zxcvbn score < 3; issue #10 item 9).
      ['Password1!', /too easy to guess/],
      ['Winter2026!', /too easy to guess/],
      ['aaaaaaaa', /too easy to guess \(repeated characters/i],
    ];
    for (const [pw, reason] of cases) {
      const body = expectProblem(await accept(pw), 422, 'unprocessable');
      expect(body.detail, pw).toMatch(reason);
      expect(body.errors[0].path).toBe('/body/password');
    }
    const long = `${'correct horse battery staple '.repeat(3)}ünïcödé 🔐 密码`;
    expect([...long].length).toBeGreaterThan(64);
    const ok = await accept(long);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ orgId: api.orgId, newAccount: true });
    expect((await signIn(t.app, 'newbie@globex.test', long)).level).toBe('full');
  });

  it('never truncates: the right password plus or minus one character fails', async () => {
    const pw = 'x'.repeat(100) + 'tail of a long passphrase';
    await addUser(t, api.orgId, 'viewer', 'trunc@globex.test', pw);
    const attempt = (p: string) =>
      browser(t.app, { ip: '10.9.0.1' }).req('POST', '/api/v1/auth/login', { email: 'trunc@globex.test', password: p });
    expectProblem(await attempt(`${pw}!`), 401, 'unauthenticated');
    expectProblem(await attempt(pw.slice(0, -1)), 401, 'unauthenticated');
    expectProblem(await attempt(pw.slice(0, 72)), 401, 'unauthenticated'); // bcrypt's truncation point
    expect((await attempt(pw)).statusCode).toBe(200);
  });

  it('hashes with argon2id m=19 MiB t=2 p=1 and upgrades weaker hashes at sign-in', async () => {
    const row = await t.container.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', 'newbie@globex.test')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const weak = await hash('an old but fine passphrase', {
      algorithm: 2,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    });
    await addUser(t, api.orgId, 'viewer', 'legacy@globex.test');
    await t.container.db
      .updateTable('users')
      .set({ password_hash: weak })
      .where('email', '=', 'legacy@globex.test')
      .execute();
    await signIn(t.app, 'legacy@globex.test', 'an old but fine passphrase');
    const upgraded = await t.container.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', 'legacy@globex.test')
      .executeTakeFirstOrThrow();
    expect(upgraded.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await signIn(t.app, 'legacy@globex.test', 'an old but fine passphrase')).level).toBe('full');
  });

  it('does not block the event loop while hashing', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await Promise.all(Array.from({ length: 4 }, (_, i) => hashPassword(`concurrent passphrase ${i}`)));
    clearInterval(timer);
    // Hashing on the loop would run all four hashes before any timer fires: zero ticks. Off the
    // loop, the timer fires while they run. How often depends on how much CPU a loaded 2-core box
    // leaves the process (a count proportional to the time, then "at least 3", both failed in CI),
    // so the test asks for what only blocking would prevent: at least one.
    expect(ticks).toBeGreaterThanOrEqual(1);
  });
});
