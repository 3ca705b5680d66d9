import { api, qs } from '../../lib/api.ts';
import { date, todayIso } from '../../lib/format.ts';
import { useAction, useAsync, useTitle } from '../../lib/hooks.ts';
import { Link, useQuery } from '../../lib/router.tsx';
import type { ClientSummary, Page, Schedule } from '../../lib/types.ts';
import { Badge, EmptyState, ErrorNotice, Loading, Notice } from '../../ui/feedback.tsx';
import { Button } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { useStaff } from '../context.ts';
import { Editor, newEditorState } from './DocumentEditor.tsx';
import { TableWrap } from '../../ui/TableWrap.tsx';

const EVERY: Record<string, [string, string]> = {
  weekly: ['week', 'weeks'],
  monthly: ['month', 'months'],
  quarterly: ['quarter', 'quarters'],
  yearly: ['year', 'years'],
};

export function RecurringPage() {
  useTitle('Recurring');
  const created = useQuery().get('created');
  const list = useAsync((signal) => api.get<{ items: Schedule[] }>('/api/v1/recurring-schedules', { signal }), []);
  const clients = useAsync((signal) => api.get<Page<ClientSummary>>(`/api/v1/clients${qs({ limit: 200, includeArchived: 'true' })}`, { signal }), []);
  const setStatus = useAction((id: string, status: 'active' | 'paused' | 'ended') => api.post<Schedule>(`/api/v1/recurring-schedules/${id}/status`, { status }));
  const confirmIssuer = useAction((id: string) => api.post<Schedule>(`/api/v1/recurring-schedules/${id}/issuer`, {}));
  const s = useStaff();
  const name = (id: string) => clients.data?.items.find((c) => c.id === id)?.name ?? '…';

  return (
    <>
      <PageHead
        title="Recurring invoices"
        actions={
          <Link className="btn btn-primary" to="/app/recurring/new">
            New schedule
          </Link>
        }
      />
      {created ? <Notice kind="success" title="Schedule created">Invoices will be created on each run date.</Notice> : null}
      <ErrorNotice error={list.error ?? setStatus.error ?? confirmIssuer.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState title="No recurring schedules" action={<Link className="btn btn-primary" to="/app/recurring/new">New schedule</Link>}>
          Bill retainers and subscriptions automatically: Sealbill creates (and, if you want, issues) the invoice on each date.
        </EmptyState>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <TableWrap label="Recurring schedules">
          <table>
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Repeats</th>
                <th scope="col">Next run</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((sc) => {
                const [one, many] = EVERY[sc.frequency] ?? [sc.frequency, sc.frequency];
                return (
                  <tr key={sc.id}>
                    <td>{name(sc.clientId)}</td>
                    <td>
                      Every {sc.intervalCount === 1 ? one : `${sc.intervalCount} ${many}`}
                      {sc.autoIssue ? ', issued automatically' : ', as drafts'}
                      {sc.autoIssue && sc.autoIssueHeld ? (
                        <>
                          {' '}
                          <Badge tone="warn">auto-issue held</Badge>
                          <br />
                          <span className="small">
                            Since {date(sc.autoIssueHeld.since)} runs create drafts: {sc.autoIssueHeld.reason === 'no_issuer' ? 'nobody has confirmed automatic issuing' : 'the member who set it up may no longer issue invoices'}.
                          </span>
                        </>
                      ) : null}
                    </td>
                    <td>{sc.status === 'ended' ? '—' : date(sc.nextRunOn)}</td>
                    <td>
                      <Badge tone={sc.status === 'active' ? 'good' : sc.status === 'paused' ? 'warn' : 'neutral'}>{sc.status}</Badge>
                    </td>
                    <td className="actions">
                      {sc.autoIssue && sc.autoIssueHeld && sc.status !== 'ended' && s.can('invoice:issue') ? (
                        <Button className="btn-small" onClick={async () => (await confirmIssuer.run(sc.id)) && list.reload()}>
                          Confirm automatic issuing
                        </Button>
                      ) : null}
                      {sc.status === 'active' ? (
                        <Button className="btn-small" onClick={async () => (await setStatus.run(sc.id, 'paused')) && list.reload()}>
                          Pause
                        </Button>
                      ) : null}
                      {sc.status === 'paused' ? (
                        <Button className="btn-small" onClick={async () => (await setStatus.run(sc.id, 'active')) && list.reload()}>
                          Resume
                        </Button>
                      ) : null}
                      {sc.status !== 'ended' ? (
                        <Button
                          className="btn-small"
                          variant="danger"
                          onClick={async () => {
                            if (window.confirm('End this schedule? No further invoices will be created.') && (await setStatus.run(sc.id, 'ended'))) list.reload();
                          }}
                        >
                          End
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </>
  );
}

export function NewSchedulePage() {
  useTitle('New recurring schedule');
  const s = useStaff();
  return (
    <Editor
      kind="invoice"
      doc={null}
      initial={newEditorState(s.org?.defaultCurrency ?? 'EUR', '')}
      schedule={{ frequency: 'monthly', intervalCount: '1', startOn: todayIso(), endOn: '', autoIssue: s.can('invoice:issue'), confirmBackdatedStart: false }}
    />
  );
}
