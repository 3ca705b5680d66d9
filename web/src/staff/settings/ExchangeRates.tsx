// Settings → Exchange rates (modules/rates): the organization's table of rates (units of its
// currency per 1 unit of another), a manual rate form, and the upload of an ECB reference-rate file
// the user downloaded (CSV or XML, daily or historic) with what the import wrote, and — when the
// server has a provider (SEALBILL_RATES_PROVIDER=ecb) — a button that fetches the ECB's file. Documents in
// another currency take the latest rate on or before their issue date unless one is typed.
import { useState, type FormEvent } from 'react';
import { api, ok, staffApi, type ApiError } from '../../lib/api.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import type { Answer, Body } from '../../lib/types.ts';
import { ActionsHeader, DataTable } from '../../ui/DataTable.tsx';
import { EmptyState, ErrorNotice, Loading, Status } from '../../ui/feedback.tsx';
import { Button, SelectField, TextField } from '../../ui/forms.tsx';
import { useStaff } from '../context.ts';
import { SettingsFrame } from './Settings.tsx';

type Rate = Answer<'/api/v1/exchange-rates'>['items'][number];
type ImportResult = Answer<'/api/v1/exchange-rates/import', 'post'>;
type FetchResult = Answer<'/api/v1/exchange-rates/fetch', 'post'>;
const SOURCE_LABEL: Record<Rate['source'], string> = { manual: 'Manual', ecb: 'ECB', provider: 'Provider' };
const ECB_URL =
  'https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html';

export function ExchangeRatesPage() {
  const s = useStaff();
  const base = s.org?.defaultCurrency ?? '';
  const canEdit = s.can('org:update');
  const [filter, setFilter] = useState({ currency: '', from: '', to: '', source: '' });
  const [cursors, setCursors] = useState<string[]>([]); // the cursors of the pages before this one
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | null>(null);
  const query = {
    limit: 50,
    ...(cursor && { cursor }),
    ...(/^[A-Za-z]{3}$/.test(filter.currency) && { currency: filter.currency.toUpperCase() }),
    ...(filter.from && { from: filter.from }),
    ...(filter.to && { to: filter.to }),
    ...(filter.source && { source: filter.source as Rate['source'] }),
  };
  const provider = useApiQuery(['exchange-rates-provider'], (signal) =>
    ok(staffApi.GET('/api/v1/exchange-rates/provider', { signal })),
  );
  const rates = useApiQuery(['exchange-rates', query], (signal) =>
    ok(staffApi.GET('/api/v1/exchange-rates', { params: { query }, signal })),
  );
  const remove = useAction(async (id: string) => {
    await ok(staffApi.DELETE('/api/v1/exchange-rates/{id}', { params: { path: { id } } }));
    return true;
  });
  const refresh = () => {
    setCursor(undefined);
    setCursors([]);
    void rates.refetch();
  };
  const setF = (patch: Partial<typeof filter>) => {
    setFilter({ ...filter, ...patch });
    setCursor(undefined);
    setCursors([]);
  };

  return (
    <SettingsFrame title="Exchange rates">
      <p className="muted">
        Rates in {base} per 1 unit of another currency. A document in another currency takes the latest rate on or
        before its issue date (again when it is issued) unless you type one in the editor; on the same date a manual
        rate wins over an imported one.
      </p>
      <Status message={status} />
      {canEdit ? (
        <div className="form-row">
          <ManualRateForm
            base={base}
            onSaved={(r) => {
              setStatus(`Rate saved: 1 ${r.currency} = ${r.rate} ${base} on ${r.date}`);
              refresh();
            }}
          />
          <EcbImportForm
            onImported={(r) => {
              setStatus(
                `Imported ${r.rates} rates for ${r.currencies.length} currencies, ${r.days} days (${r.from} to ${r.to})` +
                  (r.skippedCurrencies.length ? `; left out: ${r.skippedCurrencies.join(', ')}` : ''),
              );
              refresh();
            }}
          />
          {provider.data?.provider === 'ecb' ? (
            <EcbFetchForm
              onFetched={(r) => {
                setStatus(
                  r.changed === 0
                    ? `The ECB rates of ${r.to} were already here: nothing changed`
                    : `Fetched the ECB rates of ${r.from === r.to ? r.to : `${r.from} to ${r.to}`}: ${r.changed} of ${r.rates} rates added or corrected` +
                        (r.skippedCurrencies.length ? `; left out: ${r.skippedCurrencies.join(', ')}` : ''),
                );
                refresh();
              }}
            />
          ) : null}
        </div>
      ) : null}

      <section className="panel" aria-label="Rates">
        <h2>Rates</h2>
        <div className="form-row">
          <TextField
            label="Currency"
            value={filter.currency}
            onChange={(e) => setF({ currency: e.target.value })}
            maxLength={3}
          />
          <TextField label="From" type="date" value={filter.from} onChange={(e) => setF({ from: e.target.value })} />
          <TextField label="To" type="date" value={filter.to} onChange={(e) => setF({ to: e.target.value })} />
          <SelectField
            label="Source"
            value={filter.source}
            onChange={(e) => setF({ source: e.target.value })}
            options={[
              { value: '', label: 'All' },
              { value: 'manual', label: 'Manual' },
              { value: 'ecb', label: 'ECB' },
              { value: 'provider', label: 'Provider' },
            ]}
          />
        </div>
        <ErrorNotice error={rates.error ?? remove.error} />
        {rates.isPending ? <Loading /> : null}
        {rates.data && rates.data.items.length === 0 ? (
          <EmptyState title="No exchange rates">
            Add a rate by hand or upload the ECB reference-rate file (
            <a href={ECB_URL} rel="noreferrer noopener" target="_blank">
              ecb.europa.eu
            </a>
            : eurofxref.csv, eurofxref-hist.csv or the XML files).
          </EmptyState>
        ) : null}
        {rates.data && rates.data.items.length > 0 ? (
          <DataTable
            label="Exchange rates"
            caption={`Exchange rates in ${base}`}
            rows={rates.data.items}
            rowKey={(r) => r.id}
            columns={[
              { header: 'Date', cell: (r) => r.date },
              { header: 'Currency', cell: (r) => r.currency },
              { header: `${base} per unit`, numeric: true, cell: (r) => r.rate },
              { header: 'Source', cell: (r) => SOURCE_LABEL[r.source] },
              { header: 'As published', cell: (r) => r.quoted ?? '' },
              canEdit && {
                header: <ActionsHeader />,
                className: 'actions',
                cell: (r) => (
                  <Button
                    variant="danger"
                    aria-label={`Delete the ${r.currency} rate of ${r.date}`}
                    onClick={async () => {
                      if (await remove.run(r.id)) refresh();
                    }}
                  >
                    Delete
                  </Button>
                ),
              },
            ]}
          />
        ) : null}
        <div className="actions">
          {cursors.length > 0 ? (
            <Button
              onClick={() => {
                setCursor(cursors.at(-1) || undefined);
                setCursors(cursors.slice(0, -1));
              }}
            >
              Previous page
            </Button>
          ) : null}
          {rates.data?.nextCursor ? (
            <Button
              onClick={() => {
                setCursors([...cursors, cursor ?? '']);
                setCursor(rates.data!.nextCursor!);
              }}
            >
              Next page
            </Button>
          ) : null}
        </div>
      </section>
    </SettingsFrame>
  );
}

