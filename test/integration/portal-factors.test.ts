// Client portal second factors, attacked. Attacks performed: documents reached with only the
// emailed code (or magic link) once the contact has a factor; a wrong, a replayed and the enrolment
// TOTP code at the second step; a replayed passkey assertion; a staff challenge, a wrong origin or
// another organization used for a portal passkey sign-in; a portal passkey on the staff sign-in;
// staff tokens and staff cookies on every portal factor route, a portal cookie on staff factor
// routes; another client's session revoking my passkey; enrolment long after sign-in.
// Properties asserted: TOTP enrolment by QR/secret and code, the secret sealed at rest, factor
// changes rotate the session, end the others and email the contact; passkeys (named, listed,
// revoked) as the second step and as the only step.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice, cookieFrom, portalLogin, portalReq } from '../helpers/delivery.ts';
import { addUser, signIn, totpCode } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { SoftAuthenticator } from '../helpers/webauthn.ts';

const ORIGIN = 'https://portal.example.test';
const PORTAL_COOKIE = '__Host-sealbill-portal';
type Session = { cookie: string; csrf: string };

describeEachDb('client portal second factors', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let clock: FixedClock;
  let ann: Awaited<ReturnType<typeof clientWithInvoice>>;
  let ben: Awaited<ReturnType<typeof clientWithInvoice>>;
  let totpSecret: string;
  const key = new SoftAuthenticator(ORIGIN);

  /** A request that may rotate the session: the new cookie and CSRF token replace the old ones. */
  async function rotating(s: Session, method: string, url: string, payload?: unknown) {
    const res = await portalReq(t.app, s, method, url, payload);
    if (res.statusCode < 300 && String(res.headers['set-cookie'] ?? '').includes(PORTAL_COOKIE)) {
      return { res, next: { cookie: cookieFrom(res, PORTAL_COOKIE), csrf: res.json().csrfToken as string } };
    }
    return { res, next: s };
  }

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock('2026-01-01T09:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_PUBLIC_URL: ORIGIN } });
    api = await setupOrg(t.app);
    ann = await clientWithInvoice(api, { name: 'Ann Ltd', email: 'ann@ann.test' });
    ben = await clientWithInvoice(api, { name: 'Ben Ltd', email: 'ben@ben.test' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  // Past the emailed-code throttle window, and past the 5-minute freshness of earlier sign-ins.
  beforeEach(() => clock.advance(16 * 60_000));

  it('enrols an authenticator app (QR code + secret, confirmed by a code); the secret is sealed at rest', async () => {
    const s0 = await portalLogin(t.app, smtp, api.orgId, 'ann@ann.test');
    expect(s0.body).toMatchObject({ level: 'full', secondFactors: { totp: false, passkey: false } });
    const begin = await portalReq(t.app, s0, 'POST', '/api/v1/portal/me/totp');
    expect(begin.statusCode, begin.body).toBe(200);
    expect(begin.json().qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(begin.json().otpauthUri).toMatch(/^otpauth:\/\/totp\/.*client%20portal/);
    totpSecret = begin.json().secret;
    expectProblem(await portalReq(t.app, s0, 'POST', '/api/v1/portal/me/totp/confirm', { code: '000000' }), 422);
    const { res, next } = await rotating(s0, 'POST', '/api/v1/portal/me/totp/confirm', {
      code: totpCode(totpSecret, clock.now()),
    });
    expect(res.statusCode, res.body).toBe(200);
    // The factor change rotated the session: the old cookie is dead, the new one works.
    expectProblem(await portalReq(t.app, s0, 'GET', '/api/v1/portal/me'), 401);
    expect((await portalReq(t.app, next, 'GET', '/api/v1/portal/me/factors')).json()).toEqual({
      totp: true,
      passkeys: [],
    });

    const row = await t.container.db
      .selectFrom('portal_totp')
      .selectAll()
      .where('contact_id', '=', ann.contactId)
      .executeTakeFirstOrThrow();
    expect(row.secret_enc).toMatch(/^v1\./);
    expect(row.secret_enc).not.toContain(totpSecret);
    await t.container.services.portalFactors.settle();
    expect(
      smtp.messages.some(
        (m) => m.to.includes('ann@ann.test') && /sign-in methods changed/.test(m.parsed.subject ?? ''),
      ),
    ).toBe(true);
    const audit = await t.container.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'portal.factor_added')
      .execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('with TOTP on, the emailed code alone yields a partial session: documents answer 401 until the code', async () => {
    const partial = await portalLogin(t.app, smtp, api.orgId, 'ann@ann.test');
    expect(partial.body).toMatchObject({ level: 'mfa', secondFactors: { totp: true, passkey: false } });
    for (const [method, url] of [
      ['GET', '/api/v1/portal/me'],
      ['GET', '/api/v1/portal/documents'],
      ['GET', `/api/v1/portal/documents/${ann.invoice.id}`],
      ['GET', `/api/v1/portal/documents/${ann.invoice.id}/pdf`],
      ['POST', `/api/v1/portal/documents/${ann.invoice.id}/acknowledge`],
      ['GET', '/api/v1/portal/payments'],
      ['GET', '/api/v1/portal/me/factors'],
      ['POST', '/api/v1/portal/me/totp'],
    ] as const) {
      expectProblem(await portalReq(t.app, partial, method, url), 401);
    }
    const state = await portalReq(t.app, partial, 'GET', '/api/v1/portal/auth/session');
    expect(state.json()).toMatchObject({ level: 'mfa', secondFactors: { totp: true, passkey: false } });

    expectProblem(await portalReq(t.app, partial, 'POST', '/api/v1/portal/auth/mfa/totp', { code: '123456' }), 401);
    // The enrolment code's step is spent: presenting it again is a replay.
    clock.advance(-16 * 60_000);
    expectProblem(
      await portalReq(t.app, partial, 'POST', '/api/v1/portal/auth/mfa/totp', {
        code: totpCode(totpSecret, clock.now()),
      }),
      401,
    );
    clock.advance(16 * 60_000);
    const code = totpCode(totpSecret, clock.now());
    const { res, next } = await rotating(partial, 'POST', '/api/v1/portal/auth/mfa/totp', { code });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ level: 'full', client: 'Ann Ltd' });
    expect((await portalReq(t.app, next, 'GET', '/api/v1/portal/documents')).statusCode).toBe(200);
    expectProblem(await portalReq(t.app, partial, 'GET', '/api/v1/portal/auth/session'), 401);

    // The same code again, in a new partial session: refused (each code works once).
    const again = await portalLogin(t.app, smtp, api.orgId, 'ann@ann.test');
    expectProblem(await portalReq(t.app, again, 'POST', '/api/v1/portal/auth/mfa/totp', { code }), 401);
    clock.advance(30_000);
    expect(
      (
        await portalReq(t.app, again, 'POST', '/api/v1/portal/auth/mfa/totp', {
          code: totpCode(totpSecret, clock.now()),
        })
      ).statusCode,
    ).toBe(200);
  });

  it('a magic link is one factor too; a partial session may sign out', async () => {
    const before = smtp.messages.length;
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/code',
      payload: { orgId: api.orgId, email: 'ann@ann.test' },
    });
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes('ann@ann.test'));
    const token = /\/portal\/magic#t=([A-Za-z0-9_-]+)/.exec(mail.parsed.text ?? '')![1]!;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/portal/auth/magic', payload: { token } });
    expect(res.json().level).toBe('mfa');
    const s = { cookie: cookieFrom(res, PORTAL_COOKIE), csrf: res.json().csrfToken };
    expectProblem(await portalReq(t.app, s, 'GET', '/api/v1/portal/documents'), 401);
    expect((await portalReq(t.app, s, 'POST', '/api/v1/portal/auth/logout')).statusCode).toBe(200);
    expectProblem(await portalReq(t.app, s, 'GET', '/api/v1/portal/auth/session'), 401);
  });

  it('changing factors needs a sign-in within the last 5 minutes', async () => {
    const s = await portalLogin(t.app, smtp, api.orgId, 'ben@ben.test');
    clock.advance(6 * 60_000);
    expectProblem(await portalReq(t.app, s, 'POST', '/api/v1/portal/me/totp'), 401, 'step_up_required');
    expectProblem(await portalReq(t.app, s, 'POST', '/api/v1/portal/me/passkeys/options'), 401, 'step_up_required');
  });

  it('registers a passkey, finishes a code sign-in with it, and signs in with it alone (usernameless)', async () => {
    const s0 = await portalLogin(t.app, smtp, api.orgId, 'ben@ben.test');
    const opts = (await portalReq(t.app, s0, 'POST', '/api/v1/portal/me/passkeys/options')).json();
    expect(opts.options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'required',
    });
    expectProblem(
      await portalReq(t.app, s0, 'POST', '/api/v1/portal/me/passkeys', {
        challengeId: opts.challengeId,
        name: 'No UV',
        response: new SoftAuthenticator(ORIGIN).create(opts.options, { uv: false }),
      }),
      422,
    );
    const opts2 = (await portalReq(t.app, s0, 'POST', '/api/v1/portal/me/passkeys/options')).json();
    const { res, next } = await rotating(s0, 'POST', '/api/v1/portal/me/passkeys', {
      challengeId: opts2.challengeId,
      name: 'Ben laptop',
      response: key.create(opts2.options),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().passkey).toMatchObject({ name: 'Ben laptop', lastUsedAt: null });
    const listed = (await portalReq(t.app, next, 'GET', '/api/v1/portal/me/factors')).json();
    expect(listed.passkeys.map((p: { name: string }) => p.name)).toEqual(['Ben laptop']);

    // Second step with the passkey.
    const partial = await portalLogin(t.app, smtp, api.orgId, 'ben@ben.test');
    expect(partial.body).toMatchObject({ level: 'mfa', secondFactors: { totp: false, passkey: true } });
    const mfa = (await portalReq(t.app, partial, 'POST', '/api/v1/portal/auth/mfa/passkey/options')).json();
    expect(mfa.options.allowCredentials).toHaveLength(1);
    const done = await portalReq(t.app, partial, 'POST', '/api/v1/portal/auth/mfa/passkey', {
      challengeId: mfa.challengeId,
      response: key.get(mfa.options),
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().level).toBe('full');

    // The passkey alone, usernameless within this org's portal.
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/passkey/options',
      payload: { orgId: api.orgId },
    });
    expect(start.json().options.allowCredentials ?? []).toEqual([]);
    const assertion = key.get(start.json().options);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/passkey',
      payload: { orgId: api.orgId, challengeId: start.json().challengeId, response: assertion },
    });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json()).toMatchObject({ level: 'full', client: 'Ben Ltd', contact: { id: ben.contactId } });
    const s = { cookie: cookieFrom(login, PORTAL_COOKIE), csrf: login.json().csrfToken };
    expect((await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${ben.invoice.id}`)).statusCode).toBe(200);
    // Replaying the same assertion is refused (the challenge was spent).
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/portal/auth/passkey',
        payload: { orgId: api.orgId, challengeId: start.json().challengeId, response: assertion },
      }),
      401,
    );
    const stored = await t.container.db
      .selectFrom('portal_passkeys')
      .selectAll()
      .where('contact_id', '=', ben.contactId)
      .executeTakeFirstOrThrow();
    expect(Number(stored.counter)).toBe(2);
  });

  it('refuses portal passkey sign-ins from a wrong origin, with a staff challenge, at another org, or at the staff sign-in', async () => {
    const attempt = async (orgId: string, o = {}, challenge?: { challengeId: string; options: unknown }) => {
      const start: { challengeId: string; options: unknown } =
        challenge ??
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/portal/auth/passkey/options',
            payload: { orgId: api.orgId },
          })
        ).json();
      return t.app.inject({
        method: 'POST',
        url: '/api/v1/portal/auth/passkey',
        payload: { orgId, challengeId: start.challengeId, response: key.get(start.options, o) },
      });
    };
    expectProblem(await attempt(api.orgId, { origin: 'https://portal.example.test.evil' }), 401);
    expectProblem(await attempt(api.orgId, { forgeSignature: true }), 401);
    const staffChallenge = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/passkey/options' })).json();
    expectProblem(await attempt(api.orgId, {}, staffChallenge), 401);
    const other = await setupOrg(t.app, 'Other Org');
    expectProblem(await attempt(other.orgId), 401);
    // The staff realm does not know portal credentials.
    const staffStart = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/passkey/options' })).json();
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/passkey',
        payload: { challengeId: staffStart.challengeId, response: key.get(staffStart.options) },
      }),
      401,
    );
  });

  it('keeps the realms apart: staff tokens and cookies are refused on portal factor routes, portal cookies on staff ones', async () => {
    await addUser(t, api.orgId, 'admin', 'ada@acme.test');
    const staff = await signIn(t.app, 'ada@acme.test');
    const routes = [
      ['GET', '/api/v1/portal/auth/session'],
      ['POST', '/api/v1/portal/auth/mfa/totp'],
      ['POST', '/api/v1/portal/auth/mfa/passkey/options'],
      ['POST', '/api/v1/portal/auth/mfa/passkey'],
      ['GET', '/api/v1/portal/me/factors'],
      ['POST', '/api/v1/portal/me/totp'],
      ['POST', '/api/v1/portal/me/totp/confirm'],
      ['DELETE', '/api/v1/portal/me/totp'],
      ['POST', '/api/v1/portal/me/passkeys/options'],
      ['POST', '/api/v1/portal/me/passkeys'],
      ['DELETE', `/api/v1/portal/me/passkeys/${ben.contactId}`],
    ] as const;
    for (const [method, url] of routes) {
      const payload = method === 'GET' || method === 'DELETE' ? undefined : { code: '123456' };
      expectProblem(await api.req(method, url, payload), 401);
      expectProblem(await staff.req(method, url, payload), 401);
    }
    const s = await portalLogin(t.app, smtp, api.orgId, 'ben@ben.test');
    for (const url of ['/api/v1/me/passkeys', '/api/v1/auth/session'])
      expectProblem(await portalReq(t.app, s, 'GET', url), 401);
    expectProblem(await portalReq(t.app, s, 'POST', '/api/v1/me/totp'), 401);
  });

  it("revokes a passkey (another client's session cannot); the code then signs in fully again", async () => {
    const annFull = await (async () => {
      const partial = await portalLogin(t.app, smtp, api.orgId, 'ann@ann.test');
      clock.advance(30_000);
      const r = await rotating(partial, 'POST', '/api/v1/portal/auth/mfa/totp', {
        code: totpCode(totpSecret, clock.now()),
      });
      expect(r.res.statusCode, r.res.body).toBe(200);
      return r.next;
    })();
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/passkey/options',
      payload: { orgId: api.orgId },
    });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/passkey',
      payload: { orgId: api.orgId, challengeId: start.json().challengeId, response: key.get(start.json().options) },
    });
    let ben1: Session = { cookie: cookieFrom(login, PORTAL_COOKIE), csrf: login.json().csrfToken };
    const id = (await portalReq(t.app, ben1, 'GET', '/api/v1/portal/me/factors')).json().passkeys[0].id as string;
    expectProblem(await portalReq(t.app, annFull, 'DELETE', `/api/v1/portal/me/passkeys/${id}`), 404);
    const { res, next } = await rotating(ben1, 'DELETE', `/api/v1/portal/me/passkeys/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    ben1 = next;
    expect((await portalReq(t.app, ben1, 'GET', '/api/v1/portal/me/factors')).json().passkeys).toEqual([]);
    expect((await portalLogin(t.app, smtp, api.orgId, 'ben@ben.test')).body.level).toBe('full');

    // Removing TOTP likewise (fresh session), after which Ann's code signs in fully.
    const removed = await rotating(annFull, 'DELETE', '/api/v1/portal/me/totp');
    expect(removed.res.statusCode, removed.res.body).toBe(200);
    expect((await portalLogin(t.app, smtp, api.orgId, 'ann@ann.test')).body.level).toBe('full');
  });
});

