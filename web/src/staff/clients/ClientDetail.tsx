import { useState, type FormEvent } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { money, date } from '../../lib/format.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Link, navigate, useQuery } from '../../lib/router.tsx';
import { DELIVERY_MODE_LABELS, type Client } from '../../lib/types.ts';
import { EmptyState, ErrorNotice, Notice, Status, StatusBadge } from '../../ui/feedback.tsx';
import { Button, Checkbox, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { ClientForm, LoadClient } from './Clients.tsx';
import { ClientKeys } from './ClientKeys.tsx';
import { ClientPaymentMethods } from './ClientPaymentMethods.tsx';
import { ClientReminders } from '../settings/RemindersSettings.tsx';
import { ClientStatement } from './ClientStatement.tsx';
import { ClientEinvoiceFields } from '../einvoice/EinvoiceFields.tsx';
import { DataTable } from '../../ui/DataTable.tsx';

export function ClientDetailPage({ id }: { id: string }) {
  return <LoadClient id={id}>{(c, reload) => <ClientDetail client={c} reload={reload} />}</LoadClient>;
}

function ClientDetail({ client, reload }: { client: Client; reload: () => void }) {
  useTitle(client.name);
  const created = useQuery().get('created') === '1';
  const [editing, setEditing] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const archive = useAction(() => ok(staffApi.DELETE('/api/v1/clients/{id}', { params: { path: { id: client.id } } })));
  const docs = useApiQuery(['documents', 'invoice', { clientId: client.id }], (signal) =>
    ok(staffApi.GET('/api/v1/invoices', { params: { query: { clientId: client.id, limit: 50 } }, signal })),
  );

  return (
    <>
      <PageHead
        title={client.name}
        actions={
          <>
            <Link className="btn btn-primary" to={`/app/invoices/new?clientId=${client.id}`}>
              New invoice
            </Link>
            <Link className="btn btn-secondary" to={`/app/quotes/new?clientId=${client.id}`}>
              New quote
            </Link>
            <Button onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
              {editing ? 'Stop editing' : 'Edit'}
            </Button>
            {!client.archived ? (
              <Button
                variant="danger"
                busy={archive.busy}
                onClick={async () => {
                  if (
                    !window.confirm(`Archive ${client.name}? Existing documents stay; the client is hidden from lists.`)
                  )
                    return;
                  if (await archive.run()) navigate('/app/clients');
                }}
              >
                Archive
              </Button>
            ) : null}
          </>
        }
      />
      {created ? (
        <Notice kind="success" title="Client created">
          Add contacts below, or write the first invoice.
        </Notice>
      ) : null}
      <Status message={status} />
      <ErrorNotice error={archive.error} />
      {editing ? (
        <div className="panel">
          <h2>Edit client</h2>
          <ClientForm
            client={client}
            submitLabel="Save changes"
            onSaved={() => {
              setEditing(false);
              setStatus('Client saved');
              reload();
            }}
          />
        </div>
      ) : (
        <div className="panel">
          <dl className="facts">
            <dt>Email</dt>
            <dd>{client.email ?? '—'}</dd>
            <dt>Address</dt>
            <dd>{client.addressLines.length ? client.addressLines.join(', ') : '—'}</dd>
            <dt>Country</dt>
            <dd>{client.country ?? '—'}</dd>
            <dt>Tax id</dt>
            <dd>{client.taxId ?? '—'}</dd>
            <dt>Currency · language</dt>
            <dd>
              {client.currency} · {client.language}
            </dd>
            <dt>Delivery</dt>
            <dd>{DELIVERY_MODE_LABELS[client.deliveryMode]}</dd>
            {client.notes ? (
              <>
                <dt>Notes</dt>
                <dd>{client.notes}</dd>
              </>
            ) : null}
          </dl>
        </div>
      )}

      <Contacts client={client} reload={reload} onStatus={setStatus} />
      <ClientKeys clientId={client.id} onStatus={setStatus} />
      <ClientReminders clientId={client.id} onStatus={setStatus} />
      <ClientPaymentMethods clientId={client.id} onStatus={setStatus} />
      <ClientEinvoiceFields client={client} onSaved={reload} />

      <section className="panel" aria-labelledby="client-docs">
        <h2 id="client-docs">Invoices</h2>
        <ErrorNotice error={docs.error} />
        {docs.data && docs.data.items.length === 0 ? <p className="muted">No invoices for this client yet.</p> : null}
        {docs.data && docs.data.items.length > 0 ? (
          <DataTable
            label="This client's invoices"
            rows={docs.data.items}
            rowKey={(d) => d.id}
            columns={[
              { header: 'Number', cell: (d) => <Link to={`/app/invoices/${d.id}`}>{d.number ?? 'Draft'}</Link> },
              { header: 'Issued', cell: (d) => date(d.issueDate) },
              { header: 'Status', cell: (d) => <StatusBadge status={d.status} overdue={d.overdue} /> },
              { header: 'Total', numeric: true, cell: (d) => money(d.total, d.currency) },
              { header: 'Due', numeric: true, cell: (d) => money(d.amountDue, d.currency) },
            ]}
          />
        ) : null}
      </section>
      <ClientStatement client={client} onStatus={setStatus} />
    </>
  );
}

function Contacts({ client, reload, onStatus }: { client: Client; reload: () => void; onStatus: (m: string) => void }) {
  const [v, setV] = useState({ name: '', email: '', phone: '', isPrimary: false });
  const add = useAction(() =>
    ok(
      staffApi.POST('/api/v1/clients/{id}/contacts', {
        params: { path: { id: client.id } },
        body: {
          name: v.name.trim(),
          email: v.email.trim() || null,
          phone: v.phone.trim() || null,
          isPrimary: v.isPrimary,
        },
      }),
    ),
  );
  const remove = useAction((contactId: string) =>
    ok(
      staffApi.DELETE('/api/v1/clients/{id}/contacts/{contactId}', { params: { path: { id: client.id, contactId } } }),
    ),
  );
  const resetFactors = useAction((contactId: string) =>
    ok(
      staffApi.POST('/api/v1/clients/{id}/contacts/{contactId}/reset-factors', {
        params: { path: { id: client.id, contactId } },
      }),
    ),
  );
  const f = add.error?.fields() ?? {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await add.run()) {
      setV({ name: '', email: '', phone: '', isPrimary: false });
      onStatus('Contact added');
      reload();
    }
  }

  return (
    <section className="panel" aria-labelledby="contacts-h">
      <h2 id="contacts-h">Contacts</h2>
      <p className="muted small">
        Contacts with an email address can sign in to the client portal to see this client's documents.
      </p>
      <ErrorNotice error={remove.error} />
      <ErrorNotice error={resetFactors.error} title="The sign-in methods were not reset" />
      {client.contacts.length === 0 ? (
        <EmptyState title="No contacts yet">Add the person who receives your invoices.</EmptyState>
      ) : (
        <ul>
          {client.contacts.map((c) => (
            <li key={c.id}>
              <strong>{c.name}</strong> {c.email ? `· ${c.email}` : ''} {c.phone ? `· ${c.phone}` : ''}{' '}
              {c.isPrimary ? '(primary)' : ''}{' '}
              <Button
                variant="link"
                aria-label={`Remove contact ${c.name}`}
                onClick={async () => {
                  if (await remove.run(c.id)) {
                    onStatus('Contact removed');
                    reload();
                  }
                }}
              >
                Remove
              </Button>
              {c.email ? (
                <Button
                  variant="link"
                  aria-label={`Reset portal sign-in methods of ${c.name}`}
                  busy={resetFactors.busy}
                  onClick={async () => {
                    if (
                      !window.confirm(
                        `Reset ${c.name}'s portal sign-in methods? Their authenticator app and passkeys are removed and their portal sessions end; they are emailed and can sign in with an emailed code.`,
                      )
                    )
                      return;
                    if (await resetFactors.run(c.id)) onStatus(`Portal sign-in methods of ${c.name} reset`);
                  }}
                >
                  Reset portal sign-in
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} noValidate>
        <h3>Add a contact</h3>
        <ErrorNotice error={add.error} title="The contact was not added" />
        <div className="form-row">
          <TextField
            label="Contact name"
            value={v.name}
            onChange={(e) => setV({ ...v, name: e.target.value })}
            error={f.name}
            required
          />
          <TextField
            label="Contact email"
            type="email"
            value={v.email}
            onChange={(e) => setV({ ...v, email: e.target.value })}
            error={f.email}
          />
          <TextField
            label="Phone"
            type="tel"
            value={v.phone}
            onChange={(e) => setV({ ...v, phone: e.target.value })}
            error={f.phone}
          />
        </div>
        <Checkbox
          label="Primary contact"
          checked={v.isPrimary}
          onChange={(e) => setV({ ...v, isPrimary: e.target.checked })}
        />
        <Button type="submit" busy={add.busy}>
          Add contact
        </Button>
      </form>
    </section>
  );
}
