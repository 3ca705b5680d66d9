import { ok, staffApi } from '../../lib/api.ts';
import { date, todayIso } from '../../lib/format.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { t } from '../../lib/i18n.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Link, useQuery } from '../../lib/router.tsx';
import { Badge, EmptyState, ErrorNotice, Loading, Notice } from '../../ui/feedback.tsx';
import { Button } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { useStaff } from '../context.ts';
import { Editor, newEditorState } from './DocumentEditor.tsx';
import { ActionsHeader, DataTable } from '../../ui/DataTable.tsx';

const EVERY: Record<string, [string, string]> = {
  weekly: ['week', 'weeks'],
  monthly: ['month', 'months'],
  quarterly: ['quarter', 'quarters'],
  yearly: ['year', 'years'],
};

export function RecurringPage() {
  useTitle(t('recurring.tabTitle'));
  const created = useQuery().get('created');
  const list = useApiQuery(['recurring-schedules'], (signal) =>
    ok(staffApi.GET('/api/v1/recurring-schedules', { signal })),
  );
  const clients = useApiQuery(['clients', { includeArchived: true }], (signal) =>
    ok(staffApi.GET('/api/v1/clients', { params: { query: { limit: 200, includeArchived: 'true' } }, signal })),
  );
  const setStatus = useAction((id: string, status: 'active' | 'paused' | 'ended') =>
    ok(staffApi.POST('/api/v1/recurring-schedules/{id}/status', { params: { path: { id } }, body: { status } })),
  );
  const confirmIssuer = useAction((id: string) =>
    ok(staffApi.POST('/api/v1/recurring-schedules/{id}/issuer', { params: { path: { id } } })),
  );
  const reload = () => void list.refetch();
  const s = useStaff();
  const name = (id: string) => clients.data?.items.find((c) => c.id === id)?.name ?? '…';

  return (
    <>
      <PageHead
        title={t('recurring.title')}
        actions={
          <Link className="btn btn-primary" to="/app/recurring/new">
            {t('recurring.new')}
          </Link>
        }
      />
      {created ? (
        <Notice kind="success" title={t('recurring.created')}>
          {t('recurring.createdHint')}
        </Notice>
      ) : null}
      <ErrorNotice error={list.error ?? setStatus.error ?? confirmIssuer.error} />
      {list.isPending ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState
          title={t('recurring.none')}
          action={
            <Link className="btn btn-primary" to="/app/recurring/new">
              {t('recurring.new')}
            </Link>
          }
        >
          {t('recurring.noneHint')}
        </EmptyState>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <DataTable
          label={t('recurring.tableLabel')}
          rows={list.data.items}
          rowKey={(sc) => sc.id}
          columns={[
            { header: t('recurring.client'), cell: (sc) => name(sc.clientId) },
            {
              header: t('recurring.repeats'),
              cell: (sc) => {
                const [one, many] = EVERY[sc.frequency] ?? [sc.frequency, sc.frequency];
                return (
                  <>
                    {t('recurring.every', { period: sc.intervalCount === 1 ? one : `${sc.intervalCount} ${many}` })}
                    {sc.autoIssue ? t('recurring.issuedAutomatically') : t('recurring.asDrafts')}
                    {sc.autoIssue && sc.autoIssueHeld ? (
                      <>
                        {' '}
                        <Badge tone="warn">{t('recurring.held')}</Badge>
                        <br />
                        <span className="small">
                          {t('recurring.heldSince', {
                            date: date(sc.autoIssueHeld.since),
                            reason:
                              sc.autoIssueHeld.reason === 'no_issuer'
                                ? t('recurring.heldNoIssuer')
                                : t('recurring.heldIssuerLost'),
                          })}
                        </span>
                      </>
                    ) : null}
                  </>
                );
              },
            },
            {
              header: t('recurring.nextRun'),
              cell: (sc) => (sc.status === 'ended' ? t('common.none') : date(sc.nextRunOn)),
            },
            {
              header: t('recurring.status'),
              cell: (sc) => (
                <Badge tone={sc.status === 'active' ? 'good' : sc.status === 'paused' ? 'warn' : 'neutral'}>
                  {sc.status}
                </Badge>
              ),
            },
            {
              header: <ActionsHeader>{t('common.actions')}</ActionsHeader>,
              className: 'actions',
              cell: (sc) => (
                <>
                  {sc.autoIssue && sc.autoIssueHeld && sc.status !== 'ended' && s.can('invoice:issue') ? (
                    <Button className="btn-small" onClick={async () => (await confirmIssuer.run(sc.id)) && reload()}>
                      {t('recurring.confirmIssuer')}
                    </Button>
                  ) : null}
                  {sc.status === 'active' ? (
                    <Button
                      className="btn-small"
                      onClick={async () => (await setStatus.run(sc.id, 'paused')) && reload()}
                    >
                      {t('recurring.pause')}
                    </Button>
                  ) : null}
                  {sc.status === 'paused' ? (
                    <Button
                      className="btn-small"
                      onClick={async () => (await setStatus.run(sc.id, 'active')) && reload()}
                    >
                      {t('recurring.resume')}
                    </Button>
                  ) : null}
                  {sc.status !== 'ended' ? (
                    <Button
                      className="btn-small"
                      variant="danger"
                      onClick={async () => {
                        if (window.confirm(t('recurring.endConfirm')) && (await setStatus.run(sc.id, 'ended')))
                          reload();
                      }}
                    >
                      {t('recurring.end')}
                    </Button>
                  ) : null}
                </>
              ),
            },
          ]}
        />
      ) : null}
    </>
  );
}

export function NewSchedulePage() {
  useTitle(t('recurring.newTitle'));
  const s = useStaff();
  return (
    <Editor
      kind="invoice"
      doc={null}
      initial={newEditorState(s.org?.defaultCurrency ?? 'EUR', '')}
      schedule={{
        frequency: 'monthly',
        intervalCount: '1',
        startOn: todayIso(),
        endOn: '',
        autoIssue: s.can('invoice:issue'),
        confirmBackdatedStart: false,
      }}
    />
  );
}
