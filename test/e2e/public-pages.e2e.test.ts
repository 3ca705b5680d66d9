// Public pages in the browser: a sealed link created in the staff app decrypts in the client's
// browser (and the key in the fragment never reaches the server); a damaged key is refused; the
// verification page follows the QR token; the security page and security.txt are served.
import { readFileSync } from 'node:fs';
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
import { seedInvoice, setupByApi, signInWithPassword, type ApiClient } from './journeys.ts';

const OWNER = { email: 'olga@acme.test', password: 'a long and unusual passphrase 42' };

describeBrowser('public pages: sealed link, verification, transparency', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let browser: Browser;
  let owner: ApiClient & { orgId: string };
  let invoice: { invoiceId: string; number: string };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startServer({
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_SECURITY_CONTACT: 'mailto:security@acme.test' },
    });
    browser = await launchBrowser();
    owner = await setupByApi(server.url, OWNER);
    invoice = await seedInvoice(owner, 'carla@globex.test');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('decrypts a sealed link in the browser; the key never reaches the server', async () => {
    const staff = await browser.newContext({ acceptDownloads: true });
    const s = await newPage(staff);
    await signInWithPassword(s.page, server.url, OWNER.email, OWNER.password);
    await s.page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await s.page.goto(`${server.url}/app/invoices/${invoice.invoiceId}`);
    await s.page.getByRole('button', { name: 'Send…' }).click();
    const dialog = s.page.getByRole('dialog');
    await dialog.getByLabel('Delivery mode').selectOption('sealed-link');
    await dialog.getByRole('button', { name: 'Create a link to share myself' }).click();
    const url = (await dialog.getByTestId('sealed-link-url').textContent())!.trim();
    expect(url).toMatch(/\/s\/[0-9a-f-]{36}\?lang=en-GB#k=[A-Za-z0-9_-]{43}$/);
    await checkA11y(s.page, 'sealed-link-created');
    expectNoProblems(s.problems);
    const key = url.split('#k=')[1]!;

    const client = await browser.newContext({ acceptDownloads: true });
    const c = await newPage(client);
    const seen: string[] = [];
    c.page.on('request', (r) => seen.push(r.url()));
    await c.page.goto(url);
    await checkpoint(c.page, 'sealed-link', 'A secure document was shared with you');
    const download = c.page.waitForEvent('download');
    await c.page.getByRole('button', { name: 'Decrypt and download' }).click();
    const file = (await (await download).path())!;
    await checkpoint(c.page, 'sealed-link-opened', 'Your document is decrypted');

    const issued = Buffer.from(
      await (
        await fetch(`${server.url}/api/v1/invoices/${invoice.invoiceId}/pdf`, {
          headers: { authorization: `Bearer ${owner.token}` },
        })
      ).arrayBuffer(),
    );
    expect(readFileSync(file).equals(issued)).toBe(true);
    expect((await c.page.locator('dd code').textContent())!.trim()).toMatch(/^[0-9a-f]{64}$/);
    // Browsers never send the fragment; neither does the page (not in any URL it requested).
    expect(seen.some((u) => u.includes(key))).toBe(false);

    // The same link with one character of the key changed: decryption fails loudly.
    const bad = url.replace(/#k=(.)/, (_m, ch: string) => `#k=${ch === 'A' ? 'B' : 'A'}`);
    await c.page.goto(bad);
    await c.page.getByRole('button', { name: 'Decrypt and download' }).click();
    await c.page.getByRole('alert').filter({ hasText: 'could not be decrypted' }).waitFor();
    await checkA11y(c.page, 'sealed-link-bad-key');
    expectNoProblems(c.problems);
    await client.close();
    await staff.close();
  }, 120_000);

  it('follows the QR token to an authentic verdict and shows the transparency page', async () => {
    const ctx = await browser.newContext();
    const { page, problems } = await newPage(ctx);
    // The QR code on the PDF links to /verify/<token>; read it from the issued PDF.
    const pdf = Buffer.from(
      await (
        await fetch(`${server.url}/api/v1/invoices/${invoice.invoiceId}/pdf`, {
          headers: { authorization: `Bearer ${owner.token}` },
        })
      ).arrayBuffer(),
    );
    const token = /\/verify\/([A-Za-z0-9_-]{22})/.exec(pdf.toString('latin1'))?.[1];
    expect(token).toBeTruthy();
    await page.goto(`${server.url}/verify/${token}`);
    await page.locator('[data-verdict]').waitFor();
    expect(await page.locator('[data-verdict]').getAttribute('data-verdict')).toBe('authentic');
    await checkpoint(page, 'verify-token', /genuine/);
    await page.goto(`${server.url}/verify/AAAAAAAAAAAAAAAAAAAAAA`);
    await page.locator('[data-verdict="no_match"]').waitFor();

    await page.goto(`${server.url}/security/${owner.orgId}`);
    await checkpoint(page, 'security-page', 'Security at Acme Studio GmbH');
    await page.getByText('AES-256-GCM').waitFor();
    expect(await page.getByRole('link', { name: 'security@acme.test' }).getAttribute('href')).toBe(
      'mailto:security@acme.test',
    );
    await page.getByRole('link', { name: /Verify an invoice/ }).click();
    await page.getByRole('heading', { level: 1, name: /genuine/ }).waitFor();

    await page.goto(`${server.url}/security/00000000-0000-4000-8000-000000000000`);
    await page.getByText('No such organization').waitFor();
    await checkA11y(page, 'security-page-unknown');

    // Phone width: the staff app collapses its navigation behind a menu button.
    await page.setViewportSize({ width: 390, height: 844 });
    await signInWithPassword(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
    await checkpoint(page, 'phone-invoices', 'Invoices');
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    expectNoProblems(problems);
    await ctx.close();
  }, 120_000);
});
