// Emails in the client's language (issue #15 item 4), through the API, the real worker paths and a
// real SMTP server on loopback: a German client's invoice email, payment reminder and receipt
// email arrive in German, a French client's in French, an English client's in English as before;
// the words and the formats (amounts, dates) are those of the invoice's PDF, and so is the pay-link page. The receipt comes the
// way it does in production: a card payment through the Stripe fake, its webhook, the mail job.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectStripe, postStripeWebhook, seedBankDetails, unixNow } from '../fakes/payments-fixture.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-server.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '../helpers/smtp.ts';

const ORG = 'Sprachen GmbH';
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Case {
  language: string;
  invoice: (n: string) => { subject: string; opening: string; facts: RegExp; instructions: string };
  reminder: (n: string) => { subject: string; lines: RegExp[] };
  receipt: (n: string) => { subject: string; text: RegExp };
}

const CASES: Case[] = [
  {
    language: 'de-DE',
    invoice: (n) => ({
      subject: `Rechnung ${n} von ${ORG}`,
      opening: `${ORG} hat eine Rechnung für Sie ausgestellt.`,
      facts: new RegExp(`  Rechnungsnummer: ${esc(n)}\\n  Betrag: 1\\.234,56\\s€\\n  Fingerabdruck: [A-Z2-7-]{19}\\n`),
      instructions: 'Diese E-Mail enthält bewusst kein Dokument und keinen Link.',
    }),
    reminder: (n) => ({
      subject: `Zahlungserinnerung: Rechnung ${n} von ${ORG}`,
      lines: [
        new RegExp(`^${ORG} erinnert Sie daran, dass die Rechnung ${esc(n)} am 01\\.03\\.2026 fällig war`),
        /  Offener Betrag: 1\.234,56\s€\n/,
        /Sollten Sie inzwischen bezahlt haben/,
      ],
    }),
    receipt: (n) => ({
      subject: `Zahlung erhalten: Rechnung ${n} (${ORG})`,
      text: new RegExp(
        `^Vielen Dank\\. ${ORG} hat Ihre Zahlung über 1\\.234,56\\s€ für die Rechnung ${esc(n)} erhalten\\.`,
      ),
    }),
  },
  {
    language: 'fr-FR',
    invoice: (n) => ({
      subject: `Facture ${n} de ${ORG}`,
      opening: `${ORG} a émis une facture à votre intention.`,
      facts: new RegExp(
        `  Numéro de facture : ${esc(n)}\\n  Montant : 1\\s234,56\\s€\\n  Empreinte : [A-Z2-7-]{19}\\n`,
      ),
      instructions: 'Cet e-mail ne contient volontairement ni document ni lien.',
    }),
    reminder: (n) => ({
      subject: `Rappel de paiement : facture ${n} de ${ORG}`,
      lines: [
        new RegExp(`^${ORG} vous rappelle que la facture ${esc(n)} était payable au 1 mars 2026`),
        /  Montant restant dû : 1\s234,56\s€\n/,
        /Si vous avez payé entre-temps/,
      ],
    }),
    receipt: (n) => ({
      subject: `Paiement reçu : facture ${n} (${ORG})`,
      text: new RegExp(`^Merci\\. ${ORG} a bien reçu votre paiement de 1\\s234,56\\s€ pour la facture ${esc(n)}\\.`),
    }),
  },
  {
    // English wording as before languages, in the client's English formats.
    language: 'en-GB',
    invoice: (n) => ({
      subject: `Invoice ${n} from ${ORG}`,
      opening: `${ORG} has issued an invoice for you.`,
      facts: new RegExp(`  Invoice number: ${esc(n)}\\n  Amount: €1,234\\.56\\n  Fingerprint: [A-Z2-7-]{19}\\n`),
      instructions: 'This email deliberately contains no document and no link.',
    }),
    reminder: (n) => ({
      subject: `Payment reminder: invoice ${n} from ${ORG}`,
      lines: [
        new RegExp(`^${ORG} reminds you that invoice ${esc(n)} was due on 1 Mar 2026 and is not yet paid in full\\.`),
        /  Amount outstanding: €1,234\.56\n/,
        /If you have paid in the meantime, thank you, and please disregard this reminder\./,
      ],
    }),
    receipt: (n) => ({
      subject: `Payment received: invoice ${n} (${ORG})`,
      text: new RegExp(`^Thank you\\. ${ORG} received your payment of €1,234\\.56 for invoice ${esc(n)}\\.`),
    }),
  },
];

