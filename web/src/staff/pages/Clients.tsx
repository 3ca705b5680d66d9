import { useState, type FormEvent, type ReactNode } from 'react';
import { api, qs, type ApiError } from '../../lib/api.ts';
import { useAction, useAsync, useTitle } from '../../lib/hooks.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { DELIVERY_MODE_LABELS, type Client, type ClientSummary, type DeliveryMode, type Page } from '../../lib/types.ts';
import { EmptyState, ErrorNotice, Loading, Badge } from '../../ui/feedback.tsx';
import { Button, SelectField, TextArea, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { useStaff } from '../context.ts';
import { TableWrap } from '../../ui/TableWrap.tsx';

export function ClientsPage() {
  useTitle('Clients');
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [archived, setArchived] = useState(false);
  const list = useAsync((signal) => api.get<Page<ClientSummary>>(`/api/v1/clients${qs({ q: search || undefined, includeArchived: archived ? 'true' : undefined, limit: 200 })}`, { signal }), [search, archived]);

  return (
    <>
      <PageHead title="Clients" actions={<Link className="btn btn-primary" to="/app/clients/new">New client</Link>} />
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(q.trim());
        }}
      >
        <TextField label="Search by name" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        <div className="field field-check">
          <input id="show-archived" type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} />
          <label htmlFor="show-archived">Show archived</label>
        </div>
        <div className="field">
          <Button type="submit">Search</Button>
        </div>
      </form>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState title={search ? 'No client matches your search' : 'No clients yet'} action={<Link className="btn btn-primary" to="/app/clients/new">Add your first client</Link>}>
          {search ? 'Try another name, or clear the search.' : 'Clients are the people and companies you bill. Add one to write your first invoice.'}
        </EmptyState>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <TableWrap label="Clients">
          <table>
            <caption className="visually-hidden">Clients</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Currency</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/app/clients/${c.id}`}>{c.name}</Link> {c.archived ? <Badge>Archived</Badge> : null}
                  </td>
                  <td>{c.email ?? '—'}</td>
                  <td>{c.currency}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </>
  );
}

interface ClientFormValue {
  name: string;
  email: string;
  address: string;
  country: string;
  taxId: string;
  currency: string;
  language: string;
  deliveryMode: DeliveryMode;
  notes: string;
}

function toForm(c: Client | null, orgCurrency: string, orgLocale: string): ClientFormValue {
  return {
    name: c?.name ?? '',
    email: c?.email ?? '',
    address: (c?.addressLines ?? []).join('\n'),
    country: c?.country ?? '',
    taxId: c?.taxId ?? '',
    currency: c?.currency ?? orgCurrency,
    language: c?.language ?? orgLocale,
    deliveryMode: c?.deliveryMode ?? 'portal-link',
    notes: c?.notes ?? '',
  };
}

function toBody(v: ClientFormValue) {
  return {
    name: v.name.trim(),
    email: v.email.trim() || null,
    addressLines: v.address.split('\n').map((l) => l.trim()).filter(Boolean),
    country: v.country.trim().toUpperCase() || null,
    taxId: v.taxId.trim() || null,
    currency: v.currency.trim().toUpperCase(),
    language: v.language.trim(),
    deliveryMode: v.deliveryMode,
    notes: v.notes.trim() || null,
  };
}

export function ClientForm({ client, onSaved, submitLabel }: { client: Client | null; onSaved: (c: Client) => void; submitLabel: string }) {
  const s = useStaff();
  const [v, setV] = useState(() => toForm(client, s.org?.defaultCurrency ?? 'EUR', s.org?.locale ?? 'en-GB'));
  const save = useAction(async () => {
    const body = toBody(v);
    return client ? api.patch<Client>(`/api/v1/clients/${client.id}`, body) : api.post<Client>('/api/v1/clients', body);
  });
  const f = save.error?.fields() ?? {};
  const set = (k: keyof ClientFormValue) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const saved = await save.run();
    if (saved) onSaved(saved);
  }

  return (
    <form onSubmit={submit} noValidate>
      <ErrorNotice error={save.error as ApiError | null} title="The client was not saved" />
      <div className="form-row">
        <TextField label="Name" value={v.name} onChange={set('name')} error={f.name} required autoComplete="organization" />
        <TextField label="Billing email" type="email" value={v.email} onChange={set('email')} error={f.email} autoComplete="email" hint="Receives every document you send to this client, besides the contact you send it to. Portal sign-in is for contacts." />
      </div>
      <TextArea label="Address" value={v.address} onChange={set('address')} error={f.addressLines ?? f['addressLines/0']} hint="One line per row." rows={3} />
      <div className="form-row">
        <TextField label="Country" value={v.country} onChange={set('country')} error={f.country} hint="Two letters, e.g. DE" maxLength={2} autoComplete="country" />
        <TextField label="Tax id (VAT number)" value={v.taxId} onChange={set('taxId')} error={f.taxId} />
        <TextField label="Currency" value={v.currency} onChange={set('currency')} error={f.currency} hint="ISO code, e.g. EUR" maxLength={3} />
        <TextField label="Language" value={v.language} onChange={set('language')} error={f.language} hint="e.g. en-GB, de-DE" />
      </div>
      <SelectField
        label="How documents are delivered"
        value={v.deliveryMode}
        onChange={set('deliveryMode')}
        error={f.deliveryMode}
        options={Object.entries(DELIVERY_MODE_LABELS).map(([value, label]) => ({ value, label }))}
      />
      <TextArea label="Notes (private)" value={v.notes} onChange={set('notes')} error={f.notes} rows={2} />
      <Button type="submit" variant="primary" busy={save.busy}>
        {submitLabel}
      </Button>
    </form>
  );
}

export function NewClientPage() {
  useTitle('New client');
  return (
    <>
      <PageHead title="New client" />
      <div className="panel">
        <ClientForm client={null} submitLabel="Create client" onSaved={(c) => navigate(`/app/clients/${c.id}?created=1`)} />
      </div>
    </>
  );
}

export function LoadClient({ id, children }: { id: string; children: (c: Client, reload: () => void) => ReactNode }) {
  const c = useAsync((signal) => api.get<Client>(`/api/v1/clients/${id}`, { signal }), [id]);
  if (c.error) return <ErrorNotice error={c.error} title="This client could not be loaded" />;
  if (!c.data) return <Loading />;
  return <>{children(c.data, c.reload)}</>;
}
