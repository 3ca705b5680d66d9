// Logs are a second copy of everything that flows through the server and are rarely protected
// like the database. A full flow with passwords, tokens, bank details and personal data must
// leave none of them in the log, and pino's redaction must censor secret-shaped keys at any depth.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/main/app.ts';
import { baseLoggerOptions, createLogger, redactPathTokens } from '../../src/platform/logger.ts';
import { apiFor } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { seedSensitiveData, SECRET_STRINGS } from '../helpers/sensitive-seed.ts';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) }),
    text: () => chunks.join(''),
  };
}

it('pino redaction censors secret-shaped keys at the top level and nested', () => {
  const out = capture();
  const log = createLogger('info', out.stream);
  log.info(
    {
      password: 'pw-top-1',
      token: 'tok-top-2',
      body: { iban: 'DE89370400440532013000', nested: { secret: 'deep-3', totpSecret: 'JBSWY3DP' } },
      user: { newPassword: 'pw-nested-4' },
    },
    'event',
  );
  const text = out.text();
  for (const s of ['pw-top-1', 'tok-top-2', 'DE89370400440532013000', 'deep-3', 'JBSWY3DP', 'pw-nested-4'])
    expect(text).not.toContain(s);
  expect(text).toContain('[redacted]');
});

it('path tokens (pay links, verification QR tokens) are redacted; fixed routes are not', () => {
  const pay = 'a'.repeat(43);
  const cases: [string, string][] = [
    [`/pay/${pay}`, '/pay/[redacted]'],
    [`/api/v1/pay/${pay}/checkout`, '/api/v1/pay/[redacted]/checkout'],
    ['/verify/AbCdEfGhIjKlMnOpQrStUv', '/verify/[redacted]'],
    ['/api/v1/verify/AbCdEfGhIjKlMnOpQrStUv', '/api/v1/verify/[redacted]'],
    ['/api/v1/verify/short', '/api/v1/verify/[redacted]'],
    ['/api/v1/verify/pdfx', '/api/v1/verify/[redacted]'],
    ['/api/v1/verify/pdf', '/api/v1/verify/pdf'],
    ['/api/v1/verify/details', '/api/v1/verify/details'],
    ['/api/v1/invoices/123', '/api/v1/invoices/123'],
  ];
  for (const [url, logged] of cases) expect(redactPathTokens(url), url).toBe(logged);
});

describeEachDb('logs never hold secrets or personal data', (dialect) => {
  let t: TestInstance;
  const out = capture();
  const password = 'Sapphire-Otter-Lantern-42!';

  beforeAll(async () => {
    t = await createTestInstance(dialect);
  });
  afterAll(() => t.close());

  it('a flow with passwords, tokens, bank details, personal data and an integrity failure logs none of them', async () => {
    const app = await buildHttpApp(t.container, {
      logger: { ...baseLoggerOptions('trace'), stream: out.stream } as never,
    });
    await app.ready();
    try {
      const setup = await app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: {
          organization: { name: 'Logged GmbH', defaultCurrency: 'EUR', locale: 'de-DE', timeZone: 'Europe/Berlin' },
          owner: { email: 'owner@logged.test', name: 'Olga', password },
        },
      });
      expect(setup.statusCode, setup.body).toBe(201);
      const { token, orgId, userId } = setup.json();
      const api = apiFor(app, token, orgId, userId);
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'owner@logged.test', password },
      });
      const cookies = [login.headers['set-cookie']]
        .flat()
        .filter(Boolean)
        .map((c) => String(c).split(';')[0]!.split('=')[1]!);
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'owner@logged.test', password: `${password}x` },
      });
      const seeded = await seedSensitiveData({ ...t, app } as TestInstance, api);
      await api.req('PUT', '/api/v1/org/payout', {
        accountHolder: SECRET_STRINGS.accountHolder,
        iban: 'DE89 3704 0044 0532 0130 00',
      });
      await api.req('POST', '/api/v1/clients', { name: SECRET_STRINGS.clientName, email: SECRET_STRINGS.iban });
      await api.req('GET', `/api/v1/clients?email=${encodeURIComponent(SECRET_STRINGS.clientEmail)}&token=${token}`);
      await app.inject({ method: 'GET', url: '/api/v1/org', headers: { authorization: `Bearer ${token}x` } });
      // The verification token printed as a QR code on the signed PDF: the page and the API it calls.
      const qrToken = /\/verify\/([A-Za-z0-9_-]{22})/.exec(seeded.pdf.toString('latin1'))![1]!;
      expect((await app.inject({ method: 'GET', url: `/api/v1/verify/${qrToken}` })).statusCode).toBe(200);
      await app.inject({ method: 'GET', url: `/verify/${qrToken}` });
      await app.inject({ method: 'POST', url: '/api/v1/verify/details', payload: {} });
      // Corrupt one ciphertext so the integrity failure path logs too.
      const row = await t.container.db
        .selectFrom('clients')
        .select('pii_enc')
        .where('id', '=', seeded.clientId)
        .executeTakeFirstOrThrow();
      await t.container.db
        .updateTable('clients')
        .set({ pii_enc: row.pii_enc.slice(0, -4) + 'AAAA' })
        .where('id', '=', seeded.clientId)
        .execute();
      expect((await api.req('GET', `/api/v1/clients/${seeded.clientId}`)).statusCode).toBe(500);

      const text = out.text();
      expect(text).toContain('"url":"/api/v1/verify/[redacted]"');
      expect(text).toContain('"url":"/verify/[redacted]"');
      expect(text).toContain('"url":"/api/v1/verify/details"');
      expect(text).toContain('stored data failed its integrity check');
      expect(text).toContain(`clients/${seeded.clientId}/pii_enc`);
      const forbidden = [
        password,
        token,
        token.slice(-20),
        ...cookies,
        ...seeded.secrets,
        'DE89 3704 0044 0532 0130 00',
        '0532013000',
        qrToken,
      ];
      for (const s of forbidden) expect(text.includes(s), `log contains ${s}`).toBe(false);
    } finally {
      await app.close();
    }
  });
});