describeEachDb('emails in the client language', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let stripe: FakeStripe;
  let api: Api;
  let accountId: string;
  const clock = new FixedClock('2026-03-20T10:00:00Z');

  beforeAll(async () => {
    stripe = await startFakeStripe();
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock,
      env: {
        SEALBILL_STRIPE_API_URL: stripe.url,
        SEALBILL_SMTP_URL: smtp.url,
        SEALBILL_MAIL_FROM: 'billing@lang.test',
      },
    });
    api = await setupOrg(t.app, ORG, { timeZone: 'UTC' });
    await seedBankDetails(t, api.orgId);
    ({ accountId } = await connectStripe(t, api, stripe));
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
    await smtp?.close();
  });

  const mailTo = (email: string, subject: string): Promise<ReceivedMail> =>
    smtp.waitFor((m) => m.to.includes(email) && m.parsed.subject === subject);

  /** Pays the invoice by card through the Stripe fake and its signed webhook (which queues the receipt mail). */
  async function payByCard(invoiceId: string): Promise<void> {
    const link = await api.ok('POST', `/api/v1/invoices/${invoiceId}/pay-links`, {});
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pay/${link.url.split('/pay/')[1]}/checkout`,
      payload: { provider: 'stripe' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { completed } = stripe.completeSession(res.json().redirectUrl.split('/').pop(), { fee: 100 });
    const hook = await postStripeWebhook(t, accountId, stripe.signed(completed, { timestamp: unixNow(t) }));
    expect(hook.statusCode, hook.body).toBe(200);
    await t.container.jobs.settled();
  }

  it.each(CASES)('$language: the invoice email, a reminder and the receipt email', async (c) => {
    const email = `ap-${c.language.toLowerCase()}@client.test`;
    const client = await api.ok('POST', '/api/v1/clients', {
      name: `Client ${c.language}`,
      language: c.language,
      deliveryMode: 'notice-only',
      contacts: [{ name: 'Accounts', email, isPrimary: true }],
    });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      issueDate: '2026-02-01',
      dueDate: '2026-03-01',
      lines: [{ description: 'Work', quantity: '1', unitPrice: 123_456 }],
    });
    const inv = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });

    await api.ok('POST', `/api/v1/invoices/${inv.id}/send`, {}, 201);
    const i = c.invoice(inv.number);
    const invoiceText = (await mailTo(email, i.subject)).parsed.text ?? '';
    expect(invoiceText.startsWith(`${i.opening}\n\n`)).toBe(true);
    expect(invoiceText).toMatch(i.facts);
    expect(invoiceText).toContain(i.instructions);

    await api.ok('POST', `/api/v1/invoices/${inv.id}/reminders`, {}, 201);
    const r = c.reminder(inv.number);
    const reminderText = (await mailTo(email, r.subject)).parsed.text ?? '';
    for (const line of r.lines) expect(reminderText).toMatch(line);

    await payByCard(inv.id);
    const p = c.receipt(inv.number);
    const receipt = await mailTo(email, p.subject);
    expect(receipt.parsed.text).toMatch(p.text);
    expect(receipt.parsed.attachments[0]?.contentType).toBe('application/pdf');
  });

  it("speaks the issued invoice's language, not a language the client was changed to later", async () => {
    const email = 'changed@client.test';
    const client = await api.ok('POST', '/api/v1/clients', {
      name: 'Wechsel AG',
      language: 'de-DE',
      deliveryMode: 'notice-only',
      contacts: [{ name: 'Accounts', email, isPrimary: true }],
    });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      lines: [{ description: 'Work', quantity: '1', unitPrice: 123_456 }],
    });
    const inv = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    await api.ok('PATCH', `/api/v1/clients/${client.id}`, { language: 'fr-FR' });
    await api.ok('POST', `/api/v1/invoices/${inv.id}/send`, {}, 201);
    // Its PDF is German (the snapshot froze the language at issue), so is its email.
    const mail = await mailTo(email, `Rechnung ${inv.number} von ${ORG}`);
    expect(mail.parsed.text).toMatch(/  Betrag: 1\.234,56\s€\n  Fingerabdruck: /);
  });

  it("writes the pay-link page in the invoice's language; its JSON stays as it was", async () => {
    const client = await api.ok('POST', '/api/v1/clients', { name: 'Payeur SARL', language: 'fr-FR' });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      dueDate: '2026-04-30',
      lines: [{ description: 'Work', quantity: '1', unitPrice: 123_456 }],
    });
    const inv = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
    const token = link.url.split('/pay/')[1];
    const page = await t.app.inject({ method: 'GET', url: `/pay/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="fr">');
    expect(page.body).toMatch(/Montant dû : <strong>1\s234,56\s€<\/strong>/);
    expect(page.body).toContain('Échéance le 30 avr. 2026');
    expect(page.body).toContain('<h2 id="bank">Virement bancaire</h2>');
    const json = await t.app.inject({ method: 'GET', url: `/api/v1/pay/${token}` });
    expect(json.statusCode).toBe(200);
    expect(json.body).not.toMatch(/language|formatLocale/);
    // A page without an invoice follows the browser.
    const done = await t.app.inject({
      method: 'GET',
      url: '/pay/complete/x?payment=cancelled',
      headers: { 'accept-language': 'de-DE,de;q=0.9' },
    });
    expect(done.body).toContain('<h1>Zahlung abgebrochen</h1>');
  });
});
