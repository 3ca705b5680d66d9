// Reports (GET /api/v1/reports/*): VAT per category and rate, revenue by item and by client,
// receivables aging and payments received, each with its CSV and printable PDF from the server.
// The figures are the server's sums over the ledger; the screen only lays them out.
import { useState, type ReactNode } from 'react';
import { ok, qs, requestFile, staffApi } from '../../lib/api.ts';
import { saveFile } from '../../lib/download.ts';
import { date, money, rate, todayIso } from '../../lib/format.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { t, type MessageKey } from '../../lib/i18n.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Link } from '../../lib/router.tsx';
import type { Answer } from '../../lib/types.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { EmptyState, ErrorNotice, Loading, Notice, Status } from '../../ui/feedback.tsx';
import { Button, SelectField, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { useStaff } from '../context.ts';

export const REPORTS = ['vat', 'revenue-by-item', 'revenue', 'aging', 'payments'] as const;
export type ReportName = (typeof REPORTS)[number];

const TITLE: Record<ReportName, MessageKey> = {
  vat: 'reports.vat',
  'revenue-by-item': 'reports.revenueByItem',
  revenue: 'reports.revenueByClient',
  aging: 'reports.aging',
  payments: 'reports.payments',
};

type Vat = Answer<'/api/v1/reports/vat'>;
type Items = Answer<'/api/v1/reports/revenue-by-item'>;
type Revenue = Answer<'/api/v1/reports/revenue'>;
type Aging = Answer<'/api/v1/reports/aging'>;
type Payments = Answer<'/api/v1/reports/payments'>;

interface Period {
  from: string;
  to: string;
  basis: 'issue' | 'supply';
}

/** The calendar quarter so far, in the organization's time zone: the period of most VAT returns. */
function thisQuarter(timeZone: string | undefined): Period {
  const to = todayIso(timeZone);
  const month = Math.floor((Number(to.slice(5, 7)) - 1) / 3) * 3 + 1;
  return { from: `${to.slice(0, 4)}-${String(month).padStart(2, '0')}-01`, to, basis: 'issue' };
}

export function ReportsPage({ report }: { report: ReportName }) {
  const s = useStaff();
  useTitle(t(TITLE[report]));
  const [period, setPeriod] = useState<Period>(() => thisQuarter(s.org?.timeZone));
  const [status, setStatus] = useState<string | null>(null);
  const usesPeriod = report !== 'aging';
  const usesBasis = report === 'vat' || report === 'revenue-by-item';
  const query = usesPeriod ? { from: period.from, to: period.to, ...(usesBasis && { basis: period.basis }) } : {};
  const data = useApiQuery(['report', report, query], (signal) => load(report, query, signal));
  const download = useAction(async (format: 'csv' | 'pdf') => {
    const file = await requestFile('GET', `/api/v1/reports/${report}${qs({ ...query, format })}`);
    setStatus(t('reports.downloaded', { name: saveFile(file, `${report}.${format}`) }));
    return true;
  });
  const fields = data.error?.fields() ?? {};
  const visible = REPORTS.filter((r) => s.can(r === 'payments' ? 'payment:read' : 'invoice:read'));

  return (
    <>
      <PageHead title={t('reports.title')} />
      <nav className="tabs" aria-label={t('reports.sections')}>
        {visible.map((r) => (
          <Link key={r} to={`/app/reports/${r}`} aria-current={r === report ? 'page' : undefined}>
            {t(TITLE[r])}
          </Link>
        ))}
      </nav>
      <section className="panel" aria-labelledby="report-h">
        <h2 id="report-h">{t(TITLE[report])}</h2>
        {usesPeriod ? (
          <div className="form-row">
            <TextField
              label={t('reports.from')}
              type="date"
              value={period.from}
              max={period.to}
              onChange={(e) => setPeriod({ ...period, from: e.target.value })}
              error={fields.from}
              required
            />
            <TextField
              label={t('reports.to')}
              type="date"
              value={period.to}
              min={period.from}
              onChange={(e) => setPeriod({ ...period, to: e.target.value })}
              error={fields.to}
              required
            />
            {usesBasis ? (
              <SelectField
                label={t('reports.basis')}
                value={period.basis}
                options={[
                  { value: 'issue', label: t('reports.basis.issue') },
                  { value: 'supply', label: t('reports.basis.supply') },
                ]}
                onChange={(e) => setPeriod({ ...period, basis: e.target.value as Period['basis'] })}
              />
            ) : null}
          </div>
        ) : null}
        <ErrorNotice error={data.error} title={t('reports.loadFailed')} focus={false} />
        <ErrorNotice error={download.error} title={t('reports.downloadFailed')} />
        <Status message={status} />
        <div className="actions">
          <Button busy={download.busy} disabled={Boolean(data.error)} onClick={() => void download.run('csv')}>
            {t('reports.csv')}
          </Button>
          <Button busy={download.busy} disabled={Boolean(data.error)} onClick={() => void download.run('pdf')}>
            {t('reports.pdf')}
          </Button>
        </div>
        {data.isPending ? <Loading /> : null}
        {data.data ? <ReportBody report={report} data={data.data} /> : null}
      </section>
    </>
  );
}

type AnyReport = Vat | Items | Revenue | Aging | Payments;

function load(report: ReportName, query: Record<string, string>, signal: AbortSignal): Promise<AnyReport> {
  const q = { params: { query: query as never }, signal };
  switch (report) {
    case 'vat':
      return ok(staffApi.GET('/api/v1/reports/vat', q));
    case 'revenue-by-item':
      return ok(staffApi.GET('/api/v1/reports/revenue-by-item', q));
    case 'revenue':
      return ok(staffApi.GET('/api/v1/reports/revenue', q));
    case 'aging':
      return ok(staffApi.GET('/api/v1/reports/aging', q));
    case 'payments':
      return ok(staffApi.GET('/api/v1/reports/payments', q));
  }
}

function ReportBody({
  report,
  data,
}: {
  report: ReportName;
  data: Vat | Items | Revenue | Aging | Payments;
}): ReactNode {
  switch (report) {
    case 'vat':
      return <VatReport r={data as Vat} />;
    case 'revenue-by-item':
      return <ItemsReport r={data as Items} />;
    case 'revenue':
      return <RevenueReport r={data as Revenue} />;
    case 'aging':
      return <AgingReport r={data as Aging} />;
    case 'payments':
      return <PaymentsReport r={data as Payments} />;
  }
}

function Pending({ n }: { n: number }) {
  return n > 0 ? <Notice kind="warning">{t('reports.pending', { count: n })}</Notice> : null;
}

const TREATMENTS: Array<[keyof Vat['totalInOrgCurrency'], MessageKey]> = [
  ['taxed', 'reports.vat.taxed'],
  ['zeroRated', 'reports.vat.zeroRated'],
  ['exempt', 'reports.vat.exempt'],
  ['reverseCharge', 'reports.vat.reverseCharge'],
  ['intraCommunity', 'reports.vat.intraCommunity'],
  ['export', 'reports.vat.export'],
  ['outsideScope', 'reports.vat.outsideScope'],
];

function VatReport({ r }: { r: Vat }) {
  if (r.rows.length === 0)
    return (
      <>
        <Pending n={r.pending} />
        <EmptyState title={t('reports.empty')} />
      </>
    );
  // The organization's currency gets its own columns and total only when another currency occurs.
  const foreign = r.totals.some((x) => x.currency !== r.currency);
  const totals = [...r.totals, ...(foreign ? [r.totalInOrgCurrency] : [])];
  const treatments = TREATMENTS.filter(([k]) => totals.some((x) => x[k] !== 0));
  return (
    <>
      <Pending n={r.pending} />
      <DataTable
        label={t('reports.vat')}
        rows={r.rows}
        rowKey={(x) => `${x.currency}|${x.category}|${x.rateBp}`}
        columns={[
          {
            header: t('reports.vat.category'),
            cell: (x) => `${x.category} · ${t(`reports.category.${x.category}` as MessageKey)}`,
          },
          { header: t('reports.vat.rate'), numeric: true, cell: (x) => rate(x.rateBp) },
          { header: t('reports.currency'), cell: (x) => x.currency },
          { header: t('reports.vat.documents'), numeric: true, cell: (x) => `${x.invoices} / ${x.creditNotes}` },
          { header: t('reports.vat.taxable'), numeric: true, cell: (x) => money(x.taxable, x.currency) },
          { header: t('reports.vat.tax'), numeric: true, cell: (x) => money(x.tax, x.currency) },
          foreign && {
            header: t('reports.inCurrency', { label: t('reports.vat.taxable'), currency: r.currency }),
            numeric: true,
            cell: (x) => money(x.taxableInOrgCurrency, r.currency),
          },
          foreign && {
            header: t('reports.inCurrency', { label: t('reports.vat.tax'), currency: r.currency }),
            numeric: true,
            cell: (x) => money(x.taxInOrgCurrency, r.currency),
          },
        ]}
      />
      {treatments.length > 0 ? <TreatmentTotals r={r} totals={totals} treatments={treatments} /> : null}
      <p className="small">
        {totals.map((x, i) => (
          <span key={i}>
            {i === r.totals.length ? t('reports.totalIn', { currency: r.currency }) : x.currency}:{' '}
            {t('reports.vat.sum', { taxable: money(x.taxable, x.currency), tax: money(x.tax, x.currency) })}{' '}
          </span>
        ))}
      </p>
      <p className="muted small">{t('reports.vat.note')}</p>
    </>
  );
}

function TreatmentTotals({
  r,
  totals,
  treatments,
}: {
  r: Vat;
  totals: Array<Vat['totalInOrgCurrency']>;
  treatments: typeof TREATMENTS;
}) {
  return (
    <>
      <h3>{t('reports.vat.totals')}</h3>
      <DataTable
        label={t('reports.vat.totals')}
        rows={treatments}
        rowKey={([k]) => k}
        columns={[
          { header: '', cell: ([, key]) => t(key) },
          ...totals.map((x, i) => ({
            header: i === r.totals.length ? t('reports.totalIn', { currency: r.currency }) : x.currency,
            numeric: true,
            cell: ([k]: (typeof TREATMENTS)[number]) => money(x[k] as number, x.currency),
          })),
        ]}
      />
    </>
  );
}

function ItemsReport({ r }: { r: Items }) {
  return (
    <>
      <Pending n={r.pending} />
      {r.rows.length === 0 ? (
        <EmptyState title={t('reports.empty')} />
      ) : (
        <DataTable
          label={t('reports.revenueByItem')}
          rows={r.rows}
          rowKey={(x) => `${x.itemId ?? ''}|${x.currency}`}
          columns={[
            { header: t('reports.item'), cell: (x) => (x.itemId ? (x.name ?? x.itemId) : t('reports.otherItems')) },
            { header: t('reports.currency'), cell: (x) => x.currency },
            { header: t('reports.lines'), numeric: true, cell: (x) => x.lines },
            { header: t('reports.quantity'), numeric: true, cell: (x) => x.quantity },
            { header: t('reports.net'), numeric: true, cell: (x) => money(x.net, x.currency) },
            {
              header: t('reports.inCurrency', { label: t('reports.net'), currency: r.currency }),
              numeric: true,
              cell: (x) => money(x.netInOrgCurrency, r.currency),
            },
          ]}
        />
      )}
      <p className="muted small">{t('reports.items.note')}</p>
    </>
  );
}

function RevenueReport({ r }: { r: Revenue }) {
  if (r.rows.length === 0) return <EmptyState title={t('reports.empty')} />;
  return (
    <DataTable
      label={t('reports.revenueByClient')}
      rows={r.rows}
      rowKey={(x) => `${x.clientId}|${x.currency}`}
      columns={[
        { header: t('reports.client'), cell: (x) => <Link to={`/app/clients/${x.clientId}`}>{x.clientName}</Link> },
        { header: t('reports.currency'), cell: (x) => x.currency },
        { header: t('reports.invoices'), numeric: true, cell: (x) => x.invoices },
        { header: t('reports.net'), numeric: true, cell: (x) => money(x.net, x.currency) },
        { header: t('reports.vat.tax'), numeric: true, cell: (x) => money(x.tax, x.currency) },
        { header: t('reports.gross'), numeric: true, cell: (x) => money(x.total, x.currency) },
        {
          header: t('reports.inCurrency', { label: t('reports.gross'), currency: r.currency }),
          numeric: true,
          cell: (x) => money(x.totalInOrgCurrency, r.currency),
        },
      ]}
    />
  );
}

function AgingReport({ r }: { r: Aging }) {
  if (r.rows.length === 0) return <EmptyState title={t('reports.aging.none')} />;
  const m = (pick: (x: Aging['rows'][number]) => number) => (x: Aging['rows'][number]) => money(pick(x), x.currency);
  return (
    <>
      <p className="muted small">{t('reports.asOf', { date: date(r.today) })}</p>
      <DataTable
        label={t('reports.aging')}
        rows={r.rows}
        rowKey={(x) => `${x.clientId}|${x.currency}`}
        columns={[
          { header: t('reports.client'), cell: (x) => <Link to={`/app/clients/${x.clientId}`}>{x.clientName}</Link> },
          { header: t('reports.currency'), cell: (x) => x.currency },
          { header: t('reports.aging.current'), numeric: true, cell: m((x) => x.current) },
          { header: t('reports.aging.1to30'), numeric: true, cell: m((x) => x.days1to30) },
          { header: t('reports.aging.31to60'), numeric: true, cell: m((x) => x.days31to60) },
          { header: t('reports.aging.61to90'), numeric: true, cell: m((x) => x.days61to90) },
          { header: t('reports.aging.over90'), numeric: true, cell: m((x) => x.daysOver90) },
          { header: t('reports.total'), numeric: true, cell: m((x) => x.total) },
        ]}
      />
    </>
  );
}

function PaymentsReport({ r }: { r: Payments }) {
  if (r.rows.length === 0) return <EmptyState title={t('reports.empty')} />;
  return (
    <>
      {r.truncated ? <Notice kind="warning">{t('reports.truncated', { count: r.rows.length })}</Notice> : null}
      <DataTable
        label={t('reports.payments')}
        rows={r.rows}
        rowKey={(x) => x.id}
        columns={[
          { header: t('reports.receivedOn'), cell: (x) => date(x.receivedOn) },
          { header: t('reports.kind'), cell: (x) => t(x.kind === 'refund' ? 'reports.refund' : 'reports.payment') },
          { header: t('reports.client'), cell: (x) => x.clientName },
          { header: t('reports.document'), cell: (x) => x.documentNumber ?? '' },
          { header: t('reports.method'), cell: (x) => x.method },
          {
            header: t('reports.amount'),
            numeric: true,
            cell: (x) => money(x.kind === 'refund' ? -x.amount : x.amount, x.currency),
          },
        ]}
      />
    </>
  );
}
