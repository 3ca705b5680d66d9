// An issued invoice's ledger entries: each payment with its signed receipt (provider and manual
// payments alike) and a refund action. Refunding moves money back out, so the server asks for a
// fresh re-authentication (401 step_up_required): lib/api.ts opens the step-up dialog and retries
// the request once it succeeds. Provider payments are refunded through the provider; manual ones
// are recorded in the ledger (POST /api/v1/payments/:id/refunds handles both).
import { useState, type FormEvent } from 'react';
import { ok, staffApi, type ApiError } from '../../lib/api.ts';
import { amountInput, date, money, readAmount } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import type { Payment } from '../../lib/types.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorNotice } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';

/** What is left to refund of a payment: its amount minus the refunds that name it. */
function refundable(p: Payment, all: Payment[]): number {
  return (
    p.amount -
    all.filter((r) => r.kind === 'refund' && r.relatedPaymentId === p.id).reduce((sum, r) => sum + r.amount, 0)
  );
}

export function InvoicePayments({
  payments,
  onRefunded,
}: {
  payments: { data?: { items: Payment[] } | undefined; error: ApiError | null };
  onRefunded: () => void;
}) {
  const [refunding, setRefunding] = useState<{ payment: Payment; left: number } | null>(null);
  const items = payments.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="payments-h">
      <h2 id="payments-h">Payments</h2>
      <ErrorNotice error={payments.error} />
      {payments.data && items.length === 0 ? <p className="muted">No payments recorded yet.</p> : null}
      {items.length > 0 ? (
        <ul>
          {items.map((p) => {
            const left = p.kind === 'payment' ? refundable(p, items) : 0;
            return (
              <li key={p.id}>
                {date(p.receivedOn)} · {p.kind === 'refund' ? 'Refund' : 'Payment'} {money(p.amount, p.currency)} ·{' '}
                {p.method.replace('_', ' ')}
                {p.reference ? ` · ${p.reference}` : ''}
                {p.hasReceipt ? (
                  <>
                    {' · '}
                    <a href={`/api/v1/payments/${p.id}/receipt`} download>
                      Receipt (PDF)
                    </a>
                  </>
                ) : null}
                {left > 0 ? (
                  <>
                    {' '}
                    <Button
                      className="btn-small"
                      onClick={() => setRefunding({ payment: p, left })}
                      aria-label={`Refund payment of ${money(p.amount, p.currency)} from ${date(p.receivedOn)}`}
                    >
                      Refund
                    </Button>
                  </>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {refunding ? (
        <RefundDialog
          payment={refunding.payment}
          left={refunding.left}
          onClose={() => setRefunding(null)}
          onDone={() => {
            setRefunding(null);
            onRefunded();
          }}
        />
      ) : null}
    </section>
  );
}

function RefundDialog({
  payment,
  left,
  onClose,
  onDone,
}: {
  payment: Payment;
  left: number;
  onClose: () => void;
  onDone: () => void;
}) {
  const [amount, setAmount] = useState(amountInput(left, payment.currency));
  const [amountError, setAmountError] = useState<string | undefined>();
  const refund = useAction((minor: number) =>
    ok(
      staffApi.POST('/api/v1/payments/{id}/refunds', { params: { path: { id: payment.id } }, body: { amount: minor } }),
    ),
  );
  const f = refund.error?.fields() ?? {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    const a = readAmount(amount, payment.currency);
    const problem = !a.ok
      ? a.message
      : a.minor <= 0
        ? 'Enter an amount above zero'
        : a.minor > left
          ? `At most ${money(left, payment.currency)} can be refunded`
          : undefined;
    setAmountError(problem);
    if (problem || !a.ok) return;
    if (await refund.run(a.minor)) onDone();
  }

  return (
    <Dialog open title={`Refund ${money(payment.amount, payment.currency)}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          {payment.provider
            ? `The refund goes back to the payer through ${payment.provider}, then appears here.`
            : 'Pay the money back yourself (transfer, cash); this records the refund in the ledger and reopens the invoice balance.'}{' '}
          You will be asked to confirm it's you.
        </p>
        <ErrorNotice error={refund.error} title="Nothing was refunded" />
        <TextField
          label={`Amount (${payment.currency})`}
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          error={amountError ?? f.amount}
          hint={`Up to ${money(left, payment.currency)}`}
          autoFocus
        />
        <div className="actions">
          <Button type="submit" variant="danger" busy={refund.busy}>
            Refund
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </div>
      </form>
    </Dialog>
  );
}
