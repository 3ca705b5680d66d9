// The reports as printable tables (documents' PDF writer, render-table-pdf.ts), in the
// organization's language and number format: the same rows as the JSON and the CSV.
import { t, resolveLanguage, type MessageKey } from '../../shared/i18n/messages.ts';
import { dateFormatter, moneyFormatter } from '../documents/pdf/document-view.ts';
import { paperForLocale } from '../documents/pdf/render-document-pdf.ts';
import type { PdfTable } from '../documents/pdf/render-table-pdf.ts';
import type { Org } from '../orgs/org.schemas.ts';
import type {
  AgingRow,
  ItemRevenueReport,
  PaymentReceivedRow,
  RevenueRow,
  VatReport,
  VatTotals,
} from './reports.schemas.ts';

type OrgLike = Pick<Org, 'name' | 'locale'>;

function frame(org: OrgLike) {
  const lang = resolveLanguage(org.locale);
  const tr = (key: MessageKey, params?: Record<string, string | number>) => t(lang, key, params);
  const day = dateFormatter(org.locale);
  const money = (currency: string) => {
    const f = moneyFormatter(org.locale, currency);
    return (n: number) => f(n);
  };
  const number = new Intl.NumberFormat(org.locale, { maximumFractionDigits: 6 });
  const base = (title: string, facts: PdfTable['facts']) => ({
    title,
    facts: [{ label: tr('report.organization'), value: org.name }, ...facts],
    empty: tr('report.empty'),
    pageLabel: tr('report.page'),
    paper: paperForLocale(org.locale),
    author: org.name,
  });
  const period = (from: string, to: string) => ({ label: tr('report.period'), value: `${day(from)} – ${day(to)}` });
  const pendingNote = (n: number) => (n > 0 ? [tr('report.pending', { count: n })] : []);
  return { tr, day, money, number, base, period, pendingNote };
}

export function vatTable(r: VatReport, org: OrgLike): PdfTable {
  const { tr, money, number, base, period, pendingNote } = frame(org);
  const orgMoney = money(r.currency);
  const treatments: Array<[keyof VatTotals, MessageKey]> = [
    ['taxed', 'report.vat.taxed'],
    ['zeroRated', 'report.vat.zeroRated'],
    ['exempt', 'report.vat.exempt'],
    ['reverseCharge', 'report.vat.reverseCharge'],
    ['intraCommunity', 'report.vat.intraCommunity'],
    ['export', 'report.vat.export'],
    ['outsideScope', 'report.vat.outsideScope'],
  ];
  const summary = (tot: VatTotals, label: string) => {
    const m = money(tot.currency);
    return [
      { cells: [label, '', '', '', m(tot.taxable), m(tot.tax), '', ''], strong: true },
      ...treatments
        .filter(([k]) => tot[k] !== 0)
        .map(([k, key]) => ({ cells: [`  ${tr(key)}`, '', '', '', m(tot[k] as number), '', '', ''] })),
    ];
  };
  return {
    ...base(tr('report.vat.title'), [
      period(r.from, r.to),
      { label: tr('report.basis'), value: tr(r.basis === 'supply' ? 'report.basis.supply' : 'report.basis.issue') },
    ]),
    columns: [
      { label: tr('report.vat.category'), width: 2.2 },
      { label: tr('report.vat.rate'), align: 'right', width: 1 },
      { label: tr('report.currency'), width: 0.7 },
      { label: tr('report.vat.documents'), align: 'right', width: 1.2 },
      { label: tr('report.vat.taxable'), align: 'right', width: 1.7 },
      { label: tr('report.vat.tax'), align: 'right', width: 1.3 },
      {
        label: `${tr('report.vat.taxable')} ${tr('report.inCurrency', { currency: r.currency })}`,
        align: 'right',
        width: 1.6,
      },
      {
        label: `${tr('report.vat.tax')} ${tr('report.inCurrency', { currency: r.currency })}`,
        align: 'right',
        width: 1.4,
      },
    ],
    rows: [
      ...r.rows.map((row) => {
        const m = money(row.currency);
        return {
          cells: [
            `${row.category} · ${tr(`report.category.${row.category}` as MessageKey)}`,
            `${number.format(row.rateBp / 100)} %`,
            row.currency,
            `${row.invoices} / ${row.creditNotes}`,
            m(row.taxable),
            m(row.tax),
            orgMoney(row.taxableInOrgCurrency),
            orgMoney(row.taxInOrgCurrency),
          ],
        };
      }),
      ...(r.rows.length > 0
        ? [
            ...r.totals.flatMap((tot) => summary(tot, `${tr('report.total')} ${tot.currency}`)),
            ...(r.totals.length > 1 || r.totals[0]?.currency !== r.currency
              ? summary(r.totalInOrgCurrency, tr('report.totalIn', { currency: r.currency }))
              : []),
          ]
        : []),
    ],
    notes: [tr('report.vat.note'), ...pendingNote(r.pending)],
  };
}

