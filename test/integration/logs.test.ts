// Logs (issue #2 §13, SECURITY-BAR "Logs never contain…"): every request line carries its request
// id; no body, token, cookie, query-string secret or personal data reaches the log.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/main/app.ts';
import { baseLoggerOptions } from '../../src/platform/logger.ts';
import { apiFor, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import type { FastifyInstance } from 'fastify';

describeEachDb('request logs', (dialect) => {
  let t: TestInstance;
  let app: FastifyInstance;
  let api: Api;
  const lines: Array<Record<string, unknown>> = [];
  let raw = '';

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        raw += chunk.toString();
        for (const l of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
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

    const requestLines = lines.filter((l) => l.req || l.res);
    expect(requestLines.length).toBeGreaterThanOrEqual(16);
    for (const l of requestLines) expect(l.reqId, JSON.stringify(l)).toMatch(/^[0-9a-f-]{36}$/);
    // The id in the log is the one the client saw.
    expect(lines.some((l) => l.reqId === bad.headers['x-request-id'])).toBe(true);
    const incoming = requestLines.find((l) =>
      (l.req as { url?: string } | undefined)?.url?.startsWith('/api/v1/clients?'),
    );
    expect((incoming!.req as { url: string }).url).toBe('/api/v1/clients?[redacted]');

    for (const s of [...Object.values(secrets), api.token, 'sb_forged_token_value', 'Bearer', 'DE89 3704'])
      expect(raw).not.toContain(s);
    for (const l of requestLines) {
      expect(l).not.toHaveProperty('body');
      expect(JSON.stringify(l.req ?? {})).not.toMatch(/headers|authorization|cookie/i);
    }
  });
});
