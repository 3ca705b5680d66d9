import { useEffect, useState } from 'react';
import { api, qs } from '../../lib/api.ts';
import { date, money, STATUS_LABEL } from '../../lib/format.ts';
import { useAsync, useTitle } from '../../lib/hooks.ts';
import { Link } from '../../lib/router.tsx';
import { KIND_LABEL, KIND_PATH, KIND_PLURAL, type DocumentKind, type DocumentSummary, type Page } from '../../lib/types.ts';
import { EmptyState, ErrorNotice, Loading, StatusBadge } from '../../ui/feedback.tsx';
import { Button, SelectField, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { TableWrap } from '../../ui/TableWrap.tsx';

const STATUSES: Record<DocumentKind, string[]> = {
  invoice: ['open', 'overdue', 'draft', 'issued', 'sent', 'partially_paid', 'paid', 'void'],
  quote: ['draft', 'issued', 'sent', 'accepted', 'declined', 'converted'],
  credit_note: ['draft', 'issued', 'sent'],
};

const EMPTY_HINT: Record<DocumentKind, string> = {
  invoice: 'Write an invoice for a client; it stays a draft you can change until you issue it.',
  quote: 'Send a quote first when the client should agree to a price; an accepted quote becomes an invoice in one click.',
  credit_note: 'Credit notes correct an issued invoice. Voiding an invoice creates one for you.',
};

export function DocumentsPage({ kind }: { kind: DocumentKind }) {
  const path = KIND_PATH[kind];
  useTitle(KIND_PLURAL[kind]);
  const [status, setStatus] = useState('');
  const [number, setNumber] = useState('');
  const [applied, setApplied] = useState({ status: '', number: '' });
  const [extra, setExtra] = useState<DocumentSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useAsync(
    (signal) => api.get<Page<DocumentSummary>>(`/api/v1/${path}${qs({ status: applied.status || undefined, number: applied.number || undefined, limit: 50 })}`, { signal }),
    [path, applied.status, applied.number],
  );
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
    const page = await api.get<Page<DocumentSummary>>(`/api/v1/${path}${qs({ status: applied.status || undefined, number: applied.number || undefined, limit: 50, cursor })}`);
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
          onChange={(e) => setStatus(e.target.value)}
          options={[{ value: '', label: 'All' }, ...STATUSES[kind].map((s) => ({ value: s, label: s === 'open' ? 'Open (unpaid)' : (STATUS_LABEL[s] ?? s) }))]}
        />
        <TextField label="Number" value={number} onChange={(e) => setNumber(e.target.value)} />
        <div className="field">
          <Button type="submit">Apply filters</Button>
        </div>
      </form>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && rows.length === 0 ? (
        <EmptyState
          title={filtered ? `No ${KIND_PLURAL[kind].toLowerCase()} match these filters` : `No ${KIND_PLURAL[kind].toLowerCase()} yet`}
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
        <TableWrap label={KIND_PLURAL[kind]}>
          <table>
            <caption className="visually-hidden">{KIND_PLURAL[kind]}</caption>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Client</th>
                <th scope="col">Issued</th>
                <th scope="col">{kind === 'quote' ? 'Valid until' : 'Due'}</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Total
                </th>
                {kind === 'invoice' ? (
                  <th scope="col" className="num">
                    Outstanding
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link to={`/app/${path}/${d.id}`}>{d.number ?? `Draft · ${date(d.createdAt)}`}</Link>
                  </td>
                  <td>{d.clientName}</td>
                  <td>{date(d.issueDate)}</td>
                  <td>{date(d.dueDate)}</td>
                  <td>
                    <StatusBadge status={d.status} overdue={d.overdue} />
                  </td>
                  <td className="num">{money(d.total, d.currency)}</td>
                  {kind === 'invoice' ? <td className="num">{money(d.amountDue, d.currency)}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {cursor ? <Button onClick={() => void more()}>Load more</Button> : null}
    </>
  );
}
