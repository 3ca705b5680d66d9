// Templates for the two mails outside a delivery (issue #15 items 3 and 4): the payment receipt and
// the portal's one-time sign-in code, through the API and a real SMTP server on loopback. Each goes
// out in the client's language, worded by the organization's template for that language (else the
// built-in wording). The attack: a template that tries to word the sign-in mail without the code,
// or to pull the code or the link into its own text — the code, the sign-in link and the warning
// are appended in fixed wording whatever the template says, and no placeholder reaches them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '../helpers/smtp.ts';

const ORG = 'Vorlagen GmbH';

describeEachDb('receipt and portal sign-in templates', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  const clock = new FixedClock('2026-03-20T10:00:00Z');

  async function clientIn(language: string, email: string) {
    return api.ok('POST', '/api/v1/clients', {
      name: `Client ${language}`,
      language,
      email,
      contacts: [{ name: `Contact ${language}`, email, isPrimary: true }],
    });
  }

  /** Requests a sign-in code and returns its mail. */
  async function signInMail(email: string): Promise<{ mail: ReceivedMail; challengeId: string }> {
    const before = smtp.messages.length;
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/code',
      payload: { orgId: api.orgId, email },
    });
    expect(r.statusCode, r.body).toBe(202);
    await t.container.services.portalAuth.settle();
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes(email));
    return { mail, challengeId: r.json().challengeId };
  }

  /** Issues an invoice of 1,234.56, records a bank transfer for it and mails the receipt. */
  async function paidWithReceipt(clientId: string, email: string): Promise<{ number: string; mail: ReceivedMail }> {
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      issueDate: '2026-02-01',
      dueDate: '2026-03-01',
      lines: [{ description: 'Work', quantity: '1', unitPrice: 123_456 }],
    });
    const inv = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    const payment = await api.ok(
      'POST',
      `/api/v1/invoices/${inv.id}/payments`,
      { amount: inv.total, method: 'bank_transfer', receivedOn: '2026-03-18' },
      201,
    );
    const before = smtp.messages.length;
    expect(await t.container.services.receipts.send(api.orgId, payment.id)).toBe(true);
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes(email));
    return { number: inv.number, mail };
  }

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock,
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'billing@templates.test' },
    });
    api = await setupOrg(t.app, ORG, { timeZone: 'UTC' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('lists receipt and portal code as template kinds; the code and the link are no placeholders', async () => {
    const list = await api.ok('GET', '/api/v1/email-templates');
    const kind = (k: string) => list.kinds.find((x: { kind: string }) => x.kind === k);
    expect(kind('receipt').placeholders).toEqual(
      expect.arrayContaining(['client.name', 'document.number', 'payment.amount', 'payment.date', 'payment.method']),
    );
    expect(kind('receipt').builtIn.de.subject).toBe('Zahlung erhalten: Rechnung {{document.number}} ({{org.name}})');
    expect(kind('portal_code').placeholders).toEqual(['org.name', 'client.name', 'contact.name', 'portal.url']);
    expect(kind('portal_code').builtIn.fr.subject).toBe('Votre code de connexion pour {{org.name}}');
    for (const attempt of ['Code: {{code}}', 'Link: {{portal.magicLink}}', '{{payment.amount}}']) {
      const p = expectProblem(
        await api.req('PUT', '/api/v1/email-templates/portal_code/en', { subject: 'Sign in', body: attempt }),
        422,
      );
      expect(p.errors[0].path).toBe('/body/body');
    }
  });

  it('sends the sign-in code in the client’s language, the code and link in fixed wording', async () => {
    await clientIn('de-DE', 'anna@kunde.test');
    const { mail, challengeId } = await signInMail('anna@kunde.test');
    expect(mail.parsed.subject).toBe(`Ihr Anmeldecode für ${ORG}`);
    const text = mail.parsed.text ?? '';
    expect(text.startsWith(`Sie möchten sich im Kundenportal von ${ORG} anmelden.\n\nIhr Anmeldecode: `)).toBe(true);
    expect(text).toMatch(/Oder melden Sie sich mit diesem Link an .*\n.*\/portal\/magic#t=[A-Za-z0-9_-]{20,}\n/);
    expect(text).toContain('Wenn Sie keine Anmeldung angefordert haben, ignorieren Sie diese E-Mail.');
    const code = /Anmeldecode: (\d{6})\n/.exec(text)![1]!;
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/code/verify',
      payload: { challengeId, code },
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('words the sign-in mail by the organization’s template; a template cannot drop the code', async () => {
    await clientIn('fr-FR', 'claire@client.test');
    // A template that says nothing of a code, and one header-injection attempt in the subject.
    await api.ok('PUT', '/api/v1/email-templates/portal_code/fr', {
      subject: 'Connexion à {{org.name}} pour {{client.name}}',
      body: 'Bonjour {{contact.name}}, voici de quoi entrer dans {{portal.url}}.',
    });
    const { mail } = await signInMail('claire@client.test');
    expect(mail.parsed.subject).toBe(`Connexion à ${ORG} pour Client fr-FR`);
    const text = mail.parsed.text ?? '';
    expect(text.startsWith('Bonjour Contact fr-FR, voici de quoi entrer dans http')).toBe(true);
    expect(text).toMatch(/\/portal\.\n\nVotre code de connexion : \d{6}\n/);
    expect(text).toMatch(/\/portal\/magic#t=/);
    expect(text).toContain('Ne communiquez jamais ce code.');
    // Another language of the same org keeps the built-in wording.
    await clientIn('en-GB', 'eve@client.test');
    const en = await signInMail('eve@client.test');
    expect(en.mail.parsed.subject).toBe(`Your sign-in code for ${ORG}`);
    expect(en.mail.parsed.text).toMatch(
      /^You asked to sign in to the .* client portal\.\n\nYour sign-in code: \d{6}\n/,
    );
  });

  it('sends the receipt in the client’s language, by the built-in wording, then by the organization’s', async () => {
    const de = await clientIn('de-DE', 'buchhaltung@kunde.test');
    const first = await paidWithReceipt(de.id, 'buchhaltung@kunde.test');
    expect(first.mail.parsed.subject).toBe(`Zahlung erhalten: Rechnung ${first.number} (${ORG})`);
    expect(first.mail.parsed.text).toMatch(
      new RegExp(
        `^Vielen Dank\\. ${ORG} hat Ihre Zahlung über 1\\.234,56\\s€ für die Rechnung ${first.number} erhalten\\.\\n` +
          'Ihre Zahlungsbestätigung ist angehängt und bleibt im Kundenportal abrufbar\\.\\n$',
      ),
    );
    expect(first.mail.parsed.attachments[0]?.contentType).toBe('application/pdf');

    await api.ok('PUT', '/api/v1/email-templates/receipt/de', {
      subject: 'Danke, {{client.name}}: {{payment.amount}} für {{document.number}}',
      body: 'Am {{payment.date}} erhielten wir {{payment.amount}} per {{payment.method}} (Rechnungsbetrag {{document.total}}, fällig am {{document.dueDate}}).',
    });
    const second = await paidWithReceipt(de.id, 'buchhaltung@kunde.test');
    expect(second.mail.parsed.subject).toMatch(
      new RegExp(`^Danke, Client de-DE: 1\\.234,56\\s€ für ${second.number}$`),
    );
    expect(second.mail.parsed.text).toMatch(
      /^Am 18\.03\.2026 erhielten wir 1\.234,56\s€ per Überweisung \(Rechnungsbetrag 1\.234,56\s€, fällig am 01\.03\.2026\)\.\nIhre Zahlungsbestätigung ist angehängt/,
    );

    // An English client of the same organization: the built-in English wording.
    const en = await clientIn('en-GB', 'ap@client.test');
    const third = await paidWithReceipt(en.id, 'ap@client.test');
    expect(third.mail.parsed.subject).toBe(`Payment received: invoice ${third.number} (${ORG})`);
    expect(third.mail.parsed.text).toMatch(
      new RegExp(`^Thank you\\. ${ORG} received your payment of €1,234\\.56 for invoice ${third.number}\\.\\n`),
    );
  });
});
