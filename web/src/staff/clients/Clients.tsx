import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { clientInput, clientPatch } from '../../../../src/modules/clients/client.schemas.ts';
import { ok, staffApi, type ApiError, type paths } from '../../lib/api.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { t } from '../../lib/i18n.ts';
import { useApiQuery } from '../../lib/query.ts';
import { validateBody } from '../../lib/validate.ts';
import { Link, navigate } from '../../lib/router.tsx';
import {
  DELIVERY_MODE_LABELS,
  PLAIN_MODE_WARNING,
  type Answer,
  type Client,
  type DeliveryMode,
} from '../../lib/types.ts';
import { EmptyState, ErrorNotice, Loading, Badge } from '../../ui/feedback.tsx';
import { Button, SelectField, TextArea, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { useStaff } from '../context.ts';
import { DataTable, ListCount } from '../../ui/DataTable.tsx';

type ClientSort = NonNullable<NonNullable<paths['/api/v1/clients']['get']['parameters']['query']>['sort']>;
type ClientSummary = Answer<'/api/v1/clients'>['items'][number];

export function ClientsPage() {
  useTitle(t('clients.title'));
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [archived, setArchived] = useState(false);
  const [sort, setSort] = useState<ClientSort>('-created');
  const [extra, setExtra] = useState<ClientSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const page = (after?: string, signal?: AbortSignal) =>
    ok(
      staffApi.GET('/api/v1/clients', {
        params: {
          query: {
            q: search || undefined,
            includeArchived: archived ? 'true' : undefined,
            sort,
            limit: 100,
            cursor: after,
          },
        },
        signal,
      }),
    );
  const list = useApiQuery(['clients', { search, archived, sort }], (signal) => page(undefined, signal));
  useEffect(() => {
    setExtra([]);
    setCursor(list.data?.nextCursor ?? null);
  }, [list.data]);
  async function more() {
    if (!cursor) return;
    const next = await page(cursor);
    setExtra((e) => [...e, ...next.items]);
    setCursor(next.nextCursor);
  }
  const rows = [...(list.data?.items ?? []), ...extra];

  return (
    <>
      <PageHead
        title={t('clients.title')}
        actions={
          <Link className="btn btn-primary" to="/app/clients/new">
            {t('clients.new')}
          </Link>
        }
      />
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(q.trim());
        }}
      >
        <TextField label={t('clients.searchByName')} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        <div className="field field-check">
          <input
            id="show-archived"
            type="checkbox"
            checked={archived}
            onChange={(e) => setArchived(e.target.checked)}
          />
          <label htmlFor="show-archived">{t('clients.showArchived')}</label>
        </div>
        <SelectField
          label={t('clients.sort')}
          value={sort}
          onChange={(e) => setSort(e.target.value as ClientSort)}
          options={[
            { value: '-created', label: t('clients.sortNewest') },
            { value: 'created', label: t('clients.sortOldest') },
          ]}
        />
        <div className="field">
          <Button type="submit">{t('common.search')}</Button>
        </div>
      </form>
      <ErrorNotice error={list.error} />
      {list.isPending ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState
          title={search ? t('clients.noMatch') : t('clients.none')}
          action={
            <Link className="btn btn-primary" to="/app/clients/new">
              {t('clients.addFirst')}
            </Link>
          }
        >
          {search ? t('clients.noMatchHint') : t('clients.noneHint')}
        </EmptyState>
      ) : null}
      {rows.length > 0 ? <ListCount count={list.data?.count} capped={list.data?.countCapped} /> : null}
      {rows.length > 0 ? (
        <DataTable
          label={t('clients.title')}
          caption={t('clients.title')}
          rows={rows}
          rowKey={(c) => c.id}
          columns={[
            {
              header: t('clients.name'),
              cell: (c) => (
                <>
                  <Link to={`/app/clients/${c.id}`}>{c.name}</Link>{' '}
                  {c.archived ? <Badge>{t('common.archived')}</Badge> : null}
                </>
              ),
            },
            { header: t('clients.email'), cell: (c) => c.email ?? t('common.none') },
            { header: t('clients.currency'), cell: (c) => c.currency },
          ]}
        />
      ) : null}
      {cursor ? <Button onClick={() => void more()}>{t('clients.loadMore')}</Button> : null}
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
    addressLines: v.address
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    country: v.country.trim().toUpperCase() || null,
    taxId: v.taxId.trim() || null,
    currency: v.currency.trim().toUpperCase(),
    language: v.language.trim(),
    deliveryMode: v.deliveryMode,
    notes: v.notes.trim() || null,
  };
}

export function ClientForm({
  client,
  onSaved,
  submitLabel,
}: {
  client: Client | null;
  onSaved: (c: Client) => void;
  submitLabel: string;
}) {
  const s = useStaff();
  const [v, setV] = useState(() => toForm(client, s.org?.defaultCurrency ?? 'EUR', s.org?.locale ?? 'en-GB'));
  const save = useAction(async () => {
    const body = toBody(v);
    // Checked with the server's own schema first: the same field errors, without a round trip.
    const invalid = validateBody(client ? clientPatch : clientInput, body);
    if (invalid) throw invalid;
    return client
      ? ok(staffApi.PATCH('/api/v1/clients/{id}', { params: { path: { id: client.id } }, body }))
      : ok(staffApi.POST('/api/v1/clients', { body }));
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
        <TextField
          label="Name"
          value={v.name}
          onChange={set('name')}
          error={f.name}
          required
          autoComplete="organization"
        />
        <TextField
          label="Billing email"
          type="email"
          value={v.email}
          onChange={set('email')}
          error={f.email}
          autoComplete="email"
          hint="Receives every document you send to this client, besides the contact you send it to. Portal sign-in is for contacts."
        />
      </div>
      <TextArea
        label="Address"
        value={v.address}
        onChange={set('address')}
        error={f.addressLines ?? f['addressLines/0']}
        hint="One line per row."
        rows={3}
      />
      <div className="form-row">
        <TextField
          label="Country"
          value={v.country}
          onChange={set('country')}
          error={f.country}
          hint="Two letters, e.g. DE"
          maxLength={2}
          autoComplete="country"
        />
        <TextField label="Tax id (VAT number)" value={v.taxId} onChange={set('taxId')} error={f.taxId} />
        <TextField
          label="Currency"
          value={v.currency}
          onChange={set('currency')}
          error={f.currency}
          hint="ISO code, e.g. EUR"
          maxLength={3}
        />
        <TextField
          label="Language"
          value={v.language}
          onChange={set('language')}
          error={f.language}
          hint="e.g. en-GB, de-DE"
        />
      </div>
      <SelectField
        label="How documents are delivered"
        value={v.deliveryMode}
        onChange={set('deliveryMode')}
        error={f.deliveryMode}
        options={Object.entries(DELIVERY_MODE_LABELS).map(([value, label]) => ({ value, label }))}
        {...(v.deliveryMode === 'plain' && { hint: PLAIN_MODE_WARNING })}
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
        <ClientForm
          client={null}
          submitLabel="Create client"
          onSaved={(c) => navigate(`/app/clients/${c.id}?created=1`)}
        />
      </div>
    </>
  );
}

export function LoadClient({ id, children }: { id: string; children: (c: Client, reload: () => void) => ReactNode }) {
  const c = useApiQuery(['client', id], (signal) =>
    ok(staffApi.GET('/api/v1/clients/{id}', { params: { path: { id } }, signal })),
  );
  if (c.error) return <ErrorNotice error={c.error} title={t('clients.loadFailed')} />;
  if (!c.data) return <Loading />;
  return <>{children(c.data, () => void c.refetch())}</>;
}
