import { describe, expect, it } from 'vitest';
import { overdueInvoices, statementLines, type IssuedRow, type MoneyRow } from './statement.ledger.ts';

const doc = (over: Partial<IssuedRow>): IssuedRow => ({
  id: 'd',
  kind: 'invoice',
  number: 'INV-1',
  issue_date: '2026-05-01',
  due_date: '2026-05-31',
  total: 100_00,
  created_at: '2026-05-01T10:00:00Z',
  ...over,
});
const money = (over: Partial<MoneyRow>): MoneyRow => ({
  id: 'p',
  kind: 'payment',
  amount: 10_00,
  method: 'cash',
  received_on: '2026-05-01',
  created_at: '2026-05-01T09:00:00Z',
  document_id: 'd',
  number: 'INV-1',
  ...over,
});

describe('statementLines', () => {
  it('orders by date, then invoice, credit note, payment, refund on one day, and runs the balance', () => {
    const r = statementLines(
      5_00,
      [
        doc({ id: 'cn', kind: 'credit_note', number: 'CN-1', total: 20_00, issue_date: '2026-05-02' }),
        doc({ id: 'i2', number: 'INV-2', issue_date: '2026-05-02', total: 7_00 }),
        doc({ id: 'i1' }),
      ],
      [money({ id: 'r', kind: 'refund', amount: 3_00, received_on: '2026-05-02' }), money({ id: 'p', amount: 50_00 })],
    );
    expect(r.lines.map((l) => [l.date, l.kind, l.amount, l.balance])).toEqual([
      ['2026-05-01', 'invoice', 100_00, 105_00],
      ['2026-05-01', 'payment', -50_00, 55_00],
      ['2026-05-02', 'invoice', 7_00, 62_00],
      ['2026-05-02', 'credit_note', -20_00, 42_00],
      ['2026-05-02', 'refund', 3_00, 45_00],
    ]);
    expect(r.totals).toEqual({ invoiced: 107_00, credited: 20_00, paid: 50_00, refunded: 3_00 });
    expect(r.closing).toBe(45_00);
    expect(r.closing).toBe(5_00 + r.totals.invoiced - r.totals.credited - r.totals.paid + r.totals.refunded);
  });

  it('keeps an empty period at its opening balance', () => {
    expect(statementLines(-20_00, [], [])).toEqual({
      lines: [],
      totals: { invoiced: 0, credited: 0, paid: 0, refunded: 0 },
      closing: -20_00,
    });
  });
});

describe('overdueInvoices', () => {
  const row = (number: string, due: string, outstanding: number) => ({
    id: number,
    number,
    issue_date: '2026-01-01',
    due_date: due,
    total: 100_00,
    outstanding,
  });
  it.each([
    ['due the day before', '2026-06-29', 1_00, 1],
    ['due 100 days before', '2026-03-22', 1_00, 100],
  ])('counts an invoice %s as overdue', (_, due, outstanding, days) => {
    expect(overdueInvoices([row('A', due, outstanding)], '2026-06-30')[0]?.daysOverdue).toBe(days);
  });
  it.each([
    ['due on the day', '2026-06-30', 1_00],
    ['due later', '2026-07-01', 1_00],
    ['settled', '2026-01-31', 0],
    ['over-credited', '2026-01-31', -1_00],
  ])('leaves out an invoice %s', (_, due, outstanding) => {
    expect(overdueInvoices([row('A', due, outstanding)], '2026-06-30')).toEqual([]);
  });
  it('lists the oldest due first', () => {
    const out = overdueInvoices([row('B', '2026-05-01', 1), row('A', '2026-04-01', 1)], '2026-06-30');
    expect(out.map((i) => i.number)).toEqual(['A', 'B']);
  });
});
