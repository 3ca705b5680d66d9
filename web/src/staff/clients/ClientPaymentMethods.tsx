// The payment methods a client saved at a checkout and authorised the organization to charge
// (recurring invoices with automatic charging). Only a label is shown (brand or scheme and the
// last four digits); revoking needs the permission to record payments, and is final.
import { ok, staffApi } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Badge, ErrorNotice } from '../../ui/feedback.tsx';
import { Button } from '../../ui/forms.tsx';
import { DataTable } from '../../ui/DataTable.tsx';
import { useStaff } from '../context.ts';

export function ClientPaymentMethods({ clientId, onStatus }: { clientId: string; onStatus: (m: string) => void }) {
  const s = useStaff();
  const methods = useApiQuery(['client-payment-methods', clientId], (signal) =>
    ok(staffApi.GET('/api/v1/clients/{id}/payment-methods', { params: { path: { id: clientId } }, signal })),
  );
  const revoke = useAction((consentId: string) =>
    ok(
      staffApi.POST('/api/v1/clients/{id}/payment-methods/{consentId}/revoke', {
        params: { path: { id: clientId, consentId } },
      }),
    ),
  );
  if (!s.can('payment:read')) return null;
  const items = methods.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="payment-methods-h">
      <h2 id="payment-methods-h">Saved payment methods</h2>
      <p className="muted small">
        Saved by the client when paying online (&ldquo;save this method for future invoices&rdquo;). Recurring invoices
        set to charge automatically use the newest active one; after revoking, they are sent to pay instead.
      </p>
      <ErrorNotice error={methods.error ?? revoke.error} />
      {methods.data && items.length === 0 ? <p className="muted">None saved.</p> : null}
      {items.length > 0 ? (
        <DataTable
          label="Saved payment methods"
          rows={items}
          rowKey={(m) => m.id}
          columns={[
            { header: 'Method', cell: (m) => m.label },
            { header: 'Kind', cell: (m) => (m.kind === 'sepa_debit' ? 'SEPA Direct Debit' : 'Card') },
            {
              header: 'Authorised',
              cell: (m) => `${dateTime(m.authorisedAt)} (${m.authorisedVia === 'portal' ? 'portal' : 'pay link'})`,
            },
            {
              header: 'Status',
              cell: (m) =>
                m.active ? (
                  <Badge tone="good">active</Badge>
                ) : (
                  <Badge tone="neutral">{`revoked ${m.revokedBy === 'client' ? 'by the client' : 'by staff'}`}</Badge>
                ),
            },
            {
              header: 'Actions',
              className: 'actions',
              cell: (m) =>
                m.active && s.can('payment:record') ? (
                  <Button
                    className="btn-small"
                    variant="danger"
                    busy={revoke.busy}
                    onClick={async () => {
                      if (!window.confirm(`Revoke ${m.label}? It will not be charged again.`)) return;
                      if (await revoke.run(m.id)) {
                        onStatus(`${m.label} revoked`);
                        void methods.refetch();
                      }
                    }}
                  >
                    Revoke
                  </Button>
                ) : null,
            },
          ]}
        />
      ) : null}
    </section>
  );
}
