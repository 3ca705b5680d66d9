import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { idempotencyKey, ok, staffApi } from '../../lib/api.ts';
import { amountInput, money, rate } from '../../lib/format.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Link, navigate, useQuery } from '../../lib/router.tsx';
import { KIND_LABEL, KIND_PATH, kindPath, type Body, type DocumentDto, type DocumentKind } from '../../lib/types.ts';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback.tsx';
import { Button, Checkbox, SelectField, TextArea, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { useStaff } from '../context.ts';
import { useTaxRates } from '../catalog/Catalog.tsx';
import { ClientPicker, type PickedClient } from './ClientPicker.tsx';
import { build, emptyLine, stateFrom, type EditorState, type LineState } from './editor-model.ts';

export function newEditorState(currency: string, clientId: string): EditorState {
  return {
    clientId,
    currency,
    exchangeRate: '',
    issueDate: '',
    dueDate: '',
    discountType: 'none',
    discountValue: '',
    notes: '',
    terms: '',
    relatedDocumentId: '',
    lines: [emptyLine()],
  };
}

export function NewDocumentPage({ kind }: { kind: DocumentKind }) {
  const s = useStaff();
  const query = useQuery();
  const clientId = query.get('clientId') ?? '';
  const creditedId = kind === 'credit_note' ? query.get('creditFor') : null;
  useTitle(`New ${KIND_LABEL[kind].toLowerCase()}`);
  if (creditedId) return <NewCreditNoteFor invoiceId={creditedId} />;
  return <Editor kind={kind} initial={newEditorState(s.org?.defaultCurrency ?? 'EUR', clientId)} doc={null} />;
}

/**
 * A credit note that starts from the invoice it credits: its lines and quantities, to keep,
 * reduce or remove (the server refuses to issue more than is left to credit).
 */
function NewCreditNoteFor({ invoiceId }: { invoiceId: string }) {
  const inv = useApiQuery(['document', 'invoice', invoiceId], (signal) =>
    ok(staffApi.GET('/api/v1/invoices/{id}', { params: { path: { id: invoiceId } }, signal })),
  );
  if (inv.error) return <ErrorNotice error={inv.error} title="The invoice to credit could not be loaded" />;
  if (!inv.data) return <Loading />;
  const initial = { ...stateFrom(inv.data), issueDate: '', dueDate: '', notes: '', relatedDocumentId: invoiceId };
  const intro = (
    <p className="muted">
      Starts from the lines of invoice {inv.data.number}: remove the lines you do not credit and lower the quantities of
      those you credit in part.
    </p>
  );
  return <Editor kind="credit_note" initial={initial} doc={null} intro={intro} />;
}

export function EditDocumentPage({ kind, id }: { kind: DocumentKind; id: string }) {
  const doc = useApiQuery(['document', kind, id], (signal) =>
    ok(staffApi.GET(kindPath(kind, '/{id}'), { params: { path: { id } }, signal })),
  );
  useTitle(`Edit ${KIND_LABEL[kind].toLowerCase()}`);
  if (doc.error) return <ErrorNotice error={doc.error} title="This document could not be loaded" />;
  if (!doc.data) return <Loading />;
  if (doc.data.status !== 'draft') {
    return (
      <EmptyState
        title="Issued documents cannot be edited"
        action={<Link to={`/app/${KIND_PATH[kind]}/${id}`}>Back to the document</Link>}
      >
        Correct an issued invoice with a credit note (void it, or credit part of it).
      </EmptyState>
    );
  }
  return <Editor kind={kind} initial={stateFrom(doc.data)} doc={doc.data} />;
}

export interface ScheduleFields {
  /** Editing this schedule (PATCH); absent when creating one. */
  id?: string;
  frequency: 'weekly' | 'monthly' | 'quarterly' | 'yearly';
  intervalCount: string;
  /** The first invoice date; when editing, the next one. */
  startOn: string;
  endOn: string;
  autoIssue: boolean;
  /** Send each issued invoice through the client's delivery mode. */
  autoSend: boolean;
  /** Charge each issued invoice to the client's saved, authorised payment method first (needs autoSend). */
  autoCharge: boolean;
  /** An owner or admin confirms a first invoice more than one period in the past. */
  confirmBackdatedStart: boolean;
}

export function Editor({
  kind,
  initial,
  doc,
  schedule: schedule0,
  intro,
}: {
  kind: DocumentKind;
  initial: EditorState;
  doc: DocumentDto | null;
  schedule?: ScheduleFields;
  /** Shown under the heading: where the editor's content comes from. */
  intro?: ReactNode;
}) {
  const path = KIND_PATH[kind];
  const [schedule, setSchedule] = useState(schedule0);
  const s = useStaff();
  const [st, setSt] = useState(initial);
  const [touched, setTouched] = useState(false);
  // Only whether the organization has any client: the picker searches them as you type.
  const anyClient = useApiQuery(['clients', { limit: 1 }], (signal) =>
    ok(staffApi.GET('/api/v1/clients', { params: { query: { limit: 1 } }, signal })),
  );
  const items = useApiQuery(['items', { limit: 200 }], (signal) =>
    ok(staffApi.GET('/api/v1/items', { params: { query: { limit: 200 } }, signal })),
  );
  const rates = useTaxRates();
  const invoices = useApiQuery(['documents', 'invoice', { clientId: st.clientId }, kind], (signal) =>
    kind === 'credit_note' && st.clientId
      ? ok(staffApi.GET('/api/v1/invoices', { params: { query: { clientId: st.clientId, limit: 200 } }, signal }))
      : Promise.resolve({ items: [], nextCursor: null, count: 0, countCapped: false }),
  );
  const built = useMemo(() => build(st, rates.data?.items ?? []), [st, rates.data]);
  const save = useAction(async (body: Record<string, unknown>): Promise<{ id: string }> => {
    if (schedule?.id) {
      // The client and currency stay with the schedule; the rest is sent as edited.
      const { issueDate: _i, dueDate: _d, relatedDocumentId: _r, clientId: _c, currency: _cur, ...template } = body;
      const patch = {
        ...template,
        frequency: schedule.frequency,
        intervalCount: Number(schedule.intervalCount) || 1,
        nextRunOn: schedule.startOn,
        endOn: schedule.endOn || null,
        // Sent when changed, or to confirm it (each run checks that whoever confirmed last may still send).
        ...(schedule.autoSend !== schedule0?.autoSend || (schedule.autoSend && s.can('invoice:send'))
          ? { autoSend: schedule.autoSend }
          : {}),
        // Likewise: whoever saves with charging on vouches for it (payment:record, checked each run).
        ...(schedule.autoCharge !== schedule0?.autoCharge || (schedule.autoCharge && s.can('payment:record'))
          ? { autoCharge: schedule.autoSend && schedule.autoCharge }
          : {}),
      } as Body<'/api/v1/recurring-schedules/{id}', 'patch'>;
      return ok(
        staffApi.PATCH('/api/v1/recurring-schedules/{id}', { params: { path: { id: schedule.id } }, body: patch }),
      );
    }
    if (schedule) {
      const { issueDate: _i, dueDate: _d, relatedDocumentId: _r, ...template } = body;
      // build() assembles the body from the editor's fields without a type of its own (yet): the
      // server's schema checks it; the answer is typed.
      const scheduleBody = {
        ...template,
        frequency: schedule.frequency,
        intervalCount: Number(schedule.intervalCount) || 1,
        startOn: schedule.startOn,
        endOn: schedule.endOn || null,
        autoIssue: schedule.autoIssue,
        autoSend: schedule.autoIssue && schedule.autoSend,
        autoCharge: schedule.autoIssue && schedule.autoSend && schedule.autoCharge,
        ...(schedule.confirmBackdatedStart ? { confirmBackdatedStart: true } : {}),
      } as Body<'/api/v1/recurring-schedules'>;
      return ok(staffApi.POST('/api/v1/recurring-schedules', { body: scheduleBody }));
    }
    const docBody = body as Body<'/api/v1/invoices'>;
    // An emptied rate field on a saved draft: back to the rate table (null), not "keep the typed one".
    const patchBody = { exchangeRate: null, ...docBody } as Body<'/api/v1/invoices/{id}', 'patch'>;
    return doc
      ? ok(staffApi.PATCH(kindPath(kind, '/{id}'), { params: { path: { id: doc.id } }, body: patchBody }))
      : ok(staffApi.POST(kindPath(kind, ''), { headers: idempotencyKey(), body: docBody }));
  });
  const serverErrors = save.error?.fields() ?? {};
  const err = (k: string) => (touched ? built.errors[k] : undefined) ?? serverErrors[k];
  const editing = Boolean(schedule?.id);

  const setLine = (i: number, patch: Partial<LineState>) =>
    setSt((x) => ({ ...x, lines: x.lines.map((l, j) => (j === i ? { ...l, ...patch } : l)) }));
  const pickItem = (i: number, itemId: string) => {
    const it = items.data?.items.find((x) => x.id === itemId);
    if (!it) return setLine(i, { itemId: null });
    setLine(i, {
      itemId: it.id,
      description: it.description || it.name,
      unit: it.unit,
      price: amountInput(it.unitPrice, it.currency),
      taxRateId: it.taxRateId ?? '',
    });
  };
  const onClient = (c: PickedClient) =>
    setSt((x) => ({ ...x, clientId: c.id, currency: doc ? x.currency : c.currency, relatedDocumentId: '' }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (!built.body) return;
    const saved = await save.run(built.body);
    if (saved)
      navigate(
        schedule?.id
          ? `/app/recurring/${schedule.id}?saved=1`
          : schedule
            ? `/app/recurring?created=${saved.id}`
            : `/app/${path}/${saved.id}${doc ? '' : '?created=1'}`,
      );
  }

  const currency = st.currency.trim().toUpperCase();
  const showMoney = (minor: number) => money(minor, currency);
  const rateOptions = [
    { value: '', label: 'No tax' },
    ...(rates.data?.items ?? []).map((r) => ({ value: r.id, label: `${r.name} (${rate(r.rateBp)})` })),
  ];
  const editorErrors = touched ? Object.keys(built.errors).length : 0;
  const hasItems = (items.data?.items.length ?? 0) > 0;

  if (anyClient.data && anyClient.data.items.length === 0) {
    return (
      <EmptyState
        title="Add a client first"
        action={
          <Link className="btn btn-primary" to="/app/clients/new">
            New client
          </Link>
        }
      >
        Every {KIND_LABEL[kind].toLowerCase()} is addressed to a client.
      </EmptyState>
    );
  }

  return (
    <>
      <PageHead
        title={
          editing
            ? 'Edit recurring schedule'
            : schedule
              ? 'New recurring schedule'
              : doc
                ? `Edit draft ${KIND_LABEL[kind].toLowerCase()}`
                : `New ${KIND_LABEL[kind].toLowerCase()}`
        }
      />
      {intro}
      <form onSubmit={submit} noValidate>
        <ErrorNotice error={save.error} title={`The ${KIND_LABEL[kind].toLowerCase()} was not saved`} />
        {editorErrors > 0 ? (
          <div className="notice notice-error" role="alert">
            <p className="notice-title">
              Fix the {editorErrors === 1 ? 'field' : `${editorErrors} fields`} marked below, then save again.
            </p>
          </div>
        ) : null}
        <div className="panel">
          <div className="form-row">
            <ClientPicker
              value={st.clientId}
              knownName={doc && doc.clientId === st.clientId ? doc.clientName : undefined}
              onPick={onClient}
              error={err('clientId')}
              disabled={editing}
              hint={editing ? 'A schedule keeps its client; end it and create one for another client.' : undefined}
            />
            <TextField
              label="Currency"
              value={st.currency}
              maxLength={3}
              onChange={(e) => setSt({ ...st, currency: e.target.value })}
              error={err('currency')}
              disabled={editing}
            />
            {currency !== (s.org?.defaultCurrency ?? currency) ? (
              <TextField
                label={`Exchange rate (${s.org?.defaultCurrency} per ${currency})`}
                inputMode="decimal"
                value={st.exchangeRate}
                onChange={(e) => setSt({ ...st, exchangeRate: e.target.value })}
                error={err('exchangeRate')}
                hint={
                  <RateHint
                    currency={currency}
                    date={st.issueDate}
                    typed={st.exchangeRate.trim() !== ''}
                    schedule={!!schedule}
                  />
                }
              />
            ) : null}
            {schedule ? null : (
              <>
                <TextField
                  label="Issue date"
                  type="date"
                  value={st.issueDate}
                  onChange={(e) => setSt({ ...st, issueDate: e.target.value })}
                  error={err('issueDate')}
                  hint="Empty: the day you issue it."
                />
                <TextField
                  label={kind === 'quote' ? 'Valid until' : 'Due date'}
                  type="date"
                  value={st.dueDate}
                  onChange={(e) => setSt({ ...st, dueDate: e.target.value })}
                  error={err('dueDate')}
                  hint="Empty: from your payment terms."
                />
              </>
            )}
          </div>
          {schedule ? (
            <div className="form-row">
              <SelectField
                label="Repeats"
                value={schedule.frequency}
                onChange={(e) => setSchedule({ ...schedule, frequency: e.target.value as ScheduleFields['frequency'] })}
                error={err('frequency')}
                options={[
                  { value: 'weekly', label: 'Weekly' },
                  { value: 'monthly', label: 'Monthly' },
                  { value: 'quarterly', label: 'Quarterly' },
                  { value: 'yearly', label: 'Yearly' },
                ]}
              />
              <TextField
                label="Every (periods)"
                inputMode="numeric"
                value={schedule.intervalCount}
                onChange={(e) => setSchedule({ ...schedule, intervalCount: e.target.value })}
                error={err('intervalCount')}
              />
              <TextField
                label={editing ? 'Next invoice on' : 'First invoice on'}
                type="date"
                value={schedule.startOn}
                onChange={(e) => setSchedule({ ...schedule, startOn: e.target.value })}
                error={err(editing ? 'nextRunOn' : 'startOn')}
                hint={editing ? 'Today or later; the following invoices keep its day of the month.' : undefined}
                required
              />
              <TextField
                label="Ends on"
                type="date"
                value={schedule.endOn}
                onChange={(e) => setSchedule({ ...schedule, endOn: e.target.value })}
                error={err('endOn')}
                hint="Empty: until you end it."
              />
              {editing ? null : (
                <Checkbox
                  label="Issue automatically (otherwise drafts are created for review)"
                  checked={schedule.autoIssue}
                  disabled={!s.can('invoice:issue')}
                  hint={
                    s.can('invoice:issue')
                      ? 'Each run checks that you may still issue invoices; if not, it creates drafts.'
                      : (serverErrors.autoIssue ??
                        'Needs the permission to issue invoices: runs create drafts for someone who may.')
                  }
                  onChange={(e) => setSchedule({ ...schedule, autoIssue: e.target.checked })}
                />
              )}
              <Checkbox
                label="Send each invoice as soon as it is issued"
                checked={schedule.autoIssue && schedule.autoSend}
                disabled={!schedule.autoIssue || !s.can('invoice:send')}
                hint={
                  err('autoSend') ??
                  (!schedule.autoIssue
                    ? 'Only invoices issued automatically can be sent automatically.'
                    : "In the client's delivery mode, with signed evidence; a sending that fails is tried again and shown on the dashboard.")
                }
                onChange={(e) => setSchedule({ ...schedule, autoSend: e.target.checked })}
              />
              <Checkbox
                label="Charge the client's saved payment method first"
                checked={schedule.autoIssue && schedule.autoSend && schedule.autoCharge}
                disabled={!schedule.autoIssue || !schedule.autoSend || !s.can('payment:record')}
                hint={
                  err('autoCharge') ??
                  (!s.can('payment:record')
                    ? 'Needs the permission to record payments.'
                    : !schedule.autoSend
                      ? 'Only invoices sent automatically can be charged (a failed charge falls back to sending).'
                      : 'Only when the client saved a card or SEPA mandate and authorised charges (see the client’s page). If the bank asks for authentication or declines, the invoice is sent to pay and the dashboard shows it.')
                }
                onChange={(e) => setSchedule({ ...schedule, autoCharge: e.target.checked })}
              />
              {!editing && serverErrors.startOn && s.can('member:manage') ? (
                <Checkbox
                  label="I confirm the first invoice date in the past (earlier periods are invoiced too, a few per run)"
                  checked={schedule.confirmBackdatedStart}
                  onChange={(e) => setSchedule({ ...schedule, confirmBackdatedStart: e.target.checked })}
                />
              ) : null}
            </div>
          ) : null}
          {kind === 'credit_note' ? (
            <SelectField
              label="Credits invoice"
              value={st.relatedDocumentId}
              onChange={(e) => setSt({ ...st, relatedDocumentId: e.target.value })}
              error={err('relatedDocumentId')}
              options={[
                { value: '', label: 'None' },
                ...(invoices.data?.items ?? [])
                  .filter((d) => d.number)
                  .map((d) => ({ value: d.id, label: `${d.number} · ${money(d.total, d.currency)}` })),
              ]}
            />
          ) : null}
        </div>

        {/* One row per line on a wide screen (styles.css, "line table"); stacked fields below it. */}
        <fieldset className={`panel lines${hasItems ? ' lines-with-items' : ''}`}>
          <legend>Lines</legend>
          {err('lines') ? <p className="field-error">{err('lines')}</p> : null}
          <div className="line-head" aria-hidden="true">
            {hasItems ? <span>Item</span> : null}
            <span>Description</span>
            <span>Quantity</span>
            <span>Unit</span>
            <span>Unit price ({currency})</span>
            <span>Discount</span>
            <span>Tax</span>
            <span className="num">Amount</span>
            <span />
          </div>
          {st.lines.map((l, i) => (
            <fieldset key={l.key} className="line">
              <legend>Line {i + 1}</legend>
              <div className="form-row">
                {hasItems ? (
                  <SelectField
                    label="Item"
                    value={l.itemId ?? ''}
                    onChange={(e) => pickItem(i, e.target.value)}
                    options={[
                      { value: '', label: 'Free text' },
                      ...(items.data?.items ?? []).map((it) => ({ value: it.id, label: it.name })),
                    ]}
                  />
                ) : null}
                <TextField
                  className="col-desc"
                  label="Description"
                  value={l.description}
                  onChange={(e) => setLine(i, { description: e.target.value })}
                  error={err(`lines/${i}/description`)}
                />
              </div>
              <div className="form-row">
                <TextField
                  label="Quantity"
                  inputMode="decimal"
                  value={l.quantity}
                  onChange={(e) => setLine(i, { quantity: e.target.value })}
                  error={err(`lines/${i}/quantity`)}
                />
                <TextField
                  label="Unit"
                  value={l.unit}
                  onChange={(e) => setLine(i, { unit: e.target.value })}
                  error={err(`lines/${i}/unit`)}
                />
                <TextField
                  label={`Unit price (${currency})`}
                  inputMode="decimal"
                  value={l.price}
                  onChange={(e) => setLine(i, { price: e.target.value })}
                  error={err(`lines/${i}/unitPrice`)}
                />
                {l.fixedDiscount ? (
                  <p className="field">
                    Discount: {l.fixedDiscount.type === 'amount' ? showMoney(l.fixedDiscount.amount) : ''}
                  </p>
                ) : (
                  <TextField
                    label="Discount (%)"
                    inputMode="decimal"
                    value={l.discountPercent}
                    onChange={(e) => setLine(i, { discountPercent: e.target.value })}
                    error={err(`lines/${i}/discount`)}
                  />
                )}
                <SelectField
                  label="Tax"
                  value={l.taxRateId}
                  onChange={(e) => setLine(i, { taxRateId: e.target.value })}
                  error={err(`lines/${i}/taxRateId`)}
                  options={rateOptions}
                />
              </div>
              <p className="line-foot">
                <span className="line-amount">
                  <span className="line-amount-label">Line amount: </span>
                  {built.totals?.lines[i] ? <strong>{showMoney(built.totals.lines[i].amount)}</strong> : '—'}
                </span>
                {st.lines.length > 1 ? (
                  <Button
                    variant="link"
                    className="line-remove"
                    onClick={() => setSt((x) => ({ ...x, lines: x.lines.filter((_, j) => j !== i) }))}
                  >
                    Remove<span className="line-remove-which"> line {i + 1}</span>
                  </Button>
                ) : null}
              </p>
            </fieldset>
          ))}
          <Button onClick={() => setSt((x) => ({ ...x, lines: [...x.lines, emptyLine()] }))}>Add line</Button>
        </fieldset>

        <div className="grid grid-2">
          <div className="panel">
            <SelectField
              label="Document discount"
              value={st.discountType}
              onChange={(e) => setSt({ ...st, discountType: e.target.value as EditorState['discountType'] })}
              options={[
                { value: 'none', label: 'None' },
                { value: 'percent', label: 'Percentage' },
                { value: 'amount', label: 'Fixed amount' },
              ]}
            />
            {st.discountType !== 'none' ? (
              <TextField
                label={st.discountType === 'percent' ? 'Discount (%)' : `Discount (${currency})`}
                inputMode="decimal"
                value={st.discountValue}
                onChange={(e) => setSt({ ...st, discountValue: e.target.value })}
                error={err('discount')}
              />
            ) : null}
            <TextArea
              label="Notes (printed on the document)"
              value={st.notes}
              onChange={(e) => setSt({ ...st, notes: e.target.value })}
              error={err('notes')}
              rows={2}
            />
            <TextArea
              label="Terms"
              value={st.terms}
              onChange={(e) => setSt({ ...st, terms: e.target.value })}
              error={err('terms')}
              rows={2}
            />
          </div>
          <section className="panel totals" aria-labelledby="totals-h" aria-live="polite">
            <h2 id="totals-h">Totals</h2>
            {built.totals ? (
              <dl>
                <dt>Subtotal</dt>
                <dd>{showMoney(built.totals.subtotal)}</dd>
                {built.totals.discountTotal ? (
                  <>
                    <dt>Discount</dt>
                    <dd>−{showMoney(built.totals.discountTotal)}</dd>
                  </>
                ) : null}
                {built.totals.taxes
                  .filter((t) => t.rateBp > 0)
                  .map((t) => (
                    <FragmentTax
                      key={`${t.rateBp}-${t.inclusive}`}
                      label={`Tax ${rate(t.rateBp)}${t.inclusive ? ' (included)' : ''} on ${showMoney(t.taxable)}`}
                      value={showMoney(t.tax)}
                    />
                  ))}
                <dt className="grand">Total</dt>
                <dd className="grand">{showMoney(built.totals.total)}</dd>
              </dl>
            ) : (
              <p className="muted">Totals appear when every line has a quantity and a price.</p>
            )}
          </section>
        </div>
        <div className="actions">
          <Button type="submit" variant="primary" busy={save.busy}>
            {editing ? 'Save schedule' : schedule ? 'Create schedule' : doc ? 'Save draft' : 'Save as draft'}
          </Button>
          <Link
            className="btn btn-secondary"
            to={
              editing
                ? `/app/recurring/${schedule!.id}`
                : schedule
                  ? '/app/recurring'
                  : doc
                    ? `/app/${path}/${doc.id}`
                    : `/app/${path}`
            }
          >
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}

function FragmentTax({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

/**
 * What an empty exchange-rate field means, from the server's rate table (Settings → Exchange rates):
 * the latest rate on or before the issue date (today while undated), taken again at issue.
 */
function RateHint({
  currency,
  date,
  typed,
  schedule,
}: {
  currency: string;
  date: string;
  typed: boolean;
  schedule: boolean;
}) {
  const s = useStaff();
  const valid = /^[A-Z]{3}$/.test(currency);
  const query = { currency, ...(date && !schedule ? { date } : {}) };
  const eff = useApiQuery(['exchange-rate-effective', query], (signal) =>
    valid ? ok(staffApi.GET('/api/v1/exchange-rates/effective', { params: { query }, signal })) : Promise.resolve(null),
  );
  const base = s.org?.defaultCurrency ?? '';
  if (typed) return <>The typed rate is kept as it is when the document is issued. Empty it to use the rate table.</>;
  if (!eff.data)
    return <>Leave empty to use the latest rate on or before the issue date (Settings → Exchange rates).</>;
  const r = eff.data.rate;
  const when = schedule ? 'today' : date ? `the issue date ${eff.data.date}` : `today (${eff.data.date})`;
  if (!r)
    return (
      <>
        No {currency} rate on or before {when}: type one, or add one under{' '}
        <Link to="/app/settings/exchange-rates">Settings → Exchange rates</Link>.
      </>
    );
  const source = r.source === 'ecb' ? 'ECB' : r.source === 'manual' ? 'manual' : 'provider';
  return (
    <>
      Leave empty to use {r.rate} {base} per {currency} ({source} rate of {r.date}, the latest on or before {when});
      {schedule ? ' each run takes the rate for its own date.' : ' it is taken again for the issue date at issue.'}
    </>
  );
}
