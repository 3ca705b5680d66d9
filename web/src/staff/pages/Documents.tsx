import { useEffect, useState } from 'react';
import { ok, staffApi, type paths } from '../../lib/api.ts';
import { date, money, STATUS_LABEL } from '../../lib/format.ts';
import { useTitle } from '../../lib/hooks.ts';
import { t } from '../../lib/i18n.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Link } from '../../lib/router.tsx';
import { KIND_LABEL, KIND_PATH, KIND_PLURAL, type DocumentKind, type DocumentSummary } from '../../lib/types.ts';
import { EmptyState, ErrorNotice, Loading, StatusBadge } from '../../ui/feedback.tsx';
import { Button, SelectField, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { DataTable } from '../../ui/DataTable.tsx';

/** The status filter the list routes accept. */
type ListStatus = NonNullable<NonNullable<paths['/api/v1/invoices']['get']['parameters']['query']>['status']>;
interface Filter {
  status: ListStatus | '';
  number: string;
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
      params: { query: { status: filter.status || undefined, number: filter.number || undefined, limit: 50, cursor } },
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
  const [status, setStatus] = useState<Filter['status']>('');
  const [number, setNumber] = useState('');
  const [applied, setApplied] = useState<Filter>({ status: '', number: '' });
  const [extra, setExtra] = useState<DocumentSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useApiQuery(['documents', kind, applied], (signal) => listPage(kind, applied, undefined, signal));
  useEffect(() => {
    setExtra([]);
    setCursor(list.data?.nextCursor ?? null);
  }, [list.data]);
  useEffect(() => {
    setStatus('');
    setNumber('');
    setApplied({ status: '', number: '' });
  }, [kind]);

  async function more() {
    if (!cursor) return;
    const page = await listPage(kind, applied, cursor);
    setExtra((e) => [...e, ...page.items]);
    setCursor(page.nextCursor);
  }

  const rows = [...(list.data?.items ?? []), ...extra];
  const filtered = Boolean(applied.status || applied.number);

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
          setApplied({ status, number: number.trim() });
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
        <TextField label="Number" value={number} onChange={(e) => setNumber(e.target.value)} />
        <div className="field">
          <Button type="submit">Apply filters</Button>
        </div>
      </form>
      <ErrorNotice error={list.error} />
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
      {rows.length > 0 ? (
        <DataTable
          label={KIND_PLURAL[kind]}
          caption={KIND_PLURAL[kind]}
          rows={rows}
          rowKey={(d) => d.id}
          columns={[
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
            { header: t('documents.status'), cell: (d) => <StatusBadge status={d.status} overdue={d.overdue} /> },
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
