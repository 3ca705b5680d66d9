// Cross-tenant throttle reset (issue #10 item 5), attacked. The owner of org B is also a member of
// org A. A password guesser works on B's owner until the account is throttled; org A's
// administrator then calls POST /members/:userId/unlock again and again to reset the limit.
// Asserted: the unlock is refused (and the throttle stays) for any account that also belongs to
// another organization, whatever its role or status there; the user's emailed unlock link and
// the CLI still unlock, and the unlock is recorded in the audit chain of every org of the user;
// an administrator still unlocks a member that belongs to their org alone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { userCommand } from '../../src/main/cli/identity.commands.ts';
import { issueEmailToken } from '../../src/modules/identity/accounts/email-tokens.ts';
import { accountKey, THROTTLE } from '../../src/modules/identity/sign-in/throttle.service.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { runCli } from '../helpers/cli.ts';
import { addUser, browser, PASSWORD, signIn } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { staffSession } from '../helpers/session.ts';

describeEachDb('cross-tenant unlock', (dialect) => {
  let t: TestInstance;
  let clock: FixedClock;
  let alpha: Api;
  let beta: Api;
  let victimId: string;
  const victim = 'boss@beta.test';

  const throttleRow = () => t.container.services.identity.throttle.failures(t.container.db, accountKey(victim));
  const unlocks = async (orgId: string) =>
    (await t.container.services.audit.list(t.container.db, { orgId, action: 'login.unlocked', limit: 50 })).length;
  const lock = async () => {
    const now = clock.now().toISOString();
    await t.container.db.deleteFrom('auth_throttle').where('key', '=', accountKey(victim)).execute();
    await t.container.db
      .insertInto('auth_throttle')
      .values({
        key: accountKey(victim),
        failures: THROTTLE.lockAfter,
        last_failure_at: now,
        blocked_until: null,
        locked_at: now,
      })
      .execute();
  };

  beforeAll(async () => {
    clock = new FixedClock('2026-04-01T08:00:00Z');
    t = await createTestInstance(dialect, { clock });
    alpha = await setupOrg(t.app, 'Alpha Ltd');
    beta = await setupOrg(t.app, 'Beta Ltd');
    // B's owner, with a password, is also a plain member (viewer) of A.
    victimId = await addUser(t, beta.orgId, 'owner', victim);
    await addUser(t, alpha.orgId, 'viewer', victim);
  });
  afterAll(async () => {
    await t.container.services.identity.notifier.settled();
    await t.close();
  });

  it('org A’s admin cannot reset the guessing limit on org B’s owner, however often they try', async () => {
    // The guesser runs into the account's back-off.
    const guesser = browser(t.app, { ip: '10.30.0.1' });
    for (let i = 0; i < THROTTLE.accountFree; i++)
      expectProblem(
        await guesser.req('POST', '/api/v1/auth/login', { email: victim, password: `guess ${i} nope` }),
        401,
        'unauthenticated',
      );
    expectProblem(
      await browser(t.app, { ip: '10.30.0.2' }).req('POST', '/api/v1/auth/login', {
        email: victim,
        password: 'guess again nope',
      }),
      429,
      'rate_limited',
    );
    const before = await throttleRow();
    expect(before?.failures).toBeGreaterThanOrEqual(THROTTLE.accountFree);

    const adminA = await staffSession(t, alpha.orgId, alpha.userId);
    for (let i = 0; i < 3; i++) {
      const refused = expectProblem(await adminA.req('POST', `/api/v1/members/${victimId}/unlock`), 403, 'forbidden');
      expect(refused.detail).toMatch(/another organization.*unlock link.*sealbill user unlock/s);
    }
    expect(await throttleRow()).toEqual(before);
    expectProblem(
      await browser(t.app, { ip: '10.30.0.3' }).req('POST', '/api/v1/auth/login', {
        email: victim,
        password: 'guess again nope',
      }),
      429,
      'rate_limited',
    );
    expect(await unlocks(alpha.orgId)).toBe(0);

    // A full lock too: still refused.
    await lock();
    expectProblem(await adminA.req('POST', `/api/v1/members/${victimId}/unlock`), 403, 'forbidden');
    expect((await throttleRow())?.locked_at).not.toBeNull();
    // Deactivating the membership in B does not make the account A's alone.
    await t.container.db
      .updateTable('memberships')
      .set({ deactivated_at: clock.now().toISOString() })
      .where('org_id', '=', beta.orgId)
      .where('user_id', '=', victimId)
      .execute();
    expectProblem(await adminA.req('POST', `/api/v1/members/${victimId}/unlock`), 403, 'forbidden');
    await t.container.db
      .updateTable('memberships')
      .set({ deactivated_at: null })
      .where('org_id', '=', beta.orgId)
      .where('user_id', '=', victimId)
      .execute();
  });

  it('the user’s emailed link and the CLI unlock, recorded in the audit chain of every org of the user', async () => {
    await lock();
    const token = await t.container.db
      .transaction()
      .execute((tx) => issueEmailToken(tx, clock, { purpose: 'unlock', userId: victimId, email: victim }));
    expect((await browser(t.app).req('POST', '/api/v1/auth/unlock', { token })).statusCode).toBe(200);
    expect(await throttleRow()).toBeUndefined();
    expect(await unlocks(alpha.orgId)).toBe(1);
    expect(await unlocks(beta.orgId)).toBe(1);

    await lock();
    expect((await runCli(t, userCommand, ['unlock', '--email', victim])).out).toMatch(/unlocked/);
    expect(await throttleRow()).toBeUndefined();
    expect(await unlocks(alpha.orgId)).toBe(2);
    expect(await unlocks(beta.orgId)).toBe(2);
    expect((await signIn(t.app, victim, PASSWORD, browser(t.app, { ip: '10.30.0.4' }))).level).toBe('full');
  });

  it('an administrator still unlocks a member who belongs to their organization alone', async () => {
    const local = 'clerk@alpha.test';
    const localId = await addUser(t, alpha.orgId, 'sales', local);
    const now = clock.now().toISOString();
    await t.container.db
      .insertInto('auth_throttle')
      .values({
        key: accountKey(local),
        failures: THROTTLE.lockAfter,
        last_failure_at: now,
        blocked_until: null,
        locked_at: now,
      })
      .execute();
    const adminA = await staffSession(t, alpha.orgId, alpha.userId);
    const before = await unlocks(alpha.orgId);
    expect((await adminA.req('POST', `/api/v1/members/${localId}/unlock`)).statusCode).toBe(200);
    expect(await unlocks(alpha.orgId)).toBe(before + 1);
    expect(await unlocks(beta.orgId)).toBe(2);
    expect((await signIn(t.app, local, PASSWORD, browser(t.app, { ip: '10.30.0.5' }))).level).toBe('full');
  });
});
