// Bulk actions on documents (issue #13, item 5), through the real job runner, a real SMTP server
// on loopback, and the real issue / send / mark-sent services:
// - bulk issue of drafts keeps the numbers gapless and audits each document as a single issue;
// - bulk send goes through each client's own delivery mode; mark as sent; a ZIP of the PDFs
//   (unzipped here: names by document number, %PDF- headers); a CSV of the selection by filter;
// - resumable: a runner that dies mid-send leaves that document 'interrupted' (never sent again)
//   and a restarted runner finishes the rest; steps run twice (a runner that died before deleting
//   its job) change nothing: nobody's invoice is issued or sent twice;
// - the attacks: another organization's document ids are refused and nothing of theirs changes;
//   a member without the single action's permission is refused (403) when starting the job, and
//   a member who loses it mid-way gets the remaining documents refused, not done;
// - a selection over the limit is a 400 naming it.
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createContainer } from '../../src/main/container.ts';
import { pruneExpired } from '../../src/main/housekeeping.tasks.ts';
import { inTx } from '../../src/platform/db/tx.ts';
import type { Mailer } from '../../src/platform/mail/mailer.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { seedSellerProfile } from '../helpers/einvoice-seed.ts';
import { seedPayout } from '../helpers/payout.ts';
import { addMember } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

