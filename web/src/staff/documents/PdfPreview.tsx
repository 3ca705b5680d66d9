// The document's PDF inline: the stored, signed PDF once issued; before that a "DRAFT" preview the
// server renders on request (never stored or signed). The PDF is fetched with the API client and
// shown through a blob: object URL in an <iframe>: API answers may not be framed (frame-ancestors
// 'none'), and the CSP allows exactly frame-src blob: for this (platform/http/security-headers.ts).
// The blob is typed application/pdf here, whatever the answer said, so only the browser's PDF
// viewer ever renders it.
import { useEffect, useId, useState } from 'react';
import { ApiError, requestFile } from '../../lib/api.ts';
import { useApiQuery } from '../../lib/query.ts';
import { KIND_PATH, type DocumentDto } from '../../lib/types.ts';
import { ErrorNotice, Loading } from '../../ui/feedback.tsx';
import { Button } from '../../ui/forms.tsx';

export function PdfPreview({ doc, title }: { doc: DocumentDto; title: string }) {
  const [open, setOpen] = useState(false);
  const regionId = useId();
  const draft = doc.status === 'draft';
  const src = `/api/v1/${KIND_PATH[doc.kind]}/${doc.id}/${draft ? 'preview.pdf' : 'pdf'}`;
  // A draft's preview follows its edits; an issued PDF never changes.
  const pdf = useApiQuery(['pdf', open, src, draft ? doc.updatedAt : ''], async (signal) => {
    if (!open) return null;
    const file = await requestFile('GET', src, undefined, { signal });
    if (!file.contentType.startsWith('application/pdf'))
      throw new ApiError(0, 'client', 'The server did not answer with a PDF. Reload the page and try again.');
    return URL.createObjectURL(new Blob([file.blob], { type: 'application/pdf' }));
  });
  const url = pdf.data ?? null;
  useEffect(() => (url ? () => URL.revokeObjectURL(url) : undefined), [url]);

  if (!draft && !doc.hasPdf) return null;
  return (
    <section className="panel" aria-labelledby={`${regionId}-h`}>
      <div className="page-head">
        <h2 id={`${regionId}-h`}>{draft ? 'Draft preview' : 'PDF'}</h2>
        <Button aria-expanded={open} aria-controls={regionId} onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide PDF' : draft ? 'Preview PDF' : 'Show PDF'}
        </Button>
      </div>
      <p className="muted small">
        {draft
          ? 'How this draft prints today, with your current organization, client and bank details. It is marked DRAFT and has no number; issuing it produces the final, signed PDF.'
          : 'The PDF exactly as it was issued and signed. It never changes; corrections are made with a credit note.'}
      </p>
      <div id={regionId}>
        {open && pdf.error ? <ErrorNotice error={pdf.error} title="The PDF could not be shown" /> : null}
        {open && !pdf.error && !url ? <Loading label={draft ? 'Rendering the preview…' : 'Loading the PDF…'} /> : null}
        {open && url ? (
          <iframe className="pdf-frame" src={url} title={draft ? `${title}: draft preview (PDF)` : `${title} (PDF)`} />
        ) : null}
      </div>
    </section>
  );
}
