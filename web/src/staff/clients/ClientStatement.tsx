// The "Statement" section of a client's page: the account for a period and currency, and the same
// statement as a signed PDF (GET /api/v1/clients/{id}/statement and …/statement.pdf).
import { useState } from 'react';
import { ok, qs, requestFile, staffApi } from '../../lib/api.ts';
import { saveFile } from '../../lib/download.ts';
import { useAction } from '../../lib/hooks.ts';
import { t } from '../../lib/i18n.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Link } from '../../lib/router.tsx';
import { KIND_PATH, type Client } from '../../lib/types.ts';
import { ErrorNotice, Loading } from '../../ui/feedback.tsx';
import { Button } from '../../ui/forms.tsx';
import { shownPeriod, StatementBody, StatementFilters, type StatementPeriod } from '../../ui/StatementBody.tsx';

export function ClientStatement({ client, onStatus }: { client: Client; onStatus: (m: string) => void }) {
  const [picked, setPicked] = useState<StatementPeriod | null>(null);
  const statement = useApiQuery(['client-statement', client.id, picked], (signal) =>
    ok(
      staffApi.GET('/api/v1/clients/{id}/statement', {
        params: { path: { id: client.id }, query: picked ?? {} },
        signal,
      }),
    ),
  );
  const period = shownPeriod(picked, statement.data);
  const download = useAction(async (p: StatementPeriod) => {
    const file = await requestFile('GET', `/api/v1/clients/${client.id}/statement.pdf${qs({ ...p })}`);
    return saveFile(file, `statement-${p.from}-${p.to}-${p.currency}.pdf`);
  });

  return (
    <section className="panel" aria-labelledby="client-statement">
      <h2 id="client-statement">{t('statement.title')}</h2>
      <p className="muted small">{t('statement.intro')}</p>
      {period ? (
        <StatementFilters
          value={period}
          onChange={setPicked}
          currencies={statement.data?.currencies ?? [client.currency]}
          error={statement.error}
        />
      ) : null}
      {/* Not focused: the error follows the date being typed, focus stays in the field. */}
      <ErrorNotice error={statement.error} title={t('statement.loadFailed')} focus={false} />
      <ErrorNotice error={download.error} title={t('statement.downloadFailed')} />
      {statement.isPending ? <Loading /> : null}
      {statement.data && period ? (
        <>
          <StatementBody
            statement={statement.data}
            documentLink={(kind, id, label) => <Link to={`/app/${KIND_PATH[kind]}/${id}`}>{label}</Link>}
          />
          <Button
            busy={download.busy}
            disabled={Boolean(statement.error)}
            onClick={async () => {
              const name = await download.run(period);
              if (name) onStatus(t('statement.downloaded', { name }));
            }}
          >
            {t('statement.download')}
          </Button>
        </>
      ) : null}
    </section>
  );
}
