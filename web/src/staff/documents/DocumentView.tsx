import { useState } from 'react';
import { ApiError, idempotencyKey, ok, staffApi } from '../../lib/api.ts';
import { date, dateTime } from '../../lib/format.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { queryClient, useApiQuery } from '../../lib/query.ts';
import { Link, navigate, useQuery } from '../../lib/router.tsx';
import { KIND_LABEL, KIND_PATH, kindPath, type DocumentDto, type DocumentKind } from '../../lib/types.ts';
import { Badge, ErrorNotice, Loading, Notice, Status, StatusBadge } from '../../ui/feedback.tsx';
import { t } from '../../lib/i18n.ts';
import { Button } from '../../ui/forms.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { PageHead } from '../Layout.tsx';
import { DeliveryHistory, SendDialog } from '../delivery/Delivery.tsx';
import { PaymentDialog, VoidDialog } from './DocumentDialogs.tsx';
import { PayLinks } from '../delivery/PayLinks.tsx';
import { PdfPreview } from './PdfPreview.tsx';
import { EinvoicePanel } from '../einvoice/EinvoicePanel.tsx';
import { DocumentEinvoiceFields } from '../einvoice/EinvoiceFields.tsx';
import { InvoicePayments } from './InvoicePayments.tsx';
import { InvoiceReminders } from './InvoiceReminders.tsx';
import { DocumentLines, DocumentTotals } from '../../ui/DocumentBody.tsx';

export function DocumentPage({ kind, id }: { kind: DocumentKind; id: string }) {
  const key = ['document', kind, id];
  const doc = useApiQuery(key, (signal) =>
    ok(staffApi.GET(kindPath(kind, '/{id}'), { params: { path: { id } }, signal })),
  );
  if (doc.error) return <ErrorNotice error={doc.error} title="This document could not be loaded" />;
  if (!doc.data) return <Loading />;
  return (
    <DocumentView doc={doc.data} onChange={(d) => queryClient.setQueryData(key, d)} reload={() => void doc.refetch()} />
  );
}

