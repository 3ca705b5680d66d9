// The client's own statement of account in the portal (GET /api/v1/portal/statement: the client
// comes from the portal session), and the same statement as a PDF signed by the supplier.
import { useState } from 'react';
import { ok, portalApi, qs, requestFile } from '../lib/api.ts';
import { saveFile } from '../lib/download.ts';
import { useAction, useTitle } from '../lib/hooks.ts';
import { t } from '../lib/i18n.ts';
import { useApiQuery } from '../lib/query.ts';
import { Link } from '../lib/router.tsx';
import { ErrorNotice, Loading, Status } from '../ui/feedback.tsx';
import { Button } from '../ui/forms.tsx';
import { defaultPeriod, StatementBody, StatementFilters, type StatementPeriod } from '../ui/StatementBody.tsx';

export function PortalStatementPage() {
  useTitle(t('statement.title'));
  // Without a currency the server answers in the client's own; the first answer fixes it here.
  const [period, setPeriod] = useState<Omit<StatementPeriod, 'currency'> & { currency?: string }>(() => {
    const { from, to } = defaultPeriod('');
    return { from, to };
  });
  const [status, setStatus] = useState<string | null>(null);
  const statement = useApiQuery(['portal-statement', period], (signal) =>
    ok(portalApi.GET('/api/v1/portal/statement', { params: { query: period }, signal })),
  );
  const shown = statement.data;
  const download = useAction(async () => {
    const file = await requestFile('GET', `/api/v1/portal/statement.pdf${qs({ ...period })}`, undefined, {
      realm: 'portal',
    });
    return saveFile(file, `statement-${period.from}-${period.to}.pdf`);
  });

  return (
    <>
      <h1>{t('statement.title')}</h1>
      <p className="muted">{t('statement.intro')}</p>
      <Status message={status} />
      <StatementFilters
        value={{ ...period, currency: period.currency ?? shown?.currency ?? '' }}
        onChange={setPeriod}
        currencies={shown?.currencies ?? []}
        error={statement.error}
      />
      <ErrorNotice error={statement.error} title={t('statement.loadFailed')} focus={false} />
      <ErrorNotice error={download.error} title={t('statement.downloadFailed')} />
      {statement.isPending ? <Loading /> : null}
      {shown ? (
        <>
          <StatementBody
            statement={shown}
            documentLink={(_kind, id, label) => <Link to={`/portal/documents/${id}`}>{label}</Link>}
          />
          <p className="muted small">{t('statement.signedPdf', { org: shown.organization })}</p>
          <Button
            busy={download.busy}
            disabled={Boolean(statement.error)}
            onClick={async () => {
              const name = await download.run();
              if (name) setStatus(t('statement.downloaded', { name }));
            }}
          >
            {t('statement.download')}
          </Button>
        </>
      ) : null}
    </>
  );
}
