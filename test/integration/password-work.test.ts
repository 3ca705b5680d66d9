// Unauthenticated password work (issue #10 item 3), attacked. Anonymous callers used to buy
// argon2 hashing at will: POST /api/v1/setup hashed the password before checking that the
// instance was set up, and 40 parallel anonymous calls raised staff latency from 35 ms to 1.7 s.
// Attacks performed: a flood of anonymous set-up calls with passwords against a set-up instance;
// the same from one address; a flood of sign-ins for unknown accounts from many addresses (the
// per-account and per-IP throttles do not apply), with set-up calls mixed in, while a staff
// member keeps working. Asserted: set-up refuses before any password work; every anonymous route
// that can cost password work is rate-limited per address; password work never runs more than
// SEALBILL_PASSWORD_WORKERS at once; overflow is shed at once with 429 + Retry-After
// (problem+json); the staff member's requests stay within a bound of their unloaded latency.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PUBLIC_LIMITS } from '../../src/modules/identity/sign-in/throttle.service.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

const setupBody = (i: number) => ({
  organization: { name: `Flood ${i} Ltd` },
  owner: { email: `flood${i}@flood.test`, name: 'F', password: `a fine long passphrase number ${i}` },
});

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describeEachDb('password work is bounded', (dialect) => {
  let t: TestInstance;
  let api: Api;
  const queue = () => t.container.services.identity.passwords.queue;

  beforeAll(async () => {
    t = await createTestInstance(dialect, {
      env: { SEALBILL_PASSWORD_WORKERS: '1', SEALBILL_PASSWORD_QUEUE: '4', SEALBILL_PASSWORD_WAIT_MS: '1500' },
    });
    api = await setupOrg(t.app, 'Busy AG');
  });
  afterAll(async () => {
    await t.container.services.identity.notifier.settled();
    await t.close();
  });

  it('set-up of a set-up instance refuses before any password work, and is rate-limited per address', async () => {
    const before = queue().stats().started;
    const answers = await Promise.all(
      Array.from({ length: PUBLIC_LIMITS.setup.max }, (_, i) =>
        t.app.inject({ method: 'POST', url: '/api/v1/setup', remoteAddress: '10.40.0.1', payload: setupBody(i) }),
      ),
    );
    for (const r of answers) expectProblem(r, 409, 'conflict');
    expect(queue().stats().started).toBe(before);
    const limited = expectProblem(
      await t.app.inject({ method: 'POST', url: '/api/v1/setup', remoteAddress: '10.40.0.1', payload: setupBody(99) }),
      429,
      'rate_limited',
    );
    expect(limited.detail).toMatch(/try again/);
    expect(
      Number(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/setup',
            remoteAddress: '10.40.0.1',
            payload: setupBody(98),
          })
        ).headers['retry-after'],
      ),
    ).toBeGreaterThan(0);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/setup', remoteAddress: '10.40.0.2', payload: setupBody(97) }))
        .statusCode,
    ).toBe(409);
  });

  it('a flood of anonymous sign-ins is shed with 429 + Retry-After and does not starve a staff member', async () => {
    const staffCall = () => api.req('GET', '/api/v1/invoices').then((r) => expect(r.statusCode).toBe(200));
    for (let i = 0; i < 5; i++) await staffCall(); // warm-up
    const baseline: number[] = [];
    for (let i = 0; i < 15; i++) baseline.push(await timed(staffCall));

    // 80 sign-ins for unknown accounts from 80 addresses (each costs a full argon2 verification),
    // and 40 set-up calls from 40 more: no per-account or per-IP limit is reached.
    const flood = [
      ...Array.from({ length: 80 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: `10.41.${i >> 8}.${i & 255}`,
          payload: { email: `nobody${i}@flood.test`, password: `guess number ${i}` },
        }),
      ),
      ...Array.from({ length: 40 }, (_, i) =>
        t.app.inject({ method: 'POST', url: '/api/v1/setup', remoteAddress: `10.42.0.${i}`, payload: setupBody(i) }),
      ),
    ];
    const during: number[] = [];
    const done = Promise.all(flood);
    let finished = false;
    void done.then(() => (finished = true));
    for (let i = 0; i < 15 && !finished; i++) during.push(await timed(staffCall));
    const answers = await done;

    const logins = answers.slice(0, 80);
    const shed = logins.filter((r) => r.statusCode === 429);
    expect(shed.length).toBeGreaterThan(0);
    for (const r of shed) {
      const body = expectProblem(r, 429, 'rate_limited');
      expect(body.detail).toMatch(/busy/);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(logins.every((r) => r.statusCode === 401 || r.statusCode === 429)).toBe(true);
    for (const r of answers.slice(80)) expect(r.statusCode).toBe(409);
    expect(queue().stats().peak).toBe(1);

    // Generous on purpose (shared CI machines): the staff member's median stays within 10× its
    // unloaded median plus 300 ms; an unbounded flood costs seconds.
    const base = median(baseline);
    const loaded = during.length > 0 ? median(during) : base;
    console.info(
      `[password-work] staff GET median ${base.toFixed(1)} ms unloaded, ${loaded.toFixed(1)} ms during the flood (${during.length} samples); ${shed.length}/80 sign-ins shed`,
    );
    expect(loaded).toBeLessThan(base * 10 + 300);
  });
});
