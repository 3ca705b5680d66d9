// What a sending says and to whom (issue #10 §14, §22), checked against the messages a real SMTP
// server on loopback receives:
// - the evidence's Message-ID (and the delivery's) is exactly the Message-ID header of the outer
//   message transmitted, in every mode (OpenPGP and S/MIME messages are built by us, raw: the
//   relay's own idea of a Message-ID must not be recorded instead);
// - the client's billing email, which the client form says receives documents, is a recipient
//   (its own delivery and evidence; a notice instead of a personal portal link when it is no contact);
// - the sender's display name is the organization's name on the configured address, Reply-To its
//   contact address; the text says "an invoice", not "a invoice".
import { readFileSync } from 'node:fs';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { openssl, scratchDir } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { staffSession } from '../helpers/session.ts';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '../helpers/smtp.ts';
import { itNeeds } from '../helpers/tools.ts';

/** The outer Message-ID header of a raw message, read independently of our mailer. */
const outerMessageId = (raw: Buffer) => {
  const head = raw
    .toString('latin1')
    .split(/\r?\n\r?\n/)[0]!
    .replace(/\r?\n[ \t]+/g, ' ');
  return /^message-id:\s*(<[^>]+>)/im.exec(head)?.[1] ?? null;
};

describeEachDb('delivery recipients, sender and Message-ID', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  const tmp = scratchDir('recipients');
  let n = 0;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock: new FixedClock(new Date()),
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'Sealbill <billing@sender.test>' },
    });
    api = await setupOrg(t.app, 'Acme Widgets GmbH');
    const owner = await staffSession(t, api.orgId, api.userId);
    const res = await owner.req('PATCH', '/api/v1/org', {
      profile: {
        addressLines: ['1 Main St'],
        country: 'DE',
        taxIds: [],
        email: 'accounts@acme-widgets.test',
        phone: null,
        website: null,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    tmp.cleanup();
  });

  async function invoiceFor(client: Record<string, unknown>) {
    // English clients: these tests read the English wording ("an invoice", "billing address").
    const c = await api.ok('POST', '/api/v1/clients', { name: `Client ${++n}`, language: 'en', ...client });
    const d = await api.ok('POST', '/api/v1/invoices', {
      clientId: c.id,
      lines: [{ description: 'Work', quantity: '1', unitPrice: 10_000 }],
    });
    return {
      client: c,
      invoice: await api.ok('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true }),
    };
  }

  /** The mail for one delivery, found by its Message-ID header; checks sender, recipient and evidence. */
  async function expectTransmitted(d: {
    id: string;
    recipient: string;
    messageId: string;
    events: Array<{ type: string; data: Record<string, unknown> }>;
  }): Promise<ReceivedMail> {
    expect(d.messageId).toMatch(/^<[^<>\s]+@[^<>\s]+>$/);
    const mail = await smtp.waitFor((m) => outerMessageId(m.raw) === d.messageId);
    expect(mail.to).toEqual([d.recipient]);
    expect(mail.parsed.messageId).toBe(d.messageId);
    const relayed = d.events.find((e) => e.type === 'relayed')!;
    expect(relayed.data.messageId).toBe(outerMessageId(mail.raw));
    // The signed certificate names the same Message-ID.
    const cert = await api.ok('GET', `/api/v1/deliveries/${d.id}/certificate.json`);
    expect(
      cert.events.find((e: { content: { type: string } }) => e.content.type === 'relayed').content.data.messageId,
    ).toBe(d.messageId);
    // Sender: the organization's name on the configured address; replies go to its contact address.
    expect(mail.parsed.from?.value).toEqual([{ name: 'Acme Widgets GmbH', address: 'billing@sender.test' }]);
    expect(mail.parsed.replyTo?.value).toEqual([{ name: '', address: 'accounts@acme-widgets.test' }]);
    expect(mail.from).toBe('billing@sender.test');
    return mail;
  }

  it('notice-only: the contact and the billing email each get the notice; "an invoice"; Message-IDs match', async () => {
    const { invoice } = await invoiceFor({
      email: 'ap@client1.test',
      deliveryMode: 'notice-only',
      contacts: [{ name: 'Cleo', email: 'cleo@client1.test', isPrimary: true }],
    });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, {}, 201);
    expect(d.recipient).toBe('cleo@client1.test');
    expect(d.alsoDelivered.map((x: { recipient: string; mode: string }) => [x.recipient, x.mode])).toEqual([
      ['ap@client1.test', 'notice-only'],
    ]);
    for (const x of [d, ...d.alsoDelivered]) {
      const mail = await expectTransmitted(x);
      expect(mail.parsed.text).toContain('Acme Widgets GmbH has issued an invoice for you.');
      expect(mail.parsed.text).not.toMatch(/\ba invoice\b/);
    }
    expect(d.events[0].data.billingEmail).toBeUndefined();
    expect(d.alsoDelivered[0].events[0].data).toMatchObject({ recipient: 'ap@client1.test', billingEmail: true });
  });

  it('portal link: the billing email, being no contact, gets a notice and no personal link', async () => {
    const { invoice } = await invoiceFor({
      email: 'ap@client2.test',
      deliveryMode: 'portal-link',
      contacts: [{ name: 'Pia', email: 'pia@client2.test', isPrimary: true }],
    });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, {}, 201);
    const contactMail = await expectTransmitted(d);
    expect(contactMail.parsed.text).toMatch(/\/portal\/open#t=/);
    const [billing] = d.alsoDelivered;
    expect(billing).toMatchObject({ recipient: 'ap@client2.test', mode: 'notice-only', status: 'relayed' });
    const billingMail = await expectTransmitted(billing);
    expect(billingMail.parsed.text).not.toMatch(/portal\/open|https?:/);
    expect(billingMail.parsed.text).toContain('billing address');
  });

  it('a client with only a billing email is delivered to (it was refused before); includeBillingEmail: false leaves it out', async () => {
    const { invoice } = await invoiceFor({ email: 'only-billing@client3.test', deliveryMode: 'notice-only' });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, {}, 201);
    expect(d).toMatchObject({ recipient: 'only-billing@client3.test', status: 'relayed', alsoDelivered: [] });
    await expectTransmitted(d);
    expectProblem(
      await api.req('POST', `/api/v1/invoices/${invoice.id}/send`, { includeBillingEmail: false }),
      422,
      'unprocessable',
    );

    const both = await invoiceFor({
      email: 'ap@client4.test',
      deliveryMode: 'notice-only',
      contacts: [{ name: 'Ola', email: 'ola@client4.test', isPrimary: true }],
    });
    const one = await api.ok('POST', `/api/v1/invoices/${both.invoice.id}/send`, { includeBillingEmail: false }, 201);
    expect(one).toMatchObject({ recipient: 'ola@client4.test', alsoDelivered: [] });
    // A billing email that is also a contact's address is one recipient, not two.
    const same = await invoiceFor({
      email: 'Same@client5.test',
      deliveryMode: 'notice-only',
      contacts: [{ name: 'Sam', email: 'same@client5.test', isPrimary: true }],
    });
    expect((await api.ok('POST', `/api/v1/invoices/${same.invoice.id}/send`, {}, 201)).alsoDelivered).toEqual([]);
  });

  it('OpenPGP: the Message-ID of the raw message we built is the one in the evidence (contact and billing)', async () => {
    const { client, invoice } = await invoiceFor({
      email: 'ap@client6.test',
      deliveryMode: 'openpgp',
      contacts: [{ name: 'Gus', email: 'gus@client6.test', isPrimary: true }],
    });
    const key = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'gus@client6.test' }],
      date: new Date(Date.now() - 86_400_000),
      format: 'armored',
    });
    await api.ok('PUT', `/api/v1/clients/${client.id}/keys`, { openpgpPublicKey: key.publicKey });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, {}, 201);
    expect(d.status, JSON.stringify(d.events)).toBe('relayed');
    for (const x of [d, ...d.alsoDelivered]) {
      const mail = await expectTransmitted(x);
      expect(mail.raw.toString()).toMatch(/multipart\/encrypted/);
    }
    expect(d.alsoDelivered).toHaveLength(1);
  });

  itNeeds(['openssl'], 'S/MIME: the Message-ID of the raw message we built is the one in the evidence', async () => {
    const { client, invoice } = await invoiceFor({
      deliveryMode: 'smime',
      contacts: [{ name: 'Sia', email: 'sia@client7.test', isPrimary: true }],
    });
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      tmp.file('c.key'),
      '-out',
      tmp.file('c.crt'),
      '-subj',
      '/CN=sia/emailAddress=sia@client7.test',
      '-days',
      '30',
    ]);
    await api.ok('PUT', `/api/v1/clients/${client.id}/keys`, {
      smimeCertificatePem: readFileSync(tmp.file('c.crt'), 'utf8'),
    });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, {}, 201);
    expect(d.status, JSON.stringify(d.events)).toBe('relayed');
    const mail = await expectTransmitted(d);
    expect(mail.raw.toString()).toMatch(/application\/pkcs7-mime; smime-type=enveloped-data/);
  });
});
