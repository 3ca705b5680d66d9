import { ok, staffApi } from '../../lib/api.ts';
import { date, dateTime, money, todayIso } from '../../lib/format.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { t } from '../../lib/i18n.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Link, useQuery } from '../../lib/router.tsx';
import { Badge, EmptyState, ErrorNotice, Loading, Notice } from '../../ui/feedback.tsx';
import { Button } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { useStaff } from '../context.ts';
import { Editor, newEditorState } from '../documents/DocumentEditor.tsx';
import { stateFromSchedule } from '../documents/editor-model.ts';
import type { Schedule } from '../../lib/types.ts';
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
            {
              header: t('recurring.client'),
              cell: (sc) => <Link to={`/app/recurring/${sc.id}`}>{name(sc.clientId)}</Link>,
            },
            { header: t('recurring.amount'), cell: (sc) => <Amount sc={sc} /> },
            {
              header: t('recurring.repeats'),
              cell: (sc) => {
                const [one, many] = EVERY[sc.frequency] ?? [sc.frequency, sc.frequency];
                return (
                  <>
                    {t('recurring.every', { period: sc.intervalCount === 1 ? one : `${sc.intervalCount} ${many}` })}
                    {sc.autoIssue ? t('recurring.issuedAutomatically') : t('recurring.asDrafts')}
                    {sc.autoSend ? t('recurring.sentAutomatically') : null}
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
        startOn: todayIso(s.org?.timeZone),
        endOn: '',
        autoIssue: s.can('invoice:issue'),
        autoSend: false,
        autoCharge: false,
        confirmBackdatedStart: false,
      }}
    />
  );
}

function Amount({ sc }: { sc: Schedule }) {
  return sc.amount ? (
    <>{money(sc.amount.total, sc.currency)}</>
  ) : (
    <span className="muted small">{t('recurring.amountUnknown')}</span>
  );
}

const RUN_TONE: Record<string, 'good' | 'warn' | 'bad' | 'neutral' | 'info'> = {
  sent: 'good',
  queued: 'info',
  sending: 'info',
  saved_to_outbox: 'warn',
  partly_sent: 'warn',
  retrying: 'warn',
  failed: 'bad',
  interrupted: 'bad',
  skipped: 'neutral',
  held: 'bad',
  resolved: 'neutral',
  // The charge before sending (autoCharge).
  pending: 'info',
  charging: 'info',
  succeeded: 'good',
  processing: 'info',
};
const CHARGE_RESOLVABLE = ['failed', 'held', 'interrupted'];

