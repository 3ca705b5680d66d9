// Statements of account in a real browser (issue #15, item 7): staff open a client's page, see
// the Statement section (balances, lines, overdue invoices), narrow the period, and download the
// signed PDF; the client's contact signs in to the portal, opens the Statement tab and downloads
// the same statement. axe runs on each screen; no CSP violation or page error.
// The organization keeps its books at UTC+14 and the browser sits at UTC−11, so the two are always
// on different days: a default period ending on the browser's own today would miss today's invoice.
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
import { mailMatch, seedInvoice, setupByApi, signInWithPassword, type ApiClient } from './journeys.ts';

const OWNER = { email: 'olga@statements.test', password: 'a long and unusual passphrase 42' };
const CLIENT_EMAIL = 'carla@globex.test';
const ORG_ZONE = 'Pacific/Kiritimati';
const BROWSER_ZONE = 'Pacific/Pago_Pago';

describeBrowser('statement of account', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let browser: Browser;
  let owner: ApiClient & { orgId: string };
  let seeded: { clientId: string; invoiceId: string; number: string };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startServer({ env: { SEALBILL_SMTP_URL: smtp.url } });
    browser = await launchBrowser();
    owner = await setupByApi(server.url, OWNER, 'Statements GmbH');
    await owner.call('PATCH', '/api/v1/org', { timeZone: ORG_ZONE });
    seeded = await seedInvoice(owner, CLIENT_EMAIL);
    await owner.call('POST', `/api/v1/invoices/${seeded.invoiceId}/payments`, { amount: 85_000, method: 'cash' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('shows the statement on the client page and downloads the signed PDF', async () => {
    const ctx = await browser.newContext({ acceptDownloads: true, timezoneId: BROWSER_ZONE });
    const { page, problems } = await newPage(ctx);
    await signInWithPassword(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.goto(`${server.url}/app/clients/${seeded.clientId}`);
    await page.getByRole('heading', { level: 2, name: 'Statement' }).waitFor();
    const section = page.getByRole('region', { name: 'Statement', exact: true });
    // 3 × 950.00 invoiced, 850.00 paid in cash: 2,000.00 still owed.
    await section.getByText('€2,000.00').first().waitFor();
    await section.getByRole('link', { name: seeded.number }).first().waitFor();
    await checkpoint(page, 'staff-client-statement', 'Globex Corporation');

    // A period that ends before it starts: the server's field error shows under "To".
    const from = section.getByLabel('From', { exact: true });
    const to = section.getByLabel('To', { exact: true });
    const today = await to.inputValue();
    expect(today).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: ORG_ZONE }).format(new Date()));
    await from.fill(today);
    await to.fill(`${Number(today.slice(0, 4)) - 1}-01-01`);
    await section.getByText('must not be before from').waitFor();
    await checkA11y(page, 'staff-client-statement-invalid');
    await to.fill(today);
    await section.getByText('must not be before from').waitFor({ state: 'detached' });

    const download = page.waitForEvent('download');
    await section.getByRole('button', { name: 'Download PDF' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^statement-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}-EUR\.pdf$/);
    expectNoProblems(problems);
    await ctx.close();
  }, 90_000);

  it('shows the client its own statement in the portal', async () => {
    const ctx = await browser.newContext({ acceptDownloads: true, timezoneId: BROWSER_ZONE });
    const { page, problems } = await newPage(ctx);
    await page.goto(`${server.url}/portal?org=${owner.orgId}`);
    const mark = smtp.messages.length;
    await page.getByLabel('Email').fill(CLIENT_EMAIL);
    await page.getByRole('button', { name: 'Email me a code' }).click();
    const code = await mailMatch(smtp, CLIENT_EMAIL, /: (\d{6})\b/, mark);
    await page.getByLabel('One-time code').fill(code);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
    await page.getByRole('link', { name: 'Statement' }).click();
    await page.getByText('€2,000.00').first().waitFor();
    await checkpoint(page, 'portal-statement', 'Statement');
    await page.getByRole('link', { name: seeded.number }).first().waitFor();

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download PDF' }).click();
    expect((await download).suggestedFilename()).toMatch(/^statement-.*-EUR\.pdf$/);
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved statement-/ })
      .waitFor();
    expectNoProblems(problems);
    await ctx.close();
  }, 90_000);
});