function ManualRateForm({ base, onSaved }: { base: string; onSaved: (r: Rate) => void }) {
  const [v, setV] = useState({ currency: '', date: '', rate: '' });
  const save = useAction((body: Body<'/api/v1/exchange-rates'>) =>
    ok(staffApi.POST('/api/v1/exchange-rates', { body })),
  );
  const f = save.error?.fields() ?? {};
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await save.run({ currency: v.currency.trim().toUpperCase(), date: v.date, rate: v.rate.trim() });
    if (r) {
      setV({ currency: '', date: '', rate: '' });
      onSaved(r);
    }
  }
  return (
    <form className="panel" onSubmit={submit} noValidate aria-label="Add a rate">
      <h2>Add a rate</h2>
      <ErrorNotice error={save.error} title="The rate was not saved" />
      <TextField
        label="Currency"
        value={v.currency}
        onChange={(e) => setV({ ...v, currency: e.target.value })}
        error={f.currency}
        maxLength={3}
        required
      />
      <TextField
        label="Date"
        type="date"
        value={v.date}
        onChange={(e) => setV({ ...v, date: e.target.value })}
        error={f.date}
        required
      />
      <TextField
        label={`${base} per 1 unit`}
        value={v.rate}
        onChange={(e) => setV({ ...v, rate: e.target.value })}
        error={f.rate}
        inputMode="decimal"
        hint="e.g. 0.9240 (up to 10 decimals)"
        required
      />
      <Button type="submit" variant="primary" busy={save.busy}>
        Add rate
      </Button>
    </form>
  );
}

function EcbImportForm({ onImported }: { onImported: (r: ImportResult) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | undefined>(undefined);
  const upload = useAction(async (f: File) => {
    const xml = /\.xml$/i.test(f.name) || f.type.includes('xml');
    // A raw file body has no JSON schema to type: the untyped helper sends it as is.
    return api.post<ImportResult>('/api/v1/exchange-rates/import', undefined, {
      raw: { body: await f.arrayBuffer(), contentType: xml ? 'application/xml' : 'text/csv' },
    });
  });
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return setFileError('Choose the file you downloaded from the ECB');
    if (file.size > 20 * 1024 * 1024) return setFileError('The file is larger than 20 MB; that is not an ECB file');
    setFileError(undefined);
    const r = await upload.run(file);
    if (r) onImported(r);
  }
  const problem = upload.error as ApiError | null;
  return (
    <form className="panel" onSubmit={submit} noValidate aria-label="Import ECB rates">
      <h2>Import ECB reference rates</h2>
      <p className="muted small">
        Download the euro reference rates from the{' '}
        <a href={ECB_URL} rel="noreferrer noopener" target="_blank">
          ECB
        </a>{' '}
        (daily or historic, CSV or XML) and upload the file as it is. Nothing is written if a line is wrong.
      </p>
      <ErrorNotice error={problem} title="Nothing was imported" />
      <TextField
        label="ECB file (CSV or XML)"
        type="file"
        accept=".csv,.xml,text/csv,application/xml,text/xml"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        error={fileError}
      />
      <Button type="submit" variant="primary" busy={upload.busy}>
        Import
      </Button>
    </form>
  );
}

/** Shown only when the server fetches rates itself; the server fetches a fixed URL, the browser sends nothing. */
function EcbFetchForm({ onFetched }: { onFetched: (r: FetchResult) => void }) {
  const fetchNow = useAction(() => ok(staffApi.POST('/api/v1/exchange-rates/fetch')));
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await fetchNow.run();
    if (r) onFetched(r);
  }
  return (
    <form className="panel" onSubmit={submit} noValidate aria-label="Fetch ECB rates">
      <h2>Fetch from the ECB</h2>
      <p className="muted small">
        This server fetches the ECB reference rates every day after they are published. Fetch them now to get today's
        rates at once; a day fetched again changes nothing.
      </p>
      <ErrorNotice error={fetchNow.error} title="Nothing was fetched" />
      <Button type="submit" variant="primary" busy={fetchNow.busy}>
        Fetch ECB rates
      </Button>
    </form>
  );
}
