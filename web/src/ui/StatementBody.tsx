// A statement of account as staff and the client portal show it (the same answer from
// GET /api/v1/clients/{id}/statement and GET /api/v1/portal/statement): the period and currency
// pickers, the balances, the lines with their running balance, and the invoices overdue at the
// end of the period. Each area loads it with its own realm's client and links documents its way.
import type { ReactNode } from 'react';
import type { ApiError } from '../lib/api.ts';
import { date, money } from '../lib/format.ts';
import { t, type MessageKey } from '../lib/i18n.ts';
import type { Answer } from '../lib/types.ts';
import { DataTable } from './DataTable.tsx';
import { EmptyState } from './feedback.tsx';
import { SelectField, TextField } from './forms.tsx';

export type Statement = Answer<'/api/v1/clients/{id}/statement'>;
type Line = Statement['lines'][number];

export interface StatementPeriod {
  from: string;
  to: string;
  currency: string;
}

/**
 * The period the pickers show: the one picked, else the one the server answered for. Until a
 * period is picked none is sent, and the server's default applies (this year so far in the client's
 * currency, "today" in the organization's time zone, which the browser's own today can miss).
 */
export function shownPeriod(picked: StatementPeriod | null, answer: Statement | undefined): StatementPeriod | null {
  return picked ?? (answer ? { from: answer.from, to: answer.to, currency: answer.currency } : null);
}

const KIND_KEY: Record<Line['kind'], MessageKey> = {
  invoice: 'statement.kind.invoice',
  credit_note: 'statement.kind.creditNote',
  payment: 'statement.kind.payment',
  refund: 'statement.kind.refund',
};

/** Period and currency; the server checks them and its field errors show under each field. */
export function StatementFilters({
  value,
  onChange,
  currencies,
  error,
}: {
  value: StatementPeriod;
  onChange: (p: StatementPeriod) => void;
  currencies: readonly string[];
  error: ApiError | null;
}) {
  const f = error?.fields() ?? {};
  const options = [...new Set([...currencies, value.currency])]
    .filter(Boolean)
    .sort()
    .map((c) => ({ value: c, label: c }));
  return (
    <div className="form-row">
      <TextField
        label={t('statement.from')}
        type="date"
        value={value.from}
        max={value.to}
        onChange={(e) => onChange({ ...value, from: e.target.value })}
        error={f.from}
        required
      />
      <TextField
        label={t('statement.to')}
        type="date"
        value={value.to}
        min={value.from}
        onChange={(e) => onChange({ ...value, to: e.target.value })}
        error={f.to}
        required
      />
      <SelectField
        label={t('statement.currency')}
        value={value.currency}
        options={options}
        onChange={(e) => onChange({ ...value, currency: e.target.value })}
        error={f.currency}
      />
    </div>
  );
}

export function StatementBody({
  statement: s,
  documentLink,
}: {
  statement: Statement;
  /** The document a line or overdue invoice refers to, as a link in this area (staff or portal). */
  documentLink: (kind: 'invoice' | 'credit_note', id: string, label: string) => ReactNode;
}) {
  const m = (minor: number) => money(minor, s.currency);
  const refersTo = (l: Line) =>
    documentLink(l.kind === 'credit_note' ? 'credit_note' : 'invoice', l.documentId, l.number ?? '—');
  return (
    <>
      <dl className="facts">
        <dt>{t('statement.opening', { date: date(s.from) })}</dt>
        <dd>{m(s.openingBalance)}</dd>
        <dt>{t('statement.invoiced')}</dt>
        <dd>{m(s.totals.invoiced)}</dd>
        <dt>{t('statement.credited')}</dt>
        <dd>{m(s.totals.credited)}</dd>
        <dt>{t('statement.paid')}</dt>
        <dd>{m(s.totals.paid)}</dd>
        <dt>{t('statement.refunded')}</dt>
        <dd>{m(s.totals.refunded)}</dd>
        <dt>{t('statement.closing', { date: date(s.to) })}</dt>
        <dd>
          <strong>{m(s.closingBalance)}</strong>
          {s.closingBalance < 0 ? <span className="muted small"> {t('statement.inCredit')}</span> : null}
        </dd>
        <dt>{t('statement.overdue', { date: date(s.overdue.asOf) })}</dt>
        <dd>{m(s.overdue.total)}</dd>
      </dl>
      {s.lines.length === 0 ? (
        <EmptyState title={t('statement.noLines')}>{t('statement.noLinesHint')}</EmptyState>
      ) : (
        <DataTable
          label={t('statement.lines')}
          caption={t('statement.lines')}
          rows={s.lines}
          rowKey={(l) => `${l.kind}-${l.paymentId ?? l.documentId}`}
          columns={[
            { header: t('statement.date'), cell: (l) => date(l.date) },
            { header: t('statement.entry'), cell: (l) => t(KIND_KEY[l.kind]) },
            { header: t('statement.document'), cell: refersTo },
            { header: t('statement.charges'), numeric: true, cell: (l) => (l.amount > 0 ? m(l.amount) : '') },
            { header: t('statement.credits'), numeric: true, cell: (l) => (l.amount < 0 ? m(-l.amount) : '') },
            { header: t('statement.balance'), numeric: true, cell: (l) => m(l.balance) },
          ]}
        />
      )}
      {s.overdue.invoices.length > 0 ? (
        <>
          <h3>{t('statement.overdueHeading', { date: date(s.overdue.asOf) })}</h3>
          <DataTable
            label={t('statement.overdueHeading', { date: date(s.overdue.asOf) })}
            rows={s.overdue.invoices}
            rowKey={(i) => i.documentId}
            columns={[
              { header: t('statement.invoice'), cell: (i) => documentLink('invoice', i.documentId, i.number ?? '—') },
              { header: t('statement.dueDate'), cell: (i) => date(i.dueDate) },
              { header: t('statement.daysOverdue'), numeric: true, cell: (i) => String(i.daysOverdue) },
              { header: t('statement.outstanding'), numeric: true, cell: (i) => m(i.outstanding) },
            ]}
          />
        </>
      ) : null}
    </>
  );
}