function DocumentView({
  doc,
  onChange,
  reload,
}: {
  doc: DocumentDto;
  onChange: (d: DocumentDto) => void;
  reload: () => void;
}) {
  const path = KIND_PATH[doc.kind];
  const label = KIND_LABEL[doc.kind];
  const title = doc.number ? `${label} ${doc.number}` : `Draft ${label.toLowerCase()}`;
  useTitle(title);
  const created = useQuery().get('created') === '1';
  const [status, setStatus] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'send' | 'pay' | 'void' | null>(null);
  const payments = useApiQuery(['payments', doc.id, doc.status, doc.amountPaid], (signal) =>
    doc.kind === 'invoice' && doc.status !== 'draft'
      ? ok(staffApi.GET('/api/v1/invoices/{id}/payments', { params: { path: { id: doc.id } }, signal }))
      : Promise.resolve({ items: [] }),
  );
  const at = { params: { path: { id: doc.id } } };

  const act = useAction(async (what: string, call: () => Promise<DocumentDto | void>) => {
    const r = await call();
    if (r) onChange(r);
    setStatus(what);
    return true;
  });
  // An invoice issued without payout details is signed and frozen without them: the server asks
  // for a confirmation (409 naming confirmWithoutPayoutDetails), which this dialog collects.
  const [askPayout, setAskPayout] = useState(false);
  const issue = (confirmWithoutPayoutDetails = false) =>
    act.run(`${label} issued`, async () => {
      setAskPayout(false);
      try {
        return await ok(
          staffApi.POST(kindPath(doc.kind, '/{id}/issue'), {
            ...at,
            headers: idempotencyKey(),
            body: confirmWithoutPayoutDetails ? { confirmWithoutPayoutDetails: true } : {},
          }),
        );
      } catch (e) {
        if (e instanceof ApiError && e.fieldErrors.some((f) => f.path === '/body/confirmWithoutPayoutDetails')) {
          setAskPayout(true);
          throw new ApiError(
            e.status,
            e.code,
            'Not issued: confirm issuing without payout details, or add them first.',
            [],
            e.requestId,
          );
        }
        throw e;
      }
    });
  const markSent = () => act.run('Marked as sent', () => ok(staffApi.POST(kindPath(doc.kind, '/{id}/mark-sent'), at)));
  const remove = async () => {
    if (!window.confirm('Delete this draft? This cannot be undone.')) return;
    // The answer ({ ok: true }) is not a document: nothing to show before leaving the page.
    const gone = async () => void (await ok(staffApi.DELETE(kindPath(doc.kind, '/{id}'), at)));
    if (await act.run('Draft deleted', gone)) navigate(`/app/${path}`);
  };
  const quoteAction = (verb: 'accept' | 'decline') =>
    act.run(verb === 'accept' ? 'Quote accepted' : 'Quote declined', () =>
      ok(staffApi.POST(verb === 'accept' ? '/api/v1/quotes/{id}/accept' : '/api/v1/quotes/{id}/decline', at)),
    );
  const convert = async () => {
    const r = await act.run('Invoice created from the quote', async () => {
      const inv = await ok(staffApi.POST('/api/v1/quotes/{id}/convert', at));
      navigate(`/app/invoices/${inv.id}?created=1`);
    });
    return r;
  };

  const duplicate = () =>
    act.run(`${label} duplicated`, async () => {
      const copy = await ok(staffApi.POST(kindPath(doc.kind, '/{id}/duplicate'), { ...at, headers: idempotencyKey() }));
      navigate(`/app/${path}/${copy.id}/edit`);
    });

  const issued = doc.status !== 'draft';

  return (
    <>
      <PageHead
        title={title}
        actions={
          <>
            {!issued ? (
              <>
                <Link className="btn btn-secondary" to={`/app/${path}/${doc.id}/edit`}>
                  Edit
                </Link>
                <Button variant="danger" onClick={() => void remove()} busy={act.busy}>
                  Delete draft
                </Button>
                <Button variant="primary" onClick={() => void issue()} busy={act.busy}>
                  Issue {label.toLowerCase()}
                </Button>
              </>
            ) : null}
            {issued && doc.hasPdf ? (
              <a className="btn btn-secondary" href={`/api/v1/${path}/${doc.id}/pdf`} download>
                Download PDF
              </a>
            ) : null}
            {issued && doc.status !== 'void' ? (
              <>
                <Button variant="primary" onClick={() => setDialog('send')}>
                  Send…
                </Button>
                {doc.sentAt ? null : (
                  <Button onClick={() => void markSent()} busy={act.busy}>
                    Mark as sent
                  </Button>
                )}
              </>
            ) : null}
            {doc.kind === 'invoice' && issued && doc.status !== 'void' && doc.amountDue > 0 ? (
              <Button onClick={() => setDialog('pay')}>Record payment</Button>
            ) : null}
            <Button onClick={() => void duplicate()} busy={act.busy}>
              Duplicate
            </Button>
            {doc.kind === 'invoice' && issued && doc.status !== 'void' && doc.amountCredited < doc.total ? (
              <Link className="btn btn-secondary" to={`/app/credit-notes/new?creditFor=${doc.id}`}>
                Credit lines…
              </Link>
            ) : null}
            {doc.kind === 'invoice' && issued && doc.status !== 'void' ? (
              <Button variant="danger" onClick={() => setDialog('void')}>
                Void…
              </Button>
            ) : null}
            {doc.kind === 'quote' && (doc.status === 'issued' || doc.status === 'sent') ? (
              <>
                <Button onClick={() => void quoteAction('accept')}>Mark accepted</Button>
                <Button onClick={() => void quoteAction('decline')}>Mark declined</Button>
              </>
            ) : null}
            {doc.kind === 'quote' && doc.status === 'accepted' ? (
              <Button variant="primary" onClick={() => void convert()}>
                Convert to invoice
              </Button>
            ) : null}
          </>
        }
      />
      {created && doc.status === 'draft' ? (
        <Notice kind="success" title={`Draft ${label.toLowerCase()} saved`}>
          Check it, then issue it: issuing gives it a number, freezes it and produces the signed PDF.
        </Notice>
      ) : null}
      <Status message={status} />
      <ErrorNotice
        error={act.error}
        title={act.error?.code === 'forbidden' ? 'Refused: your role cannot do this' : undefined}
      />

      <div className="panel">
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <StatusBadge status={doc.status} overdue={doc.overdue} />
            {doc.importedAt ? <Badge tone="neutral">{t('documents.imported')}</Badge> : null}
          </dd>
          <dt>Client</dt>
          <dd>
            <Link to={`/app/clients/${doc.clientId}`}>{doc.clientName}</Link>
          </dd>
          <dt>Issue date</dt>
          <dd>{date(doc.issueDate)}</dd>
          <dt>{doc.kind === 'quote' ? 'Valid until' : 'Due date'}</dt>
          <dd>{date(doc.dueDate)}</dd>
          {doc.currency && doc.exchangeRate !== '1' ? (
            <>
              <dt>Exchange rate</dt>
              <dd>{doc.exchangeRate}</dd>
            </>
          ) : null}
          {doc.sentAt ? (
            <>
              <dt>Sent</dt>
              <dd>{dateTime(doc.sentAt)}</dd>
            </>
          ) : null}
          {doc.relatedDocumentId ? (
            <>
              <dt>Related</dt>
              <dd>
                <Link to={`/app/${doc.kind === 'credit_note' ? 'invoices' : 'credit-notes'}/${doc.relatedDocumentId}`}>
                  {doc.kind === 'credit_note' ? 'Credited invoice' : 'Credit note'}
                </Link>
              </dd>
            </>
          ) : null}
        </dl>
      </div>

      <DocumentLines lines={doc.lines} currency={doc.currency} />
      <DocumentTotals doc={doc} showBalance={doc.kind === 'invoice' && issued} dueLabel="Outstanding" />
      <PdfPreview doc={doc} title={title} />
      <EinvoicePanel doc={doc} />
      <DocumentEinvoiceFields key={doc.updatedAt} doc={doc} onSaved={onChange} />
      {doc.notes ? (
        <div className="panel">
          <h2>Notes</h2>
          <p>{doc.notes}</p>
        </div>
      ) : null}

      {doc.kind === 'invoice' && issued ? (
        <InvoicePayments
          payments={payments}
          onRefunded={() => {
            setStatus('Refund recorded');
            reload();
          }}
        />
      ) : null}
      {doc.kind === 'invoice' && issued && doc.status !== 'void' ? (
        <PayLinks invoiceId={doc.id} open={doc.amountDue > 0} />
      ) : null}
      {doc.kind === 'invoice' && issued ? <InvoiceReminders doc={doc} onSent={reload} /> : null}
      {issued ? <DeliveryHistory doc={doc} /> : null}

      <SendDialog
        open={dialog === 'send'}
        doc={doc}
        onClose={() => setDialog(null)}
        onSent={(msg) => {
          setDialog(null);
          setStatus(msg);
          reload();
        }}
      />
      <PaymentDialog
        open={dialog === 'pay'}
        doc={doc}
        onClose={() => setDialog(null)}
        onDone={() => {
          setDialog(null);
          setStatus('Payment recorded');
          reload();
        }}
      />
      <Dialog open={askPayout} title="Issue without payout details?" onClose={() => setAskPayout(false)}>
        <p>
          Your organization has no payout bank details yet. Issuing signs and freezes this invoice: it will never show
          your client where to pay, and cannot be changed afterwards (only credited).
        </p>
        <p>
          <Link to="/app/settings/payout">Add payout details first</Link> (the first details of an organization that has
          issued nothing take effect at once).
        </p>
        <div className="actions">
          <Button variant="primary" onClick={() => void issue(true)} busy={act.busy}>
            Issue without payout details
          </Button>
          <Button onClick={() => setAskPayout(false)}>Cancel</Button>
        </div>
      </Dialog>
      <VoidDialog
        open={dialog === 'void'}
        doc={doc}
        onClose={() => setDialog(null)}
        onDone={(creditNoteId) => {
          setDialog(null);
          setStatus('Invoice voided; a credit note was issued');
          navigate(`/app/credit-notes/${creditNoteId}`);
        }}
      />
    </>
  );
}
