import { useState, type FormEvent, type ReactNode } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Link } from '../../lib/router.tsx';
import type { Body } from '../../lib/types.ts';
import { ErrorNotice, Status } from '../../ui/feedback.tsx';
import { Button, TextArea, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { OrgEinvoiceFields } from '../einvoice/EinvoiceFields.tsx';
import { useStaff } from '../context.ts';
import { LogoPanel } from './LogoSettings.tsx';

const patchOrg = (body: Body<'/api/v1/org', 'patch'>) => ok(staffApi.PATCH('/api/v1/org', { body }));

const TABS: Array<{ to: string; label: string; permission?: string }> = [
  { to: '/app/settings', label: 'Organization' },
  { to: '/app/settings/numbering', label: 'Numbering' },
  { to: '/app/settings/payout', label: 'Bank details', permission: 'payout:read' },
  { to: '/app/settings/reminders', label: 'Reminders', permission: 'invoice:read' },
  { to: '/app/settings/exchange-rates', label: 'Exchange rates', permission: 'invoice:read' },
  { to: '/app/settings/templates', label: 'Email templates', permission: 'invoice:read' },
  { to: '/app/settings/members', label: 'Members', permission: 'member:read' },
  { to: '/app/settings/security', label: 'Security' },
  { to: '/app/settings/email', label: 'Email' },
  { to: '/app/settings/backups', label: 'Backups' },
  { to: '/app/settings/import', label: 'Import', permission: 'client:write' },
  { to: '/app/settings/export', label: 'Data export', permission: 'data:export' },
  { to: '/app/settings/audit', label: 'Audit log', permission: 'audit:read' },
];

export function SettingsFrame({ title, children }: { title: string; children: ReactNode }) {
  const s = useStaff();
  useTitle(title);
  return (
    <>
      <PageHead title="Settings" />
      <nav className="tabs" aria-label="Settings sections">
        {TABS.filter((t) => !t.permission || s.can(t.permission)).map((t) => (
          <Link key={t.to} to={t.to}>
            {t.label}
          </Link>
        ))}
      </nav>
      {children}
    </>
  );
}

export function OrgSettingsPage() {
  const s = useStaff();
  const org = s.org;
  const [v, setV] = useState(() => ({
    name: org?.name ?? '',
    defaultCurrency: org?.defaultCurrency ?? 'EUR',
    locale: org?.locale ?? 'en-GB',
    timeZone: org?.timeZone ?? 'UTC',
    paymentTermsDays: String(org?.paymentTermsDays ?? 30),
    address: (org?.profile.addressLines ?? []).join('\n'),
    country: org?.profile.country ?? '',
    email: org?.profile.email ?? '',
    phone: org?.profile.phone ?? '',
    website: org?.profile.website ?? '',
    vat: org?.profile.taxIds.find((t) => t.type === 'VAT')?.value ?? '',
  }));
  const [status, setStatus] = useState<string | null>(null);
  const save = useAction(() =>
    patchOrg({
      name: v.name.trim(),
      defaultCurrency: v.defaultCurrency.trim().toUpperCase(),
      locale: v.locale.trim(),
      timeZone: v.timeZone.trim(),
      paymentTermsDays: Number(v.paymentTermsDays),
      profile: {
        ...org?.profile, // the e-invoice fields (saved in their own panel below) stay as they are
        addressLines: v.address
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
        country: v.country.trim().toUpperCase() || null,
        taxIds: [
          ...(org?.profile.taxIds.filter((t) => t.type !== 'VAT') ?? []),
          ...(v.vat.trim() ? [{ type: 'VAT', value: v.vat.trim() }] : []),
        ],
        email: v.email.trim() || null,
        phone: v.phone.trim() || null,
        website: v.website.trim() || null,
      },
    }),
  );
  const f = save.error?.fields() ?? {};
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await save.run()) {
      setStatus('Organization saved');
      s.refresh();
    }
  }

  return (
    <SettingsFrame title="Organization settings">
      <form className="panel" onSubmit={submit} noValidate>
        <h2>Organization</h2>
        <p className="muted small">
          Printed on every document you issue. Changes apply to documents issued from now on; issued documents keep what
          they said.
        </p>
        <ErrorNotice error={save.error} title="The settings were not saved" />
        <Status message={status} />
        <div className="form-row">
          <TextField label="Legal name" value={v.name} onChange={set('name')} error={f.name} required />
          <TextField label="VAT number" value={v.vat} onChange={set('vat')} error={f['profile/taxIds/0/value']} />
          <TextField
            label="Default currency"
            value={v.defaultCurrency}
            maxLength={3}
            onChange={set('defaultCurrency')}
            error={f.defaultCurrency}
          />
          <TextField
            label="Locale"
            value={v.locale}
            onChange={set('locale')}
            error={f.locale}
            hint="Language and number format of documents, e.g. de-DE"
          />
          <TextField
            label="Time zone"
            value={v.timeZone}
            onChange={set('timeZone')}
            error={f.timeZone}
            hint="e.g. Europe/Berlin"
          />
          <TextField
            label="Payment terms (days)"
            inputMode="numeric"
            value={v.paymentTermsDays}
            onChange={set('paymentTermsDays')}
            error={f.paymentTermsDays}
          />
        </div>
        <TextArea
          label="Address"
          value={v.address}
          onChange={set('address')}
          error={f['profile/addressLines']}
          rows={3}
          hint="One line per row."
        />
        <div className="form-row">
          <TextField
            label="Country"
            value={v.country}
            maxLength={2}
            onChange={set('country')}
            error={f['profile/country']}
            hint="Two letters, e.g. DE"
          />
          <TextField label="Email" type="email" value={v.email} onChange={set('email')} error={f['profile/email']} />
          <TextField label="Phone" type="tel" value={v.phone} onChange={set('phone')} error={f['profile/phone']} />
          <TextField label="Website" value={v.website} onChange={set('website')} error={f['profile/website']} />
        </div>
        <Button type="submit" variant="primary" busy={save.busy}>
          Save
        </Button>
      </form>
      <LogoPanel />
      {org ? <OrgEinvoiceFields org={org} onSaved={() => s.refresh()} /> : null}
    </SettingsFrame>
  );
}

