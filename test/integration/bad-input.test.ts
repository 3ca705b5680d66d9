// Bad input (issue #2 §12, SECURITY-BAR "Robustness"): malformed, oversized, mistyped, hostile or
// random requests get 400/404/409/413/415/422 problem+json, never a 5xx, a crash or a partial write.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROUTE_ACCESS } from '../../src/modules/identity/route-access.ts';
import { createClientService } from '../../src/modules/clients/client.service.ts';
import { apiFor, expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

const BODY_LIMIT = 16 * 1024;

describeEachDb('bad input', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;
  const ids: Record<string, string> = {};
  const line = { description: 'Work', quantity: '1', unitPrice: 1000 };

  const count = async (table: 'documents' | 'audit_events' | 'clients' | 'client_contacts', orgId = api.orgId) =>
    Number(
      (
        await t.container.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('org_id', '=', orgId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await createTestInstance(dialect, { env: { SEALBILL_BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
    api = await setupOrg(t.app, 'Robust GmbH');
    other = await setupOrg(t.app, 'Other Org');
    ids.client = (
      await api.ok('POST', '/api/v1/clients', { name: 'Client', contacts: [{ name: 'C', email: 'c@client.test' }] })
    ).id;
    ids.contact = (await api.ok('GET', `/api/v1/clients/${ids.client}`)).contacts[0].id;
    ids.taxRate = (await api.ok('POST', '/api/v1/tax-rates', { name: 'VAT', rateBp: 1900 })).id;
    ids.item = (await api.ok('POST', '/api/v1/items', { name: 'Hour', unitPrice: 9000, currency: 'EUR' })).id;
    ids.draft = (await api.ok('POST', '/api/v1/invoices', { clientId: ids.client, lines: [line] })).id;
    ids.invoice = (
      await api.ok(
        'POST',
        `/api/v1/invoices/${(await api.ok('POST', '/api/v1/invoices', { clientId: ids.client, lines: [line] })).id}/issue`,
        { confirmWithoutPayoutDetails: true },
      )
    ).id;
    ids.quote = (await api.ok('POST', '/api/v1/quotes', { clientId: ids.client, lines: [line] })).id;
    ids.creditNote = (
      await api.ok('POST', '/api/v1/credit-notes', {
        clientId: ids.client,
        relatedDocumentId: ids.invoice,
        lines: [line],
      })
    ).id;
    ids.schedule = (
      await api.ok('POST', '/api/v1/recurring-schedules', {
        clientId: ids.client,
        lines: [line],
        frequency: 'monthly',
        startOn: '2030-01-01',
      })
    ).id;
    const otherClient = (await other.ok('POST', '/api/v1/clients', { name: 'Theirs' })).id;
    ids.otherClient = otherClient;
    ids.otherInvoice = (
      await other.ok(
        'POST',
        `/api/v1/invoices/${(await other.ok('POST', '/api/v1/invoices', { clientId: otherClient, lines: [line] })).id}/issue`,
        { confirmWithoutPayoutDetails: true },
      )
    ).id;
  });
  afterAll(() => t?.close());

  it('rejects unknown fields with field-level RFC 9457 problems', async () => {
    const p = expectProblem(
      await api.req('POST', '/api/v1/clients', { name: 'X', orgId: other.orgId, role: 'owner' }),
      400,
      'validation_failed',
    );
    expect(p).toMatchObject({
      type: expect.stringMatching(/^https:\/\//),
      title: 'Bad Request',
      status: 400,
      detail: expect.any(String),
    });
    expect(p.errors.length).toBeGreaterThan(0);
    expect(p.errors[0].path).toMatch(/^\/body/);
    expect(JSON.stringify(p.errors)).toMatch(/orgId/);
    const nested = expectProblem(
      await api.req('POST', '/api/v1/invoices', { clientId: ids.client, lines: [{ ...line, orgId: 'x' }] }),
      400,
    );
    expect(nested.errors[0].path).toMatch(/^\/body\/lines\/0/);
  });

  it('rejects wrong types, invalid JSON, wrong content types and prototype pollution', async () => {
    const typed = expectProblem(
      await api.req('POST', '/api/v1/invoices', { clientId: ids.client, lines: [{ ...line, unitPrice: '1000' }] }),
      400,
    );
    expect(typed.errors.map((e: { path: string }) => e.path)).toContain('/body/lines/0/unitPrice');
    expectProblem(
      await api.req('POST', '/api/v1/invoices', { clientId: ids.client, lines: [{ ...line, unitPrice: 10.5 }] }),
      400,
    );
    expectProblem(
      await api.req('POST', '/api/v1/invoices', { clientId: ids.client, lines: [{ ...line, quantity: 1e400 }] }),
      400,
    );
    expectProblem(await api.req('POST', '/api/v1/invoices', [1, 2]), 400);
    expectProblem(
      await api.req('POST', '/api/v1/clients', '{"name": "x",', { 'content-type': 'application/json' }),
      400,
    );
    expectProblem(await api.req('POST', '/api/v1/clients', '', { 'content-type': 'application/json' }), 400);
    const plain = await api.req('POST', '/api/v1/clients', 'name=x', { 'content-type': 'text/plain' });
    expect([400, 415]).toContain(plain.statusCode);
    expectProblem(plain, plain.statusCode);
    expectProblem(await api.req('POST', '/api/v1/clients', '<client/>', { 'content-type': 'application/xml' }), 415);
    expectProblem(
      await api.req('POST', '/api/v1/clients', '{"name":"x","__proto__":{"admin":true}}', {
        'content-type': 'application/json',
      }),
      400,
    );
    expectProblem(
      await api.req('POST', '/api/v1/clients', '{"name":"x","constructor":{"prototype":{"admin":true}}}', {
        'content-type': 'application/json',
      }),
      400,
    );
    expectProblem(await api.req('GET', '/api/v1/invoices?limit=abc'), 400);
    expectProblem(await api.req('GET', '/api/v1/invoices?limit=1&limit=2'), 400);
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    expect((await api.req('POST', '/api/v1/clients', deep, { 'content-type': 'application/json' })).statusCode).toBe(
      400,
    );
  });

  it('answers 413 for a body over SEALBILL_BODY_LIMIT_BYTES', async () => {
    const big = { name: 'x', notes: 'a'.repeat(BODY_LIMIT + 10) };
    const p = expectProblem(await api.req('POST', '/api/v1/clients', big), 413, 'payload_too_large');
    expect(p.title).toBe('Content Too Large');
    expect(await count('clients')).toBe(1);
  });

  it('answers 400 for malformed ids and 404 for other tenants’ ids', async () => {
    for (const bad of ['123', 'not-a-uuid', `${ids.invoice}x`, '..%2F..%2Fetc%2Fpasswd', '%00', "1' OR '1'='1"]) {
      expectProblem(await api.req('GET', `/api/v1/invoices/${bad}`), 400, 'validation_failed');
    }
    const theirs = ids.otherInvoice;
    expectProblem(await api.req('GET', `/api/v1/invoices/${theirs}`), 404, 'not_found');
    expectProblem(await api.req('GET', `/api/v1/invoices/${theirs}/pdf`), 404, 'not_found');
    expectProblem(await api.req('PATCH', `/api/v1/invoices/${theirs}`, { notes: 'x' }), 404, 'not_found');
    expectProblem(await api.req('POST', `/api/v1/invoices/${theirs}/payments`, { amount: 1 }), 404, 'not_found');
    expectProblem(await api.req('POST', `/api/v1/invoices/${theirs}/void`, {}), 404, 'not_found');
    expectProblem(await api.req('GET', `/api/v1/clients/${ids.otherClient}`), 404, 'not_found');
    // Referencing another tenant's client in a body is a business-rule failure, not a leak.
    expectProblem(
      await api.req('POST', '/api/v1/invoices', { clientId: ids.otherClient, lines: [line] }),
      422,
      'unprocessable',
    );
    const list = await api.ok('GET', `/api/v1/invoices?clientId=${ids.otherClient}`);
    expect(list.items).toEqual([]);
  });

  it('answers 409 when editing an issued invoice', async () => {
    expectProblem(await api.req('PATCH', `/api/v1/invoices/${ids.invoice}`, { notes: 'changed' }), 409, 'conflict');
    expectProblem(await api.req('DELETE', `/api/v1/invoices/${ids.invoice}`), 409, 'conflict');
  });

  it('leaves nothing behind when a multi-row write fails', async () => {
    const docs = await count('documents');
    const audit = await count('audit_events');
    const p = expectProblem(
      await api.req('POST', '/api/v1/invoices', {
        clientId: ids.client,
        lines: [
          line,
          { ...line, taxRateId: ids.taxRate },
          { ...line, taxRateId: '01900000-0000-7000-8000-000000000000' },
        ],
      }),
      422,
      'unprocessable',
    );
    expect(p.errors).toEqual([{ path: '/body/lines/2/taxRateId', message: 'no such tax rate' }]);
    expect([await count('documents'), await count('audit_events')]).toEqual([docs, audit]);

    // A failure after the client and its first contacts were written rolls all of them back.
    const { db, keyring, clock, services } = t.container;
    const failingAudit = { ...services.audit, appendInTx: async () => Promise.reject(new Error('audit store down')) };
    const clients = createClientService({ db, keyring, clock, orgs: services.orgs, audit: failingAudit });
    const before = [await count('clients'), await count('client_contacts'), await count('audit_events')];
    await expect(
      clients.create(
        api.orgId,
        {
          name: 'Half',
          contacts: [
            { name: 'A', email: 'a@half.test' },
            { name: 'B', email: 'b@half.test' },
          ],
        },
        { type: 'system', id: 'test' },
      ),
    ).rejects.toThrow('audit store down');
    expect([await count('clients'), await count('client_contacts'), await count('audit_events')]).toEqual(before);
  });

  it('stores RTL, emoji and combining text intact, and refuses control characters', async () => {
    const name = 'شركة الأمل 🚀 ‏עברית‎ e\u0301 👩🏽‍💻';
    const c = await api.ok('POST', '/api/v1/clients', { name, addressLines: ['‮txt.exe', '東京都'] });
    expect((await api.ok('GET', `/api/v1/clients/${c.id}`)).name).toBe(name);
    const d = await api.ok('POST', '/api/v1/invoices', {
      clientId: c.id,
      lines: [{ ...line, description: `${name} \t tab\nnewline` }],
    });
    const issued = await api.req('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true });
    expect(issued.statusCode, issued.body).toBe(200);

    const clients = await count('clients');
    for (const [url, body, path] of [
      ['/api/v1/clients', { name: 'Nul\u0000Byte' }, '/body/name'],
      ['/api/v1/clients', { name: 'Bell\u0007' }, '/body/name'],
      ['/api/v1/clients', { name: 'ok', addressLines: ['C1 \u0085 control'] }, '/body/addressLines/0'],
      ['/api/v1/clients', { name: 'Lone \ud800 surrogate' }, '/body/name'],
      ['/api/v1/tax-rates', { name: 'VAT\u0000', rateBp: 100 }, '/body/name'],
      ['/api/v1/items', { name: 'x\u0000', unitPrice: 1, currency: 'EUR' }, '/body/name'],
      [
        '/api/v1/invoices',
        { clientId: ids.client, lines: [{ ...line, description: 'a\u0000b' }] },
        '/body/lines/0/description',
      ],
    ] as const) {
      const p = expectProblem(await api.req('POST', url, body), 400, 'validation_failed');
      expect(p.errors).toContainEqual({ path, message: expect.stringMatching(/control character|unicode/i) });
    }
    expectProblem(await api.req('PATCH', '/api/v1/org', { name: 'Org\u0000' }), 400, 'validation_failed');
    expectProblem(await api.req('GET', '/api/v1/invoices?number=INV%00'), 400, 'validation_failed');
    expect(await count('clients')).toBe(clients);
  });

  it('keeps path traversal out of ids and file names', async () => {
    for (const url of [
      '/api/v1/invoices/../../../etc/passwd',
      '/api/v1/invoices/%2e%2e%2f%2e%2e%2fetc%2fpasswd/pdf',
      '/api/v1/docs/static/..%2f..%2f..%2fpackage.json',
      '/api/v1/docs/..%2f..%2f.env',
    ]) {
      const res = await api.req('GET', url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.body).not.toMatch(/"dependencies"|root:x:0|SEALBILL_/);
    }
    // A numbering pattern with separators still yields a plain download file name.
    await api.ok('PATCH', '/api/v1/org', {
      numbering: { invoice: '../{YYYY}/{SEQ:3}', quote: 'Q-{SEQ}', credit_note: 'CN-{SEQ}' },
    });
    const d = await api.ok('POST', '/api/v1/invoices', { clientId: ids.client, lines: [line] });
    const issued = await api.ok('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true });
    expect(issued.number).toMatch(/^\.\.\/\d{4}\/\d{3}$/);
    const pdf = await api.req('GET', `/api/v1/invoices/${d.id}/pdf`);
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="[\w.-]+\.pdf"$/);
    expect(pdf.headers['content-disposition']).not.toContain('/');
    await api.ok('PATCH', '/api/v1/org', {
      numbering: { invoice: 'INV-{YYYY}-{SEQ:5}', quote: 'QUO-{YYYY}-{SEQ:5}', credit_note: 'CN-{YYYY}-{SEQ:5}' },
    });
  });

  it('never answers 5xx to random JSON on any POST/PATCH/PUT route', async () => {
    const routes = Object.entries(ROUTE_ACCESS)
      .filter(([key, access]) => /^(POST|PATCH|PUT) /.test(key) && access.kind !== 'portal')
      .map(([key]) => key.split(' ') as [string, string]);
    expect(routes.length).toBeGreaterThan(20);
    const idFor = (url: string, param: string): string => {
      if (param === 'contactId') return ids.contact!;
      const table: Array<[RegExp, string]> = [
        [/\/invoices\//, 'draft'],
        [/\/quotes\//, 'quote'],
        [/\/credit-notes\//, 'creditNote'],
        [/\/clients\//, 'client'],
        [/\/tax-rates\//, 'taxRate'],
        [/\/items\//, 'item'],
        [/\/recurring-schedules\//, 'schedule'],
      ];
      const hit = table.find(([re]) => re.test(url));
      return hit ? ids[hit[1]]! : '01900000-0000-7000-8000-00000000dead';
    };
    const concrete = (url: string) => url.replace(/:(\w+)/g, (_m, p: string) => idFor(url, p)).replace(/\*$/, 'x');
    const seeds: Record<string, unknown> = {
      '/api/v1/clients': { name: 'Seed', contacts: [{ name: 'S', email: 's@seed.test' }] },
      '/api/v1/invoices': { clientId: ids.client, lines: [line] },
      '/api/v1/invoices/:id/payments': { amount: 100 },
      '/api/v1/items': { name: 'I', unitPrice: 1, currency: 'EUR' },
      '/api/v1/recurring-schedules': {
        clientId: ids.client,
        lines: [line],
        frequency: 'weekly',
        startOn: '2031-01-01',
      },
    };
    const jsonish = fc.jsonValue({ maxDepth: 3 });
    const mutated = (seed: unknown) =>
      fc
        .tuple(
          fc.constantFrom(...Object.keys(seed as object)),
          fc.oneof(
            jsonish,
            fc.string({ unit: 'binary', maxLength: 40 }),
            fc.constantFrom(-1, 0, 2 ** 53, 1e308, '', null),
          ),
        )
        .map(([k, v]) => ({ ...(seed as object), [k]: v }));
    const request = fc.integer({ min: 0, max: routes.length - 1 }).chain((i) => {
      const [method, url] = routes[i]!;
      const seed = seeds[url];
      return fc.tuple(fc.constant(method), fc.constant(url), seed ? fc.oneof(jsonish, mutated(seed)) : jsonish);
    });
    await fc.assert(
      fc.asyncProperty(request, async ([method, url, body]) => {
        const res = await api.req(method, concrete(url), body === undefined ? null : body, {
          'content-type': 'application/json',
        });
        if (res.statusCode >= 500)
          throw new Error(`${method} ${url} → ${res.statusCode} ${res.body} for ${JSON.stringify(body).slice(0, 300)}`);
      }),
      { numRuns: 300, seed: 20260101 },
    );
    expect((await apiFor(t.app, api.token).ok('POST', '/api/v1/audit-events/verify')).ok).toBe(true);
  });
});
