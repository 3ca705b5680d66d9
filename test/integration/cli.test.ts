// The `sealbill` command line (issue #2 §10), run as a real child process (`node bin/sealbill.js`)
// on a temporary data dir: init, migrate, invoice list|show|pdf through the same services as the
// API, and exit code 2 with a clear message for usage and configuration errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/env.ts';
import { buildHttpApp } from '../../src/main/app.ts';
import { createContainer } from '../../src/main/container.ts';
import { apiFor } from '../helpers/api.ts';
import { seedSellerProfile } from '../helpers/einvoice-seed.ts';
import { clockEnv } from '../helpers/process.ts';
import { documentListQuery } from '../../src/modules/documents/document.schemas.ts';
import { payoutSchema } from '../../src/modules/orgs/org.schemas.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/sealbill.js');

// Each command is a process start (type stripping, module graph): generous timeouts for a busy 2-core machine.
describe('sealbill CLI [sqlite]', { timeout: 120_000 }, () => {
  let dir: string;
  const run = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        SEALBILL_DATA_DIR: dir,
        SEALBILL_LOG_LEVEL: 'silent',
        ...clockEnv(),
        ...env,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sealbill-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints usage and exits 2 for an unknown command, 0 for help', () => {
    const bad = run(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/^Usage: sealbill <command>/);
    expect(bad.out).toMatch(/invoice list/);
    const help = run(['help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage:/);
  });

  it('exits 2 naming the bad variable on a configuration error', () => {
    const r = run(['migrate'], { SEALBILL_PORT: 'abc' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Invalid configuration:\n\s+SEALBILL_PORT/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });

  it('migrates idempotently', () => {
    const first = run(['migrate']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^Applied: 0001-foundation/);
    const again = run(['migrate']);
    expect(again.code).toBe(0);
    expect(again.out).toBe('Database is up to date.\n');
  });

  it('initializes an organization, then lists, shows and exports invoices', async () => {
    const init = run(['init', '--org', 'CLI Works Ltd', '--email', 'owner@cli.test', '--name', 'Cleo']);
    expect(init.code, init.err).toBe(0);
    expect(init.out).toMatch(/Created organization "CLI Works Ltd"/);
    const token = /\n {2}(sb_\S+)\n/.exec(init.out)?.[1];
    expect(token).toBeTruthy();
    expect(statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);

    expect(run(['invoice', 'list'])).toMatchObject({ code: 0, out: 'No invoices.\n' });
    const usage = run(['init', '--org', 'x']);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/^init needs --org, --email and --name$/m);

    // Issue an invoice through the services (as the API would), in this process, on the same data dir.
    const container = await createContainer(parseConfig({ SEALBILL_DATA_DIR: dir, SEALBILL_LOG_LEVEL: 'silent' }), {
      warn: () => {},
    });
    const app = await buildHttpApp(container, { logger: false });
    let apiPdf: Buffer;
    let number: string;
    try {
      const api = apiFor(app, token!);
      const client = await api.ok('POST', '/api/v1/clients', { name: 'Ünïcode Client 東京' });
      const draft = await api.ok('POST', '/api/v1/invoices', {
        clientId: client.id,
        lines: [{ description: 'Setup', quantity: '1', unitPrice: 123_456 }],
      });
      number = (await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true }))
        .number;
      apiPdf = (await api.req('GET', `/api/v1/invoices/${draft.id}/pdf`)).rawPayload;
    } finally {
      await app.close();
      await container.close();
    }

    const list = run(['invoice', 'list']);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toContain(number);
    expect(list.out).toContain('Ünïcode Client 東京');
    expect(list.out).toMatch(/1[,.]?234[.,]56/);

    const show = run(['invoice', 'show', number]);
    expect(show.code, show.err).toBe(0);
    expect(JSON.parse(show.out)).toMatchObject({
      number,
      status: 'issued',
      total: 123_456,
      clientName: 'Ünïcode Client 東京',
    });

    const out = path.join(dir, 'export.pdf');
    const pdf = run(['invoice', 'pdf', number, '--out', out]);
    expect(pdf.code, pdf.err).toBe(0);
    expect(pdf.out).toMatch(/^Wrote .*export\.pdf \(\d+ bytes, sha256 [0-9a-f]{64}\)/);
    expect(readFileSync(out).equals(apiPdf)).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const missing = run(['invoice', 'show', 'INV-1999-00042']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^No invoice numbered INV-1999-00042$/m);
    expect(run(['invoice', 'pdf', number]).code).toBe(2);
  });

  it("writes an invoice's e-invoice (the API's bytes), and exits 2 with the rules an incomplete one breaks", async () => {
    // Made through the services the API uses, in this process, on the same data dir.
    const container = await createContainer(parseConfig({ SEALBILL_DATA_DIR: dir, SEALBILL_LOG_LEVEL: 'silent' }), {
      warn: () => {},
    });
    const actor = { type: 'system', id: 'test' } as const;
    let apiXml: string;
    let number: string;
    let incomplete: string;
    try {
      const orgId = (await container.db.selectFrom('orgs').select('id').executeTakeFirstOrThrow()).id;
      await seedSellerProfile(container, orgId);
      await container.db
        .transaction()
        .execute((tx) =>
          container.services.orgs.setPayoutInTx(
            tx,
            orgId,
            payoutSchema.parse({ accountHolder: 'CLI Works Ltd', iban: 'DE89370400440532013000' }),
            actor,
          ),
        );
      incomplete = (await container.services.documents.list(orgId, 'invoice', documentListQuery.parse({ limit: 1 })))
        .items[0]!.number!;
      const client = await container.services.clients.create(
        orgId,
        {
          name: 'Stadt Musterhausen',
          addressLines: ['Rathausplatz 1'],
          city: 'Musterhausen',
          postalCode: '12345',
          country: 'DE',
          buyerReference: '991-12345-67',
          electronicAddress: '991-12345-67',
          electronicAddressScheme: '0204',
          einvoiceFormat: 'xrechnung-cii',
        },
        actor,
      );
      const draft = await container.services.documents.create(
        orgId,
        'invoice',
        {
          clientId: client.id,
          supplyDate: '2026-01-15',
          lines: [{ description: 'Wartung', quantity: '1', unitPrice: 10_000 }],
        },
        actor,
      );
      number = (await container.services.lifecycle.issue(orgId, 'invoice', draft.id, actor)).number!;
      apiXml = (
        await container.services.lifecycle.einvoice(orgId, 'invoice', draft.id, 'xrechnung-cii')
      ).bytes.toString('utf8');
    } finally {
      await container.close();
    }
    const out = path.join(dir, 'einvoice.xml');
    const ok = run(['invoice', 'einvoice', number, '--format', 'xrechnung-cii', '--out', out]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(
      new RegExp(
        `^Wrote .*einvoice\\.xml \\(xrechnung-cii, \\d+ bytes, suggested name ${number}-xrechnung-cii\\.xml\\)`,
      ),
    );
    expect(readFileSync(out, 'utf8')).toBe(apiXml);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const usage = run(['invoice', 'einvoice', number, '--format', 'pdf', '--out', out]);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/needs --format xrechnung-ubl\|xrechnung-cii\|peppol-bis\|factur-x and --out FILE/);
    // The first invoice's client has no address or buyer reference: the rules it breaks, and where.
    const refused = run(['invoice', 'einvoice', incomplete, '--format', 'xrechnung-ubl', '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^Error: Invoice .* is not a valid xrechnung-ubl e-invoice/m);
    expect(refused.err).toMatch(/ {2}invoice\.buyerReference: BR-DE-15: /);
  });
});
