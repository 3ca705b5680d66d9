// The staff-wide payments list in a real browser (issue #13 item 1): a payment recorded through the
// invoice's dialog appears on the Payments page (Billing nav) next to those recorded by API; the
// list sorts by amount (within each currency) and filters by method, by client and by status (a
// payment refunded in full), each choice kept in the URL so a reload shows the same list; a row
// links to its invoice.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { checkpoint, describeBrowser, expectNoProblems } from './browser.ts';
import { pickClient } from './journeys.ts';
import { useStaffApp } from './staff-app.ts';

/** A page load under a loaded CI machine can take longer than expect.poll's default second. */
const SLOW = { timeout: 10_000 };

describeBrowser('payments list in the staff app', () => {
  const app = useStaffApp({
    owner: { email: 'olga@payments-list.test', password: 'a long and unusual passphrase 42' },
    orgName: 'Ledger Studio GmbH',
    seed: async (owner) => {
      const issue = async (name: string, currency: string) => {
        const client = await owner.call('POST', '/api/v1/clients', { name, currency, language: 'en' });
        const draft = await owner.call('POST', '/api/v1/invoices', {
          clientId: client.id,
          ...(currency !== 'EUR' && { currency, exchangeRate: '0.9' }),
          lines: [{ description: 'Workshop', quantity: '1', unitPrice: 100_000 }],
        });
        const inv = await owner.call('POST', `/api/v1/invoices/${draft.id}/issue`, {
          confirmWithoutPayoutDetails: true,
        });
        return { id: inv.id as string, number: inv.number as string };
      };
      const globex = await issue('Globex Corporation', 'EUR');
      const initech = await issue('Initech Inc', 'USD');
      await owner.call('POST', `/api/v1/invoices/${globex.id}/payments`, {
        amount: 10_000,
        method: 'bank_transfer',
        receivedOn: '2026-01-10',
      });
      await owner.call('POST', `/api/v1/invoices/${initech.id}/payments`, {
        amount: 30_000,
        method: 'cash',
        receivedOn: '2026-02-01',
      });
      return { globex, initech };
    },
  });

  /** The list's rows as "client · amount" (header row left out), in the order shown. */
  async function rows(page: Page): Promise<string[]> {
    const table = page.getByRole('table', { name: 'Payments' });
    await table.waitFor();
    const out: string[] = [];
    const trs = table.locator('tbody tr');
    for (let i = 0; i < (await trs.count()); i++) {
      const td = (await trs.nth(i).locator('td').allTextContents()).map((c) => c.trim());
      out.push(`${td[2]} · ${td[5]}`);
    }
    return out;
  }

  it('lists a payment recorded in the app, sorts by amount and filters by method, client and status', async () => {
    const { ctx, page, problems } = await app.signIn();
    const { server, seeded } = app;

    // Record a payment of 250.00 EUR on Globex's invoice through the dialog (received today).
    await page.goto(`${server.url}/app/invoices/${seeded.globex.id}`);
    await page.getByRole('button', { name: 'Record payment' }).click();
    const pay = page.getByRole('dialog');
    await pay.getByLabel('Amount (EUR)').fill('250.00');
    await pay.getByLabel('Method').selectOption('cheque');
    await pay.getByRole('button', { name: 'Record payment' }).click();
    await page.getByRole('status').filter({ hasText: 'Payment recorded' }).waitFor();

    // The Payments page, from the nav: newest first, the one just recorded on top.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments', exact: true }).click();
    await checkpoint(page, 'staff-payments-list', 'Payments');
    await page.getByText('3 found').waitFor();
    await expect.poll(() => rows(page), SLOW).toHaveLength(3);
    const newest = await rows(page);
    expect(newest[0]).toMatch(/^Globex Corporation · .*250\.00/);
    expect(newest.slice(1)).toEqual([
      expect.stringMatching(/^Initech Inc · .*300\.00/),
      expect.stringMatching(/^Globex Corporation · .*100\.00/),
    ]);

    // By amount, smallest first: within each currency (EUR, then USD).
    const filters = page.getByRole('search', { name: 'Filter payments' });
    await filters.getByLabel('Sort').selectOption('amount');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/app\/payments\?sort=amount$/);
    await expect
      .poll(() => rows(page), SLOW)
      .toEqual([
        expect.stringMatching(/^Globex Corporation · .*100\.00/),
        expect.stringMatching(/^Globex Corporation · .*250\.00/),
        expect.stringMatching(/^Initech Inc · .*300\.00/),
      ]);

    // Method: cash only; kept in the URL across a reload.
    await filters.getByLabel('Method').selectOption('cash');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/method=cash/);
    await expect.poll(() => rows(page), SLOW).toEqual([expect.stringMatching(/^Initech Inc · .*300\.00/)]);
    await page.reload();
    await expect.poll(() => rows(page), SLOW).toEqual([expect.stringMatching(/^Initech Inc · .*300\.00/)]);
    await expect.poll(() => page.getByLabel('Method').inputValue(), SLOW).toBe('cash');

    // Client: Globex, any method, by amount descending.
    await page.goto(`${server.url}/app/payments`);
    await page.getByRole('heading', { level: 1, name: 'Payments' }).waitFor();
    await pickClient(page, 'Glob', 'Globex Corporation');
    await filters.getByLabel('Sort').selectOption('-amount');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/clientId=/);
    await expect
      .poll(() => rows(page), SLOW)
      .toEqual([
        expect.stringMatching(/^Globex Corporation · .*250\.00/),
        expect.stringMatching(/^Globex Corporation · .*100\.00/),
      ]);
    await checkpoint(page, 'staff-payments-filtered', 'Payments');

    // A row links to its invoice.
    await page.getByRole('link', { name: seeded.globex.number, exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: new RegExp(seeded.globex.number) }).waitFor();

    // Status: once Initech's cash payment is refunded in full (on its invoice, signed in moments
    // ago: no step-up asked), "Refunded" shows it alone.
    await page.goto(`${server.url}/app/invoices/${seeded.initech.id}`);
    await page.getByRole('button', { name: /^Refund payment of/ }).click();
    const refund = page.getByRole('dialog', { name: /^Refund / });
    await refund.getByLabel('Amount (USD)').fill('300.00');
    await refund.getByRole('button', { name: 'Refund' }).click();
    await page.getByRole('status').filter({ hasText: 'Refund recorded' }).waitFor();
    await page.goto(`${server.url}/app/payments`);
    await page.getByRole('heading', { level: 1, name: 'Payments' }).waitFor();
    await filters.getByLabel('Status').selectOption('refunded');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/status=refunded/);
    await expect.poll(() => rows(page), SLOW).toEqual([expect.stringMatching(/^Initech Inc · .*300\.00/)]);
    await filters.getByLabel('Status').selectOption('received');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/status=received/);
    await expect.poll(() => rows(page), SLOW).toHaveLength(2);
    expect((await rows(page)).every((r) => r.startsWith('Globex Corporation'))).toBe(true);
    expectNoProblems(problems);
    await ctx.close();
  });
});