export function itemsTable(r: ItemRevenueReport, org: OrgLike): PdfTable {
  const { tr, money, number, base, period, pendingNote } = frame(org);
  const orgMoney = money(r.currency);
  const total = r.rows.reduce((a, row) => a + row.netInOrgCurrency, 0);
  return {
    ...base(tr('report.items.title'), [
      period(r.from, r.to),
      { label: tr('report.basis'), value: tr(r.basis === 'supply' ? 'report.basis.supply' : 'report.basis.issue') },
    ]),
    columns: [
      { label: tr('report.items.item'), width: 3.5 },
      { label: tr('report.currency'), width: 0.7 },
      { label: tr('report.items.lines'), align: 'right', width: 0.8 },
      { label: tr('report.items.quantity'), align: 'right', width: 1.1 },
      { label: tr('report.items.net'), align: 'right', width: 1.5 },
      {
        label: `${tr('report.items.net')} ${tr('report.inCurrency', { currency: r.currency })}`,
        align: 'right',
        width: 1.6,
      },
    ],
    rows: [
      ...r.rows.map((row) => ({
        cells: [
          row.itemId ? (row.name ?? row.itemId) : tr('report.items.otherItems'),
          row.currency,
          String(row.lines),
          number.format(Number(row.quantity)),
          money(row.currency)(row.net),
          orgMoney(row.netInOrgCurrency),
        ],
      })),
      ...(r.rows.length > 0
        ? [{ cells: [tr('report.totalIn', { currency: r.currency }), '', '', '', '', orgMoney(total)], strong: true }]
        : []),
    ],
    notes: [tr('report.items.note'), ...pendingNote(r.pending)],
  };
}

export function revenueTable(
  r: { currency: string; rows: RevenueRow[] },
  from: string,
  to: string,
  org: OrgLike,
): PdfTable {
  const { tr, money, base, period } = frame(org);
  const orgMoney = money(r.currency);
  const total = r.rows.reduce((a, row) => a + row.totalInOrgCurrency, 0);
  return {
    ...base(tr('report.revenue.title'), [period(from, to)]),
    columns: [
      { label: tr('report.revenue.client'), width: 3 },
      { label: tr('report.currency'), width: 0.7 },
      { label: tr('report.revenue.invoices'), align: 'right', width: 0.8 },
      { label: tr('report.revenue.net'), align: 'right', width: 1.4 },
      { label: tr('report.vat.tax'), align: 'right', width: 1.3 },
      { label: tr('report.revenue.total'), align: 'right', width: 1.4 },
      {
        label: `${tr('report.revenue.total')} ${tr('report.inCurrency', { currency: r.currency })}`,
        align: 'right',
        width: 1.6,
      },
    ],
    rows: [
      ...r.rows.map((row) => {
        const m = money(row.currency);
        return {
          cells: [
            row.clientName,
            row.currency,
            String(row.invoices),
            m(row.net),
            m(row.tax),
            m(row.total),
            orgMoney(row.totalInOrgCurrency),
          ],
        };
      }),
      ...(r.rows.length > 0
        ? [
            {
              cells: [tr('report.totalIn', { currency: r.currency }), '', '', '', '', '', orgMoney(total)],
              strong: true,
            },
          ]
        : []),
    ],
  };
}

export function agingTable(r: { today: string; rows: AgingRow[] }, org: OrgLike): PdfTable {
  const { tr, day, money, base } = frame(org);
  return {
    ...base(tr('report.aging.title'), [{ label: tr('report.asOf'), value: day(r.today) }]),
    columns: [
      { label: tr('report.revenue.client'), width: 3 },
      { label: tr('report.currency'), width: 0.7 },
      { label: tr('report.aging.current'), align: 'right', width: 1.3 },
      { label: tr('report.aging.days1to30'), align: 'right', width: 1.3 },
      { label: tr('report.aging.days31to60'), align: 'right', width: 1.3 },
      { label: tr('report.aging.days61to90'), align: 'right', width: 1.3 },
      { label: tr('report.aging.daysOver90'), align: 'right', width: 1.3 },
      { label: tr('report.total'), align: 'right', width: 1.4 },
    ],
    rows: r.rows.map((row) => {
      const m = money(row.currency);
      return {
        cells: [
          row.clientName,
          row.currency,
          ...[row.current, row.days1to30, row.days31to60, row.days61to90, row.daysOver90, row.total].map(m),
        ],
      };
    }),
  };
}

export function paymentsTable(
  r: { rows: PaymentReceivedRow[]; truncated: boolean },
  from: string,
  to: string,
  org: OrgLike,
): PdfTable {
  const { tr, day, money, base, period } = frame(org);
  return {
    ...base(tr('report.payments.title'), [period(from, to)]),
    columns: [
      { label: tr('report.payments.receivedOn'), width: 1.2 },
      { label: tr('report.payments.kind'), width: 1 },
      { label: tr('report.revenue.client'), width: 2.8 },
      { label: tr('report.payments.document'), width: 1.4 },
      { label: tr('report.payments.method'), width: 1.2 },
      { label: tr('report.currency'), width: 0.7 },
      { label: tr('report.payments.amount'), align: 'right', width: 1.4 },
    ],
    rows: r.rows.map((row) => ({
      cells: [
        day(row.receivedOn),
        tr(row.kind === 'refund' ? 'report.payments.refund' : 'report.payments.payment'),
        row.clientName,
        row.documentNumber ?? '',
        row.method,
        row.currency,
        money(row.currency)(row.kind === 'refund' ? -row.amount : row.amount),
      ],
    })),
    notes: r.truncated ? [tr('report.payments.truncated', { count: r.rows.length })] : [],
  };
}
