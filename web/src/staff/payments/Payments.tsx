// The organization's payments and refunds (GET /api/v1/payments), a keyset page at a time like the
// document lists: sort, filters and page size live in the URL (?sort=&clientId=&currency=&from=&to=
// &method=&kind=&status=&limit=), so a reload, back/forward or a shared link shows the same list. Each row
// links to its invoice. Amounts sort within each currency (minor units of different currencies do
// not compare).
import { useEffect, useState } from 'react';
import { ok, staffApi, type paths } from '../../lib/api.ts';
import { date, money } from '../../lib/format.ts';
import { useTitle } from '../../lib/hooks.ts';
import { PAGE_SIZES, pageSizeFrom, useKeysetList } from '../../lib/keyset-list.ts';
import { Link, navigate, useQuery } from '../../lib/router.tsx';
import type { Answer } from '../../lib/types.ts';
import { DataTable, ListCount } from '../../ui/DataTable.tsx';
import { Badge, EmptyState, ErrorNotice, Loading } from '../../ui/feedback.tsx';
import { Button, SelectField, TextField } from '../../ui/forms.tsx';
import { ClientPicker } from '../documents/ClientPicker.tsx';
import { PageHead } from '../Layout.tsx';

type ListQuery = NonNullable<paths['/api/v1/payments']['get']['parameters']['query']>;
type ListSort = NonNullable<ListQuery['sort']>;
type Method = NonNullable<ListQuery['method']>;
type Kind = NonNullable<ListQuery['kind']>;
type Status = NonNullable<ListQuery['status']>;
type PaymentRow = Answer<'/api/v1/payments'>['items'][number];

interface Filter {
  sort: ListSort;
  clientId: string;
  currency: string;
  from: string;
  to: string;
  method: Method | '';
  kind: Kind | '';
  status: Status | '';
  limit: number;
}

const SORT_OPTIONS: Array<{ value: ListSort; label: string }> = [
  { value: '-date', label: 'Date (latest first)' },
  { value: 'date', label: 'Date (earliest first)' },
  { value: '-amount', label: 'Amount (largest first, per currency)' },
  { value: 'amount', label: 'Amount (smallest first, per currency)' },
];

const METHOD_LABEL: Record<Method, string> = {
  bank_transfer: 'Bank transfer',
  cash: 'Cash',
  cheque: 'Cheque',
  card: 'Card',
  stripe: 'Stripe',
  paypal: 'PayPal',
  client_credit: 'Client credit',
  other: 'Other',
};
const METHODS = Object.keys(METHOD_LABEL) as Method[];

const STATUS: Record<PaymentRow['status'], { label: string; tone: 'good' | 'warn' | 'neutral' | 'info' }> = {
  received: { label: 'Received', tone: 'good' },
  partially_refunded: { label: 'Partly refunded', tone: 'warn' },
  refunded: { label: 'Refunded', tone: 'neutral' },
  paid_out: { label: 'Refund paid out', tone: 'info' },
};
const STATUSES = Object.keys(STATUS) as Status[];

/** The filters besides sort and page size, each one a URL parameter of its own name. */
const FILTER_KEYS = ['clientId', 'currency', 'from', 'to', 'method', 'kind', 'status'] as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function filterFrom(q: URLSearchParams): Filter {
  const sort = q.get('sort') ?? '';
  const method = q.get('method') ?? '';
  const kind = q.get('kind') ?? '';
  const status = q.get('status') ?? '';
  const currency = (q.get('currency') ?? '').toUpperCase();
  const clientId = q.get('clientId') ?? '';
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  return {
    sort: SORT_OPTIONS.some((o) => o.value === sort) ? (sort as ListSort) : '-date',
    clientId: UUID.test(clientId) ? clientId : '',
    currency: /^[A-Z]{3}$/.test(currency) ? currency : '',
    from: ISO_DATE.test(from) ? from : '',
    to: ISO_DATE.test(to) ? to : '',
    method: (METHODS as string[]).includes(method) ? (method as Method) : '',
    kind: kind === 'payment' || kind === 'refund' ? kind : '',
    status: (STATUSES as string[]).includes(status) ? (status as Status) : '',
    limit: pageSizeFrom(q),
  };
}

