import { api, qs } from '../lib/api.ts';
import { date, money } from '../lib/format.ts';
import { useAsync, useTitle } from '../lib/hooks.ts';
import { Link } from '../lib/router.tsx';
import { KIND_PLURAL, type DocumentKind } from '../lib/types.ts';
import type { PortalDocumentSummary, PortalPayment } from '../../../src/modules/portal/portal.schemas.ts';
import { EmptyState, ErrorNotice, Loading, StatusBadge } from '../ui/feedback.tsx';
import { TableWrap } from '../ui/TableWrap.tsx';

export function PortalDocumentsPage({ kind }: { kind: DocumentKind }) {
  useTitle(KIND_PLURAL[kind]);
  const list = useAsync((signal) => api.get<{ items: PortalDocumentSummary[]; nextCursor: string | null }>(`/api/v1/portal/documents${qs({ kind, limit: 200 })}`, { signal, realm: 'portal' }), [kind]);
  return (
    <>
      <h1>{KIND_PLURAL[kind]}</h1>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? <EmptyState title={`No ${KIND_PLURAL[kind].toLowerCase()} yet`}>When your supplier issues one, it appears here.</EmptyState> : null}
      {list.data && list.data.items.length > 0 ? (
        <TableWrap label={KIND_PLURAL[kind]}>
          <table>
            <caption className="visually-hidden">{KIND_PLURAL[kind]}</caption>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Date</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Total
                </th>
                {kind === 'invoice' ? (
                  <th scope="col" className="num">
                    To pay
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link to={`/portal/documents/${d.id}`}>{d.number}</Link>
                  </td>
                  <td>{date(d.issueDate)}</td>
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
    </>
  );
}

export function PortalPaymentsPage() {
  useTitle('Payments');
  const list = useAsync((signal) => api.get<{ items: PortalPayment[] }>('/api/v1/portal/payments', { signal, realm: 'portal' }), []);
  return (
    <>
      <h1>Payments</h1>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? <EmptyState title="No payments recorded yet">Payments your supplier has received from you appear here, with a receipt.</EmptyState> : null}
      {list.data && list.data.items.length > 0 ? (
        <TableWrap label="Payments">
          <table>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Invoice</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Receipt</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((p) => (
                <tr key={p.id}>
                  <td>{date(p.receivedOn)}</td>
                  <td>
                    <Link to={`/portal/documents/${p.invoiceId}`}>{p.invoiceNumber ?? 'Invoice'}</Link>
                  </td>
                  <td className="num">
                    {p.kind === 'refund' ? '−' : ''}
                    {money(p.amount, p.currency)}
                  </td>
                  <td>
                    {p.hasReceipt ? (
                      <a href={`/api/v1/portal/payments/${p.id}/receipt`} download>
                        Receipt (PDF)
                      </a>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </>
  );
}
