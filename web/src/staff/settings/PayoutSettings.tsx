// Payout bank details under the protected-change flow: a change is requested (step-up), waits
// out a cooling-off period (and a second admin's approval when the policy says so) while every
// admin is notified and can cancel it; only then do new invoices carry the new account.
import { useState, type FormEvent } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import type { Answer } from '../../lib/types.ts';
import { Badge, ErrorNotice, Loading, Notice, Status } from '../../ui/feedback.tsx';
import { Button, Checkbox, TextField } from '../../ui/forms.tsx';
import { useStaff } from '../context.ts';
import { SettingsFrame } from './Settings.tsx';

type Change = Answer<'/api/v1/org/payout/changes'>['items'][number];

export function PayoutPage() {
  const s = useStaff();
  const current = useApiQuery(['org-payout'], (signal) => ok(staffApi.GET('/api/v1/org/payout', { signal })));
  const changes = useApiQuery(['org-payout-changes'], (signal) =>
    ok(staffApi.GET('/api/v1/org/payout/changes', { signal })),
  );
  const [status, setStatus] = useState<string | null>(null);
  const reload = () => {
    void current.refetch();
    void changes.refetch();
  };
  const cancel = useAction((id: string) =>
    ok(staffApi.POST('/api/v1/org/payout/changes/{id}/cancel', { params: { path: { id } } })),
  );
  const approve = useAction((id: string) =>
    ok(staffApi.POST('/api/v1/org/payout/changes/{id}/approve', { params: { path: { id } } })),
  );
  const p = current.data?.payout;
  const pending = current.data?.pending;

  return (
    <SettingsFrame title="Bank details">
      <Status message={status} />
      <ErrorNotice error={current.error ?? cancel.error ?? approve.error} />
      {current.isPending ? <Loading /> : null}
      {current.data ? (
        <section className="panel" aria-labelledby="payout-current-h">
          <h2 id="payout-current-h">Current bank details</h2>
          {p ? (
            <dl className="facts">
              <dt>Account holder</dt>
              <dd>{p.accountHolder}</dd>
              {p.bankName ? (
                <>
                  <dt>Bank</dt>
                  <dd>{p.bankName}</dd>
                </>
              ) : null}
              <dt>{p.iban ? 'IBAN' : 'Account / routing'}</dt>
              <dd>
                <code>{p.iban ?? `${p.accountNumber} / ${p.routingNumber}`}</code>
              </dd>
              {p.bic ? (
                <>
                  <dt>BIC</dt>
                  <dd>
                    <code>{p.bic}</code>
                  </dd>
                </>
              ) : null}
              <dt>In force since</dt>
              <dd>{dateTime(current.data.updatedAt)}</dd>
            </dl>
          ) : (
            <Notice kind="warning" title="No bank details yet">
              Invoices are printed without payment details until you add them, and an issued invoice cannot be changed.
              Issuing one without them asks for a confirmation.
            </Notice>
          )}
        </section>
      ) : null}
      {pending ? (
        <section className="notice notice-warning" aria-labelledby="pending-h">
          <p className="notice-title" id="pending-h">
            A change to the account ending {pending.ending} is pending
          </p>
          <p>
            Requested {dateTime(pending.requestedAt)}; takes effect {dateTime(pending.effectiveAt)}
            {pending.approvalRequired
              ? pending.approvedAt
                ? `, approved ${dateTime(pending.approvedAt)}`
                : ', once a second owner or admin approves it'
              : ''}
            . Every admin was notified. If you did not expect it, cancel it now.
          </p>
          <div className="actions">
            <Button
              variant="danger"
              busy={cancel.busy}
              onClick={async () => {
                if (await cancel.run(pending.id)) {
                  setStatus('Change cancelled; the current details stay in force');
                  reload();
                }
              }}
            >
              Cancel this change
            </Button>
            {pending.approvalRequired && !pending.approvedAt && pending.requestedBy !== s.me.userId ? (
              <Button
                busy={approve.busy}
                onClick={async () => {
                  if (await approve.run(pending.id)) {
                    setStatus('Change approved');
                    reload();
                  }
                }}
              >
                Approve
              </Button>
            ) : null}
          </div>
        </section>
      ) : null}
      {s.can('payout:update') && current.data && !pending ? (
        <ChangeForm
          first={!p}
          onDone={(c) => {
            setStatus(
              c.status === 'applied'
                ? 'Bank details saved; they are in force now and every owner and admin was notified'
                : `Change requested; it takes effect ${dateTime(c.effectiveAt)} unless cancelled`,
            );
            reload();
          }}
        />
      ) : null}
      {s.can('payout:update') ? <PolicyForm onSaved={() => setStatus('Protection policy saved')} /> : null}
      {changes.data && changes.data.items.length > 0 ? (
        <section className="panel" aria-labelledby="history-h">
          <h2 id="history-h">History</h2>
          <ul className="plain-list">
            {changes.data.items.map((c) => (
              <li key={c.id}>
                {dateTime(c.requestedAt)} · account ending {c.ending} ·{' '}
                <Badge tone={c.status === 'applied' ? 'good' : c.status === 'pending' ? 'warn' : 'neutral'}>
                  {c.status}
                </Badge>
                {c.appliedAt ? ` ${dateTime(c.appliedAt)}` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </SettingsFrame>
  );
}

function ChangeForm({ onDone, first }: { onDone: (c: Change) => void; first: boolean }) {
  const [v, setV] = useState({ accountHolder: '', bankName: '', iban: '', bic: '' });
  const req = useAction(() =>
    ok(
      staffApi.PUT('/api/v1/org/payout', {
        body: {
          accountHolder: v.accountHolder.trim(),
          bankName: v.bankName.trim() || null,
          iban: v.iban.trim() || null,
          bic: v.bic.trim() || null,
        },
      }),
    ),
  );
  const f = req.error?.fields() ?? {};
  async function submit(e: FormEvent) {
    e.preventDefault();
    const c = await req.run();
    if (c) {
      setV({ accountHolder: '', bankName: '', iban: '', bic: '' });
      onDone(c);
    }
  }
  return (
    <form className="panel" onSubmit={submit} noValidate>
      <h2>{first ? 'Add bank details' : 'Change bank details'}</h2>
      <p className="muted small">
        You will be asked to confirm it's you.{' '}
        {first
          ? 'The first bank details take effect at once while no invoice has been issued (every owner and admin is notified); later changes wait out the cooling-off period.'
          : 'The change waits out the cooling-off period before new invoices use it.'}
      </p>
      <ErrorNotice error={req.error} title="The change was not requested" />
      <div className="form-row">
        <TextField
          label="Account holder"
          value={v.accountHolder}
          onChange={(e) => setV({ ...v, accountHolder: e.target.value })}
          error={f.accountHolder}
        />
        <TextField
          label="Bank name"
          value={v.bankName}
          onChange={(e) => setV({ ...v, bankName: e.target.value })}
          error={f.bankName}
        />
        <TextField
          label="IBAN"
          value={v.iban}
          onChange={(e) => setV({ ...v, iban: e.target.value })}
          error={f.iban}
          autoComplete="off"
        />
        <TextField
          label="BIC"
          value={v.bic}
          onChange={(e) => setV({ ...v, bic: e.target.value })}
          error={f.bic}
          autoComplete="off"
        />
      </div>
      <Button type="submit" variant="primary" busy={req.busy}>
        Request the change
      </Button>
    </form>
  );
}

function PolicyForm({ onSaved }: { onSaved: () => void }) {
  const policy = useApiQuery(['org-payout-policy'], (signal) =>
    ok(staffApi.GET('/api/v1/org/payout/policy', { signal })),
  );
  const [hours, setHours] = useState<string | null>(null);
  const [second, setSecond] = useState<boolean | null>(null);
  const save = useAction(() =>
    ok(
      staffApi.PUT('/api/v1/org/payout/policy', {
        body: {
          coolingOffHours: Number(hours ?? policy.data?.coolingOffHours ?? 48),
          requireSecondApproval: second ?? policy.data?.requireSecondApproval ?? false,
        },
      }),
    ),
  );
  if (!policy.data) return policy.error ? <ErrorNotice error={policy.error} focus={false} /> : null;
  return (
    <form
      className="panel"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        if (await save.run()) {
          onSaved();
          void policy.refetch();
        }
      }}
    >
      <h2>Protection policy</h2>
      <p className="muted small">
        In force: {policy.data.inForce.coolingOffHours} h cooling-off
        {policy.data.inForce.requireSecondApproval ? ', second admin approval required' : ''}.
        {policy.data.strictUntil ? ` A weaker policy you set applies from ${dateTime(policy.data.strictUntil)}.` : ''}
      </p>
      <ErrorNotice error={save.error} title="The policy was not saved" />
      <TextField
        label="Cooling-off period (hours)"
        inputMode="numeric"
        value={hours ?? String(policy.data.coolingOffHours)}
        onChange={(e) => setHours(e.target.value)}
        error={save.error?.fields().coolingOffHours}
      />
      <Checkbox
        label="Require a second owner or admin to approve changes"
        checked={second ?? policy.data.requireSecondApproval}
        onChange={(e) => setSecond(e.target.checked)}
      />
      <Button type="submit" busy={save.busy}>
        Save policy
      </Button>
    </form>
  );
}
