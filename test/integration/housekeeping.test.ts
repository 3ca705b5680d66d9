// Anonymous requests write rows: portal sign-in codes, failed sign-ins (throttle counters),
// password-reset tokens, passkey challenges, sessions. Nothing deleted them once expired, so a
// flood grew the database without bound. The pruning job (run hourly by the worker, and by
// `sealbill prune`) deletes what can no longer be used, and nothing that still decides anything:
// a live session keeps working, a locked account stays locked, a recent failure run is kept.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pruneCommand } from '../../src/main/cli/housekeeping.commands.ts';
import { startWorker } from '../../src/main/worker.ts';
import { accountKey } from '../../src/modules/identity/sign-in/throttle.service.ts';
import type { DB } from '../../src/platform/db/schema.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice, portalLogin, portalReq } from '../helpers/delivery.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const DAY = 86_400_000;

describeEachDb('pruning expired rows', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  const clock = new FixedClock('2026-04-01T10:00:00Z');

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Prune GmbH');
    await clientWithInvoice(api, { name: 'Kept Ltd', email: 'kept@prune.test' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const count = async (table: keyof DB) =>
    Number(
      (
        await t.container.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const throttleKeys = async () =>
    (await t.container.db.selectFrom('auth_throttle').select('key').execute()).map((r) => r.key).sort();
  const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload });

  it('deletes expired codes, sessions, throttle rows, tokens and challenges; keeps what still counts', async () => {
    // Rows an anonymous visitor (and a client) leave behind today.
    for (const email of ['nobody-1@prune.test', 'nobody-2@prune.test', 'kept@prune.test'])
      expect((await post('/api/v1/portal/auth/code', { orgId: api.orgId, email })).statusCode).toBe(202);
    await t.container.services.portalAuth.settle();
    await smtp.waitFor((m) => m.to.includes('kept@prune.test'));
    const stale = await portalLogin(t.app, smtp, api.orgId, 'kept@prune.test');
    const loggedOut = await portalLogin(t.app, smtp, api.orgId, 'kept@prune.test');
    expect((await portalReq(t.app, loggedOut, 'POST', '/api/v1/portal/auth/logout')).statusCode).toBe(200);
    expect(
      (await post('/api/v1/auth/login', { email: 'ghost@prune.test', password: 'not the password 1' })).statusCode,
    ).toBe(401);
    expect((await post('/api/v1/auth/password-reset', { email: 'owner@prunegmbh.test' })).statusCode).toBe(202);
    expect((await post('/api/v1/auth/passkey/options', {})).statusCode).toBe(200);
    const lockedKey = accountKey('locked@prune.test');
    await t.container.db
      .insertInto('auth_throttle')
      .values({
        key: lockedKey,
        failures: 100,
        last_failure_at: clock.now().toISOString(),
        blocked_until: null,
        locked_at: clock.now().toISOString(),
      })
      .execute();
    await t.container.services.portalAuth.settle();
    // The reset link is issued after the answer (same answer, same speed for any address): wait for its mail.
    await smtp.waitFor((m) => m.to.includes('owner@prunegmbh.test') && /reset/i.test(m.parsed.subject ?? ''));

    expect(await count('one_time_codes')).toBe(5);
    expect(await count('code_quotas')).toBeGreaterThan(0);
    expect(await count('sessions')).toBe(2);
    expect(await count('email_tokens')).toBe(1);
    expect(await count('webauthn_challenges')).toBe(1);
    expect(await throttleKeys()).toEqual(
      [
        accountKey('ghost@prune.test'),
        'ip:127.0.0.1',
        lockedKey,
        'passkeyOptions:127.0.0.1',
        'passwordReset:127.0.0.1',
      ].sort(),
    );

    // Nothing is due yet: pruning the same day deletes nothing.
    expect(await runCli(t, pruneCommand, [])).toEqual({
      out: 'pruned: sessions 0, authThrottle 0, emailTokens 0, webauthnChallenges 0, oneTimeCodes 0, codeQuotas 0, bulkFiles 0\n',
      exitCode: 0,
    });

    // Three days later a client signs in again: that session is live and must survive.
    clock.advance(3 * DAY);
    const live = await portalLogin(t.app, smtp, api.orgId, 'kept@prune.test');
    const cli = await runCli(t, pruneCommand, []);
    expect(cli.exitCode).toBe(0);
    expect(cli.out).toMatch(
      /^pruned: sessions 2, authThrottle 3, emailTokens 1, webauthnChallenges 1, oneTimeCodes 5, codeQuotas \d+, bulkFiles 0\n$/,
    );
    expect(await count('one_time_codes')).toBe(1); // today's sign-in code (used, not yet a day past expiry)
    expect(await count('sessions')).toBe(1);
    expect((await portalReq(t.app, live, 'GET', '/api/v1/portal/me')).statusCode).toBe(200);
    expect((await portalReq(t.app, stale, 'GET', '/api/v1/portal/me')).statusCode).toBe(401);
    expect(await count('email_tokens')).toBe(0);
    expect(await count('webauthn_challenges')).toBe(0);
    // The account's failure run is kept (the lock after 100 must still be reachable), the lock too.
    expect(await throttleKeys()).toEqual([accountKey('ghost@prune.test'), lockedKey].sort());

    // A month without failures forgets the run; a locked account stays locked. The worker prunes.
    clock.advance(31 * DAY);
    const worker = startWorker(t.container, { info: () => {}, error: () => {} }, 3_600_000);
    try {
      await expect.poll(throttleKeys, { timeout: 10_000 }).toEqual([lockedKey]);
      await expect.poll(() => count('sessions'), { timeout: 10_000 }).toBe(0);
      // Delivery's pruning (the codes) commits after identity's (the sessions): wait for it too.
      await expect.poll(() => count('one_time_codes'), { timeout: 10_000 }).toBe(0);
    } finally {
      worker.stop();
    }
    await expect(runCli(t, pruneCommand, ['extra'])).rejects.toThrow(/usage: sealbill prune/);
  });
});
