// Idempotency-Key on create, issue and payment (issue #2 §8): a retry with the same key and body
// replays the first answer and acts once; the same key with another body is refused (422); a
// concurrent duplicate gets 409 or the replay, never a second effect; a failed attempt frees its key.
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
    Number((await t.container.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('org_id', '=', api.orgId).executeTakeFirstOrThrow()).n);
  const issuedDraft = async () => {
    const d = await api.ok('POST', '/api/v1/invoices', { clientId, lines });
    return (await api.ok('POST', `/api/v1/invoices/${d.id}/issue`)).id as string;
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
      expectProblem(await api.req('POST', '/api/v1/invoices', { clientId, lines, notes: 'changed' }, withKey(k)), 422, 'idempotency_mismatch');
      expectProblem(await api.req('POST', '/api/v1/quotes', { clientId, lines }, withKey(k)), 422, 'idempotency_mismatch');
      expect(await count('documents')).toBe(before);
    });

    it('lets exactly one of concurrent duplicates act', async () => {
      const k = key();
      const before = await count('documents');
      const results = await Promise.all(Array.from({ length: 5 }, () => api.req('POST', '/api/v1/invoices', { clientId, lines }, withKey(k))));
      const statuses = results.map((r) => r.statusCode);
      expect(statuses.every((s) => s === 201 || s === 409), statuses.join()).toBe(true);
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
      expectProblem(await api.req('POST', '/api/v1/invoices', { clientId, lines }, withKey('x'.repeat(256))), 400, 'validation_failed');
      expectProblem(await api.req('POST', '/api/v1/invoices', { clientId, lines }, withKey('spaces are not allowed')), 400, 'validation_failed');
    });
  });

  describe('issue', () => {
    it('replays an issue instead of answering 409, and consumes one number', async () => {
      const d = await api.ok('POST', '/api/v1/invoices', { clientId, lines });
      const k = key();
      const first = await api.req('POST', `/api/v1/invoices/${d.id}/issue`, undefined, withKey(k));
      expect(first.statusCode).toBe(200);
      const again = await api.req('POST', `/api/v1/invoices/${d.id}/issue`, undefined, withKey(k));
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json().number).toBe(first.json().number);
      // Without the key, a second issue is a state conflict.
      expectProblem(await api.req('POST', `/api/v1/invoices/${d.id}/issue`), 409, 'conflict');
    });

    it('lets one concurrent issue act', async () => {
      const d = await api.ok('POST', '/api/v1/invoices', { clientId, lines });
      const k = key();
      const results = await Promise.all(Array.from({ length: 4 }, () => api.req('POST', `/api/v1/invoices/${d.id}/issue`, undefined, withKey(k))));
      expect(results.every((r) => r.statusCode === 200 || r.statusCode === 409)).toBe(true);
      expect(new Set(results.filter((r) => r.statusCode === 200).map((r) => r.json().number)).size).toBe(1);
    });

    it('frees the key after a failed issue, so the retry succeeds', async () => {
      const d = await api.ok('POST', '/api/v1/invoices', { clientId, lines, issueDate: '2026-05-10', dueDate: '2026-05-01' });
      const k = key();
      expectProblem(await api.req('POST', `/api/v1/invoices/${d.id}/issue`, undefined, withKey(k)), 422, 'unprocessable');
      await api.ok('PATCH', `/api/v1/invoices/${d.id}`, { dueDate: '2026-06-10' });
      const retry = await api.req('POST', `/api/v1/invoices/${d.id}/issue`, undefined, withKey(k));
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
      expectProblem(await api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 5_000 }, withKey(k)), 422, 'idempotency_mismatch');
    });

    it('applies concurrent duplicate payments once', async () => {
      const id = await issuedDraft();
      const k = key();
      const results = await Promise.all(Array.from({ length: 4 }, () => api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 2_500 }, withKey(k))));
      expect(results.every((r) => r.statusCode === 201 || r.statusCode === 409)).toBe(true);
      expect((await api.ok('GET', `/api/v1/invoices/${id}/payments`)).items).toHaveLength(1);
      expect((await api.ok('GET', `/api/v1/invoices/${id}`)).amountPaid).toBe(2_500);
    });

    it('applies every one of concurrent distinct payments (no lost update)', async () => {
      const id = await issuedDraft();
      const results = await Promise.all(Array.from({ length: 8 }, () => api.req('POST', `/api/v1/invoices/${id}/payments`, { amount: 1_000 }, withKey(key()))));
      expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
      const inv = await api.ok('GET', `/api/v1/invoices/${id}`);
      expect(inv.amountPaid).toBe(8_000);
      expect(inv.amountDue).toBe(2_000);
    });

    it('frees the key after a refused payment', async () => {
      const d = await api.ok('POST', '/api/v1/invoices', { clientId, lines });
      const k = key();
      expectProblem(await api.req('POST', `/api/v1/invoices/${d.id}/payments`, { amount: 100 }, withKey(k)), 409, 'conflict');
      await api.ok('POST', `/api/v1/invoices/${d.id}/issue`);
      expect((await api.req('POST', `/api/v1/invoices/${d.id}/payments`, { amount: 100 }, withKey(k))).statusCode).toBe(201);
    });
  });
});
