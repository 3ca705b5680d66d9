import { ok, staffApi } from '../../lib/api.ts';
import { date, dateTime, money } from '../../lib/format.ts';
import { useTitle } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Link } from '../../lib/router.tsx';
import { Badge, EmptyState, ErrorNotice, Loading, StatusBadge } from '../../ui/feedback.tsx';
import { PageHead } from '../Layout.tsx';
import { useStaff } from '../context.ts';
import { BilledChart } from './BilledChart.tsx';
import { loadDashboard, type DashboardData } from './dashboard-data.ts';
import { SecurityChecklist } from '../settings/SecurityChecklist.tsx';
import { describeAudit } from '../audit/audit-text.ts';

export function DashboardPage() {
  useTitle('Dashboard');
  const s = useStaff();
  const currency = s.org?.defaultCurrency ?? 'EUR';
  const data = useApiQuery(['dashboard', currency], (signal) =>
    s.can('invoice:read') ? loadDashboard(signal) : Promise.resolve(null),
  );
  // The audit list is oldest-first: read the last 30 days and show the newest entries.
  const activity = useApiQuery(['dashboard-activity'], async (signal) => {
    if (!s.can('audit:read')) return null;
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const r = await ok(
      staffApi.GET('/api/v1/audit-events', { params: { query: { from: since, limit: 500 } }, signal }),
    );
    return { items: r.items.slice(-8).reverse() };
  });
  const d = data.data;

  return (
    <>
      <PageHead
        title="Dashboard"
        actions={
          s.can('invoice:write') ? (
            <Link className="btn btn-primary" to="/app/invoices/new">
              New invoice
            </Link>
          ) : undefined
        }
      />
      <ErrorNotice error={data.error} />
      {data.isPending ? <Loading label="Loading figures…" /> : null}
      {d && d.needsAttention.length > 0 ? <NeedsAttention items={d.needsAttention} /> : null}
      {d ? (
        <>
          <section aria-label="Key figures" className="grid grid-3">
            <div className="stat">
              <p className="stat-label">Outstanding</p>
              <p className="stat-value">{money(d.outstanding, d.currency)}</p>
            </div>
            <div className="stat">
              <p className="stat-label">Overdue{d.overdueCount ? ` (${d.overdueCount})` : ''}</p>
              <p className="stat-value">{money(d.overdue, d.currency)}</p>
            </div>
            <div className="stat">
              <p className="stat-label">Paid this month</p>
              <p className="stat-value">{money(d.paidThisMonth, d.currency)}</p>
            </div>
          </section>
          {d.receivables.some((r) => r.currency !== d.currency) ? (
            <p className="muted small">
              Figures are in {d.currency}, other currencies converted at each invoice’s exchange rate. Outstanding by
              currency: {d.receivables.map((r) => money(r.due, r.currency)).join(' · ')}
            </p>
          ) : null}
          <div className="grid grid-2">
            <section className="panel" aria-labelledby="chart-h">
              <h2 id="chart-h">Billed vs collected</h2>
              <BilledChart months={d.months} currency={d.currency} />
            </section>
            <section className="panel" aria-labelledby="open-h">
              <h2 id="open-h">Open invoices</h2>
              {d.openInvoices.length === 0 ? (
                <EmptyState title="Nothing outstanding">Every issued invoice is paid.</EmptyState>
              ) : (
                <ul className="plain-list">
                  {d.openInvoices.map((i) => (
                    <li key={i.id}>
                      <Link to={`/app/invoices/${i.id}`}>{i.number}</Link> · {i.clientName} ·{' '}
                      {money(i.amountDue, i.currency)} · due {date(i.dueDate)}{' '}
                      <StatusBadge status={i.status} overdue={i.overdue} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        </>
      ) : null}
      <div className="grid grid-2">
        {s.can('member:read') ? <SecurityChecklist /> : null}
        {s.can('audit:read') ? (
          <section className="panel" aria-labelledby="activity-h">
            <h2 id="activity-h">Recent activity</h2>
            <ErrorNotice error={activity.error} focus={false} />
            {activity.data && activity.data.items.length === 0 ? <p className="muted">No activity yet.</p> : null}
            {activity.data && activity.data.items.length > 0 ? (
              <ul className="plain-list">
                {activity.data.items.map((e) => (
                  <li key={e.seq}>
                    <span className="muted small">{dateTime(e.at)}</span> · {describeAudit(e)}
                  </li>
                ))}
              </ul>
            ) : null}
            <Link to="/app/settings/audit">Open the audit log</Link>
          </section>
        ) : null}
      </div>
    </>
  );
}

const ATTENTION: Record<DashboardData['needsAttention'][number]['status'], string> = {
  retrying: 'not sent yet, trying again',
  failed: 'could not be sent',
  partly_sent: 'reached only some recipients',
  interrupted: 'sending was interrupted: check its deliveries',
  held: 'not sent automatically: send it by hand',
};

/** The automatic charge of a recurring invoice (autoCharge); the invoice itself was sent to pay unless retrying. */
const CHARGE_ATTENTION: Partial<Record<DashboardData['needsAttention'][number]['status'], string>> = {
  retrying: 'not charged yet, the payment provider is tried again',
  failed: 'could not be charged: sent to pay instead',
  interrupted: 'charge interrupted: check the payment provider',
  held: 'not charged automatically: sent to pay',
};

/** Work done on its own that failed (automatic sendings of recurring invoices), until someone deals with it. */
function NeedsAttention({ items }: { items: DashboardData['needsAttention'] }) {
  return (
    <section className="panel" aria-labelledby="attention-h">
      <h2 id="attention-h">Needs attention</h2>
      <ul className="plain-list">
        {items.map((i) => (
          <li key={`${i.source}:${i.id}`}>
            {i.source === 'payment_reminder' ? 'Payment reminder for ' : ''}
            {i.source === 'recurring_charge' ? 'Automatic charge of ' : ''}
            <Link to={`/app/invoices/${i.documentId}`}>{i.number ?? 'Invoice'}</Link> · {i.clientName} ·{' '}
            <Badge tone={i.status === 'retrying' ? 'warn' : 'bad'}>
              {(i.source === 'recurring_charge' ? CHARGE_ATTENTION[i.status] : undefined) ?? ATTENTION[i.status]}
            </Badge>
            {i.nextAttemptAt ? <span className="muted small"> · next attempt {dateTime(i.nextAttemptAt)}</span> : null}
            {i.reason ? <span className="small"> · {i.reason}</span> : null}
            {i.scheduleId ? (
              <>
                {' '}
                · <Link to={`/app/recurring/${i.scheduleId}`}>schedule</Link>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
