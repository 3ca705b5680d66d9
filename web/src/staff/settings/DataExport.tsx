// Settings → Data export: the organization's data as a file (POST /api/v1/exports). The server
// asks for a fresh re-authentication; the API client then opens the step-up dialog and retries.
import { useState } from 'react';
import { requestFile } from '../../lib/api.ts';
import { saveFile } from '../../lib/download.ts';
import { useAction } from '../../lib/hooks.ts';
import { ErrorNotice, Status } from '../../ui/feedback.tsx';
import { Button } from '../../ui/forms.tsx';
import { SettingsFrame } from './Settings.tsx';

type Format = 'json' | 'invoices-csv';

export function DataExportPage() {
  const [status, setStatus] = useState<string | null>(null);
  const run = useAction(async (format: Format) => {
    setStatus(null);
    const file = await requestFile('POST', '/api/v1/exports', { format });
    const name = saveFile(file, format === 'json' ? 'sealbill-export.json' : 'sealbill-invoices.csv');
    setStatus(`Export downloaded: ${name}`);
    return true;
  });

  return (
    <SettingsFrame title="Data export">
      <section className="panel" aria-labelledby="export-h">
        <h2 id="export-h">Export your data</h2>
        <p>
          Download everything this organization holds in Sealbill: the organization profile, clients and their contacts,
          items and tax rates, every invoice, quote and credit note (drafts included) with its lines and totals,
          payments and recurring schedules. The JSON file is readable by any program; the CSV has one row per invoice
          for a spreadsheet.
        </p>
        <p className="muted small">
          The file holds your clients’ personal data in clear: store it safely. Exporting asks you to confirm it’s you,
          and is recorded in the audit log. Bank details are included only if your role may read them. Issued PDFs are
          downloaded from each document.
        </p>
        <ErrorNotice error={run.error} title="The export did not complete" />
        <Status message={status} />
        <div className="actions">
          <Button variant="primary" busy={run.busy} onClick={() => void run.run('json')}>
            Export all data (JSON)
          </Button>
          <Button busy={run.busy} onClick={() => void run.run('invoices-csv')}>
            Export invoices (CSV)
          </Button>
        </div>
      </section>
    </SettingsFrame>
  );
}
