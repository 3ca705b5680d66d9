// Delivery of e-invoices (issue #12 item 7): a mode that carries the document (OpenPGP here;
// S/MIME builds the same content entity) attaches the e-invoice in the client's format beside
// the PDF, and the 'submitted' evidence hashes every file sent. Opened with GnuPG, not our code.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOrg, type Api } from '../helpers/api.ts';
import { portalLogin, portalReq, run, scratchDir } from '../helpers/delivery.ts';
import { SELLER_PROFILE } from '../helpers/einvoice-seed.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { itNeeds } from '../helpers/tools.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describeEachDb('e-invoice delivery', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let clock: FixedClock;
  const tmp = scratchDir('einvoice-delivery');

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock(new Date());
    t = await createTestInstance(dialect, {
      clock,
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'Muster Billing <billing@muster.test>' },
    });
    api = await setupOrg(t.app, 'Muster Software GmbH', { profile: SELLER_PROFILE });
    await seedPayout(t, api.orgId, { accountHolder: 'Muster Software GmbH', iban: 'DE89370400440532013000' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    tmp.cleanup();
  });

  itNeeds(['gpg'], 'OpenPGP carries the PDF and the XRechnung XML; the evidence hashes both', async () => {
    const client = await api.ok('POST', '/api/v1/clients', {
      name: 'Stadt Musterhausen',
      email: 'rechnung@musterhausen.test',
      addressLines: ['Rathausplatz 1'],
      city: 'Musterhausen',
      postalCode: '12345',
      country: 'DE',
      electronicAddress: '991-12345-67',
      electronicAddressScheme: '0204',
      buyerReference: '991-12345-67',
      einvoiceFormat: 'xrechnung-ubl',
      contacts: [{ name: 'Rita Rechnung', email: 'rechnung@musterhausen.test', isPrimary: true }],
    });
    const rate = await api.ok('POST', '/api/v1/tax-rates', { name: 'USt', rateBp: 1900 });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      supplyDate: '2026-01-15',
      lines: [{ description: 'Wartung', quantity: '1', unitPrice: 10_000, taxRateId: rate.id }],
    });
    const invoice = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`);
    const xml = (await api.req('GET', `/api/v1/invoices/${invoice.id}/einvoice?format=xrechnung-ubl`)).rawPayload;

    const past = new Date(clock.now().getTime() - 86_400_000);
    const key = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Stadt', email: 'rechnung@musterhausen.test' }],
      date: past,
      format: 'armored',
    });
    await api.ok('PUT', `/api/v1/clients/${client.id}/keys`, { openpgpPublicKey: key.publicKey });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'openpgp' }, 201);
    expect(d.status, JSON.stringify(d.events)).toBe('relayed');

    const submitted = d.events.find((e: { type: string }) => e.type === 'submitted');
    expect(submitted.data.files).toEqual([
      { filename: `${invoice.number}.pdf`, sha256: d.documentSha256 },
      { filename: `${invoice.number}-xrechnung.xml`, sha256: sha256(xml) },
    ]);

    const mail = await smtp.waitFor((m) => m.to.includes('rechnung@musterhausen.test'));
    const published = await t.app.inject({ method: 'GET', url: `/api/v1/public/orgs/${api.orgId}/delivery-keys` });
    writeFileSync(tmp.file('org.asc'), published.json().openpgp.armored);
    writeFileSync(tmp.file('client.asc'), key.privateKey);
    writeFileSync(
      tmp.file('msg.asc'),
      /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(mail.raw.toString('utf8'))![0],
    );
    const home = scratchDir('gnupg-einvoice');
    const env = { GNUPGHOME: home.dir };
    expect(run('gpg', ['--batch', '--import', tmp.file('client.asc'), tmp.file('org.asc')], { env }).status).toBe(0);
    const dec = run('gpg', ['--batch', '--decrypt', tmp.file('msg.asc')], { env });
    expect(dec.status, dec.stderr.toString()).toBe(0);
    const inner = await simpleParser(dec.stdout);
    const attached = inner.attachments.find((a) => a.filename === `${invoice.number}-xrechnung.xml`);
    expect(attached?.contentType).toBe('application/xml');
    expect(sha256(attached!.content)).toBe(sha256(xml));
    expect(inner.attachments.some((a) => a.contentType === 'application/pdf')).toBe(true);
    home.cleanup();
  });

  it('the portal offers the e-invoice in the format the document was issued for (404 without one), as access evidence', async () => {
    const invoices = (await api.ok('GET', '/api/v1/invoices')).items;
    const withFormat = invoices[0];
    const s = await portalLogin(t.app, smtp, api.orgId, 'rechnung@musterhausen.test');
    const res = await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${withFormat.id}/einvoice`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${withFormat.number}-xrechnung.xml"`);
    expect(res.body).toBe(
      (await api.req('GET', `/api/v1/invoices/${withFormat.id}/einvoice?format=xrechnung-ubl`)).body,
    );
    const deliveries = await api.req('GET', `/api/v1/invoices/${withFormat.id}/deliveries`);
    expect(deliveries.body).toMatch(
      new RegExp(`"downloadedSha256":"${sha256(res.rawPayload)}","einvoiceFormat":"xrechnung-ubl"`),
    );
    // A document of the same client issued while its format was none has no e-invoice.
    await api.ok('PATCH', `/api/v1/clients/${withFormat.clientId}`, { einvoiceFormat: 'none' });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: withFormat.clientId,
      lines: [{ description: 'Ohne', quantity: '1', unitPrice: 1_000 }],
    });
    await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`);
    expect((await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${draft.id}/einvoice`)).statusCode).toBe(404);
  });
});
