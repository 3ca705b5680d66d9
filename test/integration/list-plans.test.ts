// Lists independent of organization size (issue #13, item 1): every sort the document lists offer,
// ascending and descending, first page and next page, is answered by walking an index in order —
// never by sorting the organization's documents. Checked on the database's own query plan, so a
// change to the query (an OR-form keyset, a different ORDER BY expression) or to the indexes fails here.
import { sql, type Compilable } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clientListQuery } from '../../src/modules/clients/client.repo.ts';
import { documentCountQuery, documentListQuery, type SortKey } from '../../src/modules/documents/document.repo.ts';
import {
  paymentCountQuery,
  paymentListQuery,
  refundedQuery,
  type PaymentListFilter,
  type PaymentSortKey,
} from '../../src/modules/payments/payment-list.repo.ts';
import {
  agingByClient,
  billedByMonth,
  collectedByMonth,
  receivables,
  revenueByClient,
} from '../../src/modules/reports/reports.repo.ts';
import { COUNT_CAP } from '../../src/platform/http/pagination.ts';
import { searchFilter } from '../../src/platform/search/search-index.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

const SORTS: SortKey[] = ['created', 'issue_date', 'due_date', 'number', 'total', 'outstanding', 'status', 'client'];
const CURSOR = { id: '01900000-0000-7000-8000-000000000000' };
const cursorValue = (sort: SortKey) =>
  sort === 'total' || sort === 'outstanding'
    ? 100
    : sort === 'created' || sort === 'client'
      ? CURSOR.id
      : sort === 'status'
        ? 'issued'
        : '2026-01-01';

