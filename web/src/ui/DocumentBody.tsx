// The lines table and totals block of an invoice, quote or credit note: one rendering for the
// staff app and the client portal, so both show a document the same way.
import { money, rate } from '../lib/format.ts';
import { t } from '../lib/i18n.ts';
import { TableWrap } from './TableWrap.tsx';

export interface BodyLine {
  description: string;
  quantity: string;
  unit: string;
  unitPrice: number;
  amount: number;
  taxRateBp: number;
  taxName?: string;
}

export interface BodyTotals {
  kind: string;
  currency: string;
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  total: number;
  amountPaid: number;
  amountCredited: number;
  amountDue: number;
}

export function DocumentLines({ lines, currency }: { lines: BodyLine[]; currency: string }) {
  const m = (n: number) => money(n, currency);
  return (
    <TableWrap label={t('ui.lines')}>
      <table>
        <caption>{t('ui.lines')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('ui.lines.description')}</th>
            <th scope="col" className="num">
              {t('ui.lines.quantity')}
            </th>
            <th scope="col" className="num">
              {t('ui.lines.unitPrice')}
            </th>
            <th scope="col">{t('ui.lines.tax')}</th>
            <th scope="col" className="num">
              {t('ui.lines.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l, i) => (
            <tr key={i}>
              <td className="wrap">{l.description}</td>
              <td className="num">
                {l.quantity} {l.unit}
              </td>
              <td className="num">{m(l.unitPrice)}</td>
              <td>{l.taxRateBp ? `${l.taxName ? `${l.taxName} ` : ''}${rate(l.taxRateBp)}` : '—'}</td>
              <td className="num">{m(l.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Totals; `showBalance` adds paid, credited and what is still due (issued invoices). */
export function DocumentTotals({
  doc,
  showBalance,
  dueLabel,
}: {
  doc: BodyTotals;
  showBalance: boolean;
  dueLabel: string;
}) {
  const m = (n: number) => money(n, doc.currency);
  return (
    <section className="panel totals" aria-label={t('ui.totals')}>
      <dl>
        <dt>{t('ui.totals.subtotal')}</dt>
        <dd>{m(doc.subtotal)}</dd>
        {doc.discountTotal ? (
          <>
            <dt>{t('ui.totals.discount')}</dt>
            <dd>−{m(doc.discountTotal)}</dd>
          </>
        ) : null}
        <dt>{t('ui.totals.tax')}</dt>
        <dd>{m(doc.taxTotal)}</dd>
        <dt className="grand">{t('ui.totals.total')}</dt>
        <dd className="grand">{m(doc.total)}</dd>
        {showBalance ? (
          <>
            <dt>{t('ui.totals.paid')}</dt>
            <dd>{m(doc.amountPaid)}</dd>
            {doc.amountCredited ? (
              <>
                <dt>{t('ui.totals.credited')}</dt>
                <dd>{m(doc.amountCredited)}</dd>
              </>
            ) : null}
            <dt>{dueLabel}</dt>
            <dd>
              <strong>{m(doc.amountDue)}</strong>
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
