// The CSV import (issue #13 item 6). What it must never do, each tried here: write anything during
// the check (the dry run goes through the real services in a transaction that is rolled back);
// write part of a file (one bad row → nothing at all, with every bad row named); pass an imported
// invoice off as one Sealbill issued (no signature, no stored PDF, and the public verification
// does not vouch for its number); reuse a number Sealbill already gave; let a member import what
// they could not create (viewer: nothing; sales: drafts but not issued invoices with numbers);
// reach another organization's clients when matching invoices to clients.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { addMember } from '../helpers/session.ts';
import { runCli } from '../helpers/cli.ts';
import { importCommand } from '../../src/main/cli/import.commands.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url), 'utf8');
const ninja = { preset: 'invoice-ninja' };
const generic = { preset: 'generic' };

describeEachDb('CSV import', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;
  const clock = new FixedClock('2026-03-10T09:00:00Z');

  const count = async (table: 'clients' | 'items' | 'documents', orgId = api.orgId) =>
    Number(
      (
        await t.container.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('org_id', '=', orgId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const auditCount = async () =>
    Number(
      (
        await t.container.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('org_id', '=', api.orgId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock });
    api = await setupOrg(t.app, 'Import AG', { timeZone: 'UTC' });
    other = await setupOrg(t.app, 'Other Org', { timeZone: 'UTC' });
    await api.ok('POST', '/api/v1/tax-rates', { name: 'USt 19 %', rateBp: 1900 });
    await other.ok('POST', '/api/v1/clients', { name: 'Nordlicht Design GmbH', email: 'billing@nordlicht.test' });
  });
  afterAll(() => t?.close());

  it('checks an Invoice Ninja client export without writing, then imports it', async () => {
    const before = { clients: await count('clients'), audit: await auditCount() };
    const body = { csv: fixture('invoice-ninja-clients.csv'), mapping: ninja };
    const check = await api.ok('POST', '/api/v1/imports/clients/preview', body);
    expect(check).toMatchObject({ kind: 'clients', delimiter: ',', rows: 2, acceptedRows: 2, refused: [], written: 0 });
    expect(check.mapping).toMatchObject({ name: 'Client Name', email: 'Contact Email', country: 'Client Country' });
    expect(check.records[0].record).toMatchObject({
      name: 'Nordlicht Design GmbH',
      email: 'billing@nordlicht.test',
      addressLines: ['Hafenstraße 12', '2. OG'],
      postalCode: '20457',
      city: 'Hamburg',
      country: 'DE',
      vatId: 'DE123456789',
    });
    expect(check.records[1].record).toMatchObject({ name: 'Brasserie du Port, SARL', country: 'FR' });
    // The dry run created the clients and their audit entries in a transaction that was rolled back.
    expect(await count('clients')).toBe(before.clients);
    expect(await auditCount()).toBe(before.audit);

    expectProblem(await api.req('POST', '/api/v1/imports/clients', body), 400, 'validation_failed'); // not confirmed
    const done = await api.ok('POST', '/api/v1/imports/clients', { ...body, confirm: true }, 201);
    expect(done.written).toBe(2);
    expect(await count('clients')).toBe(before.clients + 2);
    const events = await t.container.db
      .selectFrom('audit_events')
      .select(['action'])
      .where('org_id', '=', api.orgId)
      .orderBy('seq')
      .execute()
      .catch(() =>
        t.container.db.selectFrom('audit_events').select(['action']).where('org_id', '=', api.orgId).execute(),
      );
    const actions = events.map((e) => e.action);
    expect(actions.filter((a) => a === 'client.created')).toHaveLength(2);
    expect(actions).toContain('import.completed');
    const listed = await api.ok('GET', '/api/v1/clients?q=Nordlicht');
    expect(listed.items).toHaveLength(1);
  });

  it('reads a generic spreadsheet saved by Excel (semicolons, BOM, country names)', async () => {
    const check = await api.ok('POST', '/api/v1/imports/clients/preview', {
      csv: fixture('generic-clients.csv'),
      mapping: generic,
    });
    expect(check.delimiter).toBe(';');
    expect(check.headers[0]).toBe('Name');
    expect(check.refused).toEqual([]);
    expect(check.records.map((r: any) => [r.record.name, r.record.country, r.record.email])).toEqual([
      ['Kaffeerösterei Süd', 'DE', 'info@roesterei.test'],
      ['Zimmerei Holz & Co', 'DE', null],
    ]);
  });

  it('lists every bad row with its reasons, and one bad row means nothing is written', async () => {
    const csv = [
      'Name;Email;Country;Currency',
      'Good One;good@one.test;DE;EUR',
      ';missing-name@x.test;DE;EUR',
      'Bad Mail;not-an-email;Narnia;EURO',
      'Good Two;;FR;',
    ].join('\n');
    const before = await count('clients');
    const check = await api.ok('POST', '/api/v1/imports/clients/preview', { csv, mapping: generic });
    expect(check.rows).toBe(4);
    expect(check.acceptedRows).toBe(2);
    const byLine = (line: number) => check.refused.filter((e: any) => e.line === line);
    expect(byLine(3).map((e: any) => e.field)).toEqual(['name']);
    expect([...new Set(byLine(4).map((e: any) => e.field))].sort()).toEqual(['country', 'currency', 'email']);
    expect(byLine(4).find((e: any) => e.field === 'email')).toMatchObject({ column: 'Email' });

    const res = await api.req('POST', '/api/v1/imports/clients', { csv, mapping: generic, confirm: true });
    const problem = expectProblem(res, 422, 'unprocessable');
    expect(problem.detail ?? problem.title).toMatch(/2 row\(s\) would be refused/);
    expect(await count('clients')).toBe(before);
  });

  it('refuses a mapping that names no column for a required field', async () => {
    const res = await api.req('POST', '/api/v1/imports/items/preview', {
      csv: 'Foo,Bar\n1,2\n',
      mapping: { columns: { name: 'Foo', unitPrice: 'Nope' } },
    });
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.detail).toMatch(/no column "Nope"/);
  });

  it('imports Invoice Ninja products into the catalogue with their tax rate', async () => {
    const body = { csv: fixture('invoice-ninja-products.csv'), mapping: ninja };
    const check = await api.ok('POST', '/api/v1/imports/items/preview', body);
    expect(check.refused).toEqual([]);
    expect(check.records.map((r: any) => [r.record.name, r.record.unitPrice])).toEqual([
      ['Consulting day', 95_000],
      ['Hosting (month)', 120_050],
      ['Travel', 0],
    ]);
    const before = await count('items');
    await api.ok('POST', '/api/v1/imports/items', { ...body, confirm: true }, 201);
    expect(await count('items')).toBe(before + 3);
  });

  it('imports invoices: grouped by number, issued ones kept as imported, unsigned and unclaimed', async () => {
    const body = { csv: fixture('invoice-ninja-invoices.csv'), mapping: ninja };
    const before = await count('documents');
    const check = await api.ok('POST', '/api/v1/imports/invoices/preview', body);
    expect(check.refused).toEqual([]);
    expect(check.records.map((r: any) => [r.record.number, r.record.status, r.lines])).toEqual([
      ['INV-2026-00007', 'sent', [2, 3]],
      ['INV-2026-00008', 'paid', [4]],
      ['DRAFT-3', 'draft', [5]],
    ]);
    // The imported numbers reach into this year's series: the check says where to move it.
    expect(check.numbering).toMatchObject({ period: '2026', nextValue: 1, suggestedNextValue: 9 });
    expect(await count('documents')).toBe(before);

    await api.ok('POST', '/api/v1/imports/invoices', { ...body, confirm: true }, 201);
    expect(await count('documents')).toBe(before + 3);

    const list = await api.ok('GET', '/api/v1/invoices?number=INV-2026-00007');
    expect(list.items).toHaveLength(1);
    const inv = await api.ok('GET', `/api/v1/invoices/${list.items[0].id}`);
    expect(inv).toMatchObject({ number: 'INV-2026-00007', status: 'sent', issueDate: '2026-02-03', hasPdf: false });
    expect(inv.importedAt).not.toBeNull();
    expect(list.items[0].importedAt).not.toBeNull();
    expect(inv.total).toBe(240_380); // (2 × 950 + 120) + 19 %
    expect(inv.lines.map((l: any) => l.description)).toEqual(['Workshop', 'Train Hamburg']);
    expect(inv.einvoice.purchaseOrderReference).toBe('PO-77');
    const paid = (await api.ok('GET', '/api/v1/invoices?number=INV-2026-00008')).items[0];
    expect(paid).toMatchObject({ status: 'paid', amountDue: 0 });

    // Not signed by Sealbill: no PDF, no signature record, and the verification does not vouch for it.
    expectProblem(await api.req('GET', `/api/v1/invoices/${inv.id}/pdf`), 409, 'conflict');
    const sigs = await t.container.db
      .selectFrom('document_signatures')
      .select('document_id')
      .where('org_id', '=', api.orgId)
      .execute();
    expect(sigs).toHaveLength(0);
    const verify = await api.ok('POST', '/api/v1/verify/details', {
      orgId: api.orgId,
      number: 'INV-2026-00007',
      amount: '2403.80',
      iban: 'DE89370400440532013000',
    });
    expect(verify).toMatchObject({ authentic: false, reason: 'no_match' });

    // The draft stays a draft without the old program's number, Sealbill's to issue (not marked imported).
    const drafts = await api.ok('GET', '/api/v1/invoices?status=draft');
    const draft = drafts.items.find((d: any) => d.total === 113_050);
    expect(draft).toMatchObject({ number: null, status: 'draft', importedAt: null });

    // The same file again: the numbers are taken, so nothing is written.
    const again = await api.ok('POST', '/api/v1/imports/invoices/preview', body);
    expect(again.refused.map((e: any) => [e.line, e.field])).toEqual([
      [2, 'number'],
      [4, 'number'],
    ]);
    expectProblem(await api.req('POST', '/api/v1/imports/invoices', { ...body, confirm: true }), 422, 'unprocessable');
    expect(await count('documents')).toBe(before + 3);
  });

  it('refuses an unknown client unless told to create it, and matches clients of its own org only', async () => {
    const csv = [
      'Number,Status,Client,Date,Description,Quantity,Price',
      'OLD-1,Sent,Unknown Client Ltd,2025-11-02,Work,1,100',
    ].join('\n');
    const check = await api.ok('POST', '/api/v1/imports/invoices/preview', { csv, mapping: generic });
    expect(check.refused).toEqual([expect.objectContaining({ line: 2, field: 'clientName', column: 'Client' })]);
    const created = await api.ok('POST', '/api/v1/imports/invoices/preview', {
      csv,
      mapping: generic,
      options: { createMissingClients: true },
    });
    expect(created.refused).toEqual([]);

    // The other org has a "Nordlicht Design GmbH" too, but no tax rate and no such client of its own
    // imported: its invoices import must not find this org's client (and vice versa).
    const theirs = await other.ok('POST', '/api/v1/imports/invoices/preview', {
      csv: ['Number,Client,Date,Description,Quantity,Price', 'X-1,Kaffeerösterei Süd,2026-01-01,Beans,1,10'].join('\n'),
      mapping: generic,
    });
    expect(theirs.refused).toEqual([expect.objectContaining({ field: 'clientName' })]);
  });

  it('needs the create permission of the kind, and invoice:issue for issued invoices', async () => {
    const viewer = await addMember(t, api.orgId, 'viewer', 'viewer@import.test');
    const sales = await addMember(t, api.orgId, 'sales', 'sales@import.test');
    const clients = { csv: 'Name\nSomeone\n', mapping: generic };
    expectProblem(await viewer.req('POST', '/api/v1/imports/clients/preview', clients), 403, 'forbidden');
    expectProblem(await viewer.req('POST', '/api/v1/imports/items/preview', clients), 403, 'forbidden');
    const drafts = {
      csv: 'Number,Status,Client,Description,Quantity,Price\nD-9,Draft,Kaffeerösterei Süd,Beans,1,10\n',
      mapping: generic,
    };
    expect((await sales.req('POST', '/api/v1/imports/invoices/preview', drafts)).statusCode).toBe(200);
    const issued = { ...drafts, csv: drafts.csv.replace('Draft', 'Sent').replace(',Beans', ',Beans') };
    const withDate = {
      ...issued,
      csv: 'Number,Status,Client,Date,Description,Quantity,Price\nS-9,Sent,Kaffeerösterei Süd,2026-01-05,Beans,1,10\n',
    };
    expectProblem(await sales.req('POST', '/api/v1/imports/invoices/preview', withDate), 403, 'forbidden');
  });

  it('imports from the command line: a check first, then --confirm', async () => {
    const file = new URL('../fixtures/import/generic-clients.csv', import.meta.url).pathname;
    const before = await count('clients');
    const check = await runCli(t, importCommand, ['clients', file, '--org', api.orgId]);
    expect(check.exitCode).toBe(0);
    expect(check.out).toMatch(/2 rows \(delimiter ";"\): 2 accepted/);
    expect(await count('clients')).toBe(before);
    const done = await runCli(t, importCommand, ['clients', file, '--org', api.orgId, '--confirm']);
    expect(done.out).toMatch(/Imported 2 clients/);
    expect(await count('clients')).toBe(before + 2);
    await expect(runCli(t, importCommand, ['items', file, '--org', api.orgId])).rejects.toThrow(/unitPrice/);
  });
});
