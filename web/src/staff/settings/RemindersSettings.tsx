// Settings → Reminders (modules/dunning): the organization's reminder plans (steps in days
// relative to the due date, each with optional late-payment charges) and the reference rates that
// statutory interest is computed from. Clients follow the default plan unless their page says otherwise.
import { useState, type FormEvent } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import type { Body } from '../../lib/types.ts';
import { ErrorNotice, Loading, Status } from '../../ui/feedback.tsx';
import { Button, Checkbox, SelectField, TextArea, TextField } from '../../ui/forms.tsx';
import { SettingsFrame } from './Settings.tsx';

type PlanBody = Body<'/api/v1/dunning/plans', 'post'>;
type Plan = PlanBody & { id: string };

export function RemindersSettingsPage() {
  const plans = useApiQuery(['dunning-plans'], (signal) => ok(staffApi.GET('/api/v1/dunning/plans', { signal })));
  const [status, setStatus] = useState<string | null>(null);
  return (
    <SettingsFrame title="Reminders">
      <Status message={status} />
      <ErrorNotice error={plans.error} />
      {plans.isPending ? <Loading /> : null}
      {plans.data?.items.map((p) => (
        <PlanForm
          key={`${p.id}:${JSON.stringify(p)}`}
          plan={p}
          onSaved={() => {
            setStatus(`Plan “${p.name}” saved`);
            void plans.refetch();
          }}
        />
      ))}
      {plans.data ? (
        <PlanForm
          key={`new:${plans.data.items.length}`}
          plan={null}
          onSaved={() => {
            setStatus('Plan created');
            void plans.refetch();
          }}
        />
      ) : null}
      <ReferenceRates onSaved={() => setStatus('Reference rates saved')} />
    </SettingsFrame>
  );
}

function PlanForm({ plan, onSaved }: { plan: Plan | null; onSaved: () => void }) {
  const [name, setName] = useState(plan?.name ?? '');
  const [margin, setMargin] = useState(plan?.marginPercent ?? '8.00');
  const [isDefault, setIsDefault] = useState(plan?.isDefault ?? false);
  const [steps, setSteps] = useState(() =>
    (plan?.steps ?? []).map((s) => ({
      days: String(s.offsetDays),
      interest: !!s.interest,
      compensation: !!s.compensation,
    })),
  );
  const save = useAction((body: PlanBody) =>
    plan
      ? ok(staffApi.PUT('/api/v1/dunning/plans/{id}', { params: { path: { id: plan.id } }, body }))
      : ok(staffApi.POST('/api/v1/dunning/plans', { body })),
  );
  const f = save.error?.fields() ?? {};
  const title = plan ? `Plan “${plan.name}”${plan.isDefault ? ' (default)' : ''}` : 'New plan';
  const setStep = (i: number, patch: Partial<(typeof steps)[number]>) =>
    setSteps(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body: PlanBody = {
      name,
      marginPercent: margin,
      isDefault,
      steps: steps.map((s) => ({ offsetDays: Number(s.days), interest: s.interest, compensation: s.compensation })),
    };
    if (await save.run(body)) onSaved();
  }

  return (
    <form className="panel" onSubmit={submit} noValidate aria-label={title}>
      <h2>{title}</h2>
      {!plan ? (
        <p className="muted small">A plan for clients who need a different rhythm (assign it on the client’s page).</p>
      ) : null}
      <ErrorNotice error={save.error} title="The plan was not saved" />
      <div className="form-row">
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={f.name} required />
        <TextField
          label="Interest margin (points over the reference rate)"
          value={margin}
          onChange={(e) => setMargin(e.target.value)}
          error={f.marginPercent}
          hint="8 for business clients (EU Late Payment Directive)"
          inputMode="decimal"
        />
      </div>
      <Checkbox
        label="Default plan for clients without their own"
        checked={isDefault}
        onChange={(e) => setIsDefault(e.target.checked)}
      />
      <h3>Steps</h3>
      {steps.map((s, i) => (
        <div className="form-row" key={i}>
          <TextField
            label={`Step ${i + 1}: days after the due date (negative: before)`}
            value={s.days}
            onChange={(e) => setStep(i, { days: e.target.value })}
            error={f[`steps/${i}/offsetDays`]}
            inputMode="numeric"
          />
          <Checkbox
            label="Add statutory interest"
            checked={s.interest}
            onChange={(e) => setStep(i, { interest: e.target.checked })}
          />
          <Checkbox
            label="Add EUR 40 compensation"
            checked={s.compensation}
            onChange={(e) => setStep(i, { compensation: e.target.checked })}
          />
          <Button className="btn-small" onClick={() => setSteps(steps.filter((_, j) => j !== i))}>
            Remove step {i + 1}
          </Button>
        </div>
      ))}
      <div className="actions">
        <Button onClick={() => setSteps([...steps, { days: '', interest: false, compensation: false }])}>
          Add step
        </Button>
        <Button variant="primary" type="submit" busy={save.busy}>
          {plan ? 'Save plan' : 'Create plan'}
        </Button>
      </div>
    </form>
  );
}

