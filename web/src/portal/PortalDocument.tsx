import { useState } from 'react';
import { ok, portalApi } from '../lib/api.ts';
import { date, dateTime, money } from '../lib/format.ts';
import { useAction, useTitle } from '../lib/hooks.ts';
import { useApiQuery } from '../lib/query.ts';
import type { Answer } from '../lib/types.ts';
import { Link, useQuery } from '../lib/router.tsx';
import { KIND_LABEL } from '../lib/types.ts';

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
  if (doc.error) return <ErrorNotice error={doc.error} title="This document could not be loaded" />;
  if (!doc.data) return <Loading />;
  return <DocumentBody doc={doc.data} reload={() => void doc.refetch()} />;
}

function DocumentBody({ doc, reload }: { doc: PortalDocument; reload: () => void }) {
  const title = `${KIND_LABEL[doc.kind]} ${doc.number ?? ''}`;
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
            Download PDF
          </a>
          <PortalEinvoiceButton doc={doc} />
          {doc.kind === 'quote' && (doc.status === 'issued' || doc.status === 'sent') ? (
            <Button
              busy={accept.busy}
              onClick={async () => {
                if (!window.confirm(`Accept quote ${doc.number} for ${m(doc.total)}?`)) return;
                if (await accept.run()) {
                  setStatus('Quote accepted. Your supplier has been told.');
                  reload();
                }
              }}
            >
              Accept quote
            </Button>
          ) : null}
          {doc.kind === 'quote' && (doc.status === 'issued' || doc.status === 'sent') ? (
            <Button
              busy={decline.busy}
              onClick={async () => {
                if (!window.confirm(`Decline quote ${doc.number}?`)) return;
                if (await decline.run()) {
                  setStatus('Quote declined. Your supplier has been told.');
                  reload();
                }
              }}
            >
              Decline quote
            </Button>
          ) : null}
          {!acknowledged ? (
            <Button
              busy={ack.busy}
              onClick={async () => {
                const r = await ack.run();
                if (r) {
                  setStatus(`Receipt acknowledged on ${dateTime(r.acknowledgedAt)}.`);
                  void deliveries.refetch();
                }
              }}
            >
              Acknowledge receipt
            </Button>
          ) : null}
        </div>
      </div>
      {payment === 'success' ? (
        <Notice kind="success" title="Thank you">
          Your payment is being confirmed; it appears here once your supplier's payment provider reports it.
        </Notice>
      ) : null}
      {payment === 'cancelled' ? <Notice kind="warning">The payment was cancelled; nothing was charged.</Notice> : null}
      <Status message={status} />
      <ErrorNotice error={ack.error ?? accept.error ?? decline.error} />
      <div className="panel">
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <StatusBadge status={doc.status} overdue={doc.overdue} />
          </dd>
          <dt>Issued</dt>
          <dd>{date(doc.issueDate)}</dd>
          <dt>{doc.kind === 'quote' ? 'Valid until' : 'Due'}</dt>
          <dd>{date(doc.dueDate)}</dd>
          <dt>Fingerprint</dt>
          <dd>
            <code>{doc.fingerprint}</code>{' '}
            <span className="muted small">(the same as on the PDF and in the email you received)</span>
          </dd>
        </dl>
      </div>
      <DocumentLines lines={doc.lines} currency={doc.currency} />
      <DocumentTotals doc={doc} showBalance={doc.kind === 'invoice'} dueLabel="To pay" />
      {doc.kind === 'invoice' && doc.amountDue > 0 && doc.status !== 'void' ? <PayPanel invoiceId={doc.id} /> : null}
      <p>
        <Link to={`/verify`}>How to check this document is genuine</Link>
      </p>
      {deliveries.data && deliveries.data.items.length > 0 ? (
        <details className="panel">
          <summary>Delivery record</summary>
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
