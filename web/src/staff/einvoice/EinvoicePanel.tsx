// E-invoicing on a document page (issue #12): for a draft, the pre-issue check for the client's
// format (the same rules issuing applies, with the field to fix); for an issued invoice or credit
// note, one download per format. Peppol documents are produced here but travel through an access
// point, which Sealbill does not operate yet: the panel says so.
import { useState } from 'react';
import { api, qs, requestFile } from '../../lib/api.ts';
import { saveFile } from '../../lib/download.ts';
import { useAction, useAsync } from '../../lib/hooks.ts';
import { KIND_PATH, type DocumentDto } from '../../lib/types.ts';
import { ErrorNotice, Loading, Notice, Status } from '../../ui/feedback.tsx';
import { Button, SelectField } from '../../ui/forms.tsx';
import { EINVOICE_FORMAT_LABEL, EINVOICE_FORMATS, type EinvoiceFormat, type EinvoiceCheck } from './einvoice-types.ts';

export function EinvoicePanel({ doc }: { doc: DocumentDto }) {
  if (doc.kind === 'quote') return null;
  return doc.status === 'draft' ? <EinvoiceCheckPanel doc={doc} /> : <EinvoiceDownloads doc={doc} />;
}

function EinvoiceCheckPanel({ doc }: { doc: DocumentDto }) {
  const [format, setFormat] = useState<EinvoiceFormat | ''>('');
  const path = `/api/v1/${KIND_PATH[doc.kind]}/${doc.id}/einvoice/check${qs({ format: format || undefined })}`;
  const check = useAsync((signal) => api.get<EinvoiceCheck>(path, { signal }), [path, doc.updatedAt]);
  return (
    <div className="panel" aria-labelledby="einvoice-check">
      <h2 id="einvoice-check">E-invoice check</h2>
      <SelectField
        label="Format"
        value={format}
        onChange={(e) => setFormat(e.target.value as EinvoiceFormat | '')}
        options={[
          { value: '', label: 'The client’s preferred format' },
          ...EINVOICE_FORMATS.map((f) => ({ value: f, label: EINVOICE_FORMAT_LABEL[f] })),
        ]}
      />
      {check.data?.transport && !check.data.transport.configured ? (
        <Notice kind="info">{check.data.transport.message}</Notice>
      ) : null}
      {check.error ? <ErrorNotice error={check.error} title="The check could not run" focus={false} /> : null}
      {!check.data ? (
        <Loading />
      ) : check.data.format === 'none' ? (
        <p className="muted">
          This client receives no e-invoice (preferred format: none). Choose a format above to check anyway.
        </p>
      ) : check.data.issues.length === 0 ? (
        <Notice kind="success" title={`Ready for ${EINVOICE_FORMAT_LABEL[check.data.format]}`}>
          Issuing will produce a valid e-invoice in this format.
        </Notice>
      ) : (
        <Notice
          kind="warning"
          title={`Issuing would be refused for ${EINVOICE_FORMAT_LABEL[check.data.format]}: fix these first`}
        >
          <ul>
            {check.data.issues.map((i) => (
              <li key={`${i.ruleId}|${i.field}`}>
                <code>{i.ruleId}</code> {i.message} — <em>{i.field}</em>
              </li>
            ))}
          </ul>
        </Notice>
      )}
    </div>
  );
}

function EinvoiceDownloads({ doc }: { doc: DocumentDto }) {
  const [status, setStatus] = useState<string | null>(null);
  const download = useAction(async (format: EinvoiceFormat) => {
    const file = await requestFile('GET', `/api/v1/${KIND_PATH[doc.kind]}/${doc.id}/einvoice${qs({ format })}`);
    setStatus(`Saved ${saveFile(file, `${doc.number ?? doc.id}-${format}.xml`)}`);
  });
  return (
    <div className="panel" aria-labelledby="einvoice-downloads">
      <h2 id="einvoice-downloads">E-invoice</h2>
      <div className="actions">
        {EINVOICE_FORMATS.map((f) => (
          <Button key={f} onClick={() => void download.run(f)} busy={download.busy}>
            {EINVOICE_FORMAT_LABEL[f]}
          </Button>
        ))}
      </div>
      <Status message={status} />
      <ErrorNotice error={download.error} title="This e-invoice could not be produced" />
      <p className="muted">
        Peppol BIS documents are produced here, but must be sent through a Peppol access point: none is configured yet,
        so download the file and hand it to your access point provider.
      </p>
    </div>
  );
}
