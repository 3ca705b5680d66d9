// API token rules (issue #10 item 9, identity parts), attacked.
// 1. The bootstrap owner token (first-run set-up, `sealbill init`) holds every scope; it used to
//    live forever. Asserted: it expires 24 hours after set-up (the answer and the CLI say so), and
//    is refused after that.
// 2. A user who does not meet the org's MFA policy could keep acting through API tokens created
//    before the policy (or their role) changed. The rule: a token works only while its user meets
//    the policy. Asserted under "everyone", "admins" and "passkeys": refused with a reason until
//    the user has the required factor, and working again once they do.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initCommand } from '../../src/main/cli/core.commands.ts';
import { BOOTSTRAP_TOKEN_HOURS } from '../../src/modules/identity/accounts/bootstrap.service.ts';
import type { Permission } from '../../src/modules/identity/members/rbac.ts';
import { apiFor, expectProblem } from '../helpers/api.ts';
import { runCli } from '../helpers/cli.ts';
import { addUser, enrolTotp, signIn } from '../helpers/identity.ts';
import {
  createTestInstance,
  describeEachDb,
  FixedClock,
  TEST_PROVISIONING_TOKEN,
  type TestInstance,
} from '../helpers/instance.ts';
import { staffSession } from '../helpers/session.ts';

const HOUR = 3_600_000;

describeEachDb('API token rules', (dialect) => {
  let t: TestInstance;
  let clock: FixedClock;

  beforeAll(async () => {
    clock = new FixedClock('2026-05-04T10:00:00Z');
    t = await createTestInstance(dialect, { clock });
  });
  afterAll(async () => {
    await t.container.services.identity.notifier.settled();
    await t.close();
  });

  it('the bootstrap owner token expires after 24 hours, and says so', async () => {
    expect(BOOTSTRAP_TOKEN_HOURS).toBe(24);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { organization: { name: 'First Run Ltd' }, owner: { email: 'first@run.test', name: 'First' } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { token, tokenExpiresAt } = res.json();
    expect(tokenExpiresAt).toBe(new Date(clock.now().getTime() + 24 * HOUR).toISOString());
    const owner = apiFor(t.app, token);
    expect((await owner.req('GET', '/api/v1/org')).statusCode).toBe(200);
    clock.advance(24 * HOUR - 1000);
    expect((await owner.req('GET', '/api/v1/org')).statusCode).toBe(200);
    clock.advance(2000);
    expectProblem(await owner.req('GET', '/api/v1/org'), 401, 'unauthenticated');

    const cli = await runCli(t, initCommand, ['--org', 'Second Ltd', '--email', 'second@run.test', '--name', 'Second']);
    expect(cli.out).toMatch(/expires in 24 hours, at \d{4}-\d\d-\d\dT/);
    const cliToken = /\b(sb_[A-Za-z0-9_-]{43})\b/.exec(cli.out)![1]!;
    const row = await t.container.db
      .selectFrom('api_tokens')
      .select(['expires_at', 'scopes'])
      .where('name', '=', 'bootstrap owner token')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.expires_at).toBe(new Date(clock.now().getTime() + 24 * HOUR).toISOString());
    expect((await apiFor(t.app, cliToken).req('GET', '/api/v1/org')).statusCode).toBe(200);
  });

  it('a token works only while its user meets the organization’s MFA policy', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      headers: { 'x-sealbill-provisioning-token': TEST_PROVISIONING_TOKEN },
      payload: { organization: { name: 'Policy GmbH' }, owner: { email: 'owner@policy.test', name: 'O' } },
    });
    const orgId = res.json().orgId as string;
    const ownerId = res.json().userId as string;
    const tokenFor = async (userId: string, scopes: Permission[]) =>
      apiFor(
        t.app,
        (
          await t.container.services.tokens.issue(
            { orgId, userId, name: 'sync', scopes, expiresInDays: 30 },
            new Set(scopes),
            { type: 'system', id: 'test' },
          )
        ).token,
      );
    const setPolicy = async (mfa: string) =>
      expect(
        (await (await staffSession(t, orgId, ownerId)).req('PUT', '/api/v1/org/security', { mfa })).statusCode,
      ).toBe(200);

    const accId = await addUser(t, orgId, 'accountant', 'acc@policy.test');
    const admId = await addUser(t, orgId, 'admin', 'adm@policy.test');
    const acc = await tokenFor(accId, ['invoice:read']);
    const adm = await tokenFor(admId, ['invoice:read']);
    expect((await acc.req('GET', '/api/v1/invoices')).statusCode).toBe(200);
    expect((await adm.req('GET', '/api/v1/invoices')).statusCode).toBe(200);

    // "admins": the admin's token stops (they have no factor); the accountant's is not concerned.
    await setPolicy('admins');
    const refused = expectProblem(await adm.req('GET', '/api/v1/invoices'), 401, 'unauthenticated');
    expect(refused.detail).toMatch(/MFA policy.*second factor/);
    expect((await acc.req('GET', '/api/v1/invoices')).statusCode).toBe(200);

    // "everyone": both stop until their user enrols a second factor.
    await setPolicy('everyone');
    expectProblem(await acc.req('GET', '/api/v1/invoices'), 401, 'unauthenticated');
    const accSession = await signIn(t.app, 'acc@policy.test');
    expect(accSession.level).toBe('enrol');
    await enrolTotp(accSession, () => clock.now());
    expect((await acc.req('GET', '/api/v1/invoices')).statusCode).toBe(200);
    expectProblem(await adm.req('GET', '/api/v1/invoices'), 401, 'unauthenticated');

    // "passkeys": an authenticator app is not enough.
    await setPolicy('passkeys');
    const passkeyRefusal = expectProblem(await acc.req('GET', '/api/v1/invoices'), 401, 'unauthenticated');
    expect(passkeyRefusal.detail).toMatch(/passkey/);

    // The rule is the user's, not a one-off: back to "off", every token works again (nothing was revoked).
    await setPolicy('off');
    expect((await acc.req('GET', '/api/v1/invoices')).statusCode).toBe(200);
    expect((await adm.req('GET', '/api/v1/invoices')).statusCode).toBe(200);
  });
});
