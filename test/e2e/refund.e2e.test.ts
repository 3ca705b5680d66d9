// Refunding from the staff app in a real browser: a manual payment shows its signed receipt, and
// the Refund action, once the sign-in is older than the step-up window (the server's clock is
// moved), is answered 401 step_up_required; the app opens the "Confirm it's you" dialog, and after
// the password the same request is retried once and the refund appears in the ledger.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Clock } from '../../src/platform/clock.ts';
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

const OWNER = { email: 'olga@refunds.test', password: 'a long and unusual passphrase 42' };

/** Real time plus an offset the test can move forward. */
class ShiftedClock implements Clock {
  offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

describeBrowser('refund with step-up', () => {
  const clock = new ShiftedClock();
  let server: TestServer;
  let browser: Browser;
  let owner: ApiClient;
  let invoice: { invoiceId: string; number: string };

  beforeAll(async () => {
    server = await startServer({ clock });
    browser = await launchBrowser();
    owner = await setupByApi(server.url, OWNER, 'Refunds GmbH');
    invoice = await seedInvoice(owner, 'carla@globex.test');
    await owner.call('POST', `/api/v1/invoices/${invoice.invoiceId}/payments`, {
      amount: 285_000,
      method: 'cheque',
      reference: 'Cheque 4471',
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the receipt, asks to re-authenticate for the refund, then books it', async () => {
    const ctx = await browser.newContext({ acceptDownloads: true });
    const { page, problems } = await newPage(ctx);
    await signInWithPassword(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.goto(`${server.url}/app/invoices/${invoice.invoiceId}`);
    await checkpoint(page, 'staff-invoice-paid', `Invoice ${invoice.number}`);

    // The manual payment's signed receipt downloads from the payments panel.
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Receipt (PDF)' }).click();
    const receipt = await download;
    expect(receipt.suggestedFilename()).toMatch(/^receipt-.+\.pdf$/);

    // Past the 5-minute window (well inside the 30-minute idle timeout).
    clock.offset += 6 * 60_000;
    await page.getByRole('button', { name: /^Refund payment of/ }).click();
    const refund = page.getByRole('dialog', { name: /^Refund / });
    await refund.getByLabel('Amount (EUR)').fill('500.00');
    await checkA11y(page, 'refund-dialog');
    await refund.getByRole('button', { name: 'Refund' }).click();
    const stepUp = page.getByRole('dialog', { name: "Confirm it's you" });
    await stepUp.waitFor();
    await checkA11y(page, 'refund-step-up-dialog');
    await stepUp.getByLabel('Password').fill(OWNER.password);
    await stepUp.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').filter({ hasText: 'Refund recorded' }).waitFor();
    await page.getByText(/Refund €500\.00/).waitFor();
    await checkA11y(page, 'staff-invoice-refunded');

    const items = (await owner.call('GET', `/api/v1/invoices/${invoice.invoiceId}/payments`)).items as Array<{
      kind: string;
      amount: number;
    }>;
    expect(items.filter((p) => p.kind === 'refund').map((p) => p.amount)).toEqual([50_000]);
    expect((await owner.call('GET', `/api/v1/invoices/${invoice.invoiceId}`)).amountDue).toBe(50_000);
    expectNoProblems(problems);
    await ctx.close();
  }, 90_000);
});
