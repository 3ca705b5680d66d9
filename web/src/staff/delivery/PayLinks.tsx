// Pay links of an invoice: a link a client can pay through without signing in (the 256-bit token
// in it is the credential, shown once), listed with their state and revocable.
import { useState } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Badge, ErrorNotice, Notice } from '../../ui/feedback.tsx';
import { Button } from '../../ui/forms.tsx';

export function PayLinks({ invoiceId, open }: { invoiceId: string; open: boolean }) {
  const list = useApiQuery(['pay-links', invoiceId], (signal) =>
    ok(staffApi.GET('/api/v1/invoices/{id}/pay-links', { params: { path: { id: invoiceId } }, signal })),
  );
  const [created, setCreated] = useState<string | null>(null);
  const create = useAction(() =>
    ok(
      staffApi.POST('/api/v1/invoices/{id}/pay-links', {
        params: { path: { id: invoiceId } },
        body: { expiresInDays: 30 },
      }),
    ),
  );
  const revoke = useAction((id: string) =>
    ok(staffApi.POST('/api/v1/pay-links/{id}/revoke', { params: { path: { id } } })),
  );
  return (
    <section className="panel" aria-labelledby="paylinks-h">
      <h2 id="paylinks-h">Pay links</h2>
      <ErrorNotice error={list.error ?? create.error ?? revoke.error} focus={false} />
      {created ? (
        <Notice kind="success" title="Pay link created: copy it now">
          <p>Anyone with this link can see the amount due and pay it. It is shown only once.</p>
          <p className="secret">{created}</p>
        </Notice>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <ul className="plain-list">
          {list.data.items.map((l) => (
            <li key={l.id}>
              Created {dateTime(l.createdAt)} · expires {dateTime(l.expiresAt)} ·{' '}
              <Badge tone={l.status === 'active' ? 'good' : 'neutral'}>{l.status}</Badge>
              {l.lastUsedAt ? ` · last opened ${dateTime(l.lastUsedAt)}` : ''}{' '}
              {l.status === 'active' ? (
                <Button variant="link" onClick={async () => (await revoke.run(l.id)) && list.refetch()}>
                  Revoke
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No pay links. Clients can also pay from the client portal.</p>
      )}
      {open ? (
        <Button
          busy={create.busy}
          onClick={async () => {
            const r = await create.run();
            if (r) {
              setCreated(r.url);
              list.refetch();
            }
          }}
        >
          Create a pay link
        </Button>
      ) : null}
    </section>
  );
}