describeEachDb('document list query plans', (dialect) => {
  let t: TestInstance;
  let api: Api;

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app);
    const client = await api.ok('POST', '/api/v1/clients', { name: 'Plan Ltd', email: 'p@plan.test' });
    for (const price of [100, 200, 300])
      await api.ok(
        'POST',
        '/api/v1/invoices',
        { clientId: client.id, lines: [{ description: 'x', quantity: '1', unitPrice: price }] },
        201,
      );
  });
  afterAll(() => t.close());

  async function plan(sort: SortKey, desc: boolean, withCursor: boolean, statuses?: string[]): Promise<string> {
    return explain(
      documentListQuery(t.container.db, {
        orgId: api.orgId,
        kind: 'invoice',
        sort,
        desc,
        cursor: withCursor ? { v: cursorValue(sort), id: CURSOR.id } : null,
        limit: 51,
        ...(statuses && { statuses }),
      }),
    );
  }

  /** The plan of `query`; on PostgreSQL `indexOnly` also forbids scans that read the table's rows. */
  async function explain(query: Compilable, indexOnly = false): Promise<string> {
    const q = query.compile();
    if (dialect === 'sqlite') {
      const { rows } = await t.container.db.executeQuery<{ detail: string }>({
        ...q,
        sql: `explain query plan ${q.sql}`,
      });
      return rows.map((r) => r.detail).join('\n');
    }
    // A near-empty table makes a sequential scan cheapest; forbid it so the plan shows whether an
    // index can answer the ORDER BY at all (what matters at 100,000 rows).
    // With indexOnly, the table is vacuumed first: an index-only scan is then cheaper than any
    // scan that reads rows, so the planner takes it wherever an index covers the query.
    const off = indexOnly ? ['enable_seqscan', 'enable_bitmapscan'] : ['enable_seqscan'];
    return t.container.db.connection().execute(async (conn) => {
      if (indexOnly) await sql`vacuum analyze documents, payments`.execute(conn);
      for (const setting of off) await sql`set ${sql.raw(setting)} = off`.execute(conn);
      try {
        const { rows } = await conn.executeQuery<{ 'QUERY PLAN': string }>({ ...q, sql: `explain ${q.sql}` });
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        for (const setting of off) await sql`set ${sql.raw(setting)} = on`.execute(conn);
      }
    });
  }

  for (const sort of SORTS) {
    for (const desc of [false, true]) {
      it(`sort ${desc ? '-' : ''}${sort}: first and next page walk documents_by_${sort} without a sort step`, async () => {
        for (const withCursor of [false, true]) {
          const p = await plan(sort, desc, withCursor, withCursor ? ['issued', 'sent', 'partially_paid'] : undefined);
          expect(p, p).toContain(`documents_by_${sort}`);
          if (dialect === 'sqlite') expect(p, p).not.toMatch(/TEMP B-TREE/);
          else expect(p, p).not.toMatch(/^\s*(->\s*)?(Incremental )?Sort\b/m);
        }
      });
    }
  }

  // The dashboard under 50 ms at 100k (migration 0030): its aggregates read index entries only,
  // never the documents' rows with their encrypted bodies.
  it('the dashboard and aging aggregates are answered from covering indexes alone', async () => {
    const db = t.container.db;
    const queries = {
      documents_open: [receivables(db, api.orgId, '2026-06-01'), agingByClient(db, api.orgId, ['a', 'b', 'c', 'd'])],
      documents_by_issue_date: [
        billedByMonth(db, api.orgId, '2025-07-01'),
        revenueByClient(db, api.orgId, '2025-07-01', '2026-06-30'),
      ],
    };
    for (const [index, list] of Object.entries(queries))
      for (const q of list) {
        const p = await explain(q, true);
        if (dialect === 'sqlite') expect(p, p).toContain(`USING COVERING INDEX ${index}`);
        else expect(p, p).toMatch(new RegExp(`Index Only Scan using ${index}`));
      }
  });

  const noSortStep = (p: string) => {
    if (dialect === 'sqlite') expect(p, p).not.toMatch(/TEMP B-TREE/);
    else expect(p, p).not.toMatch(/^\s*(->\s*)?(Incremental )?Sort\b/m);
  };

  for (const ascending of [false, true]) {
    it(`clients ${ascending ? 'oldest' : 'newest'} first: first and next page walk clients_by_created without a sort step`, async () => {
      for (const afterId of [null, CURSOR.id]) {
        const p = await explain(
          clientListQuery(t.container.db, {
            orgId: api.orgId,
            afterId,
            limit: 51,
            includeArchived: false,
            ascending,
          }),
        );
        expect(p, p).toContain('clients_by_created');
        noSortStep(p);
      }
    });
  }

  it("the capped count reads an index of the organization's documents, never the whole table", async () => {
    for (const statuses of [undefined, ['issued', 'sent']]) {
      const p = await explain(
        documentCountQuery(
          t.container.db,
          { orgId: api.orgId, kind: 'invoice', ...(statuses && { statuses }) },
          COUNT_CAP,
        ),
      );
      expect(p, p).toMatch(/documents_/);
      expect(p, p).toMatch(dialect === 'sqlite' ? /LIMIT|SCAN m|CO-ROUTINE/ : /Limit/);
      noSortStep(p);
    }
  });

  it("a search newest or oldest first walks its rarest term's index entries in row order, without a sort step", async () => {
    const crypto = await t.container.keyring.forOrg(t.container.db, api.orgId);
    const search = await searchFilter(t.container.db, crypto, api.orgId, 'document', 'plan x', 'documents.id');
    expect(search?.kind).toBe('ids');
    for (const desc of [false, true])
      for (const cursor of [null, { v: CURSOR.id, id: CURSOR.id }]) {
        const p = await explain(
          documentListQuery(t.container.db, {
            orgId: api.orgId,
            kind: 'invoice',
            sort: 'created',
            desc,
            cursor,
            limit: 51,
            search,
          }),
        );
        expect(p, p).toMatch(/search_tokens/);
        noSortStep(p);
      }
  });

  it('counting a date range reads documents_by_issue_date, not the organization', async () => {
    const p = await explain(
      documentCountQuery(
        t.container.db,
        { orgId: api.orgId, kind: 'invoice', from: '2026-01-01', to: '2026-01-31' },
        COUNT_CAP,
      ),
    );
    expect(p, p).toContain('documents_by_issue_date');
  });

  it("a date range's page seeks documents_by_issue_date at the range's start, not at the organization's first date", async () => {
    for (const desc of [false, true])
      for (const range of [{ from: '2026-01-01', to: '2026-01-31' }, { to: '2026-01-31' }]) {
        const p = await explain(
          documentListQuery(t.container.db, {
            orgId: api.orgId,
            kind: 'invoice',
            sort: 'issue_date',
            desc,
            cursor: null,
            limit: 51,
            ...range,
          }),
        );
        // Both bounds are conditions of the index walk itself (a seek), not filters applied to every entry.
        if (dialect === 'sqlite')
          expect(p, p).toMatch(/documents_by_issue_date \(org_id=\? AND kind=\? AND <expr>>\? AND <expr><\?\)/);
        else
          expect(p, p).toMatch(/Index Cond: .*COALESCE\(issue_date, ''::text\) >.*COALESCE\(issue_date, ''::text\) <=/);
        noSortStep(p);
      }
  });

  // The payments list (GET /api/v1/payments, migration 0031): each sort, alone and under the filters
  // an index holds (client, currency, date range), walks the index named here in order.
  const PAYMENT_PLANS: Array<{ sort: PaymentSortKey; filter: Omit<PaymentListFilter, 'orgId'>; index: string }> = [
    { sort: 'date', filter: {}, index: 'payments_received' },
    { sort: 'date', filter: { from: '2026-01-01', to: '2026-01-31' }, index: 'payments_received' },
    { sort: 'date', filter: { clientId: CURSOR.id }, index: 'payments_by_client_date' },
    { sort: 'date', filter: { currency: 'EUR' }, index: 'payments_by_currency_date' },
    { sort: 'amount', filter: {}, index: 'payments_by_amount' },
    { sort: 'amount', filter: { currency: 'EUR' }, index: 'payments_by_amount' },
    { sort: 'amount', filter: { clientId: CURSOR.id }, index: 'payments_by_client_amount' },
  ];
  for (const { sort, filter, index } of PAYMENT_PLANS)
    for (const desc of [false, true])
      it(`payments by ${desc ? '-' : ''}${sort} ${JSON.stringify(filter)}: first and next page walk ${index} without a sort step`, async () => {
        for (const withCursor of [false, true]) {
          const p = await explain(
            paymentListQuery(t.container.db, {
              orgId: api.orgId,
              ...filter,
              sort,
              desc,
              cursor: withCursor ? { v: sort === 'amount' ? ['EUR', 100] : '2026-01-01', id: CURSOR.id } : null,
              limit: 51,
            }),
          );
          expect(p, p).toMatch(new RegExp(`\\b${index}\\b`));
          noSortStep(p);
        }
      });

  it("the refunded amounts of a page's payments read the partial index of refunds", async () => {
    const p = await explain(
      refundedQuery(t.container.db, api.orgId, [CURSOR.id, '01900000-0000-7000-8000-000000000001']),
    );
    expect(p, p).toContain('payments_refunds_by_payment');
  });

  it('a status filter walks the sort index and sums each row’s refunds from the partial index', async () => {
    for (const status of ['received', 'partially_refunded', 'refunded'] as const) {
      const p = await explain(
        paymentListQuery(t.container.db, {
          orgId: api.orgId,
          status,
          sort: 'date',
          desc: true,
          cursor: null,
          limit: 51,
        }),
      );
      expect(p, p).toMatch(/\bpayments_received\b/);
      expect(p, p).toContain('payments_refunds_by_payment');
      noSortStep(p);
    }
  });

  it('the payments count reads an index of the organization, never the whole table', async () => {
    // PostgreSQL costs every org_id-first index the same on an empty table; a year of payments
    // (ledger rows written directly: the plan is the point, not the booking) and its statistics
    // make it choose as it would at volume.
    if (dialect === 'postgres') {
      const db = t.container.db;
      const doc = await db
        .selectFrom('documents')
        .select(['id', 'client_id'])
        .where('org_id', '=', api.orgId)
        .executeTakeFirstOrThrow();
      const rows = Array.from({ length: 365 }, (_, i) => ({
        id: `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        org_id: api.orgId,
        document_id: doc.id,
        client_id: doc.client_id,
        kind: 'payment' as const,
        amount: 100 + i,
        applied_amount: 100 + i,
        currency: i % 10 === 0 ? 'USD' : 'EUR',
        method: 'bank_transfer',
        reference_enc: null,
        received_on: new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10),
        provider: null,
        provider_ref: null,
        created_by: null,
        created_at: '2025-01-01T00:00:00.000Z',
        fee: null,
        fee_currency: null,
        checkout_id: null,
        related_payment_id: null,
        receipt_file_id: null,
      }));
      await db.insertInto('payments').values(rows).execute();
      await sql`analyze payments`.execute(db);
    }
    for (const [filter, index] of [
      [{}, /payments_/],
      [{ from: '2025-03-01', to: '2025-03-31' }, /payments_(received|collected)/],
      [{ clientId: CURSOR.id }, /payments_by_client/],
      [{ currency: 'USD' }, /payments_by_(amount|currency_date)/],
    ] as const) {
      const p = await explain(paymentCountQuery(t.container.db, { orgId: api.orgId, ...filter }, COUNT_CAP));
      expect(p, p).toMatch(index);
      expect(p, p).toMatch(dialect === 'sqlite' ? /LIMIT|SCAN m|CO-ROUTINE/ : /Limit/);
      noSortStep(p);
    }
    // The dashboard's collected per month (migration 0033): 12 months of payments and the rate of
    // each paid document, from index entries alone (never a document's row with its encrypted body).
    const p = await explain(collectedByMonth(t.container.db, api.orgId, '2025-07-01'), true);
    for (const index of ['payments_collected', 'documents_rate'])
      if (dialect === 'sqlite') expect(p, p).toContain(`USING COVERING INDEX ${index}`);
      else expect(p, p).toMatch(new RegExp(`Index Only Scan using ${index}`));
  });

  it('the list pages through every document in order with the row-value cursor', async () => {
    const totals: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ total: number }>; nextCursor: string | null } = await api.ok(
        'GET',
        `/api/v1/invoices?sort=-total&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      totals.push(...page.items.map((i) => i.total));
      cursor = page.nextCursor;
    } while (cursor);
    expect(totals).toEqual([300, 200, 100]);
  });

  it('sorts by outstanding and status, filters by currency and amount range', async () => {
    const totals = async (qs: string) =>
      ((await api.ok('GET', `/api/v1/invoices?${qs}`)).items as Array<{ total: number }>).map((i) => i.total);
    expect(await totals('sort=-outstanding')).toEqual([300, 200, 100]);
    expect(await totals('sort=outstanding&limit=1')).toEqual([100]);
    expect(await totals('sort=status')).toHaveLength(3);
    expect(await totals('minTotal=150&sort=total')).toEqual([200, 300]);
    expect(await totals('minTotal=150&maxTotal=250')).toEqual([200]);
    expect(await totals('currency=EUR&sort=total')).toEqual([100, 200, 300]);
    expect(await totals('currency=USD')).toEqual([]);
    expect((await api.req('GET', '/api/v1/invoices?minTotal=-1')).statusCode).toBe(400);
    expect((await api.req('GET', '/api/v1/invoices?currency=euro')).statusCode).toBe(400);
  });

  it('a date range leaves out drafts, also when only its end is given', async () => {
    const client = await api.ok('POST', '/api/v1/clients', { name: 'Range Ltd' });
    const draft = await api.ok(
      'POST',
      '/api/v1/invoices',
      { clientId: client.id, lines: [{ description: 'x', quantity: '1', unitPrice: 50 }] },
      201,
    );
    const issued = await api.ok(
      'POST',
      '/api/v1/invoices',
      { clientId: client.id, lines: [{ description: 'y', quantity: '1', unitPrice: 70 }] },
      201,
    );
    await api.ok('POST', `/api/v1/invoices/${issued.id}/issue`, { confirmWithoutPayoutDetails: true });
    const listed = async (q: string) =>
      (await api.ok('GET', `/api/v1/invoices?${q}`)) as { items: Array<{ id: string }>; count: number | null };
    for (const q of ['to=2999-12-31', 'from=2000-01-01&to=2999-12-31', 'from=2000-01-01']) {
      const page = await listed(q);
      expect(page.items.map((i) => i.id)).not.toContain(draft.id);
      expect(page.items.map((i) => i.id)).toContain(issued.id);
      expect(page.count).toBe(page.items.length);
    }
    expect((await listed('sort=-created')).items.map((i) => i.id)).toContain(draft.id);
  });
});
