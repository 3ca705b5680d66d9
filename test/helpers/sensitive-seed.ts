// Seeds an organization with personal and financial data through the API (and the payout
// service, which the protected payout flow wraps), and returns the plaintexts that must never
// appear at rest, in logs or in backups. Shared by the data-protection tests.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { payoutSchema } from '../../src/modules/orgs/org.schemas.ts';
import type { Api } from './api.ts';
import type { TestInstance } from './instance.ts';
import { staffSession } from './session.ts';

export const SECRET_STRINGS = {
  clientName: 'Zebulon Quarterstaff Holdings',
  clientEmail: 'zebulon.private@quarterstaff.test',
  clientTaxId: 'GB123456789XY',
  clientNote: 'door code 4711 after dusk',
  clientAddress: '17 Hidden Lane',
  contactName: 'Philippa Moonbeam',
  contactEmail: 'philippa@quarterstaff.test',
  contactPhone: '+44 20 7946 0958',
  iban: 'DE89370400440532013000',
  accountHolder: 'Orsolya Payee-Secret',
  orgAddress: 'Geheimweg 7',
  orgTaxId: 'DE999888777',
  orgEmail: 'ceo-private@acme-secret.test',
  lineDescription: 'Confidential merger advisory',
  invoiceNote: 'Project Nightingale retainer',
  paymentReference: 'SEPA-REF-ULTRASECRET-991',
  recurringLine: 'Retainer Bluebird',
} as const;

export interface SeededData {
  clientId: string;
  contactId: string;
  invoiceId: string;
  scheduleId: string;
  pdf: Buffer;
  secrets: string[];
}

export async function seedSensitiveData(t: TestInstance, api: Api): Promise<SeededData> {
  const s = SECRET_STRINGS;
  // What prints on documents changes only with a fresh sign-in (step-up), never with an API token.
  const owner = await staffSession(t, api.orgId, api.userId);
  const profile = await owner.req('PATCH', '/api/v1/org', {
    profile: {
      addressLines: [s.orgAddress, '10115 Berlin'],
      country: 'DE',
      taxIds: [{ type: 'VAT', value: s.orgTaxId }],
      email: s.orgEmail,
    },
  });
  if (profile.statusCode !== 200) throw new Error(`PATCH /api/v1/org → ${profile.statusCode}: ${profile.body}`);
  // The payout service (the protected change flow wraps it); IBAN written with spaces as users type it.
  await t.container.db
    .transaction()
    .execute((tx) =>
      t.container.services.orgs.setPayoutInTx(
        tx,
        api.orgId,
        payoutSchema.parse({ accountHolder: s.accountHolder, iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' }),
        { type: 'system', id: 'test' },
      ),
    );
  const client = await api.ok('POST', '/api/v1/clients', {
    name: s.clientName,
    email: s.clientEmail,
    addressLines: [s.clientAddress, 'Bristol'],
    country: 'GB',
    taxId: s.clientTaxId,
    notes: s.clientNote,
    contacts: [{ name: s.contactName, email: s.contactEmail, phone: s.contactPhone, isPrimary: true }],
  });
  const rate = await api.ok('POST', '/api/v1/tax-rates', { name: 'VAT', rateBp: 2000 });
  const draft = await api.ok(
    'POST',
    '/api/v1/invoices',
    {
      clientId: client.id,
      lines: [{ description: s.lineDescription, quantity: '3', unit: 'h', unitPrice: 25_000, taxRateId: rate.id }],
      notes: s.invoiceNote,
    },
    201,
    { 'idempotency-key': 'seed-create-1' },
  );
  await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, undefined, 200, { 'idempotency-key': 'seed-issue-1' });
  await api.ok(
    'POST',
    `/api/v1/invoices/${draft.id}/payments`,
    { amount: 10_000, reference: s.paymentReference },
    201,
    { 'idempotency-key': 'seed-pay-1' },
  );
  const schedule = await api.ok('POST', '/api/v1/recurring-schedules', {
    clientId: client.id,
    lines: [{ description: s.recurringLine, quantity: '1', unitPrice: 5_000 }],
    frequency: 'monthly',
    startOn: '2030-01-01',
  });
  const pdfRes = await api.req('GET', `/api/v1/invoices/${draft.id}/pdf`);
  expect(pdfRes.statusCode).toBe(200);
  return {
    clientId: client.id,
    contactId: client.contacts[0].id,
    invoiceId: draft.id,
    scheduleId: schedule.id,
    pdf: pdfRes.rawPayload,
    secrets: Object.values(s),
  };
}

/** Everything the API answers about the seeded data, for before/after comparisons. */
export async function readSeededViews(t: TestInstance, api: Api, d: SeededData) {
  return {
    org: await api.ok('GET', '/api/v1/org'),
    payout: await t.container.services.orgs.getPayout(api.orgId),
    client: await api.ok('GET', `/api/v1/clients/${d.clientId}`),
    byEmail: (await api.ok('GET', `/api/v1/clients?email=${encodeURIComponent(SECRET_STRINGS.clientEmail)}`)).items.map(
      (c: { id: string }) => c.id,
    ),
    invoice: await api.ok('GET', `/api/v1/invoices/${d.invoiceId}`),
    invoices: await api.ok('GET', '/api/v1/invoices'),
    payments: await api.ok('GET', `/api/v1/invoices/${d.invoiceId}/payments`),
    schedule: await api.ok('GET', `/api/v1/recurring-schedules/${d.scheduleId}`),
    pdfSha: createHash('sha256')
      .update((await api.req('GET', `/api/v1/invoices/${d.invoiceId}/pdf`)).rawPayload)
      .digest('hex'),
  };
}
