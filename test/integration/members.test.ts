// Members, invitations, roles and API tokens, attacked. Attacks performed: an admin granting
// owner (more than they hold) by role change, by invitation or by custom role; an admin
// demoting or deactivating the owner; the last owner demoting themselves; reuse of an
// invitation link; a token asking for more scopes than its creator holds; a deactivated
// member's session and token; a demoted user's token keeping its old powers; sign-up
// enumeration. Also the CLI: `sealbill user reset-mfa` and `sealbill token create`.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tokenCommand, userCommand } from '../../src/main/cli/identity.commands.ts';
import { accountKey } from '../../src/modules/identity/sign-in/throttle.service.ts';
import { apiFor, expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { runCli } from '../helpers/cli.ts';
import { addUser, browser, enrolTotp, PASSWORD, signIn } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { staffSession } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const tokenIn = (text: string | undefined) => /#token=([A-Za-z0-9_-]+)/.exec(text ?? '')![1]!;

describeEachDb('members, roles and API tokens', (dialect) => {
  let smtp: TestSmtp;
  let t: TestInstance;
  let clock: FixedClock;
  let api: Api;
  let adminId: string;
  let salesId: string;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock('2026-01-01T09:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Members AG');
    adminId = await addUser(t, api.orgId, 'admin', 'ada@members.test');
    salesId = await addUser(t, api.orgId, 'sales', 'sam@members.test');
  });
  afterAll(async () => {
    await t.container.services.identity.notifier.settled();
    await t.close();
    await smtp.close();
  });

  it('invites by email with a single-use, expiring link; an existing account just joins', async () => {
    const admin = await staffSession(t, api.orgId, adminId);
    const inv = (
      await admin.req('POST', '/api/v1/members/invitations', { email: 'Nia@Members.test', role: 'accountant' })
    ).json();
    expect(inv).toMatchObject({ email: 'nia@members.test', role: 'accountant', status: 'pending' });
    const token = tokenIn((await smtp.waitFor((m) => m.to.includes('nia@members.test'))).parsed.text);
    const seen = await browser(t.app).ok('POST', '/api/v1/auth/invitations/inspect', { token });
    expect(seen).toEqual({
      orgName: 'Members AG',
      email: 'nia@members.test',
      role: 'accountant',
      accountExists: false,
    });
    expect(
      (await browser(t.app).ok('POST', '/api/v1/auth/invitations/accept', { token, name: 'Nia', password: PASSWORD }))
        .newAccount,
    ).toBe(true);
    expectProblem(
      await browser(t.app).req('POST', '/api/v1/auth/invitations/accept', { token, name: 'Nia', password: PASSWORD }),
      422,
      'unprocessable',
    );
    const nia = await signIn(t.app, 'nia@members.test');
    expect((await nia.ok('GET', '/api/v1/auth/session')).user.emailVerified).toBe(true);

    // An existing account of another org joins with the link alone.
    const other = await setupOrg(t.app, 'Elsewhere Ltd');
    await other.ok('POST', '/api/v1/members/invitations', { email: 'nia@members.test', role: 'viewer' }, 201);
    const t2 = tokenIn(
      (await smtp.waitFor((m) => m.to.includes('nia@members.test') && /Elsewhere/.test(m.parsed.subject ?? ''))).parsed
        .text,
    );
    expect((await browser(t.app).ok('POST', '/api/v1/auth/invitations/accept', { token: t2 })).newAccount).toBe(false);

    // Expired and revoked links do nothing.
    await api.ok('POST', '/api/v1/members/invitations', { email: 'late@members.test', role: 'viewer' }, 201);
    const late = tokenIn((await smtp.waitFor((m) => m.to.includes('late@members.test'))).parsed.text);
    clock.advance(7 * 86_400_000 + 1000);
    expectProblem(
      await browser(t.app).req('POST', '/api/v1/auth/invitations/accept', {
        token: late,
        name: 'Late',
        password: PASSWORD,
      }),
      422,
      'unprocessable',
    );
    const revoked = (
      await api.ok('POST', '/api/v1/members/invitations', { email: 'rev@members.test', role: 'viewer' }, 201)
    ).id;
    await api.ok('DELETE', `/api/v1/members/invitations/${revoked}`);
    const rt = tokenIn((await smtp.waitFor((m) => m.to.includes('rev@members.test'))).parsed.text);
    expectProblem(
      await browser(t.app).req('POST', '/api/v1/auth/invitations/inspect', { token: rt }),
      422,
      'unprocessable',
    );
    const list = (await api.ok('GET', '/api/v1/members/invitations')).items;
    expect(list.map((i: { status: string }) => i.status)).toEqual(
      expect.arrayContaining(['accepted', 'expired', 'revoked']),
    );
  });

  it('refuses privilege escalation: no granting, inviting or modifying above one’s own permissions', async () => {
    const admin = await staffSession(t, api.orgId, adminId);
    // Admins lack backup:run, so "owner" is above them.
    expectProblem(await admin.req('PATCH', `/api/v1/members/${salesId}`, { role: 'owner' }), 403, 'forbidden');
    expectProblem(
      await admin.req('POST', '/api/v1/members/invitations', { email: 'evil@members.test', role: 'owner' }),
      403,
      'forbidden',
    );
    expectProblem(
      await admin.req('PUT', '/api/v1/org/roles/superuser', {
        name: 'Super',
        permissions: ['backup:run', 'member:manage'],
      }),
      403,
      'forbidden',
    );
    expectProblem(await admin.req('PATCH', `/api/v1/members/${api.userId}`, { role: 'viewer' }), 403, 'forbidden');
    expectProblem(await admin.req('POST', `/api/v1/members/${api.userId}/deactivate`), 403, 'forbidden');
    expectProblem(await admin.req('PATCH', `/api/v1/members/${adminId}`, { role: 'owner' }), 403, 'forbidden'); // not even oneself
    const sales = await staffSession(t, api.orgId, salesId);
    expectProblem(await sales.req('PATCH', `/api/v1/members/${salesId}`, { role: 'admin' }), 403, 'forbidden');
    // The last owner stays an owner.
    const owner = await staffSession(t, api.orgId, api.userId);
    expectProblem(await owner.req('PATCH', `/api/v1/members/${api.userId}`, { role: 'admin' }), 403, 'forbidden');
    const roles = (await api.ok('GET', '/api/v1/members')).items.map((m: { role: string }) => m.role);
    expect(roles.filter((r: string) => r === 'owner')).toHaveLength(1);
  });

  it('custom roles: a named subset of permissions, usable in memberships', async () => {
    const owner = await staffSession(t, api.orgId, api.userId);
    const role = (
      await owner.req('PUT', '/api/v1/org/roles/bookkeeper', {
        name: 'Bookkeeper',
        permissions: ['invoice:read', 'payment:read', 'payment:record'],
      })
    ).json();
    expect(role).toMatchObject({ key: 'custom:bookkeeper', builtIn: false });
    expect((await owner.req('PATCH', `/api/v1/members/${salesId}`, { role: 'custom:bookkeeper' })).statusCode).toBe(
      200,
    );
    const sam = await signIn(t.app, 'sam@members.test');
    expect((await sam.ok('GET', '/api/v1/auth/session')).permissions.sort()).toEqual([
      'invoice:read',
      'payment:read',
      'payment:record',
    ]);
    expect((await sam.req('GET', '/api/v1/invoices')).statusCode).toBe(200);
    expectProblem(await sam.req('GET', '/api/v1/clients'), 403, 'forbidden');
    expectProblem(await owner.req('DELETE', '/api/v1/org/roles/bookkeeper'), 409, 'conflict');
    await owner.req('PATCH', `/api/v1/members/${salesId}`, { role: 'sales' });
    expect((await owner.req('DELETE', '/api/v1/org/roles/bookkeeper')).statusCode).toBe(200);
    const denials = await t.container.services.audit.list(t.container.db, {
      orgId: api.orgId,
      action: 'permission.denied',
      limit: 50,
    });
    expect(denials.length).toBeGreaterThan(0);
  });

  it('API tokens: scoped within the creator’s permissions, shown once, stored hashed, expiring, revocable', async () => {
    const sam = await staffSession(t, api.orgId, salesId);
    expectProblem(
      await sam.req('POST', '/api/v1/me/tokens', { name: 'x', scopes: ['client:read'], expiresInDays: 30 }),
      403,
      'forbidden',
    ); // sales lacks token:manage
    await addUser(t, api.orgId, 'accountant', 'acc@members.test');
    const accId = (
      await t.container.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'acc@members.test')
        .executeTakeFirstOrThrow()
    ).id;
    const acc = await staffSession(t, api.orgId, accId);
    expectProblem(
      await acc.req('POST', '/api/v1/me/tokens', { name: 'too much', scopes: ['member:manage'], expiresInDays: 30 }),
      403,
      'forbidden',
    );
    const created = await acc.req('POST', '/api/v1/me/tokens', {
      name: 'accounting sync',
      scopes: ['invoice:read', 'client:read'],
      expiresInDays: 30,
    });
    expect(created.statusCode, created.body).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);
    const stored = await t.container.db
      .selectFrom('api_tokens')
      .select(['token_hash'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    const listed = (await acc.req('GET', '/api/v1/me/tokens')).json().items;
    expect(JSON.stringify(listed)).not.toContain(token);
    const bearer = apiFor(t.app, token);
    expect((await bearer.req('GET', '/api/v1/invoices')).statusCode).toBe(200);
    expectProblem(await bearer.req('POST', '/api/v1/clients', { name: 'X' }), 403, 'forbidden');
    // Tokens never reach the interactive account routes or step up.
    expectProblem(await bearer.req('GET', '/api/v1/auth/session'), 401, 'unauthenticated');
    expectProblem(await bearer.req('GET', '/api/v1/me/sessions'), 401, 'unauthenticated');
    expect(
      (await acc.req('GET', '/api/v1/me/tokens')).json().items.find((x: { id: string }) => x.id === id).lastUsedAt,
    ).not.toBeNull();
    const used = await t.container.services.audit.list(t.container.db, {
      orgId: api.orgId,
      action: 'token.used',
      objectId: id,
      limit: 10,
    });
    expect(used).toHaveLength(1);
    // A demoted creator's token shrinks with them.
    const owner = await staffSession(t, api.orgId, api.userId);
    await owner.req('PUT', '/api/v1/org/roles/payments-only', { name: 'Payments only', permissions: ['payment:read'] });
    expect((await owner.req('PATCH', `/api/v1/members/${accId}`, { role: 'custom:payments-only' })).statusCode).toBe(
      200,
    );
    expectProblem(await bearer.req('GET', '/api/v1/invoices'), 403, 'forbidden');
    await owner.req('PATCH', `/api/v1/members/${accId}`, { role: 'accountant' });
    expect((await bearer.req('GET', '/api/v1/invoices')).statusCode).toBe(200);
    // Revoked (by an administrator) and expired tokens are refused.
    expect((await owner.req('DELETE', `/api/v1/org/tokens/${id}`)).json().revokedAt).not.toBeNull();
    expectProblem(await bearer.req('GET', '/api/v1/invoices'), 401, 'unauthenticated');
    await owner.req('PATCH', `/api/v1/members/${accId}`, { role: 'accountant' });
    const short = (
      await (
        await staffSession(t, api.orgId, accId)
      ).req('POST', '/api/v1/me/tokens', { name: 'short', scopes: ['invoice:read'], expiresInDays: 1 })
    ).json();
    expect((await apiFor(t.app, short.token).req('GET', '/api/v1/invoices')).statusCode).toBe(200);
    clock.advance(86_400_000 + 1000);
    expectProblem(await apiFor(t.app, short.token).req('GET', '/api/v1/invoices'), 401, 'unauthenticated');
  });

  it('deactivating a member ends their sessions and tokens at once; reactivating restores access', async () => {
    const sam = await signIn(t.app, 'sam@members.test');
    const owner = await staffSession(t, api.orgId, api.userId);
    const tok = await t.container.services.tokens.issue(
      { orgId: api.orgId, userId: salesId, name: 'old', scopes: ['client:read'], expiresInDays: 10 },
      new Set(['client:read']),
      { type: 'system', id: 'test' },
    );
    expect((await owner.req('POST', `/api/v1/members/${salesId}/deactivate`)).statusCode).toBe(200);
    expect((await sam.req('GET', '/api/v1/clients')).statusCode).toBe(401);
    expect((await apiFor(t.app, tok.token).req('GET', '/api/v1/clients')).statusCode).toBe(401);
    expectProblem(
      await browser(t.app, { ip: '10.8.0.1' }).req('POST', '/api/v1/auth/login', {
        email: 'sam@members.test',
        password: PASSWORD,
      }),
      401,
      'unauthenticated',
    );
    expect(
      (await api.ok('GET', '/api/v1/members')).items.find((m: { userId: string }) => m.userId === salesId).active,
    ).toBe(false);
    expect((await owner.req('POST', `/api/v1/members/${salesId}/reactivate`)).statusCode).toBe(200);
    expect((await signIn(t.app, 'sam@members.test', PASSWORD, browser(t.app, { ip: '10.8.0.2' }))).level).toBe('full');
  });

  it('open sign-up answers the same for registered and new emails and creates the org only once confirmed', async () => {
    const open = await createTestInstance(dialect, {
      clock,
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_SIGNUP: 'open' },
    });
    try {
      await setupOrg(open.app, 'Already Here');
      const body = (email: string) => ({
        organization: { name: 'Fresh Start Ltd' },
        owner: { email, name: 'Fay', password: 'a long enough passphrase' },
      });
      const taken = await browser(open.app).req('POST', '/api/v1/auth/signup', body('owner@alreadyhere.test'));
      const fresh = await browser(open.app).req('POST', '/api/v1/auth/signup', body('fay@fresh.test'));
      expect(taken.statusCode).toBe(202);
      expect(fresh.statusCode).toBe(202);
      expect(fresh.json()).toEqual(taken.json());
      expect((await open.container.db.selectFrom('orgs').select('name').execute()).map((o) => o.name)).toEqual([
        'Already Here',
      ]);
      const mail = await smtp.waitFor((m) => m.to.includes('fay@fresh.test'));
      const created = await browser(open.app).req('POST', '/api/v1/auth/signup/confirm', {
        token: tokenIn(mail.parsed.text),
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(
        (
          await signIn(open.app, 'fay@fresh.test', 'a long enough passphrase').then((b) =>
            b.ok('GET', '/api/v1/auth/session'),
          )
        ).role,
      ).toBe('owner');
      const note = await smtp.waitFor((m) => m.to.includes('owner@alreadyhere.test'));
      expect(note.parsed.text).not.toMatch(/#token=/);
    } finally {
      await open.container.services.identity.notifier.settled();
      await open.close();
    }
  });

  it('invite-only: sign-up and setup are refused the same way for everyone', async () => {
    const closed = await createTestInstance(dialect, {
      env: { SEALBILL_SIGNUP: 'invite-only', SEALBILL_PROVISIONING_TOKEN: 'p'.repeat(40) },
    });
    try {
      const body = (email: string) => ({
        organization: { name: 'Nope Ltd' },
        owner: { email, name: 'N', password: 'a long enough passphrase' },
      });
      const a = await browser(closed.app).req('POST', '/api/v1/auth/signup', body('a@nope.test'));
      const b = await browser(closed.app).req('POST', '/api/v1/auth/signup', body('b@nope.test'));
      expectProblem(a, 403, 'forbidden');
      expect(b.statusCode).toBe(403);
      expectProblem(
        await closed.app.inject({
          method: 'POST',
          url: '/api/v1/setup',
          payload: { organization: { name: 'Nope Ltd' }, owner: { email: 'a@nope.test', name: 'N' } },
        }),
        403,
        'forbidden',
      );
    } finally {
      await closed.close();
    }
  });

  it('CLI: token create (shown once, within the user’s permissions) and user reset-mfa', async () => {
    await addUser(t, api.orgId, 'admin', 'cli@members.test');
    const cli = await signIn(t.app, 'cli@members.test');
    await enrolTotp(cli, () => clock.now());
    const out = await runCli(t, tokenCommand, [
      'create',
      '--email',
      'cli@members.test',
      '--org',
      api.orgId,
      '--name',
      'nightly export',
      '--scopes',
      'invoice:read,client:read',
      '--expires-days',
      '7',
    ]);
    const token = /\b(sb_[A-Za-z0-9_-]{43})\b/.exec(out.out)![1]!;
    expect((await apiFor(t.app, token).req('GET', '/api/v1/clients')).statusCode).toBe(200);
    await expect(
      runCli(t, tokenCommand, [
        'create',
        '--email',
        'cli@members.test',
        '--org',
        api.orgId,
        '--name',
        'x',
        '--scopes',
        'backup:run',
        '--expires-days',
        '7',
      ]),
    ).rejects.toThrow(/permissions you do not hold/);
    expect((await signIn(t.app, 'cli@members.test')).level).toBe('mfa');
    const reset = await runCli(t, userCommand, ['reset-mfa', '--email', 'cli@members.test']);
    expect(reset.out).toMatch(/Removed the second factors/);
    expect((await cli.req('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    expect((await signIn(t.app, 'cli@members.test')).level).toBe('full');
    await smtp.waitFor(
      (m) => m.to.includes('cli@members.test') && /second factors were reset/.test(m.parsed.subject ?? ''),
    );
    // user unlock
    const now = clock.now().toISOString();
    await t.container.db
      .insertInto('auth_throttle')
      .values({
        key: accountKey('cli@members.test'),
        failures: 100,
        last_failure_at: now,
        blocked_until: null,
        locked_at: now,
      })
      .execute();
    expectProblem(
      await browser(t.app, { ip: '10.8.1.1' }).req('POST', '/api/v1/auth/login', {
        email: 'cli@members.test',
        password: PASSWORD,
      }),
      429,
      'rate_limited',
    );
    expect((await runCli(t, userCommand, ['unlock', '--email', 'cli@members.test'])).out).toMatch(/unlocked/);
    expect((await signIn(t.app, 'cli@members.test', PASSWORD, browser(t.app, { ip: '10.8.1.2' }))).level).toBe('full');
  });
});