/** One rate per line, "2026-01-01 2.15": the rate from that date until the next line's date. */
function ReferenceRates({ onSaved }: { onSaved: () => void }) {
  const rates = useApiQuery(['dunning-rates'], (signal) =>
    ok(staffApi.GET('/api/v1/dunning/reference-rates', { signal })),
  );
  if (!rates.data) return <ErrorNotice error={rates.error} />;
  return (
    <RatesForm
      key={JSON.stringify(rates.data)}
      initial={rates.data.items.map((r) => `${r.validFrom} ${r.ratePercent}`).join('\n')}
      onSaved={onSaved}
    />
  );
}

function RatesForm({ initial, onSaved }: { initial: string; onSaved: () => void }) {
  const [text, setText] = useState(initial);
  const save = useAction((items: Array<{ validFrom: string; ratePercent: string }>) =>
    ok(staffApi.PUT('/api/v1/dunning/reference-rates', { body: { items } })),
  );
  const f = save.error?.fields() ?? {};
  const fieldError = Object.entries(f).find(([k]) => k.startsWith('items'))?.[1];
  return (
    <form
      className="panel"
      noValidate
      aria-label="Reference rates"
      onSubmit={async (e) => {
        e.preventDefault();
        const items = text
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .map((l) => {
            const [validFrom = '', ratePercent = ''] = l.split(/\s+/);
            return { validFrom, ratePercent };
          });
        if (await save.run(items)) onSaved();
      }}
    >
      <h2>Reference rates for statutory interest</h2>
      <p className="muted small">
        The ECB main refinancing rate, or your country’s base rate (e.g. the German Basiszinssatz), as published each
        half-year. Interest for a day uses the rate in force that day.
      </p>
      <ErrorNotice error={save.error} title="The rates were not saved" />
      <TextArea
        label="One rate per line: date it applies from, rate in percent"
        value={text}
        onChange={(e) => setText(e.target.value)}
        error={fieldError}
        rows={5}
        placeholder={'2026-01-01 2.15\n2026-07-01 1.90'}
      />
      <Button variant="primary" type="submit" busy={save.busy}>
        Save rates
      </Button>
    </form>
  );
}

/** On a client's page: whether it gets reminders, and by which plan. */
export function ClientReminders({ clientId, onStatus }: { clientId: string; onStatus: (s: string) => void }) {
  const at = { params: { path: { id: clientId } } };
  const setting = useApiQuery(['client-reminders', clientId], (signal) =>
    ok(staffApi.GET('/api/v1/clients/{id}/reminders', { ...at, signal })),
  );
  const plans = useApiQuery(['dunning-plans'], (signal) => ok(staffApi.GET('/api/v1/dunning/plans', { signal })));
  const save = useAction(async (value: string) => {
    const body = value === 'off' ? { optedOut: true, planId: null } : { optedOut: false, planId: value || null };
    await ok(staffApi.PUT('/api/v1/clients/{id}/reminders', { ...at, body }));
    await setting.refetch();
    onStatus(value === 'off' ? 'Reminders turned off for this client' : 'Reminder plan saved');
    return true;
  });
  const s = setting.data;
  const value = !s ? '' : s.optedOut ? 'off' : (s.planId ?? '');
  return (
    <section className="panel" aria-labelledby="client-reminders-h">
      <h2 id="client-reminders-h">Payment reminders</h2>
      <ErrorNotice error={setting.error ?? plans.error ?? save.error} />
      {s && plans.data ? (
        <SelectField
          label="Reminders for this client’s invoices"
          value={value}
          disabled={save.busy}
          onChange={(e) => void save.run(e.target.value)}
          options={[
            { value: '', label: 'The default plan' },
            ...plans.data.items.filter((p) => !p.isDefault).map((p) => ({ value: p.id, label: `Plan “${p.name}”` })),
            { value: 'off', label: 'No reminders' },
          ]}
        />
      ) : null}
    </section>
  );
}
