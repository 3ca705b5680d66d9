// The public pages a client reaches, in the client's language (issue #15 item 4), in a real
// browser with an English locale: a German client's sealed link speaks German from the first
// screen (the link carries ?lang=, because the page fetches nothing before the click: each fetch
// counts as a download), its one-time code arrives by a German email, and the decrypted page is
// German too; the verification page follows ?lang=fr, and without it the browser's language.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import {
  checkA11y,
  checkpoint,
  describeBrowser,
  expectNoProblems,
  launchBrowser,
  newPage,
  startServer,
  type TestServer,
} from './browser.ts';
import { mailMatch, setupByApi, type ApiClient } from './journeys.ts';

describeBrowser('public pages in the client language', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient & { orgId: string };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startServer({ env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'billing@lang.test' } });
    browser = await launchBrowser();
    api = await setupByApi(server.url, { email: 'olga@publang.test', password: 'correct horse battery staple 8' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  async function issuedInvoice(language: string, email: string) {
    const client = await api.call('POST', '/api/v1/clients', {
      name: `Kunde ${language}`,
      language,
      contacts: [{ name: 'Klara', email, isPrimary: true }],
    });
    const draft = await api.call('POST', '/api/v1/invoices', {
      clientId: client.id,
      issueDate: '2026-12-01',
      dueDate: '2099-12-31', // never overdue, whatever day the test runs (the list shows the status)
      lines: [{ description: 'Sicherheitsprüfung', quantity: '2', unitPrice: 80_000 }],
    });
    const issued = await api.call('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    return { invoiceId: issued.id as string, contactId: client.contacts[0].id as string };
  }

  it("opens a German client's sealed link in German, with a German code email", async () => {
    const { invoiceId, contactId } = await issuedInvoice('de-DE', 'klara@kunde.test');
    const link = await api.call('POST', `/api/v1/invoices/${invoiceId}/sealed-links`, {
      requireCode: true,
      contactId,
    });
    expect(link.url).toMatch(/\/s\/[0-9a-f-]{36}\?lang=de-DE#k=[A-Za-z0-9_-]{43}$/);

    const ctx = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
    const { page, problems } = await newPage(ctx);
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/')) apiCalls.push(r.url());
    });
    await page.goto(link.url);
    await checkpoint(page, 'sealed-de', 'Ein sicheres Dokument wurde mit Ihnen geteilt');
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.getByText('Das Dokument ist Ende-zu-Ende-verschlüsselt.').waitFor();
    // The language came from the link: nothing was asked of the server before the click.
    expect(apiCalls).toEqual([]);

    await page.getByRole('button', { name: 'Entschlüsseln und herunterladen' }).click();
    await page.getByRole('heading', { level: 2, name: 'Bestätigen Sie, dass Sie es sind' }).waitFor();
    await page.getByText(/verlangt einen Einmalcode, bevor sich das Dokument öffnet/).waitFor();
    const mark = smtp.messages.length;
    await page.getByRole('button', { name: 'Code per E-Mail senden' }).click();
    const code = await mailMatch(smtp, 'klara@kunde.test', /Ihr Einmalcode lautet (\d{6})/, mark);
    const mail = smtp.messages.filter((m, i) => i >= mark && m.to.includes('klara@kunde.test')).at(-1)!;
    expect(mail.parsed.subject).toMatch(/^Ihr Code zum Öffnen des Dokuments von /);
    await page.getByText('Wir haben einen 6-stelligen Code').waitFor();
    await checkA11y(page, 'sealed-de-code');

    // A wrong code is refused in German, not with the server's English words.
    await page.getByLabel('Einmalcode').fill(code === '000000' ? '000001' : '000000');
    await page.getByRole('button', { name: 'Entschlüsseln und herunterladen' }).click();
    await page.getByRole('alert').filter({ hasText: 'Der Code ist falsch, abgelaufen oder schon benutzt.' }).waitFor();

    // The right code then opens it (a challenge allows a few guesses).
    await page.getByLabel('Einmalcode').fill(code);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Entschlüsseln und herunterladen' }).click();
    await download;
    await checkpoint(page, 'sealed-de-opened', 'Ihr Dokument ist entschlüsselt');
    await page.getByText('Es wurde in diesem Browser entschlüsselt').waitFor();
    await page.getByRole('link', { name: /speichern$/ }).waitFor();
    expect(await page.getByRole('link', { name: 'Prüfseite' }).getAttribute('href')).toBe('/verify?lang=de');
    expect(await page.locator('main').textContent()).not.toMatch(/Decrypt|decrypted|Save |File/);
    expectNoProblems(problems);
    await ctx.close();
  }, 120_000);

  it('speaks French on the verification page with ?lang=fr, and the browser language without it', async () => {
    const { invoiceId } = await issuedInvoice('de-DE', 'kurt@kunde.test');
    const pdf = Buffer.from(
      await (
        await fetch(`${server.url}/api/v1/invoices/${invoiceId}/pdf`, {
          headers: { authorization: `Bearer ${api.token}` },
        })
      ).arrayBuffer(),
    );
    const token = /\/verify\/([A-Za-z0-9_-]{22})/.exec(pdf.toString('latin1'))?.[1];
    expect(token).toBeTruthy();

    const ctx = await browser.newContext({ locale: 'en-US' });
    const { page, problems } = await newPage(ctx);
    await page.goto(`${server.url}/verify?lang=fr`);
    await checkpoint(page, 'verify-fr', 'Cette facture est-elle authentique ?');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByRole('heading', { level: 2, name: 'Déposer le PDF ou la facture électronique' }).waitFor();
    await page.getByLabel('Numéro de facture').waitFor();
    await page.getByRole('button', { name: 'Vérifier les informations' }).waitFor();

    await page.goto(`${server.url}/verify/${token}?lang=fr`);
    const verdict = page.locator('[data-verdict]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('authentic');
    expect(await verdict.textContent()).toContain('Authentique : cette facture a été émise par Acme Studio GmbH');
    await page.getByText('Code de vérification').waitFor();
    await page.getByText('Vérifier la signature vous-même').waitFor();
    await checkA11y(page, 'verify-fr-authentic');
    expect(await page.getByRole('link', { name: 'Vérifier un autre document' }).getAttribute('href')).toBe(
      '/verify?lang=fr',
    );
    await page.goto(`${server.url}/verify/AAAAAAAAAAAAAAAAAAAAAA?lang=fr`);
    await page.locator('[data-verdict="no_match"]').getByText('Aucun document correspondant').waitFor();

    // No ?lang=: the English browser gets English; a language we do not ship falls back to it too.
    await page.goto(`${server.url}/verify?lang=nl`);
    await page.getByRole('heading', { level: 1, name: 'Is this invoice genuine?' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expectNoProblems(problems);
    await ctx.close();

    // A German browser without ?lang= gets German.
    const de = await browser.newContext({ locale: 'de-DE' });
    const d = await newPage(de);
    await d.page.goto(`${server.url}/verify`);
    await checkpoint(d.page, 'verify-de-browser', 'Ist diese Rechnung echt?');
    expectNoProblems(d.problems);
    await de.close();
  }, 120_000);
});
