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
import { shownPeriod, StatementBody, StatementFilters, type StatementPeriod } from '../ui/StatementBody.tsx';

export function PortalStatementPage() {
  useTitle(t('statement.title'));
  const [picked, setPicked] = useState<StatementPeriod | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const statement = useApiQuery(['portal-statement', picked], (signal) =>
    ok(portalApi.GET('/api/v1/portal/statement', { params: { query: picked ?? {} }, signal })),
  );
  const shown = statement.data;
  const period = shownPeriod(picked, shown);
  const download = useAction(async (p: StatementPeriod) => {
    const file = await requestFile('GET', `/api/v1/portal/statement.pdf${qs({ ...p })}`, undefined, {
      realm: 'portal',
    });
    return saveFile(file, `statement-${p.from}-${p.to}-${p.currency}.pdf`);
  });

  return (
    <>
      <h1>{t('statement.title')}</h1>
      <p className="muted">{t('statement.intro')}</p>
      <Status message={status} />
      {period ? (
        <StatementFilters
          value={period}
          onChange={setPicked}
          currencies={shown?.currencies ?? []}
          error={statement.error}
        />
      ) : null}
      <ErrorNotice error={statement.error} title={t('statement.loadFailed')} focus={false} />
      <ErrorNotice error={download.error} title={t('statement.downloadFailed')} />
      {statement.isPending ? <Loading /> : null}
      {shown && period ? (
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
              const name = await download.run(period);
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
