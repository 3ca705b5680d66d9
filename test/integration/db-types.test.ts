// The database type DB is composed from platform/db/schema.ts and every module's *.tables.ts
// (declaration merging). The list below must name exactly DB's tables (the `satisfies` clause
// fails the type check on a missing or extra name), and the test checks it against the tables the
// migrations create: a table type that is forgotten, misspelt or left behind fails here.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INTERNAL_TABLES, readCatalog } from '../../src/platform/db/catalog.ts';
import type { DB } from '../../src/platform/db/schema.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

const TABLES = {
  orgs: true,
  org_keys: true,
  users: true,
  memberships: true,
  api_tokens: true,
  clients: true,
  client_contacts: true,
  client_domains: true,
  client_domain_seq: true,
  client_domain_orgs: true,
  bulk_jobs: true,
  bulk_items: true,
  tax_rates: true,
  items: true,
  documents: true,
  number_sequences: true,
  payments: true,
  client_credits: true,
  recurring_schedules: true,
  payment_consents: true,
  stored_files: true,
  idempotency_keys: true,
  jobs: true,
  audit_events: true,
  sessions: true,
  user_totp: true,
  recovery_codes: true,
  passkeys: true,
  webauthn_challenges: true,
  portal_totp: true,
  portal_passkeys: true,
  auth_throttle: true,
  email_tokens: true,
  invitations: true,
  known_devices: true,
  org_roles: true,
  key_rotations: true,
  audit_checkpoints: true,
  audit_checkpoint_keys: true,
  audit_key_endorsements: true,
  backup_runs: true,
  signing_identities: true,
  document_signing_keys: true,
  document_signatures: true,
  payout_changes: true,
  payout_policies: true,
  delivery_keys: true,
  client_keys: true,
  deliveries: true,
  delivery_events: true,
  portal_links: true,
  sealed_links: true,
  one_time_codes: true,
  code_quotas: true,
  payment_accounts: true,
  payment_settings: true,
  pay_links: true,
  checkouts: true,
  webhook_events: true,
  payment_disputes: true,
  reconciliation_flags: true,
  payment_attachments: true,
  dunning_plans: true,
  dunning_clients: true,
  dunning_invoices: true,
  dunning_reference_rates: true,
  dunning_reminders: true,
  recurring_runs: true,
  message_templates: true,
  notifications: true,
  search_tokens: true,
  vat_ledger: true,
  item_ledger: true,
  ledger_backfill: true,
  notification_preferences: true,
  exchange_rates: true,
} satisfies Record<keyof DB, true>;

describeEachDb('table types', (dialect) => {
  let t: TestInstance;
  beforeAll(async () => {
    t = await createTestInstance(dialect);
  });
  afterAll(() => t.close());

  it('DB names exactly the tables the migrations create', async () => {
    const created = (await readCatalog(t.container.db, dialect))
      .map((x) => x.name)
      .filter((n) => !INTERNAL_TABLES.has(n));
    expect(Object.keys(TABLES).sort()).toEqual(created.sort());
  });
});
