// The client portal in the client's language (issue #15 item 4), in a real browser: the sign-in
// page speaks the browser's language (nobody is known yet); once a German client's contact has
// signed in, every screen is German (navigation, lists, status, the document with its lines and
// totals, the pay panel, the statement), amounts and dates are written as German documents write them, and the
// page says lang="de"; a French client's contact gets French. Accessibility is checked on the way.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import {
  checkA11y,
  describeBrowser,
  expectNoProblems,
  launchBrowser,
  newPage,
  startServer,
  type TestServer,
} from './browser.ts';
import { mailMatch, setupByApi, type ApiClient } from './journeys.ts';

describeBrowser('portal languages', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient & { orgId: string };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startServer({ env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'billing@lang.test' } });
    browser = await launchBrowser();
    api = await setupByApi(server.url, { email: 'olga@lang.test', password: 'correct horse battery staple 7' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  async function clientWithInvoice(language: string, email: string): Promise<string> {
    const client = await api.call('POST', '/api/v1/clients', {
      name: `Client ${language}`,
      language,
      contacts: [{ name: 'Carla', email, isPrimary: true }],
    });
    const draft = await api.call('POST', '/api/v1/invoices', {
      clientId: client.id,
      issueDate: '2026-12-01',
      dueDate: '2099-12-31', // never overdue, whatever day the test runs (the list shows the status)
      lines: [{ description: 'Security review', quantity: '3', unitPrice: 95_000 }],
    });
    const issued = await api.call('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    return issued.number as string;
  }

  it("speaks the signed-in client's language, with its formats", async () => {
    const number = await clientWithInvoice('de-DE', 'carla@kunde.test');
    const ctx = await browser.newContext({ locale: 'en-US' });
    const { page, problems } = await newPage(ctx);
    await page.goto(`${server.url}/portal?org=${api.orgId}`);
    // Nobody is signed in yet: the browser's language.
    await page.getByRole('heading', { level: 1, name: 'Sign in to the client portal' }).waitFor();
    const mark = smtp.messages.length;
    await page.getByLabel('Email').fill('carla@kunde.test');
    await page.getByRole('button', { name: 'Email me a code' }).click();
    const code = await mailMatch(smtp, 'carla@kunde.test', /: (\d{6})\b/, mark);
    await page.getByLabel('One-time code').fill(code);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { level: 1, name: 'Rechnungen' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Portal' });
    for (const tab of ['Rechnungen', 'Angebote', 'Gutschriften', 'Zahlungen', 'Sicherheit'])
      await nav.getByRole('link', { name: tab }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.getByRole('columnheader', { name: 'Zu zahlen' }).waitFor();
    await page.getByText('Ausgestellt').first().waitFor();
    await page
      .getByText(/2\.850,00\s€/)
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    await checkA11y(page, 'portal-de-list');

    await page.getByRole('link', { name: number }).click();
    await page.getByRole('heading', { level: 1, name: `Rechnung ${number}` }).waitFor();
    await page.getByRole('link', { name: 'PDF herunterladen' }).waitFor();
    await page.getByText('01.12.2026').waitFor();
    await page.getByRole('columnheader', { name: 'Einzelpreis' }).waitFor();
    await page.getByText('Zwischensumme').waitFor();
    await page.getByRole('heading', { name: /^2\.850,00\s€ bezahlen$/ }).waitFor();
    await checkA11y(page, 'portal-de-invoice');
    expect(await page.locator('main').textContent()).not.toMatch(/Download PDF|Subtotal|Issued|Fingerprint/);

    // The statement tab (shared with the staff app) speaks German too.
    await nav.getByRole('link', { name: 'Kontoauszug' }).click();
    await page.getByRole('heading', { level: 1, name: 'Kontoauszug' }).waitFor();
    await page.getByText('Erhaltene Zahlungen').first().waitFor();
    await checkA11y(page, 'portal-de-statement');

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to the client portal' }).waitFor();
    expectNoProblems(problems);
    await ctx.close();
  });

  it('gives a French client French, from the start when the browser is French', async () => {
    await clientWithInvoice('fr-FR', 'claire@client.test');
    const ctx = await browser.newContext({ locale: 'fr-FR' });
    const { page, problems } = await newPage(ctx);
    await page.goto(`${server.url}/portal?org=${api.orgId}`);
    await page.getByRole('heading', { level: 1, name: 'Se connecter au portail client' }).waitFor();
    const mark = smtp.messages.length;
    await page.getByLabel('E-mail').fill('claire@client.test');
    await page.getByRole('button', { name: 'M’envoyer un code' }).click();
    const code = await mailMatch(smtp, 'claire@client.test', /: (\d{6})\b/, mark);
    await page.getByLabel('Code à usage unique').fill(code);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Factures' }).waitFor();
    await page.getByRole('navigation', { name: 'Portail' }).getByRole('link', { name: 'Avoirs' }).click();
    await page.getByText('Aucun avoir pour le moment').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await checkA11y(page, 'portal-fr-empty');
    expectNoProblems(problems);
    await ctx.close();
  });
});
