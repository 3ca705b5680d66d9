// Settings → Import (issue #13 item 6): clients, items or invoices from a CSV file. The file is
// read in the browser and sent as text; "Check" is the server's dry run (nothing written, every
// refused row with its reasons); "Import" writes all rows in one transaction, or none.
import { useState, type FormEvent } from 'react';
import { ok, staffApi, type ApiError } from '../../lib/api.ts';
import { useAction } from '../../lib/hooks.ts';
import { t } from '../../lib/i18n.ts';
import type { Answer, Body } from '../../lib/types.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorNotice, Notice, Status } from '../../ui/feedback.tsx';
import { Button, SelectField, TextField } from '../../ui/forms.tsx';
import { SettingsFrame } from './Settings.tsx';
import { IMPORT_FIELDS, REQUIRED_FIELDS } from '../../../../src/modules/imports/import.fields.ts';

type Kind = 'clients' | 'items' | 'invoices';
type Report = Answer<'/api/v1/imports/clients/preview', 'post'>;
type Input = Body<'/api/v1/imports/clients/preview'>;

/** The fields each import reads, the required ones first (the server's own lists). */
const fieldsOf = (kind: Kind): string[] => [
  ...REQUIRED_FIELDS[kind],
  ...IMPORT_FIELDS[kind].filter((f) => !REQUIRED_FIELDS[kind].includes(f)),
];

function check(kind: Kind, body: Input): Promise<Report> {
  if (kind === 'clients') return ok(staffApi.POST('/api/v1/imports/clients/preview', { body }));
  if (kind === 'items') return ok(staffApi.POST('/api/v1/imports/items/preview', { body }));
  return ok(staffApi.POST('/api/v1/imports/invoices/preview', { body }));
}
function commit(kind: Kind, body: Input): Promise<Report> {
  const confirmed = { ...body, confirm: true as const };
  if (kind === 'clients') return ok(staffApi.POST('/api/v1/imports/clients', { body: confirmed }));
  if (kind === 'items') return ok(staffApi.POST('/api/v1/imports/items', { body: confirmed }));
  return ok(staffApi.POST('/api/v1/imports/invoices', { body: confirmed }));
}

