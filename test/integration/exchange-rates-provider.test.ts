// The optional exchange-rate provider (issue #13, item 4), against a real HTTP server on 127.0.0.1
// that plays the ECB's eurofxref-daily.xml: the fetched rates are stored exactly as the same file
// uploaded (source ecb, same figures), fetching the same day again adds nothing, and every way the
// provider can fail — a broken file, a 500, an answer slower than the timeout, a body past the size
// cap, a redirect — is a clear 502 problem+json that writes nothing, never a 500.
// Attack surface: the fetched URL is configuration only (no request can name one, so no SSRF);
// it must be https except to loopback, checked when the configuration is parsed.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/env.ts';
import { CliUsageError } from '../../src/main/cli/command.ts';
import { ratesCommand } from '../../src/main/cli/rates.commands.ts';
import { ECB_DAILY_XML as DAILY, startFakeEcb, type FakeEcb } from '../fakes/ecb-server.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';

describe('rates provider configuration', () => {
  const base = { SEALBILL_DATA_DIR: '/tmp/sealbill-config-test', SEALBILL_LOG_LEVEL: 'silent' };
  it('is off by default, the ECB daily file over https when enabled', () => {
    expect(parseConfig(base).ratesProvider).toBeNull();
    expect(parseConfig({ ...base, SEALBILL_RATES_PROVIDER: 'ecb' }).ratesProvider).toEqual({
      id: 'ecb',
      url: 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml',
      timeoutMs: 15_000,
    });
  });
  it('refuses plain http except to loopback, an unknown provider, and a URL without a provider', () => {
    const env = (url: string) => ({ ...base, SEALBILL_RATES_PROVIDER: 'ecb', SEALBILL_RATES_PROVIDER_URL: url });
    expect(() => parseConfig(env('http://www.ecb.europa.eu/x.xml'))).toThrow(/must be https/);
    expect(() => parseConfig(env('ftp://127.0.0.1/x.xml'))).toThrow(/must be https/);
    expect(parseConfig(env('http://127.0.0.1:8080/x.xml')).ratesProvider?.url).toBe('http://127.0.0.1:8080/x.xml');
    expect(parseConfig(env('http://localhost/x.xml')).ratesProvider?.url).toBe('http://localhost/x.xml');
    expect(() => parseConfig({ ...base, SEALBILL_RATES_PROVIDER: 'fixer' })).toThrow(/SEALBILL_RATES_PROVIDER/);
    expect(() => parseConfig({ ...base, SEALBILL_RATES_PROVIDER_URL: 'https://x.example/r.xml' })).toThrow(
      /needs SEALBILL_RATES_PROVIDER=ecb/,
    );
  });
});

