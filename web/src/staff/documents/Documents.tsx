import { useEffect, useState } from 'react';
import { ok, staffApi, type paths } from '../../lib/api.ts';
import { date, money, STATUS_LABEL } from '../../lib/format.ts';
import { useTitle } from '../../lib/hooks.ts';
import { t } from '../../lib/i18n.ts';
import { PAGE_SIZES, pageSizeFrom, useKeysetList } from '../../lib/keyset-list.ts';
import { Link, navigate, useQuery } from '../../lib/router.tsx';
import { KIND_LABEL, KIND_PATH, KIND_PLURAL, type DocumentKind, type DocumentSummary } from '../../lib/types.ts';
import { Badge, EmptyState, ErrorNotice, Loading, StatusBadge } from '../../ui/feedback.tsx';
import { Button, SelectField, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { DataTable, ListCount } from '../../ui/DataTable.tsx';
import { BulkBar, BulkProgress, type Selection } from './BulkActions.tsx';

type ListQuery = NonNullable<paths['/api/v1/invoices']['get']['parameters']['query']>;
/** The status filter the list routes accept. */
type ListStatus = NonNullable<ListQuery['status']>;
type ListSort = NonNullable<ListQuery['sort']>;
/** What the list shows, kept in the page's URL (?status=&q=&sort=&limit=) so it survives a reload and can be shared. */
interface Filter {
  status: ListStatus | '';
  q: string;
  sort: ListSort;
  limit: number;
}

const SORT_OPTIONS: Array<{ value: ListSort; label: string; kinds?: DocumentKind[] }> = [
  { value: '-created', label: 'Newest first' },
  { value: 'created', label: 'Oldest first' },
  { value: '-number', label: 'Number (highest first)' },
  { value: 'number', label: 'Number (lowest first)' },
  { value: '-issue_date', label: 'Issue date (latest first)' },
  { value: 'issue_date', label: 'Issue date (earliest first)' },
  { value: 'due_date', label: 'Due date (soonest first)' },
  { value: '-due_date', label: 'Due date (latest first)' },
  { value: '-total', label: 'Total (largest first)' },
  { value: 'total', label: 'Total (smallest first)' },
  { value: '-outstanding', label: 'Outstanding (largest first)', kinds: ['invoice'] },
  { value: 'outstanding', label: 'Outstanding (smallest first)', kinds: ['invoice'] },
  { value: 'status', label: 'Status' },
  // Names are encrypted, so "by client" groups by client in the order clients were added (D16).
  { value: 'client', label: 'Client (grouped, in the order added)' },
  { value: '-client', label: 'Client (grouped, newest clients first)' },
];
function filterFrom(q: URLSearchParams, kind: DocumentKind): Filter {
  const status = q.get('status') ?? '';
  const sort = q.get('sort') ?? '';
  return {
    status: (STATUSES[kind] as string[]).includes(status) ? (status as ListStatus) : '',
    q: q.get('q') ?? '',
    sort: SORT_OPTIONS.some((o) => o.value === sort && (!o.kinds || o.kinds.includes(kind)))
      ? (sort as ListSort)
      : '-created',
    limit: pageSizeFrom(q),
  };
}

function searchOf(f: Filter): string {
  const q = new URLSearchParams();
  if (f.status) q.set('status', f.status);
  if (f.q) q.set('q', f.q);
  if (f.sort !== '-created') q.set('sort', f.sort);
  if (f.limit !== 50) q.set('limit', String(f.limit));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const STATUSES: Record<DocumentKind, ListStatus[]> = {
  invoice: ['open', 'overdue', 'draft', 'issued', 'sent', 'partially_paid', 'paid', 'void'],
  quote: ['draft', 'issued', 'sent', 'accepted', 'declined', 'converted'],
  credit_note: ['draft', 'issued', 'sent'],
};

const LIST_PATH = {
  invoice: '/api/v1/invoices',
  quote: '/api/v1/quotes',
  credit_note: '/api/v1/credit-notes',
} as const;

function listPage(kind: DocumentKind, filter: Filter, cursor?: string, signal?: AbortSignal) {
  return ok(
    staffApi.GET(LIST_PATH[kind], {
      params: {
        query: {
          status: filter.status || undefined,
          q: filter.q || undefined,
          sort: filter.sort,
          limit: filter.limit,
          cursor,
        },
      },
      signal,
    }),
  );
}

const EMPTY_HINT: Record<DocumentKind, string> = {
  invoice: 'Write an invoice for a client; it stays a draft you can change until you issue it.',
  quote:
    'Send a quote first when the client should agree to a price; an accepted quote becomes an invoice in one click.',
  credit_note: 'Credit notes correct an issued invoice. Voiding an invoice creates one for you.',
};

export function DocumentsPage({ kind }: { kind: DocumentKind }) {
  const path = KIND_PATH[kind];
  useTitle(KIND_PLURAL[kind]);
  const applied = filterFrom(useQuery(), kind);
  const [status, setStatus] = useState<Filter['status']>(applied.status);
  const [search, setSearch] = useState(applied.q);
  const [sort, setSort] = useState<ListSort>(applied.sort);
  const [limit, setLimit] = useState(applied.limit);
  const { list, rows, cursor, more } = useKeysetList<DocumentSummary, Awaited<ReturnType<typeof listPage>>>(
    ['documents', kind, applied],
    (after, signal) => listPage(kind, applied, after, signal),
  );
  // The form follows the URL (another kind's list, back/forward, a shared link).
  useEffect(() => {
    setStatus(applied.status);
    setSearch(applied.q);
    setSort(applied.sort);
    setLimit(applied.limit);
  }, [kind, applied.status, applied.q, applied.sort, applied.limit]);

  const filtered = Boolean(applied.status || applied.q);
  // Bulk actions: the rows ticked, or every document the applied filter matches.
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [kind, applied.status, applied.q, applied.sort, applied.limit]);
  // The list's own count of the filter's matches, when exact (not capped, not skipped).
  const matching = list.data && !list.data.countCapped ? (list.data.count ?? null) : null;
  const pageSelected = rows.length > 0 && rows.every((d) => selected.has(d.id));
  const toggle = (id: string, on: boolean) => {
    setAllMatching(false);
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  };
  const selection: Selection = allMatching
    ? {
        filter: {
          ...(applied.status && { status: applied.status }),
          ...(applied.q && { q: applied.q }),
          sort: applied.sort,
        },
      }
    : { ids: [...selected] };

  return (
    <>
      <PageHead
        title={KIND_PLURAL[kind]}
        actions={
          <Link className="btn btn-primary" to={`/app/${path}/new`}>
            New {KIND_LABEL[kind].toLowerCase()}
          </Link>
        }
      />
      <form
        className="filters"
        role="search"
        aria-label={`Filter ${KIND_PLURAL[kind].toLowerCase()}`}
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/app/${path}${searchOf({ status, q: search.trim(), sort, limit })}`);
        }}
      >
        <SelectField
          label="Status"
          value={status}
          onChange={(e) => setStatus(e.target.value as Filter['status'])}
          options={[
            { value: '', label: 'All' },
            ...STATUSES[kind].map((s) => ({
              value: s,
              label: s === 'open' ? 'Open (unpaid)' : (STATUS_LABEL[s] ?? s),
            })),
          ]}
        />
        <TextField
          label="Search"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          hint="Number, client, text or amount"
        />
        <SelectField
          label="Sort"
          value={sort}
          onChange={(e) => setSort(e.target.value as ListSort)}
          options={SORT_OPTIONS.filter((o) => !o.kinds || o.kinds.includes(kind)).map(({ value, label }) => ({
            value,
            label,
          }))}
        />
        <SelectField
          label="Per page"
          value={String(limit)}
          onChange={(e) => setLimit(Number(e.target.value))}
          options={PAGE_SIZES.map((n) => ({ value: String(n), label: String(n) }))}
        />
        <div className="field">
          <Button type="submit">Apply filters</Button>
        </div>
      </form>
      <ErrorNotice error={list.error} />
      {jobId ? (
        <BulkProgress
          jobId={jobId}
          onFinished={() => {
            setSelected(new Set());
            setAllMatching(false);
            void list.refetch();
          }}
          onDismiss={() => setJobId(null)}
        />
      ) : null}
      {selected.size > 0 || allMatching ? (
        <>
          <BulkBar
            kind={kind}
            selection={selection}
            count={allMatching ? null : selected.size}
            matching={matching}
            onStarted={(id) => setJobId(id)}
          />
          <div className="actions">
            {pageSelected && !allMatching && cursor ? (
              <Button variant="link" onClick={() => setAllMatching(true)}>
                {matching !== null
                  ? t('bulk.selectAllMatchingCount', { count: matching })
                  : t('bulk.selectAllMatching')}
              </Button>
            ) : null}
            <Button
              variant="link"
              onClick={() => {
                setSelected(new Set());
                setAllMatching(false);
              }}
            >
              {t('bulk.clear')}
            </Button>
          </div>
        </>
      ) : null}
      {list.isPending ? <Loading /> : null}
      {list.data && rows.length === 0 ? (
        <EmptyState
          title={
            filtered
              ? `No ${KIND_PLURAL[kind].toLowerCase()} match these filters`
              : `No ${KIND_PLURAL[kind].toLowerCase()} yet`
          }
          action={
            filtered ? undefined : (
              <Link className="btn btn-primary" to={`/app/${path}/new`}>
                New {KIND_LABEL[kind].toLowerCase()}
              </Link>
            )
          }
        >
          {filtered ? 'Clear the filters to see everything.' : EMPTY_HINT[kind]}
        </EmptyState>
      ) : null}
      {rows.length > 0 ? <ListCount count={list.data?.count} capped={list.data?.countCapped} /> : null}
      {rows.length > 0 ? (
        <DataTable
          label={KIND_PLURAL[kind]}
          caption={KIND_PLURAL[kind]}
          rows={rows}
          rowKey={(d) => d.id}
          columns={[
            {
              header: (
                <input
                  type="checkbox"
                  aria-label={t('bulk.selectPage')}
                  checked={allMatching || pageSelected}
                  onChange={(e) => {
                    setAllMatching(false);
                    setSelected(e.target.checked ? new Set(rows.map((d) => d.id)) : new Set());
                  }}
                />
              ),
              className: 'select',
              cell: (d) => (
                <input
                  type="checkbox"
                  aria-label={t('bulk.selectRow', {
                    name: `${d.number ?? t('documents.draftOf', { date: date(d.createdAt) })}, ${d.clientName}`,
                  })}
                  checked={allMatching || selected.has(d.id)}
                  onChange={(e) => toggle(d.id, e.target.checked)}
                />
              ),
            },
            {
              header: t('documents.number'),
              cell: (d) => (
                <Link to={`/app/${path}/${d.id}`}>
                  {d.number ?? t('documents.draftOf', { date: date(d.createdAt) })}
                </Link>
              ),
            },
            { header: t('documents.client'), cell: (d) => d.clientName },
            { header: t('documents.issued'), cell: (d) => date(d.issueDate) },
            { header: kind === 'quote' ? t('documents.validUntil') : t('documents.due'), cell: (d) => date(d.dueDate) },
            {
              header: t('documents.status'),
              cell: (d) => (
                <>
                  <StatusBadge status={d.status} overdue={d.overdue} />
                  {d.importedAt ? <Badge tone="neutral">{t('documents.imported')}</Badge> : null}
                </>
              ),
            },
            { header: t('documents.total'), numeric: true, cell: (d) => money(d.total, d.currency) },
            kind === 'invoice' && {
              header: t('documents.outstanding'),
              numeric: true,
              cell: (d) => money(d.amountDue, d.currency),
            },
          ]}
        />
      ) : null}
      {cursor ? <Button onClick={() => void more()}>Load more</Button> : null}
    </>
  );
}
