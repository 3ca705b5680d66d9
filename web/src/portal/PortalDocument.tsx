import { useState } from 'react';
import { ok, portalApi } from '../lib/api.ts';
import { date, dateTime, money } from '../lib/format.ts';
import { useAction, useTitle } from '../lib/hooks.ts';
import { useApiQuery } from '../lib/query.ts';
import type { Answer } from '../lib/types.ts';
import { Link, useQuery } from '../lib/router.tsx';
import { t } from '../lib/i18n.ts';

type PortalDocument = Answer<'/api/v1/portal/documents/{id}'>;
import { ErrorNotice, Loading, Notice, Status, StatusBadge } from '../ui/feedback.tsx';
import { Button } from '../ui/forms.tsx';
import { PayPanel } from './PayPanel.tsx';
import { PortalEinvoiceButton } from './PortalEinvoice.tsx';
import { DocumentLines, DocumentTotals } from '../ui/DocumentBody.tsx';

export function PortalDocumentPage({ id }: { id: string }) {
  const doc = useApiQuery(['portal-document', id], (signal) =>
    ok(portalApi.GET('/api/v1/portal/documents/{id}', { params: { path: { id } }, signal })),
  );
  if (doc.error) return <ErrorNotice error={doc.error} title={t('portal.doc.loadFailed')} />;
  if (!doc.data) return <Loading />;
  return <DocumentBody doc={doc.data} reload={() => void doc.refetch()} />;
}

function DocumentBody({ doc, reload }: { doc: PortalDocument; reload: () => void }) {
  const title = `${t(`ui.kind.${doc.kind}`)} ${doc.number ?? ''}`;
  useTitle(title);
  const payment = useQuery().get('payment');
  const [status, setStatus] = useState<string | null>(null);
  const deliveries = useApiQuery(['portal-deliveries', doc.id], (signal) =>
    ok(portalApi.GET('/api/v1/portal/documents/{id}/deliveries', { params: { path: { id: doc.id } }, signal })),
  );
  const ack = useAction(() =>
    ok(portalApi.POST('/api/v1/portal/documents/{id}/acknowledge', { params: { path: { id: doc.id } } })),
  );
  const accept = useAction(() =>
    ok(portalApi.POST('/api/v1/portal/quotes/{id}/accept', { params: { path: { id: doc.id } } })),
  );
  const decline = useAction(() =>
    ok(portalApi.POST('/api/v1/portal/quotes/{id}/decline', { params: { path: { id: doc.id } } })),
  );
  const acknowledged = deliveries.data?.items.some(
    (d) => d.status === 'acknowledged' || d.events.some((e) => e.type === 'acknowledged'),
  );
  const m = (n: number) => money(n, doc.currency);

  return (
    <>
      <div className="page-head">
        <h1>{title}</h1>
        <div className="actions">
          <a className="btn btn-primary" href={`/api/v1/portal/documents/${doc.id}/pdf`} download>
            {t('portal.doc.downloadPdf')}
          </a>
          <PortalEinvoiceButton doc={doc} />
          {doc.kind === 'quote' && (doc.status === 'issued' || doc.status === 'sent') ? (
            <Button
              busy={accept.busy}
              onClick={async () => {
                if (!window.confirm(t('portal.doc.acceptConfirm', { number: doc.number ?? '', amount: m(doc.total) })))
                  return;
                if (await accept.run()) {
                  setStatus(t('portal.doc.accepted'));
                  reload();
                }
              }}
            >
              {t('portal.doc.accept')}
            </Button>
          ) : null}
          {doc.kind === 'quote' && (doc.status === 'issued' || doc.status === 'sent') ? (
            <Button
              busy={decline.busy}
              onClick={async () => {
                if (!window.confirm(t('portal.doc.declineConfirm', { number: doc.number ?? '' }))) return;
                if (await decline.run()) {
                  setStatus(t('portal.doc.declined'));
                  reload();
                }
              }}
            >
              {t('portal.doc.decline')}
            </Button>
          ) : null}
          {!acknowledged ? (
            <Button
              busy={ack.busy}
              onClick={async () => {
                const r = await ack.run();
                if (r) {
                  setStatus(t('portal.doc.acknowledged', { date: dateTime(r.acknowledgedAt) }));
                  void deliveries.refetch();
                }
              }}
            >
              {t('portal.doc.acknowledge')}
            </Button>
          ) : null}
        </div>
      </div>
      {payment === 'success' ? (
        <Notice kind="success" title={t('portal.doc.paymentThanksTitle')}>
          {t('portal.doc.paymentThanks')}
        </Notice>
      ) : null}
      {payment === 'cancelled' ? <Notice kind="warning">{t('portal.doc.paymentCancelled')}</Notice> : null}
      <Status message={status} />
      <ErrorNotice error={ack.error ?? accept.error ?? decline.error} />
      <div className="panel">
        <dl className="facts">
          <dt>{t('portal.doc.status')}</dt>
          <dd>
            <StatusBadge status={doc.status} overdue={doc.overdue} />
          </dd>
          <dt>{t('portal.doc.issued')}</dt>
          <dd>{date(doc.issueDate)}</dd>
          <dt>{doc.kind === 'quote' ? t('portal.doc.validUntil') : t('portal.doc.due')}</dt>
          <dd>{date(doc.dueDate)}</dd>
          <dt>{t('portal.doc.fingerprint')}</dt>
          <dd>
            <code>{doc.fingerprint}</code> <span className="muted small">{t('portal.doc.fingerprintHint')}</span>
          </dd>
        </dl>
      </div>
      <DocumentLines lines={doc.lines} currency={doc.currency} />
      <DocumentTotals doc={doc} showBalance={doc.kind === 'invoice'} dueLabel={t('portal.doc.toPay')} />
      {doc.kind === 'invoice' && doc.amountDue > 0 && doc.status !== 'void' ? <PayPanel invoiceId={doc.id} /> : null}
      <p>
        <Link to={`/verify`}>{t('portal.doc.howToVerify')}</Link>
      </p>
      {deliveries.data && deliveries.data.items.length > 0 ? (
        <details className="panel">
          <summary>{t('portal.doc.deliveryRecord')}</summary>
          <ul className="small">
            {deliveries.data.items.map((d) => (
              <li key={d.id}>
                {dateTime(d.createdAt)} · {d.mode} · {d.status}
                <ul>
                  {d.events.map((e, i) => (
                    <li key={i}>
                      {dateTime(e.at)} · {e.type} · <code>{e.hash.slice(0, 16)}…</code>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}
