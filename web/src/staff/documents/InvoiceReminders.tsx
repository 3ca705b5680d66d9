// An issued invoice's payment reminders (modules/dunning): what went out and when, the next step
// of the client's plan, and the staff's controls — send one now (with late-payment charges if
// wanted), pause, stop, resume. Each reminder links to its delivery evidence in the history below.
import { useState } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { date, money } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import type { DocumentDto } from '../../lib/types.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { Badge, ErrorNotice, Status } from '../../ui/feedback.tsx';
import { Button, Checkbox } from '../../ui/forms.tsx';

const STATUS_TONE: Record<string, 'good' | 'warn' | 'bad' | undefined> = {
  sent: 'good',
  saved_to_outbox: 'warn',
  failed: 'bad',
  interrupted: 'bad',
  skipped: undefined,
};

/** "3 days before due", "7 days overdue", "sent by hand". */
function stepLabel(offsetDays: number | null): string {
  if (offsetDays === null) return 'sent by hand';
  if (offsetDays < 0) return `${-offsetDays} days before due`;
  return offsetDays === 0 ? 'on the due date' : `${offsetDays} days overdue`;
}

export function InvoiceReminders({ doc, onSent }: { doc: DocumentDto; onSent: () => void }) {
  const at = { params: { path: { id: doc.id } } };
  const r = useApiQuery(['reminders', doc.id, doc.status, doc.amountPaid], (signal) =>
    ok(staffApi.GET('/api/v1/invoices/{id}/reminders', { ...at, signal })),
  );
  const [asking, setAsking] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const setState = useAction(async (state: 'active' | 'paused' | 'stopped') => {
    await ok(staffApi.PUT('/api/v1/invoices/{id}/reminders/state', { ...at, body: { state } }));
    await r.refetch();
    setStatus(state === 'active' ? 'Reminders resumed' : `Reminders ${state}`);
    return true;
  });
  const d = r.data;
  const open = doc.amountDue > 0 && doc.status !== 'void';
  return (
    <section className="panel" aria-labelledby="reminders-h">
      <h2 id="reminders-h">Payment reminders</h2>
      <ErrorNotice error={r.error ?? setState.error} />
      <Status message={status} />
      {d ? (
        <>
          <p className="muted small">
            {d.plan === null
              ? 'This client is opted out of reminders.'
              : d.state !== 'active'
                ? `Reminders are ${d.state}.`
                : d.next
                  ? `Next: ${stepLabel(d.next.offsetDays)}, on ${date(d.next.on)} (plan “${d.plan.name}”).`
                  : open
                    ? `No further step in plan “${d.plan.name}”.`
                    : 'Nothing is due on this invoice.'}
          </p>
          {d.reminders.length > 0 ? (
            <ul>
              {d.reminders.map((x) => (
                <li key={x.id}>
                  {date(x.scheduledOn)} · {stepLabel(x.offsetDays)} ·{' '}
                  <Badge tone={STATUS_TONE[x.status]}>{x.status.replaceAll('_', ' ')}</Badge>
                  {x.interest ? ` · interest ${money(x.interest, doc.currency)}` : ''}
                  {x.compensation ? ` · compensation ${money(x.compensation, doc.currency)}` : ''}
                  {x.hasDocument ? (
                    <>
                      {' · '}
                      <a href={`/api/v1/invoices/${doc.id}/reminders/${x.id}/pdf`} download>
                        {x.number} (PDF)
                      </a>
                    </>
                  ) : null}
                  {x.error ? <span className="muted small"> · {x.error}</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          {open ? (
            <div className="actions">
              <Button onClick={() => setAsking(true)}>Send reminder now</Button>
              {d.state === 'active' ? (
                <>
                  <Button busy={setState.busy} onClick={() => void setState.run('paused')}>
                    Pause reminders
                  </Button>
                  <Button busy={setState.busy} onClick={() => void setState.run('stopped')}>
                    Stop reminders
                  </Button>
                </>
              ) : (
                <Button busy={setState.busy} onClick={() => void setState.run('active')}>
                  Resume reminders
                </Button>
              )}
            </div>
          ) : null}
        </>
      ) : null}
      <SendReminderDialog
        open={asking}
        doc={doc}
        onClose={() => setAsking(false)}
        onDone={(msg) => {
          setAsking(false);
          setStatus(msg);
          void r.refetch();
          onSent();
        }}
      />
    </section>
  );
}

function SendReminderDialog({
  open,
  doc,
  onClose,
  onDone,
}: {
  open: boolean;
  doc: DocumentDto;
  onClose: () => void;
  onDone: (msg: string) => void;
}) {
  const [interest, setInterest] = useState(false);
  const [compensation, setCompensation] = useState(false);
  const send = useAction(() =>
    ok(
      staffApi.POST('/api/v1/invoices/{id}/reminders', {
        params: { path: { id: doc.id } },
        body: { interest, compensation },
      }),
    ),
  );
  return (
    <Dialog open={open} title={`Send a reminder for ${doc.number ?? 'this invoice'}`} onClose={onClose}>
      <p>
        The reminder goes to the client through its delivery mode and is recorded with signed evidence, like the invoice
        itself. The invoice does not change.
      </p>
      <ErrorNotice error={send.error} title="The reminder was not sent" />
      <Checkbox
        label="Add statutory interest to date"
        hint="Reference rate plus the plan's margin, per day overdue (EU Late Payment Directive). Enter the reference rates under Settings → Reminders."
        checked={interest}
        onChange={(e) => setInterest(e.target.checked)}
      />
      <Checkbox
        label="Add the EUR 40 recovery compensation"
        hint="Once per invoice, for EUR invoices to businesses."
        checked={compensation}
        onChange={(e) => setCompensation(e.target.checked)}
      />
      <div className="actions">
        <Button
          variant="primary"
          busy={send.busy}
          onClick={async () => {
            const r = await send.run();
            if (r)
              onDone(
                r.status === 'sent'
                  ? 'Reminder sent'
                  : r.status === 'saved_to_outbox'
                    ? 'Reminder saved to the outbox, not sent: configure SMTP'
                    : `Reminder not sent: ${r.error ?? r.status}`,
              );
          }}
        >
          Send reminder
        </Button>
        <Button onClick={onClose}>Cancel</Button>
      </div>
    </Dialog>
  );
}
