// Idempotency-Key on create, issue and payment (issue #2 §8): a retry with the same key and body
// replays the first answer and acts once; the same key with another body is refused (422); a
// concurrent duplicate gets 409 or the replay, never a second effect; a failed attempt frees its key.
// Crash between the work and the stored response (issue #7): the key's record commits in the
// work's own transaction, so a failure there undoes both: the key is never stuck "in progress" and
// the retry acts exactly once.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

describeEachDb('Idempotency-Key', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let clientId: string;
  const lines = [{ description: 'Audit', quantity: '1', unitPrice: 10_000 }];
  let n = 0;
  const key = () => `key-${dialect}-${++n}-${Date.now()}`;
  const withKey = (k: string) => ({ 'idempotency-key': k });

  const count = async (table: 'documents' | 'payments' | 'audit_events') =>
    Number(
      (
        await t.container.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('org_id', '=', api.orgId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const issuedDraft = async () => {
    const d = await api.ok('POST', '/api/v1/invoices', { clientId, lines });
    return (await api.ok('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true })).id as string;
  };

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app, 'Idem Ltd');
    clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Client' })).id;
  });
  afterAll(() => t?.close());

  describe('create', () => {
    it('replays the first response for the same key and body, creating nothing new', async () => {
      const k = key();
      const first = await api.req('POST', '/api/v1/invoices', { clientId, lines }, withKey(k));
      expect(first.statusCode).toBe(201);
      const before = await count('documents');
      const audit = await count('audit_events');
      const again = await api.req('POST', '/api/v1/invoices', { clientId, lines }, withKey(k));
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      expect(await count('documents')).toBe(before);
      expect(await count('audit_events')).toBe(audit);
    });

    it('refuses the same key with a different body, another route, or another token', async () => {
      const k = key();
      await api.ok('POST', '/api/v1/invoices', { clientId, lines }, 201, withKey(k));
      const before = await count('documents');
      expectProblem(
        await api.req('POST', '/api/v1/invoices', { clientId, lines, notes: 'changed' }, withKey(k)),
        422,
        'idempotency_mismatch',
      );
      expectProblem(
        await api.req('POST', '/api/v1/quotes', { clientId, lines }, withKey(k)),
        422,
        'idempotency_mismatch',
      );
      expect(await count('documents')).toBe(before);
    });

    it('lets exactly one of concurrent duplicates act', async () => {
      const k = key();
      const before = await count('documents');
      const results = await Promise.all(
        Array.from({ length: 5 }, () => api.req('POST', '/api/v1/invoices', { clientId, lines }, withKey(k))),
      );
      const statuses = results.map((r) => r.statusCode);
      expect(
        statuses.every((s) => s === 201 || s === 409),
        statuses.join(),
      ).toBe(true);
      const fresh = results.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined);
      expect(fresh).toHaveLength(1);
      for (const r of results.filter((x) => x.statusCode === 201)) expect(r.json().id).toBe(fresh[0]!.json().id);
      for (const r of results.filter((x) => x.statusCode === 409)) expectProblem(r, 409, 'conflict');
      expect(await count('documents')).toBe(before + 1);
    });

    it('releases the key when the first attempt fails', async () => {
      const k = key();
      const archived = (await api.ok('POST', '/api/v1/clients', { name: 'Gone' })).id;
      await api.ok('DELETE', `/api/v1/clients/${archived}`);
      const body = { clientId: archived, lines };
      expectProblem(await api.req('POST', '/api/v1/invoices', body, withKey(k)), 422, 'unprocessable');
      // The key is free again: the same key now works for a corrected request.
      const ok = await api.req('POST', '/api/v1/invoices', { clientId, lines }, withKey(k));
      expect(ok.statusCode).toBe(201);
      expect(ok.headers['idempotent-replayed']).toBeUndefined();
    });

    it('rejects malformed keys', async () => {
      expectProblem(
        await api.req('POST', '/api/v1/invoices', { clientId, lines }, withKey('x'.repeat(256))),
        400,
        'validation_failed',
      );
      expectProblem(
        await api.req('POST', '/api/v1/invoices', { clientId, lines }, withKey('spaces are not allowed')),
        400,
        'validation_failed',
      );
    });
  });

  describe('issue', () => {
    it('replays an issue instead of answering 409, and consumes one number', async () => {
      const d = await api.ok('POST', '/api/v1/invoices', { clientId, lines });
      const k = key();
      const first = await api.req(
        'POST',
        `/api/v1/invoices/${d.id}/issue`,
        { confirmWithoutPayoutDetails: true },
        withKey(k),
      );
      expect(first.statusCode).toBe(200);
      const again = await api.req(
        'POST',
        `/api/v1/invoices/${d.id}/issue`,
        { confirmWithoutPayoutDetails: true },
        withKey(k),
      );
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json().number).toBe(first.json().number);
      // Without the key, a second issue is a state conflict.
      expectProblem(
        await api.req('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true }),
        409,
        'conflict',
      );
    });

    it('lets one concurrent issue act', async () => {
      const d = await api.ok('POST', '/api/v1/invoices', { clientId, lines });
      const k = key();
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          api.req('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true }, withKey(k)),
        ),
      );
      expect(results.every((r) => r.statusCode === 200 || r.statusCode === 409)).toBe(true);
      expect(new Set(results.filter((r) => r.statusCode === 200).map((r) => r.json().number)).size).toBe(1);
    });

    it('frees the key after a failed issue, so the retry succeeds', async () => {
      const d = await api.ok('POST', '/api/v1/invoices', {
        clientId,
        lines,
        issueDate: '2026-05-10',
        dueDate: '2026-05-01',
      });
      const k = key();
      expectProblem(
        await api.req('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true }, withKey(k)),
        422,
        'unprocessable',
      );
      await api.ok('PATCH', `/api/v1/invoices/${d.id}`, { dueDate: '2026-06-10' });
      const retry = await api.req(
        'POST',
        `/api/v1/invoices/${d.id}/issue`,
        { confirmWithoutPayoutDetails: true },
        withKey(k),
      );
      expect(retry.statusCode, retry.body).toBe(200);
      expect(retry.json().status).toBe('issued');
    });
  });

  describe('payments', () => {
    it('records a retried payment once', async () => {
      const id = await issuedDraft();
      const k = key();
      const before = await count('payments');
      const first = await api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 4_000 }, withKey(k));
      const again = await api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 4_000 }, withKey(k));
      expect([first.statusCode, again.statusCode]).toEqual([201, 201]);
      expect(again.json()).toEqual(first.json());
      expect(await count('payments')).toBe(before + 1);
      const inv = await api.ok('GET', `/api/v1/invoices/${id}`);
      expect([inv.amountPaid, inv.status]).toEqual([4_000, 'partially_paid']);
      expectProblem(
        await api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 5_000 }, withKey(k)),
        422,
        'idempotency_mismatch',
      );
    });

    it('applies concurrent duplicate payments once', async () => {
      const id = await issuedDraft();
      const k = key();
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 2_500 }, withKey(k)),
        ),
      );
      expect(results.every((r) => r.statusCode === 201 || r.statusCode === 409)).toBe(true);
      expect((await api.ok('GET', `/api/v1/invoices/${id}/payments`)).items).toHaveLength(1);
      expect((await api.ok('GET', `/api/v1/invoices/${id}`)).amountPaid).toBe(2_500);
    });

    it('applies every one of concurrent distinct payments (no lost update)', async () => {
      const id = await issuedDraft();
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 1_000 }, withKey(key())),
        ),
      );
      expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
      const inv = await api.ok('GET', `/api/v1/invoices/${id}`);
      expect(inv.amountPaid).toBe(8_000);
      expect(inv.amountDue).toBe(2_000);
    });

    it('frees the key after a refused payment', async () => {
      const d = await api.ok('POST', '/api/v1/invoices', { clientId, lines });
      const k = key();
      expectProblem(
        await api.req('POST', `/api/v1/invoices/${d.id}/payments`, { amount: 100 }, withKey(k)),
        409,
        'conflict',
      );
      await api.ok('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true });
      expect((await api.req('POST', `/api/v1/invoices/${d.id}/payments`, { amount: 100 }, withKey(k))).statusCode).toBe(
        201,
      );
    });
  });

  describe('crash between the work and the stored response', () => {
    // Makes every write of a stored response fail, as a crash right after the work would.
    async function failResponseWrites<T>(fn: () => Promise<T>): Promise<T> {
      const db = t.container.db;
      if (dialect === 'sqlite') {
        await sql`CREATE TRIGGER idem_crash BEFORE UPDATE ON idempotency_keys BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`.execute(
          db,
        );
      } else {
        await sql`CREATE FUNCTION idem_crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$`.execute(
          db,
        );
        await sql`CREATE TRIGGER idem_crash BEFORE UPDATE ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION idem_crash()`.execute(
          db,
        );
      }
      try {
        return await fn();
      } finally {
        await sql`DROP TRIGGER idem_crash${dialect === 'postgres' ? sql` ON idempotency_keys` : sql``}`.execute(db);
        if (dialect === 'postgres') await sql`DROP FUNCTION idem_crash()`.execute(db);
      }
    }
    const keyRow = (k: string) =>
      t.container.db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('org_id', '=', api.orgId)
        .where('key', '=', k)
        .executeTakeFirst();

    it('undoes the payment with its key when the response cannot be stored; the retry books it once', async () => {
      const id = await issuedDraft();
      const k = key();
      const before = await count('payments');
      const crashed = await failResponseWrites(() =>
        api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 3_000 }, withKey(k)),
      );
      expectProblem(crashed, 500);
      // Nothing committed: no payment, no balance change, and no reservation left "in progress".
      expect(await count('payments')).toBe(before);
      expect((await api.ok('GET', `/api/v1/invoices/${id}`)).amountPaid).toBe(0);
      expect(await keyRow(k)).toBeUndefined();

      const retry = await api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 3_000 }, withKey(k));
      expect(retry.statusCode, retry.body).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
      const again = await api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 3_000 }, withKey(k));
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(retry.json());
      expect(await count('payments')).toBe(before + 1);
      expect((await api.ok('GET', `/api/v1/invoices/${id}`)).amountPaid).toBe(3_000);
    });

    it('undoes an issue with its key, so the retry draws one number', async () => {
      const d = await api.ok('POST', '/api/v1/invoices', { clientId, lines });
      const k = key();
      expectProblem(
        await failResponseWrites(() =>
          api.req('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true }, withKey(k)),
        ),
        500,
      );
      expect((await api.ok('GET', `/api/v1/invoices/${d.id}`)).status).toBe('draft');
      const retry = await api.req(
        'POST',
        `/api/v1/invoices/${d.id}/issue`,
        { confirmWithoutPayoutDetails: true },
        withKey(k),
      );
      expect(retry.statusCode, retry.body).toBe(200);
      const next = await api.ok(
        'POST',
        `/api/v1/invoices/${(await api.ok('POST', '/api/v1/invoices', { clientId, lines })).id}/issue`,
        { confirmWithoutPayoutDetails: true },
      );
      const seq = (n: string) => Number(n.split('-').pop());
      expect(seq(next.number)).toBe(seq(retry.json().number) + 1);
    });

    it('never re-runs a response-less record left by an interrupted earlier version, however old', async () => {
      const id = await issuedDraft();
      const k = key();
      await api.ok('POST', `/api/v1/invoices/${id}/payments`, { amount: 1_500 }, 201, withKey(k));
      // The state the earlier design could leave behind: the work committed, the response never stored.
      await t.container.db
        .updateTable('idempotency_keys')
        .set({ status_code: null, response_body: null, created_at: '2020-01-01T00:00:00.000Z' })
        .where('org_id', '=', api.orgId)
        .where('key', '=', k)
        .execute();
      const before = await count('payments');
      const res = await api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 1_500 }, withKey(k));
      expect(expectProblem(res, 409, 'conflict').detail).toMatch(/outcome is unknown.*new key/);
      expect(await count('payments')).toBe(before);
      expect((await api.ok('GET', `/api/v1/invoices/${id}`)).amountPaid).toBe(1_500);
    });
  });
});