export function NumberingSettingsPage() {
  const s = useStaff();
  const n = s.org?.numbering ?? {
    invoice: 'INV-{YYYY}-{SEQ:5}',
    quote: 'QUO-{YYYY}-{SEQ:5}',
    credit_note: 'CN-{YYYY}-{SEQ:5}',
  };
  const [v, setV] = useState(n);
  const [status, setStatus] = useState<string | null>(null);
  const save = useAction(() => patchOrg({ numbering: v }));
  const f = save.error?.fields() ?? {};

  return (
    <SettingsFrame title="Numbering">
      <form
        className="panel"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (await save.run()) {
            setStatus('Numbering saved');
            s.refresh();
          }
        }}
      >
        <h2>Document numbers</h2>
        <p className="muted small">
          Numbers are gapless per sequence. Patterns use <code>{'{YYYY}'}</code>, <code>{'{YY}'}</code>,{' '}
          <code>{'{MM}'}</code> and <code>{'{SEQ:n}'}</code> (the counter, n digits). The counter restarts when the year
          or month in the pattern changes.
        </p>
        <ErrorNotice error={save.error} title="The numbering was not saved" />
        <Status message={status} />
        <TextField
          label="Invoices"
          value={v.invoice}
          onChange={(e) => setV({ ...v, invoice: e.target.value })}
          error={f['numbering/invoice']}
        />
        <TextField
          label="Quotes"
          value={v.quote}
          onChange={(e) => setV({ ...v, quote: e.target.value })}
          error={f['numbering/quote']}
        />
        <TextField
          label="Credit notes"
          value={v.credit_note}
          onChange={(e) => setV({ ...v, credit_note: e.target.value })}
          error={f['numbering/credit_note']}
        />
        <Button type="submit" variant="primary" busy={save.busy}>
          Save numbering
        </Button>
      </form>
      <NextNumbers canEdit={s.can('org:update')} />
    </SettingsFrame>
  );
}

const SERIES_LABEL = { invoice: 'Invoices', quote: 'Quotes', credit_note: 'Credit notes' } as const;

/**
 * The next number of each series if issued today, and continuing a series from a chosen number
 * (switching from another program mid-year). The server refuses to go back (409).
 */
function NextNumbers({ canEdit }: { canEdit: boolean }) {
  const preview = useApiQuery(['numbering'], (signal) => ok(staffApi.GET('/api/v1/numbering', { signal })));
  const [next, setNext] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [last, setLast] = useState<string | null>(null);
  const save = useAction((kind: 'invoice' | 'quote' | 'credit_note', nextValue: number) =>
    ok(
      staffApi.PUT('/api/v1/numbering/{kind}/next', {
        params: { path: { kind } },
        body: { nextValue },
      }),
    ),
  );
  const f = save.error?.fields() ?? {};
  return (
    <section className="panel" aria-labelledby="next-numbers-h">
      <h2 id="next-numbers-h">Next numbers</h2>
      <p className="muted small">
        What the next document of each kind issued today is numbered. Switching from another program during the year?
        Continue its series: set the counter to the number after its last one. The counter only moves forward.
      </p>
      <ErrorNotice error={preview.error ?? save.error} title="The next number was not changed" />
      <Status message={status} />
      {(preview.data?.items ?? []).map((p) => (
        <form
          key={p.kind}
          className="form-row"
          noValidate
          onSubmit={async (e: FormEvent) => {
            e.preventDefault();
            setLast(p.kind);
            const r = await save.run(p.kind, Number(next[p.kind]));
            if (r) {
              setStatus(`${SERIES_LABEL[p.kind]}: the next number is ${r.nextNumber}`);
              setNext({ ...next, [p.kind]: '' });
              void preview.refetch();
            }
          }}
        >
          <p className="field">
            {SERIES_LABEL[p.kind]}: next <strong>{p.nextNumber}</strong>
          </p>
          {canEdit ? (
            <>
              <TextField
                label={`Next ${SERIES_LABEL[p.kind].toLowerCase()} counter`}
                inputMode="numeric"
                value={next[p.kind] ?? ''}
                placeholder={String(p.nextValue)}
                onChange={(e) => setNext({ ...next, [p.kind]: e.target.value })}
                error={last === p.kind ? f.nextValue : undefined}
              />
              <Button type="submit" busy={save.busy}>
                Set
              </Button>
            </>
          ) : null}
        </form>
      ))}
    </section>
  );
}
