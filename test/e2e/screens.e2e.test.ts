// A tour of every staff screen not covered by the journeys, each checked with axe-core and
// screenshotted, with the main action of each: catalogue, quotes (issue, accept, convert), void by
// credit note, a recurring schedule, organization settings, the audit log's integrity check, and a
// payout change that asks for step-up (the server's clock is moved past the step-up window).
// The organization keeps its books at UTC+14 and the browser sits at UTC−11, always on different
// days: the reports' default period must end on the organization's today to show today's invoice.
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
import { seedInvoice, setupByApi, signInWithPassword, type ApiClient, pickClient } from './journeys.ts';

const OWNER = { email: 'olga@acme.test', password: 'a long and unusual passphrase 42' };

/** Real time plus an offset the test can move forward. */
class ShiftedClock implements Clock {
  offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

describeBrowser('every staff screen', () => {
  const clock = new ShiftedClock();
  let server: TestServer;
  let browser: Browser;
  let owner: ApiClient & { orgId: string };
  let invoice: { invoiceId: string; number: string };

  beforeAll(async () => {
    server = await startServer({ clock });
    browser = await launchBrowser();
    owner = await setupByApi(server.url, OWNER);
    await owner.call('PATCH', '/api/v1/org', { timeZone: 'Pacific/Kiritimati' });
    invoice = await seedInvoice(owner, 'carla@globex.test');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('tours the catalogue, documents, recurring, settings and audit screens', async () => {
    const ctx = await browser.newContext({ acceptDownloads: true, timezoneId: 'Pacific/Pago_Pago' });
    const { page, problems } = await newPage(ctx);
    const go = async (path: string, name: string, heading: string | RegExp) => {
      await page.goto(`${server.url}${path}`);
      await checkpoint(page, name, heading);
    };
    // A wrong password is refused with a clear message (and the same one as for an unknown email).
    await signInWithPassword(page, server.url, OWNER.email, 'not the password at all');
    await page.getByRole('alert').filter({ hasText: 'Email or password is incorrect' }).waitFor();
    await checkA11y(page, 'staff-sign-in-refused');
    await signInWithPassword(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

    // Catalogue: a tax rate, then an item using it.
    await go('/app/tax-rates', 'staff-tax-rates', 'Tax rates');
    await page.getByLabel('Name').fill('VAT 19 %');
    await page.getByLabel('Rate (%)').fill('19');
    await page.getByRole('button', { name: 'Add tax rate' }).click();
    await page.getByRole('cell', { name: 'VAT 19 %', exact: true }).waitFor();
    await go('/app/items', 'staff-items', 'Items');
    await page.getByLabel('Name', { exact: true }).fill('Penetration test (day)');
    await page.getByLabel('Unit', { exact: true }).fill('d');
    await page.getByLabel('Unit price').fill('1200.00');
    await page.getByLabel('Tax rate').selectOption({ label: 'VAT 19 % (19%)' });
    await page.getByRole('button', { name: 'Add item' }).click();
    await page
      .getByRole('cell', { name: /^Penetration test/ })
      .first()
      .waitFor();
    await checkA11y(page, 'staff-items-filled');

    // A quote from the item: live totals include the tax; issue, accept, convert to an invoice.
    await go('/app/quotes/new', 'staff-quote-new', 'New quote');
    await pickClient(page, 'globex', 'Globex Corporation');
    await page.getByLabel('Item').selectOption({ label: 'Penetration test (day)' });
    await page.getByLabel('Quantity').fill('2');
    await expect.poll(() => page.locator('.totals .grand').last().textContent()).toBe('€2,856.00');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('button', { name: 'Issue quote' }).click();
    await page.getByRole('button', { name: 'Mark accepted' }).click();
    await page.getByRole('button', { name: 'Convert to invoice' }).click();
    await page.getByRole('heading', { level: 1, name: /^Draft invoice|^Invoice / }).waitFor();
    await checkA11y(page, 'staff-converted');
    await go('/app/quotes', 'staff-quotes', 'Quotes');

    // Void the seeded invoice: a credit note is issued for it.
    await go(`/app/invoices/${invoice.invoiceId}`, 'staff-invoice', `Invoice ${invoice.number}`);
    await page.getByRole('button', { name: 'Void…' }).click();
    await page
      .getByRole('dialog')
      .getByLabel(/Reason/)
      .fill('Issued to the wrong entity');
    await checkA11y(page, 'void-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Void and issue credit note' }).click();
    await page.getByRole('heading', { level: 1, name: /^Credit note CN-/ }).waitFor();
    await go('/app/credit-notes', 'staff-credit-notes', 'Credit notes');
    await page.getByRole('link', { name: /^CN-/ }).first().waitFor();
    await go('/app/invoices', 'staff-invoices', 'Invoices');
    await page.locator('.badge', { hasText: 'Void' }).first().waitFor();

    // Reports: the VAT report of this quarter (the voided invoice and its credit note), as CSV too.
    await go('/app/reports', 'staff-reports-vat', 'Reports');
    await page
      .getByRole('cell', { name: /^Z · Zero rated/ })
      .first()
      .waitFor();
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^vat-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}\.csv$/);
    await page.getByRole('link', { name: 'Revenue by item' }).click();
    await page.getByRole('cell', { name: 'Other items' }).first().waitFor();
    await checkpoint(page, 'staff-reports-items', 'Reports');
    await go('/app/reports/aging', 'staff-reports-aging', 'Reports');

    // A recurring schedule.
    await go('/app/recurring', 'staff-recurring-empty', 'Recurring invoices');
    await page.getByRole('link', { name: 'New schedule' }).first().click();
    await checkpoint(page, 'staff-recurring-new', 'New recurring schedule');
    await pickClient(page, 'globex', 'Globex Corporation');
    await page.getByLabel('Description').fill('Monthly retainer');
    await page.getByLabel(/Unit price/).fill('500.00');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await checkpoint(page, 'staff-recurring', 'Recurring invoices');
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.badge', { hasText: 'paused' }).waitFor();

    // Clients list, organization settings, numbering.
    await go('/app/clients', 'staff-clients', 'Clients');
    await go('/app/settings', 'staff-settings-org', 'Settings');
    await page.getByLabel('VAT number').fill('DE123456789');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Organization saved' }).waitFor();
    await go('/app/settings/numbering', 'staff-settings-numbering', 'Settings');
    await page.getByLabel('Invoices', { exact: true }).fill('INV-{YYYY}-{XX}');
    await page.getByRole('button', { name: 'Save numbering' }).click();
    await page.getByRole('alert').filter({ hasText: 'not saved' }).waitFor();
    await checkA11y(page, 'staff-settings-numbering-error');
    await go('/app/settings/members', 'staff-settings-members', 'Settings');
    await page
      .getByRole('cell', { name: /^Olga Owner/ })
      .first()
      .waitFor();
    await page.getByLabel('Key', { exact: true }).fill('bookkeeper');
    await page.getByLabel('Role name').fill('Bookkeeper');
    await page.getByRole('checkbox', { name: 'payment:record' }).check();
    await page.getByRole('checkbox', { name: 'invoice:read' }).check();
    await page.getByRole('button', { name: 'Save role' }).click();
    await page.getByRole('status').filter({ hasText: 'Role “Bookkeeper” saved' }).waitFor();
    await checkA11y(page, 'staff-roles');
    await go('/app/settings/security', 'staff-settings-security', 'Settings');
    await page.getByTestId('signing-fingerprint').waitFor();
    await go('/app/settings/email', 'staff-settings-email', 'Settings');
    await page.getByText('Outbox folder (not sent)').waitFor();
    await go('/app/settings/backups', 'staff-settings-backups', 'Settings');
    await go('/app/account', 'staff-account-tour', 'My account');

    // The audit log, and its integrity check.
    await go('/app/settings/audit', 'staff-audit', 'Settings');
    await page.getByRole('button', { name: 'Verify integrity' }).click();
    await page.getByText('The audit log is internally consistent').waitFor();
    await page.getByRole('button', { name: 'Sign a checkpoint now' }).click();
    await page.getByText(/^Latest: /).waitFor();
    await checkA11y(page, 'staff-audit-verified');

    // Payout change after the step-up window: the dialog asks for the password, then it goes through.
    clock.offset += 6 * 60_000;
    await go('/app/settings/payout', 'staff-settings-payout', 'Settings');
    await page.getByLabel('Account holder').fill('Acme Studio GmbH');
    await page.getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 00');
    await page.getByRole('button', { name: 'Request the change' }).click();
    const dialog = page.getByRole('dialog', { name: "Confirm it's you" });
    await dialog.waitFor();
    await checkA11y(page, 'step-up-dialog');
    await dialog.getByLabel('Password').fill(OWNER.password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(/is pending/).waitFor();
    await checkA11y(page, 'staff-payout-pending');
    await page.getByRole('button', { name: 'Cancel this change' }).click();
    await page.getByRole('status').filter({ hasText: 'Change cancelled' }).waitFor();

    // After the idle timeout the server has ended the session: the next action shows the sign-in page.
    clock.offset += 31 * 60_000;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to Sealbill' }).waitFor();
    expectNoProblems(problems);
    await ctx.close();
  }, 240_000);
});
