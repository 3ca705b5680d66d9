import { ok, portalApi } from '../lib/api.ts';
import { date, money } from '../lib/format.ts';
import { useTitle } from '../lib/hooks.ts';
import { t } from '../lib/i18n.ts';
import { useApiQuery } from '../lib/query.ts';
import { Link } from '../lib/router.tsx';
import type { DocumentKind } from '../lib/types.ts';
import { DataTable } from '../ui/DataTable.tsx';
import { EmptyState, ErrorNotice, Loading, StatusBadge } from '../ui/feedback.tsx';

export function PortalDocumentsPage({ kind }: { kind: DocumentKind }) {
  const plural = t(`ui.kinds.${kind}`);
  useTitle(plural);
  const list = useApiQuery(['portal-documents', kind], (signal) =>
    ok(portalApi.GET('/api/v1/portal/documents', { params: { query: { kind, limit: 200 } }, signal })),
  );
  return (
    <>
      <h1>{plural}</h1>
      <ErrorNotice error={list.error} />
      {list.isPending ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState title={t(`portal.documents.none.${kind}`)}>{t('portal.documents.noneHint')}</EmptyState>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <DataTable
          label={plural}
          caption={plural}
          rows={list.data.items}
          rowKey={(d) => d.id}
          columns={[
            {
              header: t('portal.documents.number'),
              cell: (d) => <Link to={`/portal/documents/${d.id}`}>{d.number}</Link>,
            },
            { header: t('portal.documents.date'), cell: (d) => date(d.issueDate) },
            {
              header: t('portal.documents.status'),
              cell: (d) => <StatusBadge status={d.status} overdue={d.overdue} />,
            },
            { header: t('portal.documents.total'), numeric: true, cell: (d) => money(d.total, d.currency) },
            kind === 'invoice' && {
              header: t('portal.documents.toPay'),
              numeric: true,
              cell: (d) => money(d.amountDue, d.currency),
            },
          ]}
        />
      ) : null}
    </>
  );
}

export function PortalPaymentsPage() {
  useTitle(t('portal.payments.title'));
  const list = useApiQuery(['portal-payments'], (signal) => ok(portalApi.GET('/api/v1/portal/payments', { signal })));
  return (
    <>
      <h1>{t('portal.payments.title')}</h1>
      <ErrorNotice error={list.error} />
      {list.isPending ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState title={t('portal.payments.none')}>{t('portal.payments.noneHint')}</EmptyState>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <DataTable
          label={t('portal.payments.title')}
          rows={list.data.items}
          rowKey={(p) => p.id}
          columns={[
            { header: t('portal.payments.date'), cell: (p) => date(p.receivedOn) },
            {
              header: t('portal.payments.invoice'),
              cell: (p) => (
                <Link to={`/portal/documents/${p.invoiceId}`}>{p.invoiceNumber ?? t('portal.payments.invoice')}</Link>
              ),
            },
            {
              header: t('portal.payments.amount'),
              numeric: true,
              cell: (p) => (
                <>
                  {p.kind === 'refund' ? '−' : ''}
                  {money(p.amount, p.currency)}
                </>
              ),
            },
            {
              header: t('portal.payments.receipt'),
              cell: (p) =>
                p.hasReceipt ? (
                  <a href={`/api/v1/portal/payments/${p.id}/receipt`} download>
                    {t('portal.payments.receiptPdf')}
                  </a>
                ) : (
                  t('common.none')
                ),
            },
          ]}
        />
      ) : null}
    </>
  );
}
