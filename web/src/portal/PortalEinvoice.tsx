// The client's e-invoice (issue #12): the XML in the format the supplier issued the document for.
// Documents issued without an e-invoice format answer 404, shown as a short notice.
import { useState } from 'react';
import { requestFile } from '../lib/api.ts';
import { saveFile } from '../lib/download.ts';
import { useAction } from '../lib/hooks.ts';
import { t } from '../lib/i18n.ts';
import { ErrorNotice, Status } from '../ui/feedback.tsx';
import { Button } from '../ui/forms.tsx';

export function PortalEinvoiceButton({ doc }: { doc: { id: string; kind: string; number: string | null } }) {
  const [status, setStatus] = useState<string | null>(null);
  const download = useAction(async () => {
    const file = await requestFile('GET', `/api/v1/portal/documents/${doc.id}/einvoice`, undefined, {
      realm: 'portal',
    });
    setStatus(t('portal.einvoice.saved', { file: saveFile(file, `${doc.number ?? doc.id}.xml`) }));
  });
  if (doc.kind === 'quote') return null;
  return (
    <>
      <Button onClick={() => void download.run()} busy={download.busy}>
        {t('portal.einvoice.download')}
      </Button>
      <Status message={status} />
      <ErrorNotice
        error={download.error}
        title={download.error?.status === 404 ? t('portal.einvoice.none') : t('portal.einvoice.failed')}
        focus={false}
      />
    </>
  );
}
