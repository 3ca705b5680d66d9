// Passkeys, attacked, with a software authenticator that produces real WebAuthn data. Attacks
// performed: a forged signature, an authenticator that skipped user verification, a response
// made for another origin (phishing site) or another RP ID, a replayed challenge, an expired
// challenge, a challenge of another ceremony, someone else's passkey as a second factor.
// Properties asserted: several named passkeys per user, listed and revocable; counters and
// backup flags stored; usernameless sign-in; passkey as second factor and for step-up.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { addUser, browser, PASSWORD, signIn, type Browser } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { SoftAuthenticator } from '../helpers/webauthn.ts';

describeEachDb('passkeys', (dialect) => {
  let t: TestInstance;
  let clock: FixedClock;
  let api: Api;
  let key1: SoftAuthenticator;
  let lee: Browser;

  const register = async (b: Browser, auth: SoftAuthenticator, name: string, o = {}) => {
    const opts = await b.ok('POST', '/api/v1/me/passkeys/options');
    return b.req('POST', '/api/v1/me/passkeys', {
      challengeId: opts.challengeId,
      name,
      response: auth.create(opts.options, o),
    });
  };
  const passkeyLogin = async (auth: SoftAuthenticator, o = {}) => {
    const b = browser(t.app);
    const opts = await b.ok('POST', '/api/v1/auth/passkey/options');
    return {
      b,
      res: await b.req('POST', '/api/v1/auth/passkey', {
        challengeId: opts.challengeId,
        response: auth.get(opts.options, o),
      }),
      opts,
    };
  };

  beforeAll(async () => {
    clock = new FixedClock('2026-01-01T09:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_PUBLIC_URL: 'https://sealbill.example.test' } });
    api = await setupOrg(t.app, 'Passkey AG');
    await addUser(t, api.orgId, 'accountant', 'lee@passkey.test');
    await addUser(t, api.orgId, 'viewer', 'max@passkey.test');
    key1 = new SoftAuthenticator('https://sealbill.example.test');
  });
  afterAll(() => t.close());

  it('registers several named passkeys (user verification required, RP from config); lists, renames', async () => {
    lee = await signIn(t.app, 'lee@passkey.test');
    const opts = await lee.ok('POST', '/api/v1/me/passkeys/options');
    expect(opts.options.rp).toEqual({ name: 'Sealbill', id: 'sealbill.example.test' });
    expect(opts.options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'required',
    });
    const first = await lee.req('POST', '/api/v1/me/passkeys', {
      challengeId: opts.challengeId,
      name: 'Laptop',
      response: key1.create(opts.options),
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().recoveryCodes).toHaveLength(10);
    const key2 = new SoftAuthenticator('https://sealbill.example.test');
    expect((await register(lee, key2, 'Phone')).statusCode).toBe(201);
    const again = await lee.ok('POST', '/api/v1/me/passkeys/options');
    expect(again.options.excludeCredentials).toHaveLength(2);
    const list = (await lee.ok('GET', '/api/v1/me/passkeys')).items;
    expect(list.map((p: { name: string }) => p.name)).toEqual(['Laptop', 'Phone']);
    const renamed = await lee.ok('PATCH', `/api/v1/me/passkeys/${list[1].id}`, { name: 'Old phone' });
    expect(renamed.name).toBe('Old phone');
    const row = await t.container.db
      .selectFrom('passkeys')
      .selectAll()
      .where('name', '=', 'Laptop')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ counter: 0, backed_up: 0, device_type: 'singleDevice', transports: '["internal"]' });
  });

  it('refuses a registration without user verification, for another origin, or for another RP ID', async () => {
    lee = await signIn(t.app, 'lee@passkey.test').then(async (b) => b);
    const mallory = new SoftAuthenticator('https://sealbill.example.test');
    // Lee has passkeys now: sign in fully first.
    const o = await lee.ok('POST', '/api/v1/auth/mfa/passkey/options');
    await lee.ok('POST', '/api/v1/auth/mfa/passkey', { challengeId: o.challengeId, response: key1.get(o.options) });
    expectProblem(await register(lee, mallory, 'No UV', { uv: false }), 422, 'unprocessable');
    expectProblem(
      await register(lee, mallory, 'Phish', { origin: 'https://sealbill.example.test.evil.example' }),
      422,
      'unprocessable',
    );
    expectProblem(await register(lee, mallory, 'Other RP', { rpId: 'evil.example' }), 422, 'unprocessable');
    expect((await lee.ok('GET', '/api/v1/me/passkeys')).items).toHaveLength(2);
  });

  it('signs in usernameless with a passkey; stores the counter', async () => {
    const { b, res, opts } = await passkeyLogin(key1);
    expect(opts.options.userVerification).toBe('required');
    expect(opts.options.allowCredentials ?? []).toHaveLength(0);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().level).toBe('full');
    expect((await b.ok('GET', '/api/v1/auth/session')).user.email).toBe('lee@passkey.test');
    const row = await t.container.db
      .selectFrom('passkeys')
      .select('counter')
      .where('name', '=', 'Laptop')
      .executeTakeFirstOrThrow();
    expect(Number(row.counter)).toBe(key1.credentials[0]!.counter);
  });

  it('refuses a forged signature, missing user verification, a phishing origin, a wrong RP ID', async () => {
    for (const attack of [
      { forgeSignature: true },
      { uv: false },
      { origin: 'https://sea1bill.example.test' },
      { rpId: 'example.test' },
    ]) {
      const { res } = await passkeyLogin(key1, attack);
      expectProblem(res, 401, 'unauthenticated');
    }
    const failures = await t.container.services.audit.list(t.container.db, {
      orgId: api.orgId,
      action: 'login.failed',
      limit: 100,
    });
    expect(failures.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a replayed challenge, an expired one, and one issued for another ceremony', async () => {
    const b = browser(t.app);
    const opts = await b.ok('POST', '/api/v1/auth/passkey/options');
    const response = key1.get(opts.options);
    expect((await b.req('POST', '/api/v1/auth/passkey', { challengeId: opts.challengeId, response })).statusCode).toBe(
      200,
    );
    expectProblem(
      await browser(t.app).req('POST', '/api/v1/auth/passkey', { challengeId: opts.challengeId, response }),
      401,
      'unauthenticated',
    );

    const late = await browser(t.app).ok('POST', '/api/v1/auth/passkey/options');
    clock.advance(5 * 60_000 + 1000);
    expectProblem(
      await browser(t.app).req('POST', '/api/v1/auth/passkey', {
        challengeId: late.challengeId,
        response: key1.get(late.options),
      }),
      401,
      'unauthenticated',
    );

    // A step-up challenge (bound to Lee's session) is useless for a sign-in elsewhere.
    const lee2 = (await passkeyLogin(key1)).b;
    const stepUp = await lee2.ok('POST', '/api/v1/auth/reauth/passkey/options');
    expectProblem(
      await browser(t.app).req('POST', '/api/v1/auth/passkey', {
        challengeId: stepUp.challengeId,
        response: key1.get(stepUp.options),
      }),
      401,
      'unauthenticated',
    );
  });

  it('works as a second factor after a password, but only with the user’s own passkey', async () => {
    const maxKey = new SoftAuthenticator('https://sealbill.example.test');
    const max = await signIn(t.app, 'max@passkey.test');
    expect((await register(max, maxKey, 'Max key')).statusCode).toBe(201);
    const half = await signIn(t.app, 'max@passkey.test');
    expect(half.level).toBe('mfa');
    const o = await half.ok('POST', '/api/v1/auth/mfa/passkey/options');
    expect(o.options.allowCredentials).toHaveLength(1);
    // Lee's passkey presented for Max's sign-in: refused.
    expectProblem(
      await half.req('POST', '/api/v1/auth/mfa/passkey', {
        challengeId: o.challengeId,
        response: key1.get(o.options, { credentialId: key1.credentials[0]!.id.toString('base64url') }),
      }),
      401,
      'unauthenticated',
    );
    const o2 = await half.ok('POST', '/api/v1/auth/mfa/passkey/options');
    expect(
      (
        await half.ok('POST', '/api/v1/auth/mfa/passkey', {
          challengeId: o2.challengeId,
          response: maxKey.get(o2.options),
        })
      ).level,
    ).toBe('full');
    // Step-up with the passkey (Max has no authenticator app: the password alone is not enough).
    clock.advance(6 * 60_000);
    expectProblem(await half.req('POST', '/api/v1/auth/reauth', { password: PASSWORD }), 422, 'unprocessable');
    const s = await half.ok('POST', '/api/v1/auth/reauth/passkey/options');
    const r = await half.ok('POST', '/api/v1/auth/reauth/passkey', {
      challengeId: s.challengeId,
      response: maxKey.get(s.options),
    });
    expect(Date.parse(r.stepUpUntil)).toBeGreaterThan(clock.now().getTime());
  });

  it('revokes a passkey (step-up): it no longer signs in', async () => {
    const { b } = await passkeyLogin(key1);
    const list = (await b.ok('GET', '/api/v1/me/passkeys')).items;
    const laptop = list.find((p: { name: string }) => p.name === 'Laptop');
    expect((await b.ok('DELETE', `/api/v1/me/passkeys/${laptop.id}`)).level).toBe('full');
    expectProblem((await passkeyLogin(key1)).res, 401, 'unauthenticated');
    expect((await b.ok('GET', '/api/v1/me/passkeys')).items.map((p: { name: string }) => p.name)).toEqual([
      'Old phone',
    ]);
  });
});