/** One schedule: what it bills, when it runs next, and how its automatic sendings went. */
export function ScheduleDetailPage({ id }: { id: string }) {
  useTitle(t('recurring.detailTitle'));
  const s = useStaff();
  const saved = useQuery().get('saved');
  const sc = useApiQuery(['recurring-schedule', id], (signal) =>
    ok(staffApi.GET('/api/v1/recurring-schedules/{id}', { params: { path: { id } }, signal })),
  );
  const runs = useApiQuery(['recurring-runs', id], (signal) =>
    ok(staffApi.GET('/api/v1/recurring-schedules/{id}/runs', { params: { path: { id } }, signal })),
  );
  const client = useApiQuery(['client', sc.data?.clientId], (signal) =>
    sc.data
      ? ok(staffApi.GET('/api/v1/clients/{id}', { params: { path: { id: sc.data.clientId } }, signal }))
      : Promise.resolve(null),
  );
  const resolve = useAction((runId: string) =>
    ok(staffApi.POST('/api/v1/recurring-runs/{id}/resolve', { params: { path: { id: runId } } })),
  );
  if (sc.error) return <ErrorNotice error={sc.error} title={t('recurring.notFound')} />;
  if (!sc.data) return <Loading />;
  const d = sc.data;
  const [one, many] = EVERY[d.frequency] ?? [d.frequency, d.frequency];
  return (
    <>
      <PageHead
        title={`${t('recurring.detailTitle')}: ${client.data?.name ?? '…'}`}
        actions={
          d.status !== 'ended' && s.can('recurring:write') ? (
            <Link className="btn btn-primary" to={`/app/recurring/${id}/edit`}>
              {t('recurring.edit')}
            </Link>
          ) : undefined
        }
      />
      {saved ? <Notice kind="success" title={t('recurring.saved')} /> : null}
      <ErrorNotice error={resolve.error} />
      <section className="panel" aria-label={t('recurring.detailTitle')}>
        <dl className="facts">
          <dt>{t('recurring.amount')}</dt>
          <dd>
            <Amount sc={d} />
          </dd>
          <dt>{t('recurring.nextRun')}</dt>
          <dd>{d.status === 'ended' ? t('common.none') : date(d.nextRunOn)}</dd>
          <dt>{t('recurring.repeats')}</dt>
          <dd>
            {t('recurring.every', { period: d.intervalCount === 1 ? one : `${d.intervalCount} ${many}` })}
            {d.autoIssue ? t('recurring.issuedAutomatically') : t('recurring.asDrafts')}
            {d.autoSend ? t('recurring.sentAutomatically') : null}
            {d.autoCharge ? t('recurring.chargedAutomatically') : null}
          </dd>
          <dt>{t('recurring.endsOn')}</dt>
          <dd>{d.endOn ? date(d.endOn) : t('recurring.noEnd')}</dd>
          <dt>{t('recurring.lastRun')}</dt>
          <dd>{d.lastRunOn ? date(d.lastRunOn) : t('common.none')}</dd>
          <dt>{t('recurring.status')}</dt>
          <dd>
            <Badge tone={d.status === 'active' ? 'good' : d.status === 'paused' ? 'warn' : 'neutral'}>{d.status}</Badge>
          </dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="sendings-h">
        <h2 id="sendings-h">{t('recurring.sendings')}</h2>
        <ErrorNotice error={runs.error} focus={false} />
        {runs.data && runs.data.items.length === 0 ? <p className="muted">{t('recurring.sendingsNone')}</p> : null}
        {runs.data && runs.data.items.length > 0 ? (
          <DataTable
            label={t('recurring.sendings')}
            rows={runs.data.items}
            rowKey={(r) => r.id}
            columns={[
              {
                header: t('recurring.period'),
                cell: (r) => <Link to={`/app/invoices/${r.documentId}`}>{date(r.period)}</Link>,
              },
              {
                header: t('recurring.sendStatus'),
                cell: (r) => (
                  <Badge tone={RUN_TONE[r.sendStatus] ?? 'neutral'}>{r.sendStatus.replace(/_/g, ' ')}</Badge>
                ),
              },
              ...(d.autoCharge || runs.data.items.some((r) => r.chargeStatus !== null)
                ? [
                    {
                      header: t('recurring.chargeStatus'),
                      cell: (r: (typeof runs.data.items)[number]) =>
                        r.chargeStatus ? (
                          <Badge tone={RUN_TONE[r.chargeStatus] ?? 'neutral'}>{r.chargeStatus}</Badge>
                        ) : (
                          t('common.none')
                        ),
                    },
                  ]
                : []),
              { header: t('recurring.attempts'), cell: (r) => r.attempts },
              {
                header: t('recurring.problem'),
                cell: (r) => (
                  <span className="small">
                    {[r.chargeError, r.error].filter(Boolean).join(' · ')}
                    {r.nextAttemptAt ? ` (${t('recurring.nextAttempt', { at: dateTime(r.nextAttemptAt) })})` : ''}
                  </span>
                ),
              },
              {
                header: <ActionsHeader>{t('common.actions')}</ActionsHeader>,
                className: 'actions',
                cell: (r) =>
                  (['failed', 'interrupted', 'partly_sent', 'held'].includes(r.sendStatus) ||
                    CHARGE_RESOLVABLE.includes(r.chargeStatus ?? '')) &&
                  s.can('invoice:send') ? (
                    <Button
                      className="btn-small"
                      onClick={async () => (await resolve.run(r.id)) && void runs.refetch()}
                    >
                      {t('recurring.resolve')}
                    </Button>
                  ) : null,
              },
            ]}
          />
        ) : null}
      </section>
    </>
  );
}

export function EditSchedulePage({ id }: { id: string }) {
  useTitle(t('recurring.editTitle'));
  const sc = useApiQuery(['recurring-schedule', id], (signal) =>
    ok(staffApi.GET('/api/v1/recurring-schedules/{id}', { params: { path: { id } }, signal })),
  );
  if (sc.error) return <ErrorNotice error={sc.error} title={t('recurring.notFound')} />;
  if (!sc.data) return <Loading />;
  const d = sc.data;
  if (d.status === 'ended')
    return (
      <EmptyState
        title={t('recurring.endedNoEdit')}
        action={<Link to={`/app/recurring/${id}`}>{t('recurring.open')}</Link>}
      >
        {t('recurring.noneHint')}
      </EmptyState>
    );
  return (
    <Editor
      kind="invoice"
      doc={null}
      initial={stateFromSchedule(d)}
      schedule={{
        id: d.id,
        frequency: d.frequency as 'weekly' | 'monthly' | 'quarterly' | 'yearly',
        intervalCount: String(d.intervalCount),
        startOn: d.nextRunOn,
        endOn: d.endOn ?? '',
        autoIssue: d.autoIssue,
        autoSend: d.autoSend,
        autoCharge: d.autoCharge,
        confirmBackdatedStart: false,
      }}
    />
  );
}