function searchOf(f: Filter): string {
  const q = new URLSearchParams();
  if (f.sort !== '-date') q.set('sort', f.sort);
  for (const key of FILTER_KEYS) if (f[key]) q.set(key, f[key]);
  if (f.limit !== 50) q.set('limit', String(f.limit));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function listPage(f: Filter, cursor?: string, signal?: AbortSignal) {
  return ok(
    staffApi.GET('/api/v1/payments', {
      params: {
        query: {
          sort: f.sort,
          limit: f.limit,
          clientId: f.clientId || undefined,
          currency: f.currency || undefined,
          from: f.from || undefined,
          to: f.to || undefined,
          method: f.method || undefined,
          kind: f.kind || undefined,
          status: f.status || undefined,
          cursor,
        },
      },
      signal,
    }),
  );
}

export function PaymentsPage() {
  useTitle('Payments');
  const applied = filterFrom(useQuery());
  const [form, setForm] = useState<Filter>(applied);
  const set = <K extends keyof Filter>(key: K, value: Filter[K]) => setForm((f) => ({ ...f, [key]: value }));
  // The form follows the URL (back/forward, a shared link).
  const appliedKey = searchOf(applied);
  useEffect(() => setForm(filterFrom(new URLSearchParams(appliedKey))), [appliedKey]);
  const { list, rows, cursor, more } = useKeysetList<PaymentRow, Awaited<ReturnType<typeof listPage>>>(
    ['payments', applied],
    (after, signal) => listPage(applied, after, signal),
  );
  const filtered = FILTER_KEYS.some((key) => applied[key]);

  return (
    <>
      <PageHead title="Payments" />
      <form
        className="filters"
        role="search"
        aria-label="Filter payments"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/app/payments${searchOf({ ...form, currency: form.currency.trim().toUpperCase() })}`);
        }}
      >
        <div className="field">
          <ClientPicker key={form.clientId || 'any'} value={form.clientId} onPick={(c) => set('clientId', c.id)} />
          {form.clientId ? (
            <Button variant="link" onClick={() => set('clientId', '')}>
              Any client
            </Button>
          ) : null}
        </div>
        <TextField
          label="Currency"
          value={form.currency}
          maxLength={3}
          onChange={(e) => set('currency', e.target.value.toUpperCase())}
          hint="e.g. EUR"
        />
        <TextField label="From" type="date" value={form.from} onChange={(e) => set('from', e.target.value)} />
        <TextField label="To" type="date" value={form.to} onChange={(e) => set('to', e.target.value)} />
        <SelectField
          label="Method"
          value={form.method}
          onChange={(e) => set('method', e.target.value as Filter['method'])}
          options={[{ value: '', label: 'All' }, ...METHODS.map((m) => ({ value: m, label: METHOD_LABEL[m] }))]}
        />
        <SelectField
          label="Type"
          value={form.kind}
          onChange={(e) => set('kind', e.target.value as Filter['kind'])}
          options={[
            { value: '', label: 'Payments and refunds' },
            { value: 'payment', label: 'Payments' },
            { value: 'refund', label: 'Refunds' },
          ]}
        />
        <SelectField
          label="Status"
          value={form.status}
          onChange={(e) => set('status', e.target.value as Filter['status'])}
          options={[{ value: '', label: 'Any' }, ...STATUSES.map((v) => ({ value: v, label: STATUS[v].label }))]}
        />
        <SelectField
          label="Sort"
          value={form.sort}
          onChange={(e) => set('sort', e.target.value as ListSort)}
          options={SORT_OPTIONS}
        />
        <SelectField
          label="Per page"
          value={String(form.limit)}
          onChange={(e) => set('limit', Number(e.target.value))}
          options={PAGE_SIZES.map((n) => ({ value: String(n), label: String(n) }))}
        />
        <div className="field">
          <Button type="submit">Apply filters</Button>
        </div>
      </form>
      <ErrorNotice error={list.error} />
      {list.isPending ? <Loading /> : null}
      {list.data && rows.length === 0 ? (
        <EmptyState title={filtered ? 'No payments match these filters' : 'No payments yet'}>
          {filtered
            ? 'Clear the filters to see everything.'
            : 'Payments appear here once they are recorded on an invoice or paid online.'}
        </EmptyState>
      ) : null}
      {rows.length > 0 ? <ListCount count={list.data?.count} capped={list.data?.countCapped} /> : null}
      {rows.length > 0 ? (
        <DataTable
          label="Payments"
          caption="Payments"
          rows={rows}
          rowKey={(p) => p.id}
          columns={[
            { header: 'Date', cell: (p) => date(p.date) },
            {
              header: 'Invoice',
              cell: (p) => <Link to={`/app/invoices/${p.invoiceId}`}>{p.invoiceNumber ?? 'Invoice'}</Link>,
            },
            { header: 'Client', cell: (p) => p.clientName },
            { header: 'Method', cell: (p) => METHOD_LABEL[p.method as Method] ?? p.method },
            {
              header: 'Status',
              cell: (p) => <Badge tone={STATUS[p.status].tone}>{STATUS[p.status].label}</Badge>,
            },
            {
              header: 'Amount',
              numeric: true,
              cell: (p) => (p.kind === 'refund' ? `−${money(p.amount, p.currency)}` : money(p.amount, p.currency)),
            },
            {
              header: 'Refunded',
              numeric: true,
              cell: (p) => (p.refundedAmount > 0 ? money(p.refundedAmount, p.currency) : ''),
            },
          ]}
        />
      ) : null}
      {cursor ? <Button onClick={() => void more()}>Load more</Button> : null}
    </>
  );
}