describeEachDb('exchange rates from the provider', (dialect) => {
  let ecb: FakeEcb;
  let t: TestInstance;
  let off: TestInstance;
  let api: Api;
  const clock = new FixedClock('2026-06-18T10:00:00Z');

  const usd = async (a: Api) =>
    ((await a.ok('GET', '/api/v1/exchange-rates?currency=USD')).items as Array<Record<string, string>>).map((r) => [
      r.date,
      r.rate,
      r.source,
      r.quoted,
    ]);
  const imported = async (a: Api) =>
    (await a.ok('GET', '/api/v1/audit-events?action=exchange_rates.imported')).items as Array<{
      summary: Record<string, unknown>;
    }>;

  beforeAll(async () => {
    ecb = await startFakeEcb();
    t = await createTestInstance(dialect, {
      clock,
      env: {
        SEALBILL_RATES_PROVIDER: 'ecb',
        SEALBILL_RATES_PROVIDER_URL: ecb.url,
        SEALBILL_RATES_PROVIDER_TIMEOUT_MS: '500',
      },
    });
    off = await createTestInstance(dialect, { clock });
    api = await setupOrg(t.app, 'Kurs GmbH');
  });
  afterAll(async () => {
    await t?.close();
    await off?.close();
    await ecb?.close();
  });

  it('says which provider the server uses', async () => {
    expect(await api.ok('GET', '/api/v1/exchange-rates/provider')).toEqual({ provider: 'ecb' });
    const other = await setupOrg(off.app, 'Ohne GmbH');
    expect(await other.ok('GET', '/api/v1/exchange-rates/provider')).toEqual({ provider: null });
  });

  it('without a provider, fetching is refused with a clear 409', async () => {
    const other = await setupOrg(off.app, 'Ohne Zwei GmbH');
    const p = expectProblem(await other.req('POST', '/api/v1/exchange-rates/fetch'), 409, 'conflict');
    expect(p.detail).toMatch(/No exchange-rate provider is configured.*SEALBILL_RATES_PROVIDER=ecb/);
    expect(await usd(other)).toEqual([]);
  });

  it('stores the fetched file as source ecb with the figures of the upload', async () => {
    ecb.mode = 'daily';
    const res = await api.ok('POST', '/api/v1/exchange-rates/fetch');
    expect(res).toEqual({
      provider: 'ecb',
      format: 'xml',
      days: 1,
      from: '2026-06-17',
      to: '2026-06-17',
      rates: 4,
      changed: 4,
      currencies: ['CHF', 'GBP', 'JPY', 'USD'],
      skippedCurrencies: [],
    });
    expect(await usd(api)).toEqual([['2026-06-17', '0.9239582371', 'ecb', '1 EUR = 1.0823 USD']]);
    const jpy = await api.ok('GET', '/api/v1/exchange-rates?currency=JPY');
    expect(jpy.items.map((r: { rate: string }) => r.rate)).toEqual(['0.0061180789']);
    const audit = await imported(api);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.summary).toMatchObject({ source: 'ecb', via: 'provider', rates: 4, changed: 4 });
  });

  it('is idempotent: the same day again adds and audits nothing; a corrected figure replaces the old', async () => {
    const again = await api.ok('POST', '/api/v1/exchange-rates/fetch');
    expect(again).toMatchObject({ rates: 4, changed: 0 });
    expect(await usd(api)).toHaveLength(1);
    expect(await imported(api)).toHaveLength(1);
    // The uploaded file and the fetched one are the same rows.
    const upload = await api.ok('POST', '/api/v1/exchange-rates/import', DAILY, 200, { 'content-type': 'text/xml' });
    expect(upload).toMatchObject({ rates: 4, changed: 0 });
    ecb.mode = 'corrected';
    expect(await api.ok('POST', '/api/v1/exchange-rates/fetch')).toMatchObject({ changed: 1 });
    expect(await usd(api)).toEqual([['2026-06-17', '0.9237875289', 'ecb', '1 EUR = 1.0825 USD']]);
    ecb.mode = 'daily';
    expect(await api.ok('POST', '/api/v1/exchange-rates/fetch')).toMatchObject({ changed: 1 });
  });

  it.each([
    ['broken', /not an ECB reference-rate file: line 11: GBP: rate="0,8512" is not a rate/],
    ['error', /answered HTTP 500 \(expected 200\)/],
    ['slow', /no complete answer within 500 ms/],
    ['huge', /more than the 2097152 bytes accepted/],
    ['huge-declared', /3145728 bytes, more than the 2097152 accepted/],
    ['redirect', /answered 302 redirecting to http:\/\/attacker\.example\/rates\.xml/],
  ] as const)('a provider answer that is %s is a 502 upstream_failed that writes nothing', async (mode, reason) => {
    const before = await usd(api);
    ecb.mode = mode;
    const p = expectProblem(await api.req('POST', '/api/v1/exchange-rates/fetch'), 502, 'upstream_failed');
    expect(p.detail).toMatch(/^The exchange-rate provider failed: http:\/\/127\.0\.0\.1:\d+\/stats/);
    expect(p.detail).toMatch(reason);
    expect(await usd(api)).toEqual(before);
  });

  it('an unreachable provider is a 502 too', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const gone = await createTestInstance(dialect, {
      clock,
      env: { SEALBILL_RATES_PROVIDER: 'ecb', SEALBILL_RATES_PROVIDER_URL: `http://127.0.0.1:${port}/daily.xml` },
    });
    try {
      const a = await setupOrg(gone.app, 'Weg GmbH');
      const p = expectProblem(await a.req('POST', '/api/v1/exchange-rates/fetch'), 502, 'upstream_failed');
      expect(p.detail).toMatch(/unreachable \(ECONNREFUSED\)/);
    } finally {
      await gone.close();
    }
  });

  it('needs org:update like the file import; invoice:read may only ask which provider', async () => {
    const { token } = await t.container.db.transaction().execute((tx) =>
      t.container.services.tokens.create(tx, {
        orgId: api.orgId,
        userId: api.userId,
        name: 'reader',
        scopes: ['invoice:read'],
        expiresAt: null,
      }),
    );
    const reader = api.as(token);
    ecb.mode = 'daily';
    const hits = ecb.hits;
    expectProblem(await reader.req('POST', '/api/v1/exchange-rates/fetch'), 403, 'forbidden');
    expect(ecb.hits).toBe(hits);
    expect(await reader.ok('GET', '/api/v1/exchange-rates/provider')).toEqual({ provider: 'ecb' });
  });

  it('the daily run: one download for every organization, once a day after publication, idempotent', async () => {
    ecb.mode = 'daily';
    const chf = await setupOrg(t.app, 'Franken AG', { defaultCurrency: 'CHF' });
    const xaf = await setupOrg(t.app, 'Franc SA', { defaultCurrency: 'XAF' });
    const fetch = t.container.services.ratesFetch;
    const hits = ecb.hits;
    const first = await fetch.runIfDue();
    expect(first).toMatchObject({ provider: 'ecb', orgs: 2, skipped: [xaf.orgId] });
    expect(first!.changed).toBe(4); // Franken AG's four; Kurs GmbH had them all
    expect(ecb.hits).toBe(hits + 1);
    expect(
      Object.fromEntries(
        (await chf.ok('GET', '/api/v1/exchange-rates')).items.map((r: Record<string, string>) => [r.currency, r.rate]),
      ),
    ).toEqual({
      EUR: '0.9412',
      USD: '0.8696294927',
      JPY: '0.0057583359',
      GBP: '1.1057330827',
    });
    expect(await usd(xaf)).toEqual([]);
    // Done for the day until the ECB's next publication (16:00 UTC).
    expect(await fetch.runIfDue()).toBeNull();
    clock.set('2026-06-18T16:05:00Z');
    expect(await fetch.runIfDue()).toMatchObject({ orgs: 2, changed: 0 });
    expect(await fetch.runIfDue()).toBeNull();
    expect(ecb.hits).toBe(hits + 2);
    // A failed run is logged by the worker and retried an hour later, not every minute.
    clock.set('2026-06-19T16:05:00Z');
    ecb.mode = 'error';
    await expect(fetch.runIfDue()).rejects.toThrow(/HTTP 500/);
    expect(await fetch.runIfDue()).toBeNull();
    ecb.mode = 'daily';
    clock.set('2026-06-19T17:06:00Z');
    expect(await fetch.runIfDue()).toMatchObject({ orgs: 2, changed: 0 });
  });

  it('`sealbill rates fetch [--org ID]` does the same now, from the command line', async () => {
    ecb.mode = 'daily';
    const cli = async (instance: TestInstance, argv: string[]) => {
      let text = '';
      await ratesCommand.run({
        config: instance.config,
        argv,
        container: async () => instance.container,
        out: (o) => (text += o),
      });
      return text;
    };
    expect(await cli(t, ['fetch'])).toMatch(
      /^ecb: 0 rate\(s\) added or corrected in 2 organization\(s\); left out \(currency not quoted\): /,
    );
    expect(await cli(t, ['fetch', '--org', api.orgId])).toBe(
      'ecb: 1 day(s) 2026-06-17 to 2026-06-17, 0 of 4 rate(s) added or corrected\n',
    );
    await expect(cli(t, ['fetch', '--org', 'nope'])).rejects.toThrow();
    await expect(cli(t, ['pull'])).rejects.toThrow(CliUsageError);
    await expect(cli(off, ['fetch'])).rejects.toThrow(/set SEALBILL_RATES_PROVIDER=ecb/);
  });
});
