// Signing in, attacked. Attacks performed: enumerating accounts through login answers and their
// timing; guessing a password (per-account back-off, then the lock at 100 consecutive failures);
// spraying many accounts from one IP. Properties asserted: the session cookie is __Host-,
// Secure, HttpOnly, SameSite and its 256-bit token is stored only hashed; the real user signs in
// after the cooldown; every counted failure is in the audit log; locks lift by email or admin.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STAFF_COOKIE } from '../../src/modules/identity/sessions/sessions.service.ts';
import { accountKey, PUBLIC_LIMITS, THROTTLE } from '../../src/modules/identity/sign-in/throttle.service.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { addUser, browser, PASSWORD, signIn } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { staffSession } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const MIN = 60_000;
const strip = (body: string) => {
  const { requestId: _r, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return rest;
};

describeEachDb('sign-in', (dialect) => {
  let smtp: TestSmtp;
  let t: TestInstance;
  let clock: FixedClock;
  let api: Api;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock('2026-01-01T09:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Login AG');
    for (const name of ['ann', 'bob', 'cat', 'dan']) await addUser(t, api.orgId, 'accountant', `${name}@login.test`);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const failures = async (email: string) =>
    (await t.container.services.identity.throttle.failures(t.container.db, accountKey(email)))?.failures ?? 0;

  it('signs in with a password into a server-side session behind a __Host- cookie; only the hash is stored', async () => {
    const b = browser(t.app, { ip: '10.0.0.1' });
    const res = await b.req('POST', '/api/v1/auth/login', { email: 'Ann@Login.test', password: PASSWORD });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ level: 'full', orgId: api.orgId, csrfToken: expect.any(String) });
    const cookie = String(res.headers['set-cookie'])
      .split(/,(?=\s*__Host)/)
      .find((c) => c.startsWith(`${STAFF_COOKIE}=`))!;
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=(Lax|Strict)/);
    expect(cookie).not.toMatch(/Domain=/i);
    // 32 random bytes, base64url: 256 bits.
    expect(b.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await t.container.db.selectFrom('sessions').select(['token_hash']).execute();
    expect(rows.map((r) => r.token_hash)).toContain(createHash('sha256').update(b.token!).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(b.token);
    const session = await b.ok('GET', '/api/v1/auth/session');
    expect(session).toMatchObject({
      level: 'full',
      user: { email: 'ann@login.test' },
      org: { id: api.orgId, mfaPolicy: 'off' },
      role: 'accountant',
    });
    expect(session.csrfToken).toBe(b.csrf());
  });

  it('answers an unknown email exactly like a wrong password: same status, same body, similar time', async () => {
    const attempt = (email: string, ip: string) =>
      browser(t.app, { ip }).req('POST', '/api/v1/auth/login', { email, password: 'not the password' });
    const known = await attempt('bob@login.test', '10.0.1.1');
    const unknown = await attempt('nobody@login.test', '10.0.1.2');
    expect(known.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(strip(unknown.body)).toEqual(strip(known.body));
    expect(unknown.headers['content-type']).toBe(known.headers['content-type']);
    // Timing (loose, on a shared machine): the unknown path spends the same argon2 work as a real
    // verification. The lower quartile of interleaved runs estimates each path's intrinsic cost;
    // skipping argon2 for unknown emails would make that path ~10× faster and fail the bound.
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    try {
      for (let i = 0; i < 12; i++) {
        for (const kind of i % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const)) {
          const start = process.hrtime.bigint();
          const res = await attempt(kind === 'known' ? 'bob@login.test' : `nobody${i}@login.test`, `10.0.2.${i}`);
          times[kind].push(Number(process.hrtime.bigint() - start) / 1e6);
          expect(res.statusCode).toBe(401);
        }
        clock.advance(16 * MIN); // past any back-off, which is the same for both anyway
      }
    } finally {
      await t.container.services.identity.throttle.unlockInTx(t.container.db, accountKey('bob@login.test'));
    }
    const quartile = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 4)]!;
    const ratio = quartile(times.unknown) / quartile(times.known);
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
  });

  it('backs off after repeated failures on an account; the real user signs in once the cooldown is over', async () => {
    const attacker = browser(t.app, { ip: '10.0.3.1' });
    for (let i = 1; i <= THROTTLE.accountFree; i++) {
      expectProblem(
        await attacker.req('POST', '/api/v1/auth/login', { email: 'cat@login.test', password: `guess-${i}` }),
        401,
        'unauthenticated',
      );
    }
    // The next guess lands inside the back-off window, and is not even checked.
    const blocked = expectProblem(
      await attacker.req('POST', '/api/v1/auth/login', { email: 'cat@login.test', password: PASSWORD }),
      429,
      'rate_limited',
    );
    expect(blocked.detail).toMatch(/try again in \d+ s/);
    // The real user, from elsewhere, during the cooldown: refused too (the account is throttled)...
    const real = browser(t.app, { ip: '10.0.3.2' });
    const during = await real.req('POST', '/api/v1/auth/login', { email: 'cat@login.test', password: PASSWORD });
    expect(during.statusCode).toBe(429);
    expect(Number(during.headers['retry-after'])).toBeGreaterThan(0);
    // ...and in after it.
    clock.advance(Number(during.headers['retry-after']) * 1000);
    expect((await signIn(t.app, 'cat@login.test', PASSWORD, real)).level).toBe('full');
    expect(await failures('cat@login.test')).toBe(0);
    // Every counted failure is in the audit log (with the user's org).
    const rows = await t.container.services.audit.list(t.container.db, {
      orgId: api.orgId,
      action: 'login.failed',
      limit: 500,
    });
    expect(rows.filter((r) => r.object_id !== null).length).toBeGreaterThanOrEqual(THROTTLE.accountFree);
    expect(rows.every((r) => !r.summary.includes('guess-'))).toBe(true);
  });

  it('locks an account at the 100th consecutive failure; the emailed link unlocks it', async () => {
    const attacker = browser(t.app, { ip: '10.0.4.1' });
    let counted = 0;
    for (let i = 0; counted < THROTTLE.lockAfter; i++) {
      const res = await attacker.req('POST', '/api/v1/auth/login', { email: 'dan@login.test', password: `guess-${i}` });
      if (res.statusCode === 401) counted++;
      else expect(res.statusCode).toBe(429);
      clock.advance(16 * MIN); // past the longest back-off: each guess is counted
    }
    expect(await failures('dan@login.test')).toBe(THROTTLE.lockAfter);
    // Locked: even the right password is refused, however long one waits.
    clock.advance(60 * MIN);
    const locked = expectProblem(
      await browser(t.app, { ip: '10.0.4.2' }).req('POST', '/api/v1/auth/login', {
        email: 'dan@login.test',
        password: PASSWORD,
      }),
      429,
      'rate_limited',
    );
    expect(locked.detail).toMatch(/locked/);
    const mail = await smtp.waitFor((m) => m.to.includes('dan@login.test') && /locked/.test(m.parsed.subject ?? ''));
    const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.parsed.text ?? '')![1]!;
    expect((await browser(t.app).req('POST', '/api/v1/auth/unlock', { token })).statusCode).toBe(200);
    expectProblem(await browser(t.app).req('POST', '/api/v1/auth/unlock', { token }), 422, 'unprocessable');
    expect((await signIn(t.app, 'dan@login.test', PASSWORD, browser(t.app, { ip: '10.0.4.3' }))).level).toBe('full');
  });

  it('an administrator can unlock a member; a non-administrator cannot', async () => {
    const db = t.container.db;
    const userId = (
      await db.selectFrom('users').select('id').where('email', '=', 'bob@login.test').executeTakeFirstOrThrow()
    ).id;
    await db
      .insertInto('auth_throttle')
      .values({
        key: accountKey('bob@login.test'),
        failures: 100,
        last_failure_at: clock.now().toISOString(),
        blocked_until: null,
        locked_at: clock.now().toISOString(),
      })
      .execute();
    expect(
      (
        await browser(t.app, { ip: '10.0.5.1' }).req('POST', '/api/v1/auth/login', {
          email: 'bob@login.test',
          password: PASSWORD,
        })
      ).statusCode,
    ).toBe(429);
    const members = await api.ok('GET', '/api/v1/members');
    expect(members.items.find((m: { email: string }) => m.email === 'bob@login.test').locked).toBe(true);
    const ann = await signIn(t.app, 'ann@login.test', PASSWORD, browser(t.app, { ip: '10.0.5.2' }));
    expectProblem(await ann.req('POST', `/api/v1/members/${userId}/unlock`), 403, 'forbidden');
    const owner = await staffSession(t, api.orgId, api.userId);
    expect((await owner.req('POST', `/api/v1/members/${userId}/unlock`)).statusCode).toBe(200);
    expect((await signIn(t.app, 'bob@login.test', PASSWORD, browser(t.app, { ip: '10.0.5.3' }))).level).toBe('full');
  });

  it('throttles one IP spraying many accounts', async () => {
    const sprayer = browser(t.app, { ip: '10.0.6.1' });
    const statuses: number[] = [];
    for (let i = 0; i < THROTTLE.ipFree + 2; i++) {
      statuses.push(
        (await sprayer.req('POST', '/api/v1/auth/login', { email: `victim${i}@login.test`, password: 'Summer2026!' }))
          .statusCode,
      );
    }
    expect(statuses.slice(0, THROTTLE.ipFree).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(THROTTLE.ipFree)).toContain(429);
    // Another IP is unaffected.
    expect((await signIn(t.app, 'ann@login.test', PASSWORD, browser(t.app, { ip: '10.0.6.2' }))).level).toBe('full');
  });
  it('rate-limits public routes that send mail or store challenges, per IP, whoever is named', async () => {
    const flood = browser(t.app, { ip: '10.0.7.1' });
    for (let i = 0; i < PUBLIC_LIMITS.passwordReset.max; i++) {
      expect((await flood.req('POST', '/api/v1/auth/password-reset', { email: `x${i}@login.test` })).statusCode).toBe(
        202,
      );
    }
    expectProblem(
      await flood.req('POST', '/api/v1/auth/password-reset', { email: 'ann@login.test' }),
      429,
      'rate_limited',
    );
    expect(
      (await browser(t.app, { ip: '10.0.7.2' }).req('POST', '/api/v1/auth/password-reset', { email: 'ann@login.test' }))
        .statusCode,
    ).toBe(202);
    for (let i = 0; i < PUBLIC_LIMITS.passkeyOptions.max; i++)
      expect((await flood.req('POST', '/api/v1/auth/passkey/options')).statusCode).toBe(200);
    expectProblem(await flood.req('POST', '/api/v1/auth/passkey/options'), 429, 'rate_limited');
    clock.advance(PUBLIC_LIMITS.passwordReset.windowMs);
    expect((await flood.req('POST', '/api/v1/auth/password-reset', { email: 'ann@login.test' })).statusCode).toBe(202);
    await t.container.services.identity.notifier.settled();
  });
});
