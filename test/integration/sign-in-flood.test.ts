// A sign-in flood, attacked (issue #14 item 4). Attacks performed: many wrong-password sign-ins
// fired at once from distinct addresses, for unknown emails (no throttle applies) and against one
// real account (guessing past its back-off and up to its lock, with the account already one
// guess short of the lock); a sign-in whose request has already used up its time budget.
// Asserted: beyond the password queue's places a sign-in is shed with 429 + Retry-After BEFORE
// its attempt is counted; a request past its deadline is shed without password work; the failed
// attempts' bookkeeping is group-committed (far fewer transactions than attempts, failures of a
// batch coalesced into counted audit entries, nothing lost, the chain intact); and batching gives
// an attacker no extra guess: exactly one guess per back-off window, exactly 100 to the lock,
// exactly one at the threshold however many arrive together.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/main/app.ts';
import { staticSecurityHeaders } from '../../src/platform/http/security-headers.ts';
import { baseLoggerOptions } from '../../src/platform/logger.ts';
import { INSTANCE_CHAIN } from '../../src/modules/identity/security-audit.ts';
import { accountKey, ipKey, THROTTLE } from '../../src/modules/identity/sign-in/throttle.service.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { addUser, browser, PASSWORD } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { captureLog } from '../helpers/log-capture.ts';

const MIN = 60_000;

const login = (t: TestInstance, ip: string, email: string, password = 'a wrong password guess') =>
  browser(t.app, { ip }).req('POST', '/api/v1/auth/login', { email, password });

