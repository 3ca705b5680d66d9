// Sessions, attacked. Attacks performed: session fixation (a planted cookie survives sign-in),
// reuse of a logged-out cookie, an unattended laptop (idle and absolute timeouts with an
// injected clock), a thief keeping a session after the victim changes their password, cross-site
// requests without the CSRF token or from another origin, and an old session attempting
// sensitive actions without stepping up. Also: org switching and new-device alerts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/identity/passwords/passwords.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { addUser, browser, PASSWORD, signIn } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const MIN = 60_000;

describeEachDb('sessions', (dialect) => {
  let smtp: TestSmtp;
  let t: TestInstance;
  let clock: FixedClock;
  let api: Api;
  let other: Api;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock('2026-01-01T09:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Session AG');
    other = await setupOrg(t.app, 'Other Ltd');
    await addUser(t, api.orgId, 'admin', 'ivy@session.test');
    await addUser(t, other.orgId, 'viewer', 'ivy@session.test');
    await addUser(t, api.orgId, 'sales', 'jon@session.test');
  });
  afterAll(async () => {
    await t.container.services.identity.notifier.settled();
    await t.close();
    await smtp.close();
  });

  it('issues a new token at sign-in and ends the session the browser presented (no fixation)', async () => {
    const planted = await signIn(t.app, 'jon@session.test');
    const fixed = planted.token!;
    const victim = browser(t.app, { token: fixed, device: planted.device });
    await signIn(t.app, 'jon@session.test', PASSWORD, victim);
    expect(victim.token).not.toBe(fixed);
    expect((await browser(t.app, { token: fixed }).req('GET', '/api/v1/auth/session')).statusCode).toBe(401);
  });

  it('logout ends the session on the server: the old cookie gets 401', async () => {
    const b = await signIn(t.app, 'jon@session.test');
    const token = b.token!;
    expect((await b.req('POST', '/api/v1/auth/logout')).statusCode).toBe(200);
    expect(b.token).toBeNull(); // cookie cleared
    expect((await browser(t.app, { token }).req('GET', '/api/v1/clients')).statusCode).toBe(401);
  });

  it('ends idle sessions after 30 minutes and any session after 12 hours (injected clock)', async () => {
    const idle = await signIn(t.app, 'jon@session.test');
    clock.advance(29 * MIN);
    expect((await idle.req('GET', '/api/v1/clients')).statusCode).toBe(200);
    clock.advance(30 * MIN + 1000);
    expect((await idle.req('GET', '/api/v1/clients')).statusCode).toBe(401);

    const busy = await signIn(t.app, 'jon@session.test');
    for (let h = 0; h < 12 * 3 - 1; h++) {
      clock.advance(20 * MIN);
      expect((await busy.req('GET', '/api/v1/clients')).statusCode).toBe(200);
    }
    clock.advance(20 * MIN);
    expect((await busy.req('GET', '/api/v1/clients')).statusCode).toBe(401);
  });

  it('lists the user’s sessions with device, IP and last seen; ends one or all others', async () => {
    const a = await signIn(t.app, 'jon@session.test', PASSWORD, browser(t.app, { ip: '192.0.2.10' }));
    const b = await signIn(t.app, 'jon@session.test', PASSWORD, browser(t.app, { ip: '192.0.2.11' }));
    const c = await signIn(t.app, 'jon@session.test', PASSWORD, browser(t.app, { ip: '192.0.2.12' }));
    const list = (await a.ok('GET', '/api/v1/me/sessions')).items;
    expect(list.length).toBeGreaterThanOrEqual(3);
    expect(list.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(list.map((s: { ip: string }) => s.ip)).toEqual(
      expect.arrayContaining(['192.0.2.10', '192.0.2.11', '192.0.2.12']),
    );
    expect(list[0]).toMatchObject({ userAgent: 'vitest-browser/1.0', lastSeenAt: expect.any(String) });
    const bId = list.find((s: { ip: string }) => s.ip === '192.0.2.11').id;
    expect((await a.req('DELETE', `/api/v1/me/sessions/${bId}`)).statusCode).toBe(200);
    expect((await b.req('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    // Someone else's session id is simply not found.
    const ivy = await signIn(t.app, 'ivy@session.test');
    const ivySession = (await ivy.ok('GET', '/api/v1/me/sessions')).items[0].id;
    expectProblem(await a.req('DELETE', `/api/v1/me/sessions/${ivySession}`), 404, 'not_found');
    expect((await a.ok('DELETE', '/api/v1/me/sessions')).ended).toBeGreaterThanOrEqual(1);
    expect((await c.req('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    expect((await a.req('GET', '/api/v1/auth/session')).statusCode).toBe(200);
    expect((await ivy.req('GET', '/api/v1/auth/session')).statusCode).toBe(200);
  });

  it('changing the password needs step-up and the current password, and ends the other sessions', async () => {
    const thief = await signIn(t.app, 'jon@session.test');
    const jon = await signIn(t.app, 'jon@session.test');
    const next = 'jon has a much better passphrase now';
    expectProblem(
      await jon.req('PUT', '/api/v1/me/password', { currentPassword: 'wrong', newPassword: next }),
      422,
      'unprocessable',
    );
    expectProblem(
      await jon.req('PUT', '/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'qwertyuiop' }),
      422,
      'unprocessable',
    );
    clock.advance(6 * MIN);
    expectProblem(
      await jon.req('PUT', '/api/v1/me/password', { currentPassword: PASSWORD, newPassword: next }),
      401,
      'step_up_required',
    );
    await jon.ok('POST', '/api/v1/auth/reauth', { password: PASSWORD });
    const before = jon.token;
    await jon.ok('PUT', '/api/v1/me/password', { currentPassword: PASSWORD, newPassword: next });
    expect(jon.token).not.toBe(before);
    expect((await thief.req('GET', '/api/v1/clients')).statusCode).toBe(401);
    expect((await jon.req('GET', '/api/v1/clients')).statusCode).toBe(200);
    expectProblem(
      await browser(t.app).req('POST', '/api/v1/auth/login', { email: 'jon@session.test', password: PASSWORD }),
      401,
      'unauthenticated',
    );
    await smtp.waitFor((m) => m.to.includes('jon@session.test') && /password was changed/.test(m.parsed.subject ?? ''));
    // Test setup for the next cases: Jon's usual password again.
    await t.container.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(PASSWORD) })
      .where('email', '=', 'jon@session.test')
      .execute();
  });

  it('refuses cookie-authenticated state changes without the CSRF token or from another origin', async () => {
    const b = await signIn(t.app, 'ivy@session.test');
    const cookie = `__Host-sealbill=${b.token}`;
    const post = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/clients',
        headers: { cookie, ...headers },
        payload: { name: 'Forged Client' },
      });
    expectProblem(await post({}), 403, 'csrf_failed');
    expectProblem(await post({ 'x-csrf-token': 'guess' }), 403, 'csrf_failed');
    expectProblem(await post({ 'x-csrf-token': b.csrf(), origin: 'https://evil.example' }), 403, 'csrf_failed');
    expect((await post({ 'x-csrf-token': b.csrf(), origin: new URL(t.config.publicUrl).origin })).statusCode).toBe(201);
    // Logout is a state change too.
    expectProblem(
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } }),
      403,
      'csrf_failed',
    );
    const clients = await api.ok('GET', '/api/v1/clients?limit=200');
    expect(clients.items.filter((c: { name: string }) => c.name === 'Forged Client')).toHaveLength(1);
    // Login CSRF: a sign-in posted from another site is refused (the session does not exist yet).
    const login = (origin: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { origin },
        payload: { email: 'ivy@session.test', password: PASSWORD },
      });
    expectProblem(await login('https://evil.example'), 403, 'csrf_failed');
    expect((await login(new URL(t.config.publicUrl).origin)).statusCode).toBe(200);
  });

  it('sensitive actions need a re-authentication within 5 minutes; API tokens never qualify', async () => {
    const ivy = await signIn(t.app, 'ivy@session.test');
    const jonId = (
      await t.container.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'jon@session.test')
        .executeTakeFirstOrThrow()
    ).id;
    const sensitive: Array<[string, string, unknown]> = [
      ['PUT', '/api/v1/me/email', { email: 'ivy.new@session.test' }],
      ['PUT', '/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'an entirely new passphrase' }],
      ['POST', '/api/v1/me/totp', undefined],
      ['POST', '/api/v1/me/passkeys/options', undefined],
      ['POST', '/api/v1/me/tokens', { name: 'ci', scopes: ['client:read'], expiresInDays: 30 }],
      ['PATCH', `/api/v1/members/${jonId}`, { role: 'viewer' }],
      ['POST', `/api/v1/members/${jonId}/deactivate`, undefined],
      ['PUT', '/api/v1/org/security', { mfa: 'admins' }],
      ['PUT', '/api/v1/org/roles/bookkeeper', { name: 'Bookkeeper', permissions: ['invoice:read'] }],
    ];
    clock.advance(6 * MIN);
    for (const [method, url, body] of sensitive)
      expectProblem(await ivy.req(method, url, body), 401, 'step_up_required');
    const ownerToken = api;
    for (const [method, url, body] of sensitive.filter(([, u]) => !u.startsWith('/api/v1/me/')))
      expectProblem(await ownerToken.req(method, url, body), 401, 'step_up_required');
    const before = ivy.token;
    const r = await ivy.ok('POST', '/api/v1/auth/reauth', { password: PASSWORD });
    expect(ivy.token).not.toBe(before); // step-up rotates the token
    expect(r.csrfToken).toBe(ivy.csrf());
    expect(
      (await ivy.req('POST', '/api/v1/me/tokens', { name: 'ci', scopes: ['client:read'], expiresInDays: 30 }))
        .statusCode,
    ).toBe(201);
    expect((await ivy.req('PATCH', `/api/v1/members/${jonId}`, { role: 'viewer' })).statusCode).toBe(200);
    clock.advance(5 * MIN + 1000);
    expectProblem(await ivy.req('PATCH', `/api/v1/members/${jonId}`, { role: 'sales' }), 401, 'step_up_required');
  });

  it('switches organization explicitly, with a new token; a non-member org is not found', async () => {
    const ivy = await signIn(t.app, 'ivy@session.test');
    const state = await ivy.ok('GET', '/api/v1/auth/session');
    expect(state.memberships.map((m: { orgName: string }) => m.orgName).sort()).toEqual(['Other Ltd', 'Session AG']);
    const before = ivy.token;
    const switched = await ivy.ok('POST', '/api/v1/auth/switch-org', { orgId: other.orgId });
    expect(switched).toMatchObject({ orgId: other.orgId, level: 'full' });
    expect(ivy.token).not.toBe(before);
    expect((await browser(t.app, { token: before }).req('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    expect((await ivy.ok('GET', '/api/v1/auth/session')).role).toBe('viewer');
    expectProblem(await ivy.req('POST', '/api/v1/clients', { name: 'Nope' }), 403, 'forbidden');
    const foreign = await setupOrg(t.app, 'Foreign Co');
    expectProblem(await ivy.req('POST', '/api/v1/auth/switch-org', { orgId: foreign.orgId }), 404, 'not_found');
    // The next sign-in lands in the org used last.
    expect((await signIn(t.app, 'ivy@session.test').then((b) => b.ok('GET', '/api/v1/auth/session'))).org.id).toBe(
      other.orgId,
    );
  });

  it('emails the user when a new device signs in, not when a known one does', async () => {
    await addUser(t, api.orgId, 'viewer', 'kim@session.test');
    const laptop = await signIn(t.app, 'kim@session.test'); // first sign-in ever: no alert
    await signIn(t.app, 'kim@session.test', PASSWORD, browser(t.app, { device: laptop.device })); // same device
    await t.container.services.identity.notifier.settled();
    expect(smtp.messages.filter((m) => m.to.includes('kim@session.test'))).toHaveLength(0);
    await signIn(t.app, 'kim@session.test', PASSWORD, browser(t.app, { ip: '198.51.100.7' })); // a new device
    const alert = await smtp.waitFor((m) => m.to.includes('kim@session.test'));
    expect(alert.parsed.subject).toMatch(/new device/);
    expect(alert.parsed.text).toContain('198.51.100.7');
  });
  it('verifies email addresses by link; an email change (step-up) takes effect only when the new address confirms', async () => {
    await addUser(t, api.orgId, 'viewer', 'lou@session.test');
    await t.container.db
      .updateTable('users')
      .set({ email_verified_at: null })
      .where('email', '=', 'lou@session.test')
      .execute();
    const lou = await signIn(t.app, 'lou@session.test');
    expect((await lou.ok('GET', '/api/v1/auth/session')).user.emailVerified).toBe(false);
    expect((await lou.req('POST', '/api/v1/me/email/verify')).statusCode).toBe(202);
    const verify = await smtp.waitFor(
      (m) => m.to.includes('lou@session.test') && /Verify/.test(m.parsed.subject ?? ''),
    );
    const vt = /#token=([A-Za-z0-9_-]+)/.exec(verify.parsed.text ?? '')![1]!;
    expect((await browser(t.app).ok('POST', '/api/v1/auth/verify-email', { token: vt })).email).toBe(
      'lou@session.test',
    );
    expect((await lou.ok('GET', '/api/v1/auth/session')).user.emailVerified).toBe(true);

    expect((await lou.req('PUT', '/api/v1/me/email', { email: 'Lou.New@Session.test' })).statusCode).toBe(202);
    await smtp.waitFor(
      (m) => m.to.includes('lou@session.test') && /email change requested/.test(m.parsed.subject ?? ''),
    );
    const confirm = await smtp.waitFor((m) => m.to.includes('lou.new@session.test'));
    expect((await lou.ok('GET', '/api/v1/auth/session')).user.email).toBe('lou@session.test'); // not yet
    const ct = /#token=([A-Za-z0-9_-]+)/.exec(confirm.parsed.text ?? '')![1]!;
    expect((await browser(t.app).ok('POST', '/api/v1/auth/verify-email', { token: ct })).email).toBe(
      'lou.new@session.test',
    );
    expectProblem(await browser(t.app).req('POST', '/api/v1/auth/verify-email', { token: ct }), 422, 'unprocessable');
    expect((await lou.req('GET', '/api/v1/auth/session')).statusCode).toBe(401); // every session ended
    expect((await signIn(t.app, 'lou.new@session.test')).level).toBe('full');
    await smtp.waitFor(
      (m) => m.to.includes('lou@session.test') && /email address was changed/.test(m.parsed.subject ?? ''),
    );
  });
});
