import { useState, type FormEvent } from 'react';
import { idempotencyKey, ok, staffApi } from '../../lib/api.ts';
import { amountInput, money, readAmount, todayIso } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import type { DocumentDto } from '../../lib/types.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorNotice } from '../../ui/feedback.tsx';
import { Button, SelectField, TextArea, TextField } from '../../ui/forms.tsx';
import { useStaff } from '../context.ts';

const METHODS = [
  ['bank_transfer', 'Bank transfer'],
  ['card', 'Card'],
  ['cash', 'Cash'],
  ['cheque', 'Cheque'],
  ['other', 'Other'],
] as const;
type Method = (typeof METHODS)[number][0];

export function PaymentDialog({
  open,
  doc,
  onClose,
  onDone,
}: {
  open: boolean;
  doc: DocumentDto;
  onClose: () => void;
  onDone: () => void;
}) {
  const { org } = useStaff();
  const [v, setV] = useState({
    amount: amountInput(doc.amountDue, doc.currency),
    method: 'bank_transfer' as Method,
    receivedOn: todayIso(org?.timeZone),
    reference: '',
  });
  const [amountError, setAmountError] = useState<string | undefined>();
  const pay = useAction((amount: number) =>
    ok(
      staffApi.POST('/api/v1/invoices/{id}/payments', {
        params: { path: { id: doc.id } },
        headers: idempotencyKey(),
        body: {
          amount,
          method: v.method,
          receivedOn: v.receivedOn || undefined,
          reference: v.reference.trim() || null,
        },
      }),
    ),
  );
  const f = pay.error?.fields() ?? {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    const a = readAmount(v.amount, doc.currency);
    setAmountError(a.ok ? (a.minor <= 0 ? 'Enter an amount above zero' : undefined) : a.message);
    if (!a.ok || a.minor <= 0) return;
    if (await pay.run(a.minor)) onDone();
  }

  return (
    <Dialog open={open} title={`Record a payment for ${doc.number ?? 'this invoice'}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>Outstanding: {money(doc.amountDue, doc.currency)}. A payment above it becomes credit for the client.</p>
        <ErrorNotice error={pay.error} title="The payment was not recorded" />
        <TextField
          label={`Amount (${doc.currency})`}
          inputMode="decimal"
          value={v.amount}
          onChange={(e) => setV({ ...v, amount: e.target.value })}
          error={amountError ?? f.amount}
          autoFocus
        />
        <SelectField
          label="Method"
          value={v.method}
          onChange={(e) => setV({ ...v, method: e.target.value as Method })}
          options={METHODS.map(([value, label]) => ({ value, label }))}
        />
        <TextField
          label="Received on"
          type="date"
          value={v.receivedOn}
          onChange={(e) => setV({ ...v, receivedOn: e.target.value })}
          error={f.receivedOn}
        />
        <TextField
          label="Reference"
          value={v.reference}
          onChange={(e) => setV({ ...v, reference: e.target.value })}
          error={f.reference}
          hint="e.g. the bank statement line"
        />
        <div className="actions">
          <Button type="submit" variant="primary" busy={pay.busy}>
            Record payment
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </div>
      </form>
    </Dialog>
  );
}

export function VoidDialog({
  open,
  doc,
  onClose,
  onDone,
}: {
  open: boolean;
  doc: DocumentDto;
  onClose: () => void;
  onDone: (creditNoteId: string) => void;
}) {
  const [reason, setReason] = useState('');
  const voidIt = useAction(() =>
    ok(
      staffApi.POST('/api/v1/invoices/{id}/void', {
        params: { path: { id: doc.id } },
        body: { reason: reason.trim() },
      }),
    ),
  );
  return (
    <Dialog open={open} title={`Void ${doc.number ?? 'invoice'}`} onClose={onClose}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await voidIt.run();
          if (r) onDone(r.creditNote.id);
        }}
      >
        <p>
          An issued invoice is never changed or deleted. Voiding it issues a credit note for the full amount, which the
          client sees in the portal.
        </p>
        <ErrorNotice error={voidIt.error} title="The invoice was not voided" />
        <TextArea
          label="Reason (printed on the credit note)"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={2}
        />
        <div className="actions">
          <Button type="submit" variant="danger" busy={voidIt.busy}>
            Void and issue credit note
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </div>
      </form>
    </Dialog>
  );
}
