// Plain email mode (issue #15 item 2): an ordinary email with the PDF (and the e-invoice) attached,
// through a real SMTP server on loopback that offers STARTTLS with its own certificate.
// Attack: the document itself (client, lines, bank details) travels unencrypted in this mode, so
// anyone on the path to the relay could read or rewrite it if the connection were in clear. The
// mailer must insist on TLS (a relay that does not offer STARTTLS fails the sending instead of
// falling back to clear text), a relay configured without TLS (starttls=never) must be refused
// before anything is recorded or sent, and the recipient gets the fingerprint and the public
// verification link to check the attachment against what the organization signed.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/platform/mail/mailer.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice } from '../helpers/delivery.ts';
import { SELLER_PROFILE } from '../helpers/einvoice-seed.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const FROM = 'Muster Billing <billing@muster.test>';

describeEachDb('plain email delivery', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;

  beforeAll(async () => {
    smtp = await startTestSmtp({ tls: true });
    // The real SMTP mailer, trusting the test relay's self-signed certificate; its URL names no
    // starttls option, so STARTTLS is required (the default).
    const mailer = createSmtpMailer({ url: smtp.url, from: FROM, ca: smtp.ca });
    t = await createTestInstance(dialect, { env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: FROM }, mailer });
    api = await setupOrg(t.app, 'Muster Software GmbH', { profile: SELLER_PROFILE });
    await seedPayout(t, api.orgId, { accountHolder: 'Muster Software GmbH', iban: 'DE89370400440532013000' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('attaches the PDF byte for byte, states number, amount, fingerprint and the verification link, over TLS', async () => {
    const { invoice } = await clientWithInvoice(api, { email: 'plain@zeta.test' });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'plain' }, 201);
    expect(d.mode).toBe('plain');
    expect(d.status, JSON.stringify(d.events)).toBe('relayed');
    const pdf = (await api.req('GET', `/api/v1/invoices/${invoice.id}/pdf`)).rawPayload;

    const mail = await smtp.waitFor((m) => m.to.includes('plain@zeta.test'));
    expect(smtp.secured[smtp.messages.indexOf(mail)]).toBe(true);
    expect(mail.parsed.from?.text).toContain('billing@muster.test');
    // In the client's language (German, the org's default), like the attached PDF.
    expect(mail.parsed.subject).toBe(`Rechnung ${invoice.number} von Muster Software GmbH`);
    expect(mail.parsed.attachments).toHaveLength(1);
    const [att] = mail.parsed.attachments;
    expect(att!.contentType).toBe('application/pdf');
    expect(att!.filename).toBe(`${invoice.number}.pdf`);
    expect(att!.content.equals(pdf)).toBe(true);

    // The fingerprint is the one the verification API gives for this PDF, and the link is the
    // public verification page with it in the fragment (the pay pages' link, fingerprintCheckUrl).
    const verified = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify/pdf',
      headers: { 'content-type': 'application/pdf' },
      payload: att!.content,
    });
    expect(verified.json()).toMatchObject({ authentic: true, unaltered: true });
    const fingerprint = verified.json().document.fingerprint as string;
    const text = mail.parsed.text ?? '';
    expect(text).toContain(`Rechnungsnummer: ${invoice.number}`);
    expect(text).toMatch(/Betrag: 1\.234,56/);
    expect(text).toContain(`Fingerabdruck: ${fingerprint}\n`);
    expect(text).toContain(`${t.config.publicUrl}/verify#fp=${fingerprint}\n`);

    const submitted = d.events.find((e: { type: string }) => e.type === 'submitted');
    expect(submitted.data).toMatchObject({ mode: 'plain', channel: 'email', recipient: 'plain@zeta.test' });
    expect(submitted.data.files).toEqual([{ filename: `${invoice.number}.pdf`, sha256: sha256(pdf) }]);
    expect(d.documentSha256).toBe(sha256(pdf));
    expect((await api.ok('GET', `/api/v1/invoices/${invoice.id}`)).status).toBe('sent');
    // The billing address gets its own plain delivery with the same attachment.
    expect(d.alsoDelivered).toHaveLength(1);
    expect(d.alsoDelivered[0]).toMatchObject({ mode: 'plain', status: 'relayed', recipient: 'accounts@zeta.test' });
  });

  it('a client whose delivery mode is plain gets plain mail by default', async () => {
    const { client, invoice } = await clientWithInvoice(api, { email: 'default@zeta.test', deliveryMode: 'plain' });
    expect(client.deliveryMode).toBe('plain');
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { includeBillingEmail: false }, 201);
    expect(d).toMatchObject({ mode: 'plain', status: 'relayed', alsoDelivered: [] });
    const mail = await smtp.waitFor((m) => m.to.includes('default@zeta.test'));
    expect(mail.parsed.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    // Switching the client to plain later works through PATCH as well, and back.
    expect((await api.ok('PATCH', `/api/v1/clients/${client.id}`, { deliveryMode: 'portal-link' })).deliveryMode).toBe(
      'portal-link',
    );
    expect((await api.ok('PATCH', `/api/v1/clients/${client.id}`, { deliveryMode: 'plain' })).deliveryMode).toBe(
      'plain',
    );
  });

  it('attaches the e-invoice of a client with a format; the evidence hashes both files', async () => {
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
      deliveryMode: 'plain',
      contacts: [{ name: 'Rita Rechnung', email: 'rechnung@musterhausen.test', isPrimary: true }],
    });
    const rate = await api.ok('POST', '/api/v1/tax-rates', { name: 'USt', rateBp: 1900 });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      supplyDate: '2026-01-15',
      lines: [{ description: 'Wartung', quantity: '1', unitPrice: 10_000, taxRateId: rate.id }],
    });
    const invoice = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`);
    const pdf = (await api.req('GET', `/api/v1/invoices/${invoice.id}/pdf`)).rawPayload;
    const xml = (await api.req('GET', `/api/v1/invoices/${invoice.id}/einvoice?format=xrechnung-ubl`)).rawPayload;

    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, {}, 201);
    expect(d).toMatchObject({ mode: 'plain', status: 'relayed' });
    const submitted = d.events.find((e: { type: string }) => e.type === 'submitted');
    expect(submitted.data.files).toEqual([
      { filename: `${invoice.number}.pdf`, sha256: sha256(pdf) },
      { filename: `${invoice.number}-xrechnung.xml`, sha256: sha256(xml) },
    ]);
    const mail = await smtp.waitFor((m) => m.to.includes('rechnung@musterhausen.test'));
    const byName = new Map(mail.parsed.attachments.map((a) => [a.filename, a]));
    expect([...byName.keys()]).toEqual([`${invoice.number}.pdf`, `${invoice.number}-xrechnung.xml`]);
    expect(byName.get(`${invoice.number}.pdf`)!.content.equals(pdf)).toBe(true);
    const attachedXml = byName.get(`${invoice.number}-xrechnung.xml`)!;
    expect(attachedXml.contentType).toBe('application/xml');
    expect(sha256(attachedXml.content)).toBe(sha256(xml));
    expect(mail.parsed.text).toContain(`${invoice.number}-xrechnung.xml`);
  });

  it('for a Factur-X client the PDF is the e-invoice: attached once, not twice', async () => {
    const client = await api.ok('POST', '/api/v1/clients', {
      name: 'Hybrid GmbH',
      addressLines: ['Domkloster 4'],
      city: 'Köln',
      postalCode: '50667',
      country: 'DE',
      einvoiceFormat: 'factur-x',
      vatId: 'DE811907980',
      deliveryMode: 'plain',
      contacts: [{ name: 'Hanna Hybrid', email: 'hanna@hybrid.test', isPrimary: true }],
    });
    const rate = await api.ok('POST', '/api/v1/tax-rates', { name: 'USt 19', rateBp: 1900 });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      supplyDate: '2026-02-27',
      lines: [{ description: 'Beratung', quantity: '2', unitPrice: 10_000, taxRateId: rate.id }],
    });
    const invoice = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`);
    const pdf = (await api.req('GET', `/api/v1/invoices/${invoice.id}/pdf`)).rawPayload;
    const hybrid = (await api.req('GET', `/api/v1/invoices/${invoice.id}/einvoice?format=factur-x`)).rawPayload;
    expect(hybrid.equals(pdf)).toBe(true);

    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, {}, 201);
    expect(d).toMatchObject({ mode: 'plain', status: 'relayed' });
    const submitted = d.events.find((e: { type: string }) => e.type === 'submitted');
    expect(submitted.data.files).toEqual([{ filename: `${invoice.number}.pdf`, sha256: sha256(pdf) }]);
    const mail = await smtp.waitFor((m) => m.to.includes('hanna@hybrid.test'));
    expect(mail.parsed.attachments).toHaveLength(1);
    expect(mail.parsed.attachments[0]!.content.equals(pdf)).toBe(true);
  });

  // Schema failures are 400 validation_failed with field errors in this API (error-handler.ts), as
  // for every other enum; 422 is for well-formed requests the rules refuse (the cleartext relay below).
  it('refuses an unknown mode for a sending and for a client (problem+json with the field), sending nothing', async () => {
    const { client, invoice } = await clientWithInvoice(api, { email: 'badmode@zeta.test' });
    const before = smtp.messages.length;
    const send = expectProblem(
      await api.req('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'plaintext' }),
      400,
      'validation_failed',
    );
    expect(send.errors.map((e: { path: string }) => e.path)).toContain('/body/mode');
    const create = expectProblem(
      await api.req('POST', '/api/v1/clients', { name: 'Bad Mode Ltd', deliveryMode: 'email' }),
      400,
      'validation_failed',
    );
    expect(create.errors.map((e: { path: string }) => e.path)).toContain('/body/deliveryMode');
    expectProblem(
      await api.req('PATCH', `/api/v1/clients/${client.id}`, { deliveryMode: 'PLAIN' }),
      400,
      'validation_failed',
    );
    expect((await api.ok('GET', `/api/v1/invoices/${invoice.id}/deliveries`)).items).toEqual([]);
    expect(smtp.messages.length).toBe(before);
  });

  it('the mailer requires STARTTLS unless told starttls=never: a relay without TLS gets nothing', async () => {
    const bare = await startTestSmtp(); // offers no STARTTLS
    const mailer = createSmtpMailer({ url: bare.url.replace('?starttls=never', ''), from: FROM });
    try {
      expect(mailer.tls).toBe('starttls');
      await expect(
        mailer.send({ to: 'x@zeta.test', subject: 'Secret', text: 'must not travel in clear' }),
      ).rejects.toThrow(/TLS/);
      expect(bare.messages).toHaveLength(0);
    } finally {
      mailer.close();
      await bare.close();
    }
  });
});

