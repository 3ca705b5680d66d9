// Attack: guess an emailed one-time code (portal sign-in, sealed-link gate) with many requests at
// once. The attempt counter was read, compared and written back, so on PostgreSQL parallel
// guesses all read "0 attempts": the right code sent together with 60 wrong ones was accepted
// after ~45 guesses instead of 5. Each guess must reserve an attempt with one conditional
// UPDATE (attempts < 5) before it is compared; a contact's wrong guesses are also capped per day
// across all its codes, and so are the codes themselves (per email and per client IP), however
// many requests race. Runs on SQLite and, with real concurrency, on PostgreSQL.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  dayWindow,
  MAX_ATTEMPTS,
  MAX_CODES_PER_IP,
  MAX_CODES_PER_WINDOW,
  MAX_FAILURES_PER_DAY,
} from '../../src/modules/delivery/one-time-codes.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const WRONG = 60;
const wrongCodes = (right: string, n: number) =>
  Array.from({ length: n }, (_, i) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0'));

describeEachDb('one-time codes under concurrent guessing', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let clock: FixedClock;
  let contactId: string;
  let invoiceId: string;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock('2026-03-02T08:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app);
    const mine = await clientWithInvoice(api, { name: 'Race Ltd', email: 'race@race.test' });
    contactId = mine.contactId;
    invoiceId = mine.invoice.id;
    await clientWithInvoice(api, { name: 'Daily Ltd', email: 'daily@race.test' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  // Each test starts on a new day, past every window of the previous one.
  beforeEach(() => clock.advance(86_400_000));

  async function portalCode(
    email: string,
    ip = '127.0.0.1',
  ): Promise<{ challengeId: string; code: string; magic: string }> {
    const before = smtp.messages.length;
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/code',
      payload: { orgId: api.orgId, email },
      remoteAddress: ip,
    });
    expect(r.statusCode, r.body).toBe(202);
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes(email));
    const text = mail.parsed.text ?? '';
    return {
      challengeId: r.json().challengeId,
      code: /: (\d{6})\b/.exec(text)![1]!,
      magic: /#t=([A-Za-z0-9_-]+)/.exec(text)![1]!,
    };
  }
  const verify = (challengeId: string, code: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/portal/auth/code/verify', payload: { challengeId, code } });
  const attemptsOf = async (id: string) =>
    (
      await t.container.db
        .selectFrom('one_time_codes')
        .select('attempts')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).attempts;

  it('portal: the right code sent with 60 wrong ones at once is refused; at most 5 guesses are checked', async () => {
    const { challengeId, code } = await portalCode('race@race.test');
    const results = await Promise.all([...wrongCodes(code, WRONG), code].map((c) => verify(challengeId, c)));
    for (const r of results) expectProblem(r, 401, 'unauthenticated');
    expect(await attemptsOf(challengeId)).toBe(MAX_ATTEMPTS);
    // Exhausted: the right code alone is refused too.
    expectProblem(await verify(challengeId, code), 401);
  });

  it('portal: a code checks at most 5 guesses even when every one races; the right one then fails', async () => {
    const { challengeId, code } = await portalCode('race@race.test');
    const results = await Promise.all(wrongCodes(code, WRONG).map((c) => verify(challengeId, c)));
    expect(results.every((r) => r.statusCode === 401)).toBe(true);
    expect(await attemptsOf(challengeId)).toBe(MAX_ATTEMPTS);
    expectProblem(await verify(challengeId, code), 401);
  });

  it('portal: wrong guesses are capped per email per day across codes, also when codes are guessed in parallel', async () => {
    const codes: { challengeId: string; code: string }[] = [];
    // Five codes per 15 minutes: enough live codes for 25 guesses, the day allows 20.
    for (let i = 0; i < MAX_CODES_PER_WINDOW; i++) codes.push(await portalCode('daily@race.test'));
    const last = codes.pop()!;
    const guesses = codes.flatMap((c) => wrongCodes(c.code, 20).map((w) => verify(c.challengeId, w)));
    guesses.push(...wrongCodes(last.code, 2).map((w) => verify(last.challengeId, w)));
    expect((await Promise.all(guesses)).every((r) => r.statusCode === 401)).toBe(true);
    const quota = await t.container.db
      .selectFrom('code_quotas')
      .select('failures')
      .where('key', 'like', `portal:${api.orgId}:%`)
      .where('window_start', '=', dayWindow(clock.now()))
      .where('failures', '>', 0)
      .execute();
    expect(quota.map((q) => q.failures)).toEqual([MAX_FAILURES_PER_DAY]);
    // The day's budget is spent: the right code of a fresh, unguessed code is refused …
    clock.advance(16 * 60_000);
    const fresh = await portalCode('daily@race.test');
    expectProblem(await verify(fresh.challengeId, fresh.code), 401);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/portal/auth/magic', payload: { token: fresh.magic } }))
        .statusCode,
    ).toBe(200);
    // … while the emailed magic link (256 bits, not guessable) still signs the contact in, and
    // the next day codes work again.
    clock.advance(86_400_000);
    const tomorrow = await portalCode('daily@race.test');
    expect((await verify(tomorrow.challengeId, tomorrow.code)).statusCode).toBe(200);
  });

  it('portal: parallel code requests for one email write at most 5 codes and send at most 5 emails', async () => {
    const before = smtp.messages.length;
    const rowsBefore = await t.container.db.selectFrom('one_time_codes').select('id').execute();
    const rs = await Promise.all(
      Array.from({ length: 25 }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/portal/auth/code',
          payload: { orgId: api.orgId, email: 'race@race.test' },
          remoteAddress: '203.0.113.7',
        }),
      ),
    );
    for (const r of rs) expect(r.statusCode).toBe(202);
    await t.container.services.portalAuth.settle();
    const rows = await t.container.db.selectFrom('one_time_codes').select('id').execute();
    expect(rows.length - rowsBefore.length).toBe(MAX_CODES_PER_WINDOW);
    expect(smtp.messages.length - before).toBe(MAX_CODES_PER_WINDOW);
  });

  it('portal: one client IP gets 429 past its limit, with the same answer for known and unknown emails', async () => {
    const ip = '198.51.100.23';
    const ask = (email: string, from = ip) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/portal/auth/code',
        payload: { orgId: api.orgId, email },
        remoteAddress: from,
      });
    const rowsBefore = (await t.container.db.selectFrom('one_time_codes').select('id').execute()).length;
    const rs = await Promise.all(Array.from({ length: MAX_CODES_PER_IP + 10 }, (_, i) => ask(`nobody-${i}@race.test`)));
    expect(rs.filter((r) => r.statusCode === 202)).toHaveLength(MAX_CODES_PER_IP);
    expect(rs.filter((r) => r.statusCode === 429)).toHaveLength(10);
    expect((await t.container.db.selectFrom('one_time_codes').select('id').execute()).length - rowsBefore).toBe(
      MAX_CODES_PER_IP,
    );
    const known = await ask('race@race.test');
    const unknown = await ask('nobody-else@race.test');
    for (const r of [known, unknown]) expectProblem(r, 429, 'rate_limited');
    const strip = (r: typeof known) => ({ ...r.json(), requestId: null });
    expect(strip(known)).toEqual(strip(unknown));
    expect(known.headers['retry-after']).toBe(unknown.headers['retry-after']);
    // Another address is not affected; the next window starts afresh.
    expect((await ask('nobody-0@race.test', '198.51.100.24')).statusCode).toBe(202);
    clock.advance(15 * 60_000);
    expect((await ask('nobody-1@race.test')).statusCode).toBe(202);
  });

  it('sealed link: the right code sent with 60 wrong ones at once is refused; at most 5 guesses are checked', async () => {
    const link = await api.ok(
      'POST',
      `/api/v1/invoices/${invoiceId}/sealed-links`,
      { requireCode: true, contactId },
      201,
    );
    const id = /\/s\/([0-9a-f-]{36})[?#]/.exec(link.url)![1]!;
    const before = smtp.messages.length;
    const ch = await t.app.inject({ method: 'POST', url: `/api/v1/sealed/${id}/code` });
    expect(ch.statusCode, ch.body).toBe(202);
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes('race@race.test'));
    const code = /\b(\d{6})\b/.exec(mail.parsed.text ?? '')![1]!; // worded in the client's language
    const challengeId = ch.json().challengeId as string;
    const openWith = (c: string) =>
      t.app.inject({ method: 'POST', url: `/api/v1/sealed/${id}/open`, payload: { challengeId, code: c } });
    const results = await Promise.all([...wrongCodes(code, WRONG), code].map(openWith));
    for (const r of results) expectProblem(r, 401, 'unauthenticated');
    expect(await attemptsOf(challengeId)).toBe(MAX_ATTEMPTS);
    expectProblem(await openWith(code), 401);
  });
});