export function ImportPage() {
  const [kind, setKind] = useState<Kind>('clients');
  const [csv, setCsv] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | undefined>(undefined);
  const [preset, setPreset] = useState<'generic' | 'invoice-ninja' | 'custom'>('generic');
  const [columns, setColumns] = useState<Record<string, string>>({});
  const [createClients, setCreateClients] = useState(false);
  const [report, setReport] = useState<Report | null>(null);
  const [done, setDone] = useState<string | null>(null);

  // Mapping by hand needs the file's headers: the first check reads them with the generic mapping,
  // whose guesses then fill the dropdowns.
  const mapByHand = preset === 'custom' && Object.keys(columns).length > 0;
  const body = (): Input => ({
    csv: csv ?? '',
    mapping: mapByHand ? { columns } : { preset: preset === 'custom' ? 'generic' : preset },
    options: { createMissingClients: createClients },
  });
  const checking = useAction(async () => {
    setDone(null);
    const r = await check(kind, body());
    setReport(r);
    setHeaders(r.headers);
    if (!mapByHand) setColumns(Object.fromEntries(Object.entries(r.mapping).map(([f, h]) => [f, h ?? ''])));
    return r;
  });
  const importing = useAction(async () => {
    const r = await commit(kind, body());
    setReport(null);
    setDone(t('import.done', { count: r.written }));
    return r;
  });

  async function pick(file: File | null) {
    setReport(null);
    setDone(null);
    if (!file) return setCsv(null);
    if (file.size > 2_000_000) {
      setFileError(t('import.fileTooLarge'));
      return setCsv(null);
    }
    setFileError(undefined);
    setHeaders([]);
    setColumns({});
    setCsv(await file.text());
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!csv) return setFileError(t('import.chooseFile'));
    void checking.run();
  }
  const reset = () => {
    setReport(null);
    setDone(null);
  };
  const [headers, setHeaders] = useState<string[]>([]);

  return (
    <SettingsFrame title={t('import.title')}>
      <form className="panel" onSubmit={submit} noValidate aria-labelledby="import-h">
        <h2 id="import-h">{t('import.title')}</h2>
        <p>{t('import.intro')}</p>
        <p className="muted small">{t('import.importedNote')}</p>
        <SelectField
          label={t('import.kind')}
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as Kind);
            setColumns({});
            reset();
          }}
          options={[
            { value: 'clients', label: t('import.kind.clients') },
            { value: 'items', label: t('import.kind.items') },
            { value: 'invoices', label: t('import.kind.invoices') },
          ]}
        />
        <TextField
          label={t('import.file')}
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => void pick(e.target.files?.[0] ?? null)}
          error={fileError}
        />
        <SelectField
          label={t('import.mapping')}
          value={preset}
          onChange={(e) => {
            setPreset(e.target.value as typeof preset);
            reset();
          }}
          options={[
            { value: 'generic', label: t('import.preset.generic') },
            { value: 'invoice-ninja', label: t('import.preset.invoiceNinja') },
            { value: 'custom', label: t('import.preset.custom') },
          ]}
        />
        {preset === 'custom' ? (
          headers.length === 0 ? (
            <p className="muted small">{t('import.mapAfterCheck')}</p>
          ) : (
            <fieldset>
              <legend>{t('import.mapFields')}</legend>
              {fieldsOf(kind).map((f) => (
                <SelectField
                  key={f}
                  label={f}
                  value={columns[f] ?? ''}
                  onChange={(e) => setColumns({ ...columns, [f]: e.target.value })}
                  options={[
                    { value: '', label: t('import.notImported') },
                    ...headers.map((h) => ({ value: h, label: h })),
                  ]}
                />
              ))}
            </fieldset>
          )
        ) : null}
        {kind === 'invoices' ? (
          <label className="check">
            <input type="checkbox" checked={createClients} onChange={(e) => setCreateClients(e.target.checked)} />{' '}
            {t('import.createClients')}
          </label>
        ) : null}
        <ErrorNotice error={checking.error as ApiError | null} title={t('import.checkFailed')} />
        <div className="actions">
          <Button type="submit" busy={checking.busy}>
            {t('import.check')}
          </Button>
        </div>
      </form>
      <Status message={done} />
      {report ? (
        <ImportReport
          report={report}
          busy={importing.busy}
          error={importing.error as ApiError | null}
          onImport={() => void importing.run()}
        />
      ) : null}
    </SettingsFrame>
  );
}

function ImportReport({
  report,
  busy,
  error,
  onImport,
}: {
  report: Report;
  busy: boolean;
  error: ApiError | null;
  onImport: () => void;
}) {
  const refusedRows = new Set(report.refused.map((e) => e.line)).size;
  return (
    <section className="panel" aria-labelledby="import-report-h">
      <h2 id="import-report-h">{t('import.result')}</h2>
      <p>{t('import.counts', { rows: report.rows, accepted: report.acceptedRows, refused: refusedRows })}</p>
      {report.numbering ? (
        <Notice kind="warning" title={t('import.numberingTitle')}>
          {t('import.numbering', {
            next: report.numbering.nextNumber,
            value: report.numbering.suggestedNextValue,
          })}
        </Notice>
      ) : null}
      {report.refused.length > 0 ? (
        <DataTable
          label={t('import.refused')}
          caption={t('import.refused')}
          showCaption
          columns={[
            { header: t('import.line'), numeric: true, cell: (e) => e.line },
            { header: t('import.column'), cell: (e) => e.column ?? e.field ?? '—' },
            { header: t('import.reason'), cell: (e) => e.message },
          ]}
          rows={report.refused}
          rowKey={(e) => `${e.line}-${e.field}-${e.message}`}
        />
      ) : null}
      <ErrorNotice error={error} title={t('import.nothingImported')} />
      <div className="actions">
        <Button
          variant="primary"
          busy={busy}
          disabled={report.refused.length > 0 || report.rows === 0}
          onClick={onImport}
        >
          {t('import.confirm', { count: report.rows })}
        </Button>
      </div>
      {report.refused.length > 0 ? <p className="muted small">{t('import.fixFirst')}</p> : null}
    </section>
  );
}
