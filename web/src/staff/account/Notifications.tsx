// What happened that staff should know (modules/notifications): quotes answered, documents opened
// or acknowledged, payments received or failed, deliveries bounced. The sidebar shows the unread
// count; this page lists them and marks them read. My account → Notifications sets what is told how.
import { ok, staffApi } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { queryClient, useApiQuery } from '../../lib/query.ts';
import { Link } from '../../lib/router.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback.tsx';
import { Button, Checkbox } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';

const KIND_LABEL: Record<string, string> = {
  quote_accepted: 'A quote is accepted',
  quote_declined: 'A quote is declined',
  document_opened: 'A client opens a document',
  document_acknowledged: 'A client acknowledges a document',
  payment_received: 'A payment arrives',
  payment_failed: 'A payment fails',
  delivery_bounced: 'A delivery or reminder bounces',
};

/** The sidebar's count, refreshed whenever the page is shown again. */
export function useUnreadCount(): number {
  const q = useApiQuery(['notifications', 'unread'], (signal) =>
    ok(staffApi.GET('/api/v1/notifications', { params: { query: { unread: 'true', limit: 1 } }, signal })),
  );
  return q.data?.unread ?? 0;
}

export function NotificationsPage() {
  useTitle('Notifications');
  const list = useApiQuery(['notifications', 'all'], (signal) =>
    ok(staffApi.GET('/api/v1/notifications', { params: { query: { limit: 50 } }, signal })),
  );
  const readAll = useAction(async () => {
    await ok(staffApi.POST('/api/v1/notifications/read', { body: {} }));
    await queryClient.invalidateQueries({ queryKey: ['notifications'] });
    return true;
  });
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHead
        title="Notifications"
        actions={
          list.data?.unread ? (
            <Button busy={readAll.busy} onClick={() => void readAll.run()}>
              Mark all read
            </Button>
          ) : null
        }
      />
      <ErrorNotice error={list.error ?? readAll.error} />
      {list.isPending ? <Loading /> : null}
      {list.data && items.length === 0 ? (
        <EmptyState title="Nothing yet">Quotes answered, payments and bounces will show here.</EmptyState>
      ) : null}
      {items.length > 0 ? (
        <ul className="panel notifications">
          {items.map((n) => (
            <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
              <p>
                <strong>{n.title}</strong> <span className="muted small">{dateTime(n.createdAt)}</span>
                {n.readAt ? null : <span className="visually-hidden"> (unread)</span>}
              </p>
              <p>{n.body}</p>
              {n.link?.startsWith('/app/') ? <Link to={n.link}>Open</Link> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** My account: per kind, in the app and/or by email. */
export function NotificationPreferences({ onStatus }: { onStatus: (m: string) => void }) {
  const prefs = useApiQuery(['notification-preferences'], (signal) =>
    ok(staffApi.GET('/api/v1/me/notification-preferences', { signal })),
  );
  const save = useAction(async (items: Array<{ kind: string; inApp: boolean; email: boolean }>) => {
    await ok(
      staffApi.PUT('/api/v1/me/notification-preferences', {
        body: { items: items as Array<{ kind: 'quote_accepted'; inApp: boolean; email: boolean }> },
      }),
    );
    await prefs.refetch();
    onStatus('Notification preferences saved');
    return true;
  });
  const items = prefs.data?.items ?? [];
  const set = (kind: string, patch: { inApp?: boolean; email?: boolean }) =>
    void save.run(items.map((i) => (i.kind === kind ? { ...i, ...patch } : i)));
  return (
    <section className="panel" aria-labelledby="notify-prefs-h">
      <h2 id="notify-prefs-h">Notifications</h2>
      <ErrorNotice error={prefs.error ?? save.error} />
      {items.map((i) => (
        <fieldset key={i.kind}>
          <legend>{KIND_LABEL[i.kind] ?? i.kind}</legend>
          <Checkbox label="In the app" checked={i.inApp} onChange={(e) => set(i.kind, { inApp: e.target.checked })} />
          <Checkbox label="By email" checked={i.email} onChange={(e) => set(i.kind, { email: e.target.checked })} />
        </fieldset>
      ))}
    </section>
  );
}
