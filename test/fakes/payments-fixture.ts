// Shared set-up for the payment tests: an issued invoice, provider accounts connected through the
// API (with step-up), webhook deliveries, and a raw dump of every table for "never stored" checks.
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { readCatalog, INTERNAL_TABLES } from '../../src/platform/db/catalog.ts';
import type { Api } from '../helpers/api.ts';
import type { TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { staffSession, type SessionClient } from '../helpers/session.ts';
import type { FakePaypal } from './paypal-server.ts';
import type { FakeStripe } from './stripe-server.ts';

export const IBAN = 'DE89370400440532013000';

export async function issuedInvoice(
  api: Api,
  opts: { currency?: string; unitPrice?: number; email?: string; exchangeRate?: string } = {},
): Promise<{ id: string; number: string; total: number; clientId: string }> {
  const email = opts.email ?? 'billing@payer.test';
  const client = await api.ok('POST', '/api/v1/clients', {
    name: 'Payer Ltd',
    email,
    currency: opts.currency ?? 'EUR',
    contacts: [{ name: 'Accounts Payable', email, isPrimary: true }],
  });
  const draft = await api.ok('POST', '/api/v1/invoices', {
    clientId: client.id,
    ...(opts.currency && opts.currency !== 'EUR'
      ? { currency: opts.currency, exchangeRate: opts.exchangeRate ?? '0.9' }
      : {}),
    lines: [{ description: 'Consulting', quantity: '1', unitPrice: opts.unitPrice ?? 120_000 }],
  });
  const inv = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
  return { id: inv.id, number: inv.number, total: inv.total, clientId: client.id };
}

export async function seedBankDetails(t: TestInstance, orgId: string): Promise<void> {
  await seedPayout(t, orgId, { accountHolder: 'Acme GmbH', iban: IBAN, bic: 'COBADEFFXXX', bankName: 'Commerzbank' });
}

/** Connects Stripe through the API with a fresh (step-up) session; returns the webhook account id. */
export async function connectStripe(
  t: TestInstance,
  api: Api,
  fake: FakeStripe,
  opts: { embedded?: boolean } = {},
): Promise<{ accountId: string; session: SessionClient }> {
  const session = await staffSession(t, api.orgId, api.userId);
  const res = await session.req('PUT', '/api/v1/payment-settings/providers/stripe', {
    settings: {
      secretKey: fake.secretKey,
      webhookSecret: fake.webhookSecret,
      publishableKey: fake.publishableKey,
      embedded: opts.embedded ?? false,
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  const acc = res.json().providers.find((p: { provider: string }) => p.provider === 'stripe');
  return { accountId: acc.webhookUrl.split('/').pop(), session };
}

export async function connectPaypal(
  t: TestInstance,
  api: Api,
  fake: FakePaypal,
): Promise<{ accountId: string; session: SessionClient }> {
  const session = await staffSession(t, api.orgId, api.userId);
  const res = await session.req('PUT', '/api/v1/payment-settings/providers/paypal', {
    settings: {
      environment: 'sandbox',
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      webhookId: fake.webhookId,
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  const acc = res.json().providers.find((p: { provider: string }) => p.provider === 'paypal');
  return { accountId: acc.webhookUrl.split('/').pop(), session };
}

export function postStripeWebhook(
  t: TestInstance,
  accountId: string,
  delivery: { body: string; header: string },
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/webhooks/stripe/${accountId}`,
    payload: delivery.body,
    headers: { 'content-type': 'application/json', 'stripe-signature': delivery.header },
  });
}

export function postPaypalWebhook(
  t: TestInstance,
  accountId: string,
  body: string,
  headers: Record<string, string>,
): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: `/api/v1/webhooks/paypal/${accountId}`, payload: body, headers });
}

export const unixNow = (t: TestInstance) => Math.floor(t.clock.now().getTime() / 1000);

/** Every row of every table as text (bytes as latin1), to prove something is not stored anywhere. */
export async function dumpDatabase(t: TestInstance): Promise<string> {
  const { db, dialect } = t.container;
  const parts: string[] = [];
  for (const table of await readCatalog(db, dialect)) {
    if (INTERNAL_TABLES.has(table.name)) continue;
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(db);
    for (const r of rows.rows)
      parts.push(
        JSON.stringify(
          Object.fromEntries(
            Object.entries(r).map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v]),
          ),
        ),
      );
  }
  return parts.join('\n');
}

export async function paymentsOf(api: Api, invoiceId: string): Promise<any[]> {
  return (await api.ok('GET', `/api/v1/invoices/${invoiceId}/payments`)).items;
}