describeEachDb('plain email with a relay in clear or no relay', (dialect) => {
  describe('relay with starttls=never', () => {
    let t: TestInstance;
    let smtp: TestSmtp;
    let api: Api;
    beforeAll(async () => {
      smtp = await startTestSmtp();
      t = await createTestInstance(dialect, { env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: FROM } });
      api = await setupOrg(t.app, 'Cleartext Ltd');
    });
    afterAll(async () => {
      await t?.close();
      await smtp?.close();
    });

    it('refuses plain mode with 422 saying why, records and sends nothing; other modes still go', async () => {
      expect(t.container.mailer.tls).toBe('none');
      const { client, invoice } = await clientWithInvoice(api, { email: 'clear@zeta.test' });
      const p = expectProblem(
        await api.req('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'plain' }),
        422,
        'unprocessable',
      );
      expect(p.detail ?? p.title).toMatch(/without TLS.*starttls=never.*in clear/);
      expect(p.errors).toEqual([{ path: '/body/mode', message: 'needs an SMTP relay with TLS' }]);
      // The client's default mode is refused the same way.
      await api.ok('PATCH', `/api/v1/clients/${client.id}`, { deliveryMode: 'plain' });
      expectProblem(await api.req('POST', `/api/v1/invoices/${invoice.id}/send`, {}), 422, 'unprocessable');
      expect((await api.ok('GET', `/api/v1/invoices/${invoice.id}/deliveries`)).items).toEqual([]);
      expect((await api.ok('GET', `/api/v1/invoices/${invoice.id}`)).status).toBe('issued');
      await new Promise((r) => setTimeout(r, 200));
      expect(smtp.messages.filter((m) => m.to.includes('clear@zeta.test'))).toHaveLength(0);
      // A notice (no document in it) is still sent over this relay, as before.
      const n = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'notice-only' }, 201);
      expect(n.status).toBe('relayed');
    });
  });

  describe('no relay (outbox)', () => {
    let t: TestInstance;
    let api: Api;
    beforeAll(async () => {
      t = await createTestInstance(dialect);
      api = await setupOrg(t.app, 'Outbox Plain Ltd');
    });
    afterAll(() => t?.close());

    it('saves the plain message with its attachment to the outbox and says so: not sent', async () => {
      const { invoice } = await clientWithInvoice(api, { email: 'outbox@zeta.test' });
      const d = await api.ok(
        'POST',
        `/api/v1/invoices/${invoice.id}/send`,
        { mode: 'plain', includeBillingEmail: false },
        201,
      );
      expect(d.status).toBe('saved_to_outbox');
      expect(d.events.map((e: { type: string }) => e.type)).toEqual(['submitted', 'saved_to_outbox']);
      expect(d.events[1].data).toMatchObject({ transport: 'outbox', sent: false });
      expect((await api.ok('GET', `/api/v1/invoices/${invoice.id}`)).status).toBe('issued');
      const dir = t.container.mailer.outboxDir!;
      const saved = (
        await Promise.all(
          readdirSync(dir)
            .filter((f) => f.endsWith('.eml'))
            .map((f) => simpleParser(readFileSync(path.join(dir, f)))),
        )
      ).filter((m) => JSON.stringify(m.to).includes('outbox@zeta.test'));
      expect(saved).toHaveLength(1);
      expect(saved[0]!.messageId).toBe(d.messageId);
      const pdf = (await api.req('GET', `/api/v1/invoices/${invoice.id}/pdf`)).rawPayload;
      expect(saved[0]!.attachments.map((a) => a.filename)).toEqual([`${invoice.number}.pdf`]);
      expect(saved[0]!.attachments[0]!.content.equals(pdf)).toBe(true);
    });
  });
});