describeEachDb('bulk actions', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let other: Api;
  const clock = new FixedClock('2026-05-04T09:00:00Z');
  let n = 0;

  async function client(mode: string) {
    const email = `buyer${++n}@bulk.test`;
    const c = await api.ok('POST', '/api/v1/clients', {
      name: `Buyer ${n} GmbH`,
      language: 'en',
      deliveryMode: mode,
      contacts: [{ name: `Buyer ${n}`, email, isPrimary: true }],
    });
    return { id: c.id as string, email };
  }
  const draft = async (clientId: string, as = api, kind = 'invoices') =>
    (
      await as.ok('POST', `/api/v1/${kind}`, {
        clientId,
        lines: [{ description: 'Consulting', quantity: '2', unitPrice: 12_500 }],
      })
    ).id as string;
  const issued = async (clientId: string) => {
    const id = await draft(clientId);
    await api.ok('POST', `/api/v1/invoices/${id}/issue`, {});
    return id;
  };
  async function run(body: Record<string, unknown>, as: { req: Api['req'] } = api) {
    const res = await as.req('POST', '/api/v1/bulk-actions', body);
    expect(res.statusCode, res.body).toBe(202);
    await t.container.jobs.settled();
    return (await api.ok('GET', `/api/v1/bulk-actions/${res.json().id}`)) as {
      id: string;
      status: string;
      total: number;
      done: number;
      failed: number;
      failures: Array<{ documentId: string; number: string | null; code: string; message: string }>;
      file: { filename: string; contentType: string } | null;
    };
  }
  const auditOf = (objectId: string) =>
    t.container.db.selectFrom('audit_events').select(['action']).where('object_id', '=', objectId).execute();
  const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock,
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'Billing <billing@bulk.test>' },
    });
    api = await setupOrg(t.app, 'Bulk Works GmbH', { timeZone: 'UTC' });
    other = await setupOrg(t.app, 'Other Tenant GmbH', { timeZone: 'UTC' });
    for (const o of [api, other])
      await seedPayout(t, o.orgId, {
        accountHolder: 'Bulk Works GmbH',
        iban: 'DE89 3704 0044 0532 0130 00',
        bic: 'COBADEFFXXX',
      });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('issues drafts in bulk with gapless numbers, each audited like a single issue; a second run changes nothing', async () => {
    const c = await client('notice-only');
    const first = await issued(c.id);
    const before = (await api.ok('GET', `/api/v1/invoices/${first}`)).number as string;
    const drafts = [await draft(c.id), await draft(c.id), await draft(c.id)];
    const job = await run({ kind: 'invoice', action: 'issue', ids: drafts });
    expect(job).toMatchObject({ status: 'finished', total: 3, done: 3, failed: 0, failures: [], file: null });

    const numbers: string[] = [];
    for (const id of drafts) {
      const doc = await api.ok('GET', `/api/v1/invoices/${id}`);
      expect(doc.status).toBe('issued');
      numbers.push(doc.number);
      expect((await auditOf(id)).filter((a) => a.action === 'invoice.issued')).toHaveLength(1);
    }
    const seq = (s: string) => Number(s.match(/(\d+)$/)![1]);
    expect(numbers.map(seq)).toEqual([seq(before) + 1, seq(before) + 2, seq(before) + 3]);
    expect((await auditOf(job.id)).map((a) => a.action)).toEqual(['bulk.created', 'bulk.finished']);

    // Every step again, as runners that died after their work but before deleting their jobs would.
    for (let seq = 0; seq <= 3; seq++)
      await inTx(t.container.db, (tx) =>
        t.container.jobs.enqueue(tx, t.container.services.bulk.stepJob, { orgId: api.orgId, bulkId: job.id, seq }),
      );
    await t.container.jobs.settled();
    for (const [i, id] of drafts.entries())
      expect((await api.ok('GET', `/api/v1/invoices/${id}`)).number).toBe(numbers[i]);
    expect(await api.ok('GET', `/api/v1/bulk-actions/${job.id}`)).toMatchObject({ done: 3, failed: 0 });

    // Already issued: each one fails with the single action's reason, nothing is issued again.
    const again = await run({ kind: 'invoice', action: 'issue', ids: drafts.slice(0, 2) });
    expect(again).toMatchObject({ done: 0, failed: 2 });
    expect(again.failures.map((f) => [f.number, f.code])).toEqual([
      [numbers[0], 'conflict'],
      [numbers[1], 'conflict'],
    ]);
  });

  it('sends through each client’s delivery mode over SMTP, and marks sent', async () => {
    const notice = await client('notice-only');
    const portal = await client('portal-link');
    const a = await issued(notice.id);
    const b = await issued(portal.id);
    const d = await draft(notice.id);
    const job = await run({ kind: 'invoice', action: 'send', ids: [a, b, d] });
    expect(job).toMatchObject({ status: 'finished', total: 3, done: 2, failed: 1 });
    expect(job.failures).toEqual([expect.objectContaining({ documentId: d, number: null })]);
    expect(mailsTo(notice.email)).toHaveLength(1);
    expect(mailsTo(portal.email)).toHaveLength(1);
    for (const [id, mode] of [
      [a, 'notice-only'],
      [b, 'portal-link'],
    ] as const) {
      expect((await api.ok('GET', `/api/v1/invoices/${id}`)).status).toBe('sent');
      const deliveries = await api.ok('GET', `/api/v1/invoices/${id}/deliveries`);
      expect(deliveries.items.map((x: { mode: string }) => x.mode)).toEqual([mode]);
    }

    const c = await issued(notice.id);
    const marked = await run({ kind: 'invoice', action: 'mark_sent', ids: [c] });
    expect(marked).toMatchObject({ done: 1, failed: 0 });
    expect((await api.ok('GET', `/api/v1/invoices/${c}`)).status).toBe('sent');
    expect((await auditOf(c)).map((x) => x.action)).toContain('invoice.sent');
    expect(mailsTo(notice.email)).toHaveLength(1); // marking sends nothing
  });

  it('downloads the PDFs as one ZIP named by number, and exports a filtered CSV', async () => {
    const c = await client('notice-only');
    const ids = [await issued(c.id), await issued(c.id)];
    const d = await draft(c.id);
    const job = await run({ kind: 'invoice', action: 'download', format: 'pdf', ids: [...ids, d] });
    expect(job).toMatchObject({ status: 'finished', done: 2, failed: 1 });
    expect(job.failures[0]).toMatchObject({ documentId: d, code: 'conflict' });
    expect(job.file).toMatchObject({ contentType: 'application/zip' });
    const res = await api.req('GET', `/api/v1/bulk-actions/${job.id}/file`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/zip/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="invoices-\d{4}-\d{2}-\d{2}\.zip"$/);
    const files = unzipSync(new Uint8Array(res.rawPayload));
    const numbers = await Promise.all(
      ids.map(async (id) => (await api.ok('GET', `/api/v1/invoices/${id}`)).number as string),
    );
    expect(Object.keys(files).sort()).toEqual(numbers.map((x) => `${x.replace(/[^\w.-]+/g, '_')}.pdf`).sort());
    for (const bytes of Object.values(files)) expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');

    const csv = await run({ kind: 'invoice', action: 'export_csv', filter: { clientId: c.id, status: 'issued' } });
    expect(csv).toMatchObject({ status: 'finished', total: 2, done: 2 });
    const text = (await api.req('GET', `/api/v1/bulk-actions/${csv.id}/file`)).body;
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^number,status,client,/);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0]!.replace(/"/g, ''))
        .sort(),
    ).toEqual([...numbers].sort());

    // Not a file action, or not finished: 409.
    const issueJob = await run({ kind: 'invoice', action: 'issue', ids: [d] });
    expectProblem(await api.req('GET', `/api/v1/bulk-actions/${issueJob.id}/file`), 409, 'conflict');
  });

  it('resumes after a runner died mid-send: the interrupted one is never resent, the rest are sent once', async () => {
    const clients = [await client('notice-only'), await client('notice-only'), await client('notice-only')];
    const ids = [];
    for (const c of clients) ids.push(await issued(c.id));
    // The server keeps answering, but runs no jobs: a worker process does (below).
    await t.container.jobs.stop();
    const res = await api.req('POST', '/api/v1/bulk-actions', { kind: 'invoice', action: 'send', ids });
    expect(res.statusCode, res.body).toBe(202);
    const bulkId = res.json().id as string;
    // A second click while it waits: refused, nothing queued twice.
    expectProblem(
      await api.req('POST', '/api/v1/bulk-actions', { kind: 'invoice', action: 'send', ids: [ids[2]] }),
      409,
      'conflict',
    );

    // Worker 1: sends the first message, then hangs inside the second sending (it is killed there).
    const real = t.container.mailer;
    const hanging: Mailer = {
      from: real.from,
      transport: real.transport,
      tls: real.tls,
      send: (msg) => (msg.to === clients[1]!.email ? new Promise(() => {}) : real.send(msg)),
      close: () => {},
    };
    const opts = { clock, keyring: t.container.keyring, migrate: false, warn: () => {} };
    const w1 = await createContainer(t.config, { ...opts, mailer: hanging });
    void w1.jobs.runDue();
    const status = async (seq: number) =>
      (
        await t.container.db
          .selectFrom('bulk_items')
          .select('status')
          .where('job_id', '=', bulkId)
          .where('seq', '=', seq)
          .executeTakeFirstOrThrow()
      ).status;
    await expect.poll(() => status(1), { timeout: 10_000 }).toBe('sending');
    expect(await status(0)).toBe('done');
    // The process is gone (its runner never returns from the hung sending).
    w1.mailer.close();
    await w1.rateLimits.close();
    await w1.handle.close();

    // Worker 2, after the dead runner's lease has expired.
    clock.advance(10 * 60_000);
    const w2 = await createContainer(t.config, opts);
    try {
      await w2.jobs.settled();
    } finally {
      await w2.close();
    }
    const job = await api.ok('GET', `/api/v1/bulk-actions/${bulkId}`);
    expect(job).toMatchObject({ status: 'finished', total: 3, done: 2, failed: 1 });
    expect(job.failures).toEqual([expect.objectContaining({ documentId: ids[1], code: 'interrupted' })]);
    expect(clients.map((c) => mailsTo(c.email).length)).toEqual([1, 0, 1]);
    expect((await api.ok('GET', `/api/v1/invoices/${ids[2]}`)).status).toBe('sent');
  });

  it('refuses another organization’s documents and touches none of them', async () => {
    const mine = await client('notice-only');
    const theirClient = await other.ok('POST', '/api/v1/clients', {
      name: 'Victim AG',
      contacts: [{ name: 'V', email: 'victim@other.test', isPrimary: true }],
    });
    const theirs = await draft(theirClient.id, other);
    const own = await draft(mine.id);
    const res = await api.req('POST', '/api/v1/bulk-actions', { kind: 'invoice', action: 'issue', ids: [own, theirs] });
    expectProblem(res, 404, 'not_found');
    await t.container.jobs.settled();
    expect((await other.ok('GET', `/api/v1/invoices/${theirs}`)).status).toBe('draft');
    expect((await api.ok('GET', `/api/v1/invoices/${own}`)).status).toBe('draft');
    // Their job is not readable here either.
    const theirJob = await other.ok(
      'POST',
      '/api/v1/bulk-actions',
      { kind: 'invoice', action: 'export_csv', ids: [theirs] },
      202,
    );
    expectProblem(await api.req('GET', `/api/v1/bulk-actions/${theirJob.id}`), 404, 'not_found');
    expectProblem(await api.req('GET', `/api/v1/bulk-actions/${theirJob.id}/file`), 404, 'not_found');
  });

  it('needs the single action’s permission, when starting and again for each document', async () => {
    const c = await client('notice-only');
    const drafts = [await draft(c.id), await draft(c.id)];
    const sales = await addMember(t, api.orgId, 'sales', 'sales@bulk.test');
    const refused = expectProblem(
      await sales.req('POST', '/api/v1/bulk-actions', { kind: 'invoice', action: 'issue', ids: drafts }),
      403,
      'forbidden',
    );
    expect(refused.detail).toContain('invoice:issue');
    const viewer = await addMember(t, api.orgId, 'viewer', 'viewer@bulk.test');
    expectProblem(
      await viewer.req('POST', '/api/v1/bulk-actions', { kind: 'invoice', action: 'mark_sent', ids: drafts }),
      403,
      'forbidden',
    );

    // An accountant starts a bulk issue, and loses the role before the job runs.
    const acct = await addMember(t, api.orgId, 'accountant', 'acct@bulk.test');
    await t.container.jobs.stop();
    const res = await acct.req('POST', '/api/v1/bulk-actions', { kind: 'invoice', action: 'issue', ids: drafts });
    expect(res.statusCode, res.body).toBe(202);
    await t.container.db
      .updateTable('memberships')
      .set({ role: 'viewer' })
      .where('org_id', '=', api.orgId)
      .where('user_id', '=', acct.userId)
      .execute();
    await t.container.jobs.settled();
    const job = await api.ok('GET', `/api/v1/bulk-actions/${res.json().id}`);
    expect(job).toMatchObject({ status: 'finished', done: 0, failed: 2 });
    expect(job.failures.map((f: { code: string }) => f.code)).toEqual(['forbidden', 'forbidden']);
    for (const id of drafts) expect((await api.ok('GET', `/api/v1/invoices/${id}`)).status).toBe('draft');
  });

  it('downloads e-invoices as one ZIP, and names each invoice whose data the format refuses', async () => {
    await seedSellerProfile(t.container, api.orgId);
    const buyer = await api.ok('POST', '/api/v1/clients', {
      name: 'Stadt Musterhausen',
      addressLines: ['Rathausplatz 1'],
      city: 'Musterhausen',
      postalCode: '12345',
      country: 'DE',
      buyerReference: '991-12345-67',
      electronicAddress: '991-12345-67',
      electronicAddressScheme: '0204',
      einvoiceFormat: 'xrechnung-cii',
    });
    const good = await api.ok('POST', '/api/v1/invoices', {
      clientId: buyer.id,
      supplyDate: '2026-04-15',
      lines: [{ description: 'Wartung', quantity: '1', unitPrice: 10_000 }],
    });
    const number = (await api.ok('POST', `/api/v1/invoices/${good.id}/issue`, {})).number as string;
    const plain = await client('notice-only'); // no buyer reference: XRechnung refuses it
    const bad = await issued(plain.id);
    const job = await run({ kind: 'invoice', action: 'download', format: 'xrechnung-cii', ids: [good.id, bad] });
    expect(job).toMatchObject({ status: 'finished', done: 1, failed: 1 });
    expect(job.failures[0]).toMatchObject({ documentId: bad, code: 'unprocessable' });
    const files = unzipSync(new Uint8Array((await api.req('GET', `/api/v1/bulk-actions/${job.id}/file`)).rawPayload));
    expect(Object.keys(files)).toEqual([`${number.replace(/[^\w.-]+/g, '_')}-xrechnung-cii.xml`]);
    expect(Buffer.from(Object.values(files)[0]!).toString('utf8')).toMatch(/^<\?xml[^>]*>\s*<rsm:CrossIndustryInvoice/);
  });

  it('refuses a selection over the limit, bad combinations, and an empty filter', async () => {
    const ids = Array.from({ length: 10_001 }, () => crypto.randomUUID());
    const big = expectProblem(
      await api.req('POST', '/api/v1/bulk-actions', { kind: 'invoice', action: 'mark_sent', ids }),
      400,
      'validation_failed',
    );
    expect(JSON.stringify(big)).toContain('10000');
    expectProblem(
      await api.req('POST', '/api/v1/bulk-actions', {
        kind: 'quote',
        action: 'download',
        format: 'xrechnung-ubl',
        ids: [ids[0]],
      }),
      400,
      'validation_failed',
    );
    expectProblem(
      await api.req('POST', '/api/v1/bulk-actions', { kind: 'invoice', action: 'issue' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await api.req('POST', '/api/v1/bulk-actions', {
        kind: 'invoice',
        action: 'export_csv',
        filter: { number: 'NO-SUCH-NUMBER-XYZ' },
      }),
      422,
      'unprocessable',
    );
  });
  it('deletes a download’s file a week after the action finished, with the other expired rows', async () => {
    const c = await client('notice-only');
    const job = await run({ kind: 'invoice', action: 'download', format: 'pdf', ids: [await issued(c.id)] });
    const row = await t.container.db
      .selectFrom('bulk_jobs')
      .select('result_file_id')
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    const fileExists = async () =>
      Boolean(
        await t.container.db
          .selectFrom('stored_files')
          .select('id')
          .where('id', '=', row.result_file_id!)
          .executeTakeFirst(),
      );
    clock.advance(6 * 86_400_000);
    expect((await pruneExpired(t.container)).bulkFiles).toBe(0);
    expect(await fileExists()).toBe(true);
    clock.advance(2 * 86_400_000);
    expect((await pruneExpired(t.container)).bulkFiles).toBeGreaterThanOrEqual(1);
    expect(await fileExists()).toBe(false);
    await expect(t.container.services.bulk.file(api.orgId, job.id)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/deleted 7 days after/),
    });
    expect((await pruneExpired(t.container)).bulkFiles).toBe(0); // nothing left: idempotent
  });
});