// Staff recovery for a contact who lost every factor. Attacks performed: an API token (no
// step-up possible), another organization's staff, and a viewer trying the reset.
describeEachDb("staff reset of a contact's portal factors", (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let clock: FixedClock;
  let cat: Awaited<ReturnType<typeof clientWithInvoice>>;
  let url: string;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock('2026-01-01T09:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_PUBLIC_URL: ORIGIN } });
    api = await setupOrg(t.app);
    cat = await clientWithInvoice(api, { name: 'Cat Ltd', email: 'cat@cat.test' });
    url = `/api/v1/clients/${cat.client.id}/contacts/${cat.contactId}/reset-factors`;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(() => clock.advance(16 * 60_000));

  it('needs step-up: an API token is refused; a fresh staff session removes the factors, ends the portal sessions, emails and audits', async () => {
    // The contact enrols an authenticator app and a passkey.
    const s0 = await portalLogin(t.app, smtp, api.orgId, 'cat@cat.test');
    const secret = (await portalReq(t.app, s0, 'POST', '/api/v1/portal/me/totp')).json().secret as string;
    const confirmed = await portalReq(t.app, s0, 'POST', '/api/v1/portal/me/totp/confirm', {
      code: totpCode(secret, clock.now()),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const s1 = { cookie: cookieFrom(confirmed, PORTAL_COOKIE), csrf: confirmed.json().csrfToken as string };
    const opts = (await portalReq(t.app, s1, 'POST', '/api/v1/portal/me/passkeys/options')).json();
    const added = await portalReq(t.app, s1, 'POST', '/api/v1/portal/me/passkeys', {
      challengeId: opts.challengeId,
      name: 'Cat phone',
      response: new SoftAuthenticator(ORIGIN).create(opts.options),
    });
    expect(added.statusCode, added.body).toBe(201);
    const old = { cookie: cookieFrom(added, PORTAL_COOKIE), csrf: added.json().csrfToken as string };
    expect((await portalReq(t.app, old, 'GET', '/api/v1/portal/me/factors')).json().passkeys).toHaveLength(1);

    expectProblem(await api.req('POST', url), 401, 'step_up_required');
    expect((await portalReq(t.app, old, 'GET', '/api/v1/portal/me')).statusCode).toBe(200);

    await addUser(t, api.orgId, 'admin', 'ada@acme.test');
    const staff = await signIn(t.app, 'ada@acme.test');
    const before = smtp.messages.length;
    const res = await staff.req('POST', url);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ totp: true, passkeys: 1 });

    const db = t.container.db;
    expect(
      await db.selectFrom('portal_totp').select('contact_id').where('contact_id', '=', cat.contactId).execute(),
    ).toEqual([]);
    expect(
      await db.selectFrom('portal_passkeys').select('id').where('contact_id', '=', cat.contactId).execute(),
    ).toEqual([]);
    expectProblem(await portalReq(t.app, old, 'GET', '/api/v1/portal/me'), 401);
    const again = await portalLogin(t.app, smtp, api.orgId, 'cat@cat.test');
    expect(again.body).toMatchObject({ level: 'full', secondFactors: { totp: false, passkey: false } });
    expect((await portalReq(t.app, again, 'GET', `/api/v1/portal/documents/${cat.invoice.id}`)).statusCode).toBe(200);

    await t.container.services.portalFactors.settle();
    const mail = await smtp.waitFor(
      (m) =>
        smtp.messages.indexOf(m) >= before &&
        m.to.includes('cat@cat.test') &&
        /sign-in methods were reset/.test(m.parsed.subject ?? ''),
    );
    expect(mail.parsed.text).toMatch(/Acme GmbH reset the sign-in methods/);
    const audit = await db
      .selectFrom('audit_events')
      .select(['actor_type', 'object_id', 'summary'])
      .where('action', '=', 'portal.factors_reset')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'user', object_id: cat.client.id });
    expect(JSON.parse(audit[0]!.summary)).toMatchObject({
      contactId: cat.contactId,
      authenticatorApp: true,
      webauthnCredentials: 1,
    });
  });

  it("another organization's staff get 404; a viewer gets 403", async () => {
    const other = await setupOrg(t.app, 'Other Org');
    await addUser(t, other.orgId, 'admin', 'oz@other.test');
    const oz = await signIn(t.app, 'oz@other.test');
    expectProblem(await oz.req('POST', url), 404);
    await addUser(t, api.orgId, 'viewer', 'vic@acme.test');
    const vic = await signIn(t.app, 'vic@acme.test');
    expectProblem(await vic.req('POST', url), 403);
    const audit = await t.container.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'portal.factors_reset')
      .execute();
    expect(audit).toHaveLength(1);
  });
});
