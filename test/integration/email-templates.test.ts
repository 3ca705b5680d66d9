// Email templates (issue #15, item 3) through the API and a real SMTP server on loopback: the
// organization's wording for the client's language words the subject and the opening, the facts
// and the mode's instructions stay; a sending can carry its own wording (the send dialog); the
// preview shows what would go out and records nothing; placeholders are checked, never evaluated,
// header-safe, and notices never name the client; bank details cannot hide in a template.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

describeEachDb('email templates', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let n = 0;

  async function issuedFor(language: string, deliveryMode = 'portal-link') {
    const email = `reader${++n}@client.test`;
    const client = await api.ok('POST', '/api/v1/clients', {
      name: `Kunde ${n} AG`,
      language,
      deliveryMode,
      contacts: [{ name: `Reader ${n}`, email, isPrimary: true }],
    });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      dueDate: '2026-12-31',
      lines: [{ description: 'Work', quantity: '1', unitPrice: 123_456 }],
    });
    const invoice = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    return { client, invoice, email };
  }

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock: new FixedClock('2026-12-01T09:00:00Z'),
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'billing@templates.test' },
    });
    api = await setupOrg(t.app, 'Vorlagen GmbH');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('lists each kind with its placeholders and built-in wording', async () => {
    const list = await api.ok('GET', '/api/v1/email-templates');
    expect(list.items).toEqual([]);
    const invoice = list.kinds.find((k: { kind: string }) => k.kind === 'invoice');
    expect(invoice.placeholders).toContain('client.name');
    // The built-in wording per shipped language, as the catalogue words it.
    expect(invoice.builtIn.en).toEqual({
      subject: 'Invoice {{document.number}} from {{org.name}}',
      body: '{{org.name}} has issued an invoice for you.',
    });
    expect(invoice.builtIn.de.subject).toBe('Rechnung {{document.number}} von {{org.name}}');
    expect(invoice.builtIn.fr.body).toBe('{{org.name}} a émis une facture à votre intention.');
    expect(list.kinds.find((k: { kind: string }) => k.kind === 'reminder').builtIn.de.subject).toBe(
      'Zahlungserinnerung: Rechnung {{document.number}} von {{org.name}}',
    );
    expect(list.kinds.find((k: { kind: string }) => k.kind === 'reminder').placeholders).toContain(
      'reminder.outstanding',
    );
  });

  it("words the mail in the client's language; other languages keep the built-in wording", async () => {
    await api.ok('PUT', '/api/v1/email-templates/invoice/de', {
      subject: 'Ihre Rechnung {{document.number}} von {{org.name}}',
      body: 'Guten Tag {{client.name}},\n\nanbei Ihre Rechnung über {{document.total}}, fällig am {{document.dueDate}}.',
    });
    const de = await issuedFor('de-DE');
    const en = await issuedFor('en');
    await api.ok('POST', `/api/v1/invoices/${de.invoice.id}/send`, {}, 201);
    await api.ok('POST', `/api/v1/invoices/${en.invoice.id}/send`, {}, 201);

    const german = await smtp.waitFor((m) => m.to.includes(de.email));
    expect(german.parsed.subject).toBe(`Ihre Rechnung ${de.invoice.number} von Vorlagen GmbH`);
    const text = german.parsed.text ?? '';
    expect(text).toMatch(
      new RegExp(
        `^Guten Tag Kunde ${n - 1} AG,\\n\\nanbei Ihre Rechnung über 1\\.234,56\\s€, fällig am 31\\.12\\.2026\\.`,
      ),
    );
    // The facts and the portal-link instructions follow in the client's language, whatever the template says.
    expect(text).toMatch(/Fingerabdruck: [A-Z2-7]{4}(-[A-Z2-7]{4}){3}/);
    expect(text).toContain('Öffnen Sie es im Kundenportal mit Ihrem persönlichen Link:');

    const english = await smtp.waitFor((m) => m.to.includes(en.email));
    expect(english.parsed.subject).toBe(`Invoice ${en.invoice.number} from Vorlagen GmbH`);
    expect(english.parsed.text).toMatch(/^Vorlagen GmbH has issued an invoice for you\./);
  });

  it('previews a sending without recording it, and sends the wording edited for this sending', async () => {
    const { invoice, email } = await issuedFor('de');
    const preview = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send/preview`, {}, 200);
    expect(preview).toMatchObject({
      recipients: [{ email, mode: 'portal-link', billing: false }],
      subject: `Ihre Rechnung ${invoice.number} von Vorlagen GmbH`,
      wording: 'organization',
    });
    expect(preview.opening).toMatch(/^Guten Tag Kunde \d+ AG,/);
    expect(preview.text).toContain('‹the personal link is created when sending›');
    expect((await api.ok('GET', `/api/v1/invoices/${invoice.id}/deliveries`)).items).toEqual([]);

    const message = { subject: 'Kurz: {{document.number}}', body: 'Hallo, wie besprochen.' };
    const edited = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send/preview`, { message }, 200);
    expect(edited).toMatchObject({ subject: `Kurz: ${invoice.number}`, opening: 'Hallo, wie besprochen.' });
    expect(edited.wording).toBe('this sending');
    await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { message }, 201);
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    expect(mail.parsed.subject).toBe(`Kurz: ${invoice.number}`);
    expect(mail.parsed.text).toMatch(/^Hallo, wie besprochen\.\n/);
  });

  it('keeps the client name out of notices', async () => {
    await api.ok('PUT', '/api/v1/email-templates/invoice/fr', {
      subject: 'Facture {{document.number}} pour {{client.name}}',
      body: 'Bonjour {{client.name}}, voici la facture {{document.number}}.',
    });
    const { invoice, email, client } = await issuedFor('fr', 'notice-only');
    await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, {}, 201);
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    expect(mail.parsed.subject).toBe(`Facture ${invoice.number} pour`);
    expect(mail.raw.toString()).not.toContain(client.name);

    // A value cannot break the subject line either (client names are single-line at the edge;
    // the renderer flattens any value in a header: src/modules/delivery/messages.test.ts).
  });

  it('rejects unknown placeholders, line breaks in the subject and bank details; deletes back to built-in', async () => {
    const bad = expectProblem(
      await api.req('PUT', '/api/v1/email-templates/invoice/en', {
        subject: 'Invoice {{document.number}}',
        body: 'You owe {{reminder.outstanding}} {{process.env.SECRET}}',
      }),
      422,
    );
    expect(bad.errors).toEqual([
      { path: '/body/body', message: 'unknown placeholder {{reminder.outstanding}}, {{process.env.SECRET}}' },
    ]);
    expectProblem(
      await api.req('PUT', '/api/v1/email-templates/invoice/en', { subject: 'A\r\nBcc: x@evil.test', body: 'Hi' }),
      400,
    );
    const iban = expectProblem(
      await api.req('PUT', '/api/v1/email-templates/invoice/en', {
        subject: 'Invoice',
        body: 'Please pay to our new account DE89 3704 0044 0532 0130 00.',
      }),
      400,
    );
    expect(JSON.stringify(iban)).toContain('must not contain bank account details');
    expectProblem(await api.req('PUT', '/api/v1/email-templates/invoice/english', { subject: 'a', body: 'b' }), 400);
    expectProblem(await api.req('PUT', '/api/v1/email-templates/factor_change/en', { subject: 'a', body: 'b' }), 400);
    const { invoice } = await issuedFor('de');
    expectProblem(
      await api.req('POST', `/api/v1/invoices/${invoice.id}/send`, { message: { subject: '{{nope}}', body: 'x' } }),
      422,
    );

    expect((await api.req('DELETE', '/api/v1/email-templates/invoice/de')).statusCode).toBe(204);
    expectProblem(await api.req('DELETE', '/api/v1/email-templates/invoice/de'), 404);
    const preview = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send/preview`, {}, 200);
    // The built-in wording in the client's language.
    expect(preview).toMatchObject({ wording: 'built-in', subject: `Rechnung ${invoice.number} von Vorlagen GmbH` });
    expect(preview.opening).toBe('Vorlagen GmbH hat eine Rechnung für Sie ausgestellt.');
  });
});
