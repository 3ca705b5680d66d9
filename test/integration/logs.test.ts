// Logs (issue #2 §13, SECURITY-BAR "Logs never contain…"): every request line carries its request
// id; no body, token, cookie, query-string secret or personal data reaches the log.
import Fastify, { LogController } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/main/app.ts';
import { installRequestLog } from '../../src/platform/http/request-log.ts';
import { baseLoggerOptions } from '../../src/platform/logger.ts';
import { apiFor, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { captureLog } from '../helpers/log-capture.ts';
import type { FastifyInstance } from 'fastify';

describeEachDb('request logs', (dialect) => {
  let t: TestInstance;
  let app: FastifyInstance;
  let api: Api;
  const { stream, lines, raw } = captureLog();

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    app = await buildHttpApp(t.container, { logger: { ...baseLoggerOptions('info'), stream } });
    await app.ready();
    api = await setupOrg(app, 'Loggy AG');
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('logs each request with its id and none of its secrets or personal data', async () => {
    const secrets = {
      name: 'Zelda Secretname',
      email: 'zelda.private@example.test',
      iban: 'DE89370400440532013000',
      note: 'confidential-note-7731',
      linkToken: 'magic-link-token-5599',
      cookie: 'sb_session=cookie-value-3141',
    };
    // A bearer token cannot change payout details (step-up), but the attempt is still logged: without the IBAN.
    expect(
      (await api.req('PUT', '/api/v1/org/payout', { accountHolder: 'Loggy AG', iban: secrets.iban })).statusCode,
    ).toBe(401);
    const client = await api.ok('POST', '/api/v1/clients', {
      name: secrets.name,
      email: secrets.email,
      notes: secrets.note,
    });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      lines: [{ description: secrets.note, quantity: '1', unitPrice: 100 }],
    });
    await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true }, 200, {
      'idempotency-key': 'log-test-key',
    });
    await api.req('GET', `/api/v1/clients?email=${encodeURIComponent(secrets.email)}&token=${secrets.linkToken}`);
    await api.req('POST', '/api/v1/clients', { name: secrets.name, bogus: secrets.note });
    await apiFor(app, '').req('GET', '/api/v1/invoices', undefined, {
      authorization: 'Bearer sb_forged_token_value',
      cookie: secrets.cookie,
    });
    const bad = await api.req('POST', '/api/v1/invoices', {
      clientId: client.id,
      lines: [{ description: 'x', quantity: '1', unitPrice: 1, taxRateId: '01900000-0000-7000-8000-000000000000' }],
    });
    expect(bad.statusCode).toBe(422);

    // One line per request, written when it is answered: its id, method, path, status and time.
    const requestLines = lines.filter((l) => l.req || l.res);
    expect(requestLines.length).toBeGreaterThanOrEqual(8);
    for (const l of requestLines) {
      expect(l.reqId, JSON.stringify(l)).toMatch(/^[0-9a-f-]{36}$/);
      expect(l.msg).toBe('request completed');
      expect((l.res as { statusCode?: number }).statusCode).toBeGreaterThanOrEqual(200);
      expect(l.responseTime).toEqual(expect.any(Number));
    }
    expect(new Set(requestLines.map((l) => l.reqId)).size).toBe(requestLines.length);
    // The id in the log is the one the client saw.
    expect(lines.some((l) => l.reqId === bad.headers['x-request-id'])).toBe(true);
    const incoming = requestLines.find((l) =>
      (l.req as { url?: string } | undefined)?.url?.startsWith('/api/v1/clients?'),
    );
    expect((incoming!.req as { url: string }).url).toBe('/api/v1/clients?[redacted]');

    for (const s of [...Object.values(secrets), api.token, 'sb_forged_token_value', 'Bearer', 'DE89 3704'])
      expect(raw()).not.toContain(s);
    for (const l of requestLines) {
      expect(l).not.toHaveProperty('body');
      expect(JSON.stringify(l.req ?? {})).not.toMatch(/headers|authorization|cookie/i);
    }
  });
});

// A flood answered with 429 must not become a flood of log lines (issue #14 item 4): refusals are
// counted per route and written as one summary line; every other answer still gets its line.
it('429 answers are summarized per route, not logged one by one', async () => {
  const { stream, lines } = captureLog();
  const app = Fastify({
    logger: { ...baseLoggerOptions('info'), stream },
    logController: new LogController({ disableRequestLogging: true }),
  });
  installRequestLog(app);
  app.post('/login', async (_req, reply) => reply.code(429).send({ busy: true }));
  app.get('/ok', async () => ({ ok: true }));
  for (let i = 0; i < 50; i++) expect((await app.inject({ method: 'POST', url: '/login' })).statusCode).toBe(429);
  expect((await app.inject({ method: 'GET', url: '/ok' })).statusCode).toBe(200);
  expect(
    lines.filter((l) => l.msg === 'request completed').map((l) => (l.res as { statusCode: number }).statusCode),
  ).toEqual([200]);
  await app.close();
  expect(lines.filter((l) => l.refused)).toEqual([
    expect.objectContaining({ level: 40, refused: { 'POST /login': 50 } }),
  ]);
});
