// The e-invoice fields of a client, a draft and the organization (issue #12), each in its own small
// panel that saves only these fields (PATCH / PUT), so the existing forms stay as they are.
// Field errors from the server (problem+json) show next to their inputs.
import { useState, type FormEvent } from 'react';
import { api } from '../../lib/api.ts';
import { useAction } from '../../lib/hooks.ts';
import { KIND_PATH, type Client, type DocumentDto, type Org } from '../../lib/types.ts';
import { ErrorNotice, Status } from '../../ui/feedback.tsx';
import { Button, SelectField, TextField } from '../../ui/forms.tsx';
import { EINVOICE_FORMAT_LABEL, type EinvoicePreference } from './einvoice-types.ts';

interface Field {
  key: string;
  label: string;
  hint?: string;
  type?: 'text' | 'date' | 'email';
  options?: Array<{ value: string; label: string }>;
}

const PREFERENCES = (Object.keys(EINVOICE_FORMAT_LABEL) as EinvoicePreference[]).map((v) => ({
  value: v,
  label: EINVOICE_FORMAT_LABEL[v],
}));
const EAS = [
  { value: '', label: '—' },
  { value: 'EM', label: 'EM — email' },
  { value: '0204', label: '0204 — Leitweg-ID (German public sector)' },
  { value: '0088', label: '0088 — GLN' },
  { value: '9930', label: '9930 — German VAT id' },
  { value: '9925', label: '9925 — Belgian VAT id' },
  { value: '0208', label: '0208 — Belgian enterprise number' },
  { value: '0009', label: '0009 — SIRET' },
];
const PAYMENT_MEANS = [
  { value: '', label: 'From the payout details' },
  { value: '58', label: '58 — SEPA credit transfer' },
  { value: '30', label: '30 — credit transfer' },
  { value: '48', label: '48 — card' },
  { value: '54', label: '54 — credit card' },
  { value: '59', label: '59 — SEPA direct debit' },
];

function FieldsForm({
  title,
  fields,
  initial,
  save,
  intro,
}: {
  title: string;
  fields: Field[];
  initial: Readonly<Record<string, unknown>>;
  save: (values: Record<string, string | null>) => Promise<unknown>;
  intro?: string;
}) {
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      fields.map((f) => [f.key, typeof initial[f.key] === 'string' ? (initial[f.key] as string) : '']),
    ),
  );
  const [status, setStatus] = useState<string | null>(null);
  const act = useAction(async () => {
    await save(Object.fromEntries(fields.map((f) => [f.key, values[f.key]?.trim() || null])));
    setStatus('E-invoice details saved');
  });
  const errors = act.error?.fields() ?? {};
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void act.run();
  };
  return (
    <form className="panel" onSubmit={onSubmit} aria-label={title}>
      <h2>{title}</h2>
      {intro ? <p className="muted">{intro}</p> : null}
      <div className="form-grid">
        {fields.map((f) =>
          f.options ? (
            <SelectField
              key={f.key}
              label={f.label}
              hint={f.hint}
              value={values[f.key]}
              options={f.options}
              error={errors[f.key] ?? errors[`profile/${f.key}`]}
              onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
            />
          ) : (
            <TextField
              key={f.key}
              label={f.label}
              hint={f.hint}
              type={f.type ?? 'text'}
              value={values[f.key]}
              error={errors[f.key] ?? errors[`profile/${f.key}`]}
              onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
            />
          ),
        )}
      </div>
      <Status message={status} />
      <ErrorNotice error={act.error} focus={false} />
      <Button type="submit" variant="primary" busy={act.busy}>
        Save e-invoice details
      </Button>
    </form>
  );
}

export function ClientEinvoiceFields({ client, onSaved }: { client: Client; onSaved: () => void }) {
  return (
    <FieldsForm
      title="E-invoicing"
      intro="Issuing for a client with a preferred format checks every document against that format first."
      initial={client}
      fields={[
        { key: 'einvoiceFormat', label: 'Preferred e-invoice format', options: PREFERENCES },
        { key: 'vatId', label: 'VAT id', hint: 'with the country prefix, e.g. FR40303265045' },
        { key: 'postalCode', label: 'Postal code' },
        { key: 'city', label: 'City' },
        {
          key: 'electronicAddress',
          label: 'Electronic address (BT-49)',
          hint: 'e.g. the Leitweg-ID, a Peppol id or an email',
        },
        { key: 'electronicAddressScheme', label: 'Address scheme', options: EAS },
        {
          key: 'buyerReference',
          label: 'Default buyer reference (BT-10)',
          hint: 'German public bodies: the Leitweg-ID',
        },
        { key: 'legalRegistrationId', label: 'Legal registration id' },
      ]}
      save={async (v) => {
        await api.patch(`/api/v1/clients/${client.id}`, v);
        onSaved();
      }}
    />
  );
}

export function DocumentEinvoiceFields({ doc, onSaved }: { doc: DocumentDto; onSaved: (d: DocumentDto) => void }) {
  if (doc.kind === 'quote' || doc.status !== 'draft') return null;
  return (
    <FieldsForm
      title="E-invoice details"
      initial={doc.einvoice}
      fields={[
        { key: 'supplyDate', label: 'Supply date (BT-72)', type: 'date' },
        { key: 'periodStart', label: 'Period start (BT-73)', type: 'date' },
        { key: 'periodEnd', label: 'Period end (BT-74)', type: 'date' },
        { key: 'buyerReference', label: 'Buyer reference (BT-10)', hint: 'empty: the client’s default' },
        { key: 'purchaseOrderReference', label: 'Purchase order (BT-13)' },
        { key: 'contractReference', label: 'Contract (BT-12)' },
        { key: 'paymentMeans', label: 'Payment means', options: PAYMENT_MEANS },
      ]}
      save={async (v) => onSaved(await api.patch<DocumentDto>(`/api/v1/${KIND_PATH[doc.kind]}/${doc.id}`, v))}
    />
  );
}

export function OrgEinvoiceFields({ org, onSaved }: { org: Org; onSaved: (o: Org) => void }) {
  return (
    <FieldsForm
      title="E-invoicing (seller)"
      intro="What your e-invoices state about you. These print on your documents too, so saving asks you to confirm your identity."
      initial={org.profile}
      fields={[
        { key: 'vatId', label: 'VAT id', hint: 'e.g. DE123456789' },
        { key: 'taxRegistration', label: 'Tax number (BT-32)', hint: 'e.g. the German Steuernummer' },
        { key: 'legalRegistrationId', label: 'Legal registration id (BT-30)', hint: 'e.g. HRB 12345' },
        { key: 'postalCode', label: 'Postal code' },
        { key: 'city', label: 'City' },
        { key: 'electronicAddress', label: 'Electronic address (BT-34)' },
        { key: 'electronicAddressScheme', label: 'Address scheme', options: EAS },
        { key: 'contactName', label: 'Contact name' },
        { key: 'contactPhone', label: 'Contact phone' },
        { key: 'contactEmail', label: 'Contact email', type: 'email' },
      ]}
      save={async (v) => onSaved(await api.patch<Org>('/api/v1/org', { profile: { ...org.profile, ...v } }))}
    />
  );
}
