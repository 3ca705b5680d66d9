// Second factors, attacked. Attacks performed: a password thief tries to reach data with a
// half-signed-in session, to enrol their own factor from it, to replay a TOTP code, to use an
// expired one, to reuse a recovery code, and to get around MFA with a password reset.
// Properties asserted: the TOTP secret is stored only encrypted, recovery codes only hashed;
// the org's MFA policy forces members without the factor through enrolment before anything else.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { addUser, browser, enrolTotp, PASSWORD, signIn, totpCode, type Browser } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { staffSession } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { SoftAuthenticator } from '../helpers/webauthn.ts';

const linkToken = (text: string | undefined) => /#token=([A-Za-z0-9_-]+)/.exec(text ?? '')![1]!;

describeEachDb('second factors and MFA policy', (dialect) => {
  let smtp: TestSmtp;
  let t: TestInstance;
  let clock: FixedClock;
  let api: Api;
  const now = () => clock.now();
  let secret: string;
  let recoveryCodes: string[];

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock('2026-01-01T09:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Factor AG');
    for (const name of ['eve', 'fay', 'gus', 'hal']) await addUser(t, api.orgId, 'accountant', `${name}@factor.test`);
  });
  afterAll(async () => {
    await t.container.services.identity.notifier.settled();
    await t.close();
    await smtp.close();
  });

  it('enrols an authenticator app by QR code, activated only by a valid code; the secret is stored encrypted', async () => {
    const eve = await signIn(t.app, 'eve@factor.test');
    const begin = await eve.ok('POST', '/api/v1/me/totp');
    expect(begin.otpauthUri).toMatch(/^otpauth:\/\/totp\/Sealbill:eve%40factor\.test\?.*secret=[A-Z2-7]+/);
    expect(begin.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(begin.qrCode.split(',')[1], 'base64').toString()).toContain('<svg');
    // Not active until confirmed: signing in still needs no code.
    expect((await signIn(t.app, 'eve@factor.test')).level).toBe('full');
    expectProblem(await eve.req('POST', '/api/v1/me/totp/confirm', { code: '000000' }), 422, 'unprocessable');
    const confirmed = await eve.ok('POST', '/api/v1/me/totp/confirm', { code: totpCode(begin.secret, now()) });
    expect(confirmed.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.recoveryCodes).size).toBe(10);
    secret = begin.secret;
    recoveryCodes = confirmed.recoveryCodes;

    const row = await t.container.db.selectFrom('user_totp').selectAll().executeTakeFirstOrThrow();
    expect(row.secret_enc).toMatch(/^v1\./);
    expect(row.secret_enc).not.toContain(secret);
    if (dialect === 'sqlite') {
      const file = readFileSync(path.join(t.dir, 'sealbill.db'));
      expect(file.includes(Buffer.from(secret))).toBe(false);
    }
    const codes = await t.container.db.selectFrom('recovery_codes').select('code_hash').execute();
    expect(codes).toHaveLength(10);
    for (const c of recoveryCodes) expect(JSON.stringify(codes)).not.toContain(c.replace(/-/g, ''));
  });

  it('a password alone never yields a full session once a factor exists; the code completes it', async () => {
    clock.advance(60_000);
    const eve = await signIn(t.app, 'eve@factor.test');
    expect(eve.level).toBe('mfa');
    const partial = eve.token;
    expectProblem(await eve.req('GET', '/api/v1/clients'), 401, 'unauthenticated');
    expectProblem(await eve.req('GET', '/api/v1/me/sessions'), 401, 'unauthenticated');
    const half = await eve.ok('GET', '/api/v1/auth/session');
    expect(half).toMatchObject({ level: 'mfa', factors: { totp: true }, permissions: [], memberships: [] });
    // A half session cannot enrol a factor of the attacker's choosing.
    expect([401, 409]).toContain((await eve.req('POST', '/api/v1/me/totp')).statusCode);
    expectProblem(await eve.req('POST', '/api/v1/me/passkeys/options'), 401, 'unauthenticated');
    const done = await eve.ok('POST', '/api/v1/auth/mfa/totp', { code: totpCode(secret, now()) });
    expect(done.level).toBe('full');
    expect(eve.token).not.toBe(partial); // rotated on the privilege change
    expect((await browser(t.app, { token: partial }).req('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    expect((await eve.req('GET', '/api/v1/clients')).statusCode).toBe(200);
  });

  it('refuses a replayed code and an expired one; tolerates one step of clock drift', async () => {
    clock.advance(5 * 60_000);
    const first = await signIn(t.app, 'eve@factor.test');
    const code = totpCode(secret, now());
    expect((await first.ok('POST', '/api/v1/auth/mfa/totp', { code })).level).toBe('full');
    const replay = await signIn(t.app, 'eve@factor.test');
    expectProblem(await replay.req('POST', '/api/v1/auth/mfa/totp', { code }), 401, 'unauthenticated');

    clock.advance(5 * 60_000);
    const expired = totpCode(secret, now(), -2);
    expectProblem(await replay.req('POST', '/api/v1/auth/mfa/totp', { code: expired }), 401, 'unauthenticated');
    // One step ahead (a phone clock 30 s fast) is accepted.
    expect((await replay.ok('POST', '/api/v1/auth/mfa/totp', { code: totpCode(secret, now(), 1) })).level).toBe('full');
    // ...and then the current step is older than the last one used: refused as a replay.
    const again = await signIn(t.app, 'eve@factor.test');
    expectProblem(
      await again.req('POST', '/api/v1/auth/mfa/totp', { code: totpCode(secret, now()) }),
      401,
      'unauthenticated',
    );
    clock.advance(60_000);
  });

  it('recovery codes work once each', async () => {
    const a = await signIn(t.app, 'eve@factor.test');
    expect((await a.ok('POST', '/api/v1/auth/mfa/recovery', { code: recoveryCodes[0]!.toUpperCase() })).level).toBe(
      'full',
    );
    const b = await signIn(t.app, 'eve@factor.test');
    expectProblem(
      await b.req('POST', '/api/v1/auth/mfa/recovery', { code: recoveryCodes[0]! }),
      401,
      'unauthenticated',
    );
    expect((await b.ok('GET', '/api/v1/auth/session')).factors.recoveryCodes).toBe(9);
    await smtp.waitFor(
      (m) => m.to.includes('eve@factor.test') && /recovery code was used/.test(m.parsed.subject ?? ''),
    );
  });

  it('a password reset never bypasses MFA, ends every session, and does not reveal who has an account', async () => {
    clock.advance(60_000);
    const before = await signIn(t.app, 'eve@factor.test');
    await before.ok('POST', '/api/v1/auth/mfa/totp', { code: totpCode(secret, now()) });
    const known = await browser(t.app).req('POST', '/api/v1/auth/password-reset', { email: 'eve@factor.test' });
    const unknown = await browser(t.app).req('POST', '/api/v1/auth/password-reset', { email: 'nobody@factor.test' });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual(known.json());
    const mail = await smtp.waitFor((m) => m.to.includes('eve@factor.test') && /Reset/.test(m.parsed.subject ?? ''));
    expect(smtp.messages.some((m) => m.to.includes('nobody@factor.test'))).toBe(false);
    const token = linkToken(mail.parsed.text);
    const newPassword = 'a brand new passphrase for eve';
    expectProblem(
      await browser(t.app).req('POST', '/api/v1/auth/password-reset/confirm', { token, newPassword: 'password1' }),
      422,
      'unprocessable',
    );
    expect(
      (await browser(t.app).req('POST', '/api/v1/auth/password-reset/confirm', { token, newPassword })).json(),
    ).toEqual({ ok: true });
    expectProblem(
      await browser(t.app).req('POST', '/api/v1/auth/password-reset/confirm', {
        token,
        newPassword: `${newPassword}!`,
      }),
      422,
      'unprocessable',
    );
    expect((await before.req('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    // The new password alone is still only half a sign-in.
    expect((await signIn(t.app, 'eve@factor.test', newPassword)).level).toBe('mfa');
  });

  it('forces members without a factor through enrolment when the org requires MFA', async () => {
    const fay = await signIn(t.app, 'fay@factor.test');
    expect(fay.level).toBe('full');
    const owner = await staffSession(t, api.orgId, api.userId);
    // Changing the policy needs step-up: an API token cannot, a fresh session can.
    expectProblem(await api.req('PUT', '/api/v1/org/security', { mfa: 'everyone' }), 401, 'step_up_required');
    expect((await owner.req('PUT', '/api/v1/org/security', { mfa: 'everyone' })).statusCode).toBe(200);
    // Fay's live session now reaches nothing but enrolment.
    expectProblem(await fay.req('GET', '/api/v1/clients'), 401, 'unauthenticated');
    const state = await fay.ok('GET', '/api/v1/auth/session');
    expect(state).toMatchObject({ level: 'enrol', requirement: 'mfa' });
    // A new sign-in lands in enrolment too; enrolling completes it.
    const again = await signIn(t.app, 'fay@factor.test');
    expect(again.level).toBe('enrol');
    await enrolTotp(again, now);
    expect((await again.ok('GET', '/api/v1/auth/session')).level).toBe('full');
    expect((await again.req('GET', '/api/v1/clients')).statusCode).toBe(200);
  });

  it('under the passkeys policy, a TOTP user must add a passkey; a passkey sign-in is enough', async () => {
    const gus = await signIn(t.app, 'gus@factor.test');
    expect(gus.level).toBe('enrol'); // policy "everyone" from the previous test
    const { secret: gusSecret } = await enrolTotp(gus, now);
    const owner = await staffSession(t, api.orgId, api.userId);
    expect((await owner.req('PUT', '/api/v1/org/security', { mfa: 'passkeys' })).statusCode).toBe(200);
    clock.advance(60_000);
    const next = await signIn(t.app, 'gus@factor.test');
    expect(next.level).toBe('mfa');
    expect((await next.ok('POST', '/api/v1/auth/mfa/totp', { code: totpCode(gusSecret, now()) })).level).toBe('enrol');
    expectProblem(await next.req('GET', '/api/v1/clients'), 401, 'unauthenticated');
    const authenticator = new SoftAuthenticator(t.config.publicUrl);
    const opts = await next.ok('POST', '/api/v1/me/passkeys/options');
    const added = await next.ok('POST', '/api/v1/me/passkeys', {
      challengeId: opts.challengeId,
      name: 'Laptop',
      response: authenticator.create(opts.options),
    });
    expect(added.level).toBe('full');
    // From now on a passkey alone (usernameless, user-verified) signs Gus in fully.
    const login = await browser(t.app).ok('POST', '/api/v1/auth/passkey/options');
    const pb = browser(t.app);
    const res = await pb.ok('POST', '/api/v1/auth/passkey', {
      challengeId: login.challengeId,
      response: authenticator.get(login.options),
    });
    expect(res.level).toBe('full');
    expect((await pb.req('GET', '/api/v1/clients')).statusCode).toBe(200);
    // The owner who set the policy has no passkey either: their own session went to enrolment.
    expect((await owner.req('GET', '/api/v1/auth/session')).json()).toMatchObject({
      level: 'enrol',
      requirement: 'passkey',
    });
    expectProblem(await owner.req('PUT', '/api/v1/org/security', { mfa: 'off' }), 401, 'unauthenticated');
    expect(
      (await (await staffSession(t, api.orgId, api.userId)).req('PUT', '/api/v1/org/security', { mfa: 'off' }))
        .statusCode,
    ).toBe(200);
  });

  it('changing a factor ends the other sessions and alerts the user by email', async () => {
    const hal1 = await signIn(t.app, 'hal@factor.test');
    const hal2 = await signIn(t.app, 'hal@factor.test');
    const { secret: halSecret } = await enrolTotp(hal1, now);
    expect((await hal2.req('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    await smtp.waitFor(
      (m) => m.to.includes('hal@factor.test') && /authenticator app was added/.test(m.parsed.subject ?? ''),
    );
    // Removing it needs step-up: after 5 minutes, re-authenticate with password + code first.
    clock.advance(6 * 60_000);
    const hal3: Browser = await signIn(t.app, 'hal@factor.test');
    await hal3.ok('POST', '/api/v1/auth/mfa/totp', { code: totpCode(halSecret, now()) });
    clock.advance(6 * 60_000);
    expectProblem(await hal1.req('DELETE', '/api/v1/me/totp'), 401);
    expectProblem(await hal3.req('DELETE', '/api/v1/me/totp'), 401, 'step_up_required');
    expectProblem(await hal3.req('POST', '/api/v1/auth/reauth', { password: PASSWORD }), 422, 'unprocessable');
    clock.advance(30_000);
    await hal3.ok('POST', '/api/v1/auth/reauth', { password: PASSWORD, code: totpCode(halSecret, now()) });
    expect((await hal3.ok('DELETE', '/api/v1/me/totp')).level).toBe('full');
    await smtp.waitFor((m) => m.to.includes('hal@factor.test') && /removed/.test(m.parsed.subject ?? ''));
    const events = await t.container.services.audit.list(t.container.db, { orgId: api.orgId, limit: 1000 });
    const actions = events.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'factor.added',
        'factor.removed',
        'reauth.succeeded',
        'org.security_policy_changed',
        'login.succeeded',
        'login.failed',
      ]),
    );
    expect((await t.container.services.audit.verifyInTx(t.container.db, api.orgId)).ok).toBe(true);
  });
});
