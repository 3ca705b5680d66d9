// Attack: hand-crafted pagination cursors. A cursor is base64url JSON that the server decodes and
// compares against a typed column; on PostgreSQL a string where a bigint is expected (or a number
// past its range) failed in the database and answered 500. Each cursor must be checked against
// the type of the sort it continues, and anything else answered 400 problem+json, on both DBs.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const ID = '01900000-0000-7000-8000-000000000000';

const CRAFTED: [string, string][] = [
  ['not base64 JSON', 'garbage'],
  ['bad base64 characters', '%%%%'],
  ['JSON that is not an object', b64([1, 2])],
  ['no id', b64({ v: 1 })],
  ['id of the wrong type', b64({ v: 1, id: 42 })],
  ['id that is not an id', b64({ v: 1, id: "x' OR 1=1 --" })],
  ['extra fields', b64({ v: 1, id: ID, admin: true })],
  ['string where an amount is expected', b64({ v: 'abc', id: ID })],
  ['huge number', b64({ v: 1e300, id: ID })],
  ['number past the safe range', b64({ v: 2 ** 63, id: ID })],
  ['fractional amount', b64({ v: 1.5, id: ID })],
  ['object value', b64({ v: { $gt: 0 }, id: ID })],
  ['raw huge number text', b64(`{"v":${'9'.repeat(300)},"id":"${ID}"}`)],
];

describeEachDb('crafted pagination cursors', (dialect) => {
  let t: TestInstance;
  let api: Api;

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app);
    const client = await api.ok('POST', '/api/v1/clients', { name: 'Cursor Ltd', email: 'c@cursor.test' });
    for (const price of [100, 200, 300])
      await api.ok(
        'POST',
        '/api/v1/invoices',
        { clientId: client.id, lines: [{ description: 'x', quantity: '1', unitPrice: price }] },
        201,
      );
  });
  afterAll(() => t.close());

  it('a cursor sorted by total: every crafted cursor is 400, a real one pages on', async () => {
    for (const [what, cursor] of CRAFTED) {
      const body = expectProblem(
        await api.req('GET', `/api/v1/invoices?sort=-total&cursor=${encodeURIComponent(cursor)}`),
        400,
        'validation_failed',
      );
      expect(body.errors, what).toEqual([{ path: '/query/cursor', message: expect.any(String) }]);
    }
    const page1 = await api.ok('GET', '/api/v1/invoices?sort=-total&limit=2');
    expect((await api.ok('GET', `/api/v1/invoices?sort=-total&limit=2&cursor=${page1.nextCursor}`)).items).toHaveLength(
      1,
    );
  });

  it('a cursor sorted by date: wrong date strings and numbers are 400', async () => {
    for (const v of ['2026-13-45', 'yesterday', '2026-01-01T00:00:00Z', 20260101, "2026-01-01' --"]) {
      expectProblem(
        await api.req('GET', `/api/v1/invoices?sort=issue_date&cursor=${b64({ v, id: ID })}`),
        400,
        'validation_failed',
      );
    }
    expect(
      (await api.ok('GET', `/api/v1/invoices?sort=due_date&cursor=${b64({ v: '2026-02-28', id: ID })}`)).items,
    ).toBeDefined();
    expect(
      (await api.ok('GET', `/api/v1/invoices?sort=issue_date&cursor=${b64({ v: '', id: ID })}`)).items,
    ).toBeDefined();
  });

  it('a cursor of another sort, and crafted cursors on the other lists, are 400', async () => {
    const byTotal = (await api.ok('GET', '/api/v1/invoices?sort=-total&limit=1')).nextCursor;
    expectProblem(await api.req('GET', `/api/v1/invoices?sort=number&cursor=${byTotal}`), 400, 'validation_failed');
    expectProblem(
      await api.req('GET', `/api/v1/invoices?sort=-created&cursor=${b64({ v: 'x', id: ID })}`),
      400,
      'validation_failed',
    );
    for (const url of ['/api/v1/clients', '/api/v1/items', '/api/v1/quotes']) {
      for (const [what, cursor] of CRAFTED) {
        const res = await api.req('GET', `${url}?cursor=${encodeURIComponent(cursor)}`);
        expect(res.statusCode, `${url} ${what}: ${res.body}`).toBe(400);
        expectProblem(res, 400, 'validation_failed');
      }
    }
  });
});
