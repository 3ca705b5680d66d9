// Bulk actions on the document lists (issue #13, item 5): the bar over a selection (or every
// document the list's filter matches), and the progress of the job the server runs in the
// background, polled until it finishes, with the documents it could not do and, for a download or
// export, the file. Each document goes through the same action and permission as on its own page.
import { useEffect, useState } from 'react';
import { ok, requestFile, staffApi, type ApiError, type paths } from '../../lib/api.ts';
import { toApiError } from '../../lib/hooks.ts';
import { saveFile } from '../../lib/download.ts';
import { t, type MessageKey } from '../../lib/i18n.ts';
import type { DocumentKind } from '../../lib/types.ts';
import { ErrorNotice, Notice } from '../../ui/feedback.tsx';
import { Button, SelectField } from '../../ui/forms.tsx';

type StartBody = NonNullable<paths['/api/v1/bulk-actions']['post']['requestBody']>['content']['application/json'];
type BulkAction = StartBody['action'];
export type BulkFilter = NonNullable<StartBody['filter']>;
type BulkJob = paths['/api/v1/bulk-actions/{id}']['get']['responses'][200]['content']['application/json'];
type EinvoiceFormat = Exclude<NonNullable<StartBody['format']>, 'pdf'>;

const EINVOICE_FORMATS: Array<{ value: EinvoiceFormat; label: string }> = [
  { value: 'xrechnung-ubl', label: 'XRechnung (UBL)' },
  { value: 'xrechnung-cii', label: 'XRechnung (CII)' },
  { value: 'peppol-bis', label: 'Peppol BIS 3.0' },
  { value: 'factur-x', label: 'Factur-X' },
];
const POLL_MS = 1000;

/** What is selected: some documents by id, or every document the list's filter matches. */
export type Selection = { ids: string[] } | { filter: BulkFilter };

export function BulkBar({
  kind,
  selection,
  count,
  matching = null,
  onStarted,
}: {
  kind: DocumentKind;
  selection: Selection;
  /** Shown as "N selected"; null when every match of the filter is selected. */
  count: number | null;
  /** How many documents the filter matches, when the list counted them exactly. */
  matching?: number | null;
  onStarted: (jobId: string) => void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [format, setFormat] = useState<EinvoiceFormat>('xrechnung-cii');

  async function start(action: BulkAction, fmt?: StartBody['format']) {
    setBusy(action + (fmt ?? ''));
    setError(null);
    try {
      const job = await ok(
        staffApi.POST('/api/v1/bulk-actions', {
          body: { kind, action, ...selection, ...(fmt && { format: fmt }) } as StartBody,
        }),
      );
      onStarted(job.id);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="bulk-bar" aria-label={t('bulk.bar')}>
      <p className="bulk-count">
        {count !== null
          ? t('bulk.selected', { count })
          : matching !== null
            ? t('bulk.allMatchingCount', { count: matching })
            : t('bulk.allMatching')}
      </p>
      <div className="actions">
        <Button busy={busy === 'issue'} onClick={() => void start('issue')}>
          {t('bulk.issue')}
        </Button>
        <Button busy={busy === 'send'} onClick={() => void start('send')}>
          {t('bulk.send')}
        </Button>
        <Button busy={busy === 'mark_sent'} onClick={() => void start('mark_sent')}>
          {t('bulk.markSent')}
        </Button>
        <Button busy={busy === 'downloadpdf'} onClick={() => void start('download', 'pdf')}>
          {t('bulk.downloadPdfs')}
        </Button>
        <Button busy={busy === 'export_csv'} onClick={() => void start('export_csv')}>
          {t('bulk.exportCsv')}
        </Button>
      </div>
      {kind !== 'quote' ? (
        <div className="actions bulk-einvoice">
          <SelectField
            label={t('bulk.einvoiceFormat')}
            value={format}
            onChange={(e) => setFormat(e.target.value as EinvoiceFormat)}
            options={EINVOICE_FORMATS}
          />
          <Button busy={busy === `download${format}`} onClick={() => void start('download', format)}>
            {t('bulk.downloadEinvoices')}
          </Button>
        </div>
      ) : null}
      <ErrorNotice error={error} />
    </section>
  );
}

/** Polls a bulk job until it finishes; then shows what failed and offers the file. */
export function BulkProgress({
  jobId,
  onFinished,
  onDismiss,
}: {
  jobId: string;
  onFinished: () => void;
  onDismiss: () => void;
}) {
  const [job, setJob] = useState<BulkJob | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await ok(staffApi.GET('/api/v1/bulk-actions/{id}', { params: { path: { id: jobId } } }));
        if (stop) return;
        setJob(next);
        if (next.status === 'finished') onFinished();
        else timer = setTimeout(() => void poll(), POLL_MS);
      } catch (e) {
        if (!stop) setError(toApiError(e));
      }
    };
    void poll();
    return () => {
      stop = true;
      if (timer) clearTimeout(timer);
    };
    // onFinished is the page's refresh; a new job id starts a new poll.
  }, [jobId]);

  async function download() {
    if (!job?.file) return;
    const file = await requestFile('GET', `/api/v1/bulk-actions/${job.id}/file`);
    saveFile(file, job.file.filename);
  }

  const action = job ? t(`bulk.action.${job.action}` as MessageKey) : '';
  return (
    <section className="bulk-progress panel" aria-label={t('bulk.progress')}>
      <ErrorNotice error={error} />
      {job && job.status === 'running' ? (
        <>
          <p role="status">{t('bulk.running', { action, count: job.done + job.failed, total: job.total })}</p>
          <progress className="progress" max={job.total} value={job.done + job.failed} />
        </>
      ) : null}
      {job && job.status === 'finished' ? (
        <Notice kind={job.failed > 0 ? 'warning' : 'success'}>
          <p>{t('bulk.finished', { action, done: job.done, failed: job.failed })}</p>
        </Notice>
      ) : null}
      {job && job.failures.length > 0 ? (
        <>
          <h3>{t('bulk.failures')}</h3>
          <ul className="bulk-failures">
            {job.failures.map((f) => (
              <li key={f.documentId}>
                <strong>{f.number ?? t('bulk.draft')}</strong>: {f.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <div className="actions">
        {job?.status === 'finished' && job.file ? (
          <Button variant="primary" onClick={() => void download()}>
            {t('bulk.downloadFile', { filename: job.file.filename })}
          </Button>
        ) : null}
        {job?.status === 'finished' ? <Button onClick={onDismiss}>{t('bulk.dismiss')}</Button> : null}
      </div>
    </section>
  );
}