describeEachDb('sign-in flood', (dialect) => {
  describe('shedding and deadline', () => {
    let t: TestInstance;
    beforeAll(async () => {
      t = await createTestInstance(dialect, {
        env: { SEALBILL_PASSWORD_WORKERS: '1', SEALBILL_PASSWORD_QUEUE: '2', SEALBILL_PASSWORD_WAIT_MS: '2000' },
      });
      await setupOrg(t.app, 'Shed AG');
    });
    afterAll(() => t.close());

    it('beyond the queue, a sign-in is shed with 429 + Retry-After before its attempt is counted', async () => {
      const ips = Array.from({ length: 20 }, (_, i) => `10.60.0.${i + 1}`);
      const answers = await Promise.all(ips.map((ip, i) => login(t, ip, `nobody${i}@shed.test`)));
      const codes = answers.map((r) => r.statusCode);
      // One running and two waiting places: the other 17 never reach the throttle or argon2.
      expect(codes.filter((c) => c === 401)).toHaveLength(3);
      expect(codes.filter((c) => c === 429)).toHaveLength(17);
      for (const [i, r] of answers.entries()) {
        if (r.statusCode !== 429) continue;
        expectProblem(r, 429, 'rate_limited');
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        const counted = await t.container.services.identity.throttle.failures(t.container.db, ipKey(ips[i]!));
        expect(counted).toBeUndefined();
      }
    });

    it('over a real socket, a saturated queue refuses a sign-in before Fastify, with the same problem+json and headers', async () => {
      // An app on the instance's services with a log to read: the request log counts refusals
      // answered before routing under their own key, which tells which path answered.
      const { stream, lines } = captureLog();
      const app = await buildHttpApp(t.container, { logger: { ...baseLoggerOptions('info'), stream } });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const post = (i: number) =>
        fetch(`${base}/api/v1/auth/login?x=1`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `socket${i}@shed.test`, password: 'a wrong password guess' }),
        });
      // Every place of the queue taken (one running, two waiting), as a flood would.
      const { queue } = t.container.services.identity.passwords;
      const places = [queue.admit(), queue.admit(), queue.admit()];
      expect(queue.refusal()).not.toBeNull();
      const refused = await post(3);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      for (const [name, value] of Object.entries(staticSecurityHeaders({ tls: false })))
        expect(refused.headers.get(name), name).toBe(value);
      const body = (await refused.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ status: 429, code: 'rate_limited', title: 'Too Many Requests' });
      expect(body.requestId).toBe(refused.headers.get('x-request-id'));
      for (const p of places) p.release();
      expect((await post(4)).status).toBe(401);
      await app.close(); // writes the refusal summary
      // Answered before routing: the route's own refusal (the same 429) would count under 'POST /api/v1/auth/login'.
      expect(lines.filter((l) => l.refused).map((l) => l.refused)).toEqual([
        { 'POST /api/v1/auth/login (before routing)': 1 },
      ]);
      expect(lines.filter((l) => l.msg === 'request completed')).toHaveLength(1); // the 401, through Fastify
    });

    it('a sign-in past its deadline is shed without password work and without being counted', async () => {
      const { login: service, passwords, throttle } = t.container.services.identity;
      const started = passwords.queue.stats().started;
      const err = await service
        .passwordLogin(
          { email: 'late@shed.test', password: 'whatever it is' },
          {
            ip: '10.60.1.1',
            userAgent: null,
            deviceToken: null,
            currentToken: null,
            receivedAt: performance.now() - 5000,
          },
        )
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'rate_limited', status: 429, headers: { 'retry-after': expect.any(String) } });
      expect(passwords.queue.stats().started).toBe(started);
      expect(await throttle.failures(t.container.db, accountKey('late@shed.test'))).toBeUndefined();
    });
  });

  describe('bookkeeping and lockout', () => {
    let t: TestInstance;
    let clock: FixedClock;
    let api: Api;
    beforeAll(async () => {
      clock = new FixedClock('2026-03-01T09:00:00Z');
      t = await createTestInstance(dialect, {
        clock,
        env: { SEALBILL_PASSWORD_WORKERS: '2', SEALBILL_PASSWORD_QUEUE: '500', SEALBILL_PASSWORD_WAIT_MS: '60000' },
      });
      api = await setupOrg(t.app, 'Flood AG');
      for (const name of ['eve', 'fay']) await addUser(t, api.orgId, 'accountant', `${name}@flood.test`);
    });
    afterAll(async () => {
      await t.container.services.identity.notifier.settled();
      await t.close();
    });
    const failures = async (email: string) =>
      t.container.services.identity.throttle.failures(t.container.db, accountKey(email));
    /** A run of `n` counted failures whose back-off is over (as after a quiet period). */
    const setFailures = async (key: string, n: number) => {
      const row = { failures: n, last_failure_at: clock.now().toISOString(), blocked_until: null, locked_at: null };
      await t.container.db
        .insertInto('auth_throttle')
        .values({ key, ...row })
        .onConflict((oc) => oc.column('key').doUpdateSet(row))
        .execute();
    };
    const auditRows = (orgId: string) =>
      t.container.services.audit.list(t.container.db, { orgId, action: 'login.failed', limit: 1000 });
    const counted = (rows: { summary: string }[]) =>
      rows.reduce((n, r) => n + ((JSON.parse(r.summary) as { count?: number }).count ?? 1), 0);

    it('N failures at once: far fewer commits and audit rows than attempts, every failure audited, the chain intact', async () => {
      const ledger = t.container.services.identity.failedSignIns;
      const before = { ...ledger.stats(), rows: (await auditRows(INSTANCE_CHAIN)).length };
      const N = 60;
      const answers = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          login(t, `10.61.${Math.floor(i / 10)}.${i % 10}`, `stranger${i}@flood.test`),
        ),
      );
      expect(answers.every((r) => r.statusCode === 401)).toBe(true);
      const after = ledger.stats();
      const all = await auditRows(INSTANCE_CHAIN); // newest first
      const rows = all.slice(0, all.length - before.rows);
      // 2N units (a reservation and a failure record each) in a fraction of 2N transactions.
      expect(after.units - before.units).toBe(2 * N);
      expect(after.batches - before.batches).toBeLessThan((2 * N) / 3);
      expect(rows.length).toBeLessThan(N);
      expect(counted(rows)).toBe(N);
      const addresses = rows.flatMap((r) => {
        const s = JSON.parse(r.summary) as { addresses?: Record<string, number> };
        return s.addresses ? Object.keys(s.addresses) : [r.ip];
      });
      expect(new Set(addresses).size).toBe(N);
      expect((await t.container.services.audit.verifyInTx(t.container.db, INSTANCE_CHAIN)).ok).toBe(true);
      console.log(
        `[sign-in-flood ${dialect}] ${N} failed sign-ins: ${after.batches - before.batches} transactions, ${rows.length} audit rows`,
      );
    });

    it('concurrent guesses at one account: one per back-off window, exactly 100 to the lock, not one more', async () => {
      const eve = accountKey('eve@flood.test');
      let guessed = 0;
      let refused = 0;
      const round = async (r: number) => {
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, i) => login(t, `10.62.${r % 250}.${i + 1}`, 'eve@flood.test')),
        );
        for (const res of answers) {
          if (res.statusCode === 401) guessed++;
          else {
            expect(res.statusCode).toBe(429);
            refused++;
          }
        }
        clock.advance(16 * MIN); // past the longest back-off
      };
      // The first burst gets the free guesses (the last of them starts the back-off), no more.
      await round(0);
      expect(guessed).toBe(THROTTLE.accountFree);
      // Fast-forward through most of the run of failures (the back-off over)...
      await setFailures(eve, THROTTLE.lockAfter - 10);
      // ...then bursts again: each gets exactly one guess, until the 100th locks.
      for (let r = 1; (await failures('eve@flood.test'))?.locked_at == null; r++) {
        await round(r);
        expect(r).toBeLessThanOrEqual(10);
      }
      expect(guessed).toBe(THROTTLE.accountFree + 10);
      expect(refused).toBe(8 * 11 - guessed);
      expect((await failures('eve@flood.test'))?.failures).toBe(THROTTLE.lockAfter);
      // Locked: even the right password, from a fresh address, is refused.
      expectProblem(await login(t, '10.62.251.1', 'eve@flood.test', PASSWORD), 429, 'rate_limited');
      const mine = (await auditRows(api.orgId)).filter((r) => r.object_id !== null && r.summary.includes('"pwd"'));
      expect(counted(mine)).toBe(guessed);
      expect(mine.filter((r) => JSON.parse(r.summary).locked === true)).toHaveLength(1);
      expect((await t.container.services.audit.verifyInTx(t.container.db, api.orgId)).ok).toBe(true);
    });

    it('one guess short of the lock, 12 guesses at once: exactly one is checked, it locks, the rest are refused', async () => {
      // The account has 99 counted failures and no back-off running (e.g. after a long quiet period).
      const row = await failures('fay@flood.test');
      expect(row).toBeUndefined();
      await setFailures(accountKey('fay@flood.test'), THROTTLE.lockAfter - 1);
      expect((await failures('fay@flood.test'))?.failures).toBe(THROTTLE.lockAfter - 1);
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => login(t, `10.63.0.${i + 1}`, 'fay@flood.test')),
      );
      const codes = answers.map((r) => r.statusCode).sort();
      expect(codes.filter((c) => c === 401)).toHaveLength(1);
      expect(codes.filter((c) => c === 429)).toHaveLength(11);
      expect(await failures('fay@flood.test')).toMatchObject({
        failures: THROTTLE.lockAfter,
        locked_at: expect.any(String),
      });
      const locked = (await auditRows(api.orgId)).filter((r) => JSON.parse(r.summary).locked === true);
      expect(locked).toHaveLength(2); // eve's and fay's
    });
  });
});
