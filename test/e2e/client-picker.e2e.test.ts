// The invoice editor at volume (issue #13): the client field is a type-ahead combobox over the
// clients search, so an organization with many clients never sends them all to the browser — the
// user types part of a name, picks with the keyboard (Down, Enter; Escape closes and restores)
// and saves. On a desktop width each line is one row (description, quantity, unit, price,
// discount, tax, amount, remove); on a narrow screen the fields stack as before.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  checkA11y,
  describeBrowser,
  expectNoProblems,
  launchBrowser,
  newPage,
  screenshot,
  startServer,
  type TestServer,
} from './browser.ts';
import { pickClient, setupByApi, signInWithPassword, type ApiClient } from './journeys.ts';

const OWNER = { email: 'olga@picker.test', password: 'a long and unusual passphrase 42' };

describeBrowser('client picker and compact line table', () => {
  let server: TestServer;
  let browser: Browser;
  let owner: ApiClient;
  let initech: { id: string };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    owner = await setupByApi(server.url, OWNER, 'Picker Studio GmbH');
    initech = await owner.call('POST', '/api/v1/clients', {
      name: 'Initech Industries',
      email: 'ap@initech.example',
      currency: 'EUR',
      language: 'en',
    });
    // More clients than the picker ever shows, Initech the oldest (not among the newest shown).
    for (let i = 1; i <= 30; i++)
      await owner.call('POST', '/api/v1/clients', { name: `Filler Client ${i}`, language: 'en' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Top of an element's box, to tell whether two fields share a row. */
  const top = async (page: Page, label: string | RegExp, nth = 0) =>
    (await page
      .getByLabel(label, { exact: typeof label === 'string' })
      .nth(nth)
      .boundingBox())!.y;

  it('types part of a name, picks with the keyboard, saves; one row per line at 1280px', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await newPage(ctx);
    const clientLists: URL[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/api/v1/clients') clientLists.push(url);
    });
    await signInWithPassword(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.goto(`${server.url}/app/invoices/new`);
    await page.getByRole('heading', { level: 1, name: 'New invoice' }).waitFor();

    const box = page.getByRole('combobox', { name: 'Client', exact: true });
    // Focus opens the newest few; Initech (the oldest of 31) is not among them.
    await box.focus();
    await page.getByRole('status').filter({ hasText: 'The 8 newest clients' }).waitFor();
    const matches = page.getByRole('listbox', { name: 'Matching clients' });
    expect(await matches.getByRole('option').count()).toBe(8);
    expect(await matches.getByRole('option', { name: /Initech/ }).count()).toBe(0);
    await checkA11y(page, 'staff-client-picker-open');

    // Escape closes the list; a second Escape puts back what was chosen (nothing yet).
    await box.fill('zzzz');
    await page.getByRole('status').filter({ hasText: 'No client matches' }).waitFor();
    await box.press('Escape');
    expect(await box.getAttribute('aria-expanded')).toBe('false');
    await box.press('Escape');
    expect(await box.inputValue()).toBe('');

    // Part of the name, then Down and Enter; the option shows the email too.
    await box.fill('initec');
    await page.getByRole('status').filter({ hasText: '1 client found' }).waitFor();
    await matches.getByRole('option', { name: 'Initech Industries ap@initech.example' }).waitFor();
    await screenshot(page, 'staff-client-picker');
    await pickClient(page, 'initec', 'Initech Industries');
    expect(await box.getAttribute('aria-expanded')).toBe('false');

    // Two lines; at 1280px every field of a line sits on one row, the second line below it.
    await page.getByLabel('Description').fill('Integration work');
    await page.getByLabel('Quantity').fill('3');
    await page.getByLabel(/Unit price/).fill('400.00');
    await page.getByRole('button', { name: 'Add line' }).click();
    await page.getByLabel('Description').nth(1).fill('Travel');
    await page.getByLabel('Quantity').nth(1).fill('1');
    await page
      .getByLabel(/Unit price/)
      .nth(1)
      .fill('90.00');
    await expect.poll(() => page.locator('.totals .grand').last().textContent()).toBe('€1,290.00');
    const row1 = await top(page, 'Description');
    for (const label of ['Quantity', 'Unit', /Unit price/, /Discount \(%\)/, 'Tax'])
      expect(Math.abs((await top(page, label)) - row1), String(label)).toBeLessThan(4);
    const amount = (await page.locator('.line-amount').first().boundingBox())!;
    const remove = (await page.getByRole('button', { name: 'Remove line 1' }).boundingBox())!;
    expect(Math.abs(amount.y - row1)).toBeLessThan(16);
    expect(Math.abs(remove.y - row1)).toBeLessThan(16);
    expect(await top(page, 'Description', 1)).toBeGreaterThan(row1 + 20);
    expect(await page.locator('.line-head').isVisible()).toBe(true);
    await checkA11y(page, 'staff-editor-compact');
    await screenshot(page, 'staff-editor-compact');

    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('heading', { level: 1, name: 'Draft invoice' }).waitFor();
    const [draft] = (await owner.call('GET', '/api/v1/invoices?status=draft')).items;
    expect([draft.clientId, draft.total]).toEqual([initech.id, 129_000]);

    // The list sorts by client from its menu and says how many match.
    await page.goto(`${server.url}/app/invoices`);
    await page.getByLabel('Sort').selectOption({ label: 'Client (grouped, in the order added)' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('client');
    await page.getByText('1 found', { exact: true }).waitFor();
    await page.getByRole('cell', { name: 'Initech Industries', exact: true }).waitFor();

    // Reopened, the draft's client shows by name; no request ever asked for more than 8 clients.
    await page.goto(`${server.url}/app/invoices/${draft.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit draft invoice' }).waitFor();
    await expect.poll(() => box.inputValue(), { timeout: 10_000 }).toBe('Initech Industries');
    expect(clientLists.length).toBeGreaterThan(0);
    for (const url of clientLists) expect(Number(url.searchParams.get('limit')), url.search).toBeLessThanOrEqual(8);
    expectNoProblems(problems);
    await ctx.close();
  });

  it('stacks the fields of a line on a narrow screen', async () => {
    const ctx = await browser.newContext({ viewport: { width: 700, height: 900 } });
    const { page, problems } = await newPage(ctx);
    await signInWithPassword(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.goto(`${server.url}/app/invoices/new?clientId=${initech.id}`);
    await page.getByRole('heading', { level: 1, name: 'New invoice' }).waitFor();
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Client', exact: true }).inputValue(), { timeout: 10_000 })
      .toBe('Initech Industries');
    expect(await page.locator('.line-head').isVisible()).toBe(false);
    expect(await top(page, 'Quantity')).toBeGreaterThan((await top(page, 'Description')) + 20);
    await page.getByText('Line amount:').waitFor();
    expectNoProblems(problems);
    await ctx.close();
  });
});
