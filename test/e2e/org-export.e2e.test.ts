// A member of two organizations: switches organization in the sidebar, previews a draft's PDF
// (rendered by the server, shown inline through a blob: URL under the unchanged CSP), views an
// issued invoice's stored PDF, and exports the organization's data through the step-up dialog
// (the server's clock is moved past the step-up window). The downloaded export holds the current
// organization's data and nothing of the other one. Every new screen is checked with axe-core.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertMembership } from '../../src/modules/identity/accounts/users.repo.ts';
import type { Clock } from '../../src/platform/clock.ts';
import {
  checkA11y,
  checkpoint,
  describeBrowser,
  expectNoProblems,
  launchBrowser,
  newPage,
  screenshot,
  startServer,
  type TestServer,
} from './browser.ts';
import { apiClient, seedInvoice, setupByApi, signInWithPassword, type ApiClient } from './journeys.ts';

const OWNER = { email: 'olga@acme.test', password: 'a long and unusual passphrase 42' };
const PROVISIONING = 'e2e-provisioning-token-0123456789abcdef';

/** Real time plus an offset the test can move forward. */
class ShiftedClock implements Clock {
  offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

/**
 * Opens the PDF section of a document and waits until chromium's PDF viewer has parsed the file:
 * the viewer (an extension frame inside the blob: frame) takes the PDF's Title as its document
 * title, e.g. "Invoice DRAFT". A CSP refusal of the frame or of the viewer would never get there.
 */
async function showPdf(page: Page, button: string, path: RegExp, pdfTitle: string): Promise<void> {
  const answer = page.waitForResponse((r) => path.test(new URL(r.url()).pathname));
  await page.getByRole('button', { name: button }).click();
  const res = await answer;
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/pdf');
  const frame = page.locator('iframe.pdf-frame');
  await frame.waitFor();
  expect(await frame.getAttribute('src')).toMatch(/^blob:http:\/\/localhost:\d+\//);
  const viewerTitle = async () => {
    const viewer = page.frames().find((f) => f.url().startsWith('chrome-extension://'));
    return viewer ? viewer.evaluate<string>('document.title').catch(() => '') : '';
  };
  await expect.poll(viewerTitle, { timeout: 15_000 }).toBe(pdfTitle);
}

describeBrowser('journey: switch organization, preview a draft PDF, export data with step-up', () => {
  const clock = new ShiftedClock();
  let server: TestServer;
  let browser: Browser;
  let acme: ApiClient & { orgId: string; userId: string };
  let beta: ApiClient & { orgId: string };
  let acmeInvoice: { invoiceId: string; number: string };
  let betaDraft: string;

  beforeAll(async () => {
    server = await startServer({ clock, env: { SEALBILL_PROVISIONING_TOKEN: PROVISIONING } });
    browser = await launchBrowser();
    acme = await setupByApi(server.url, OWNER);
    acmeInvoice = await seedInvoice(acme, 'carla@globex.test');
    // A second organization (hosting provisioning), with Olga as its accountant.
    const res = await fetch(`${server.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sealbill-provisioning-token': PROVISIONING },
      body: JSON.stringify({
        organization: { name: 'Beta Labs AG', defaultCurrency: 'EUR', locale: 'en-GB', timeZone: 'Europe/Berlin' },
        owner: { email: 'bea@beta.test', name: 'Bea Beta', password: 'another long passphrase 99' },
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const b = (await res.json()) as { token: string; orgId: string };
    beta = { ...apiClient(server.url, b.token), orgId: b.orgId };
    await insertMembership(server.container.db, {
      org_id: beta.orgId,
      user_id: acme.userId,
      role: 'accountant',
      created_at: new Date().toISOString(),
      deactivated_at: null,
    });
    const client = await beta.call('POST', '/api/v1/clients', {
      name: 'Betaclient Secret Research',
      email: 'ops@betaclient.test',
    });
    betaDraft = (
      await beta.call('POST', '/api/v1/invoices', {
        clientId: client.id,
        lines: [{ description: 'Beta prototype work', quantity: '4', unit: 'h', unitPrice: 12_000 }],
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('switches organization, previews PDFs inline and exports data after re-authenticating', async () => {
    const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const { page, problems } = await newPage(ctx);
    const base = server.url;
    const sidebar = page.getByRole('navigation', { name: 'Main' });
    /** The organization named at the foot of the sidebar (the one the session acts in). */
    const actingIn = async (name: string) =>
      expect.poll(() => page.locator('.sidebar-foot > p').first().textContent()).toMatch(new RegExp(`^${name}`));

    await signInWithPassword(page, base, OWNER.email, OWNER.password);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await actingIn('Acme Studio GmbH');

    // 1. Switch to Beta Labs: the page reloads in the other organization.
    const select = sidebar.getByLabel('Organization');
    expect(await select.locator('option').allTextContents()).toEqual(
      expect.arrayContaining(['Acme Studio GmbH (owner)', 'Beta Labs AG (accountant)']),
    );
    await checkA11y(page, 'staff-org-switcher');
    await select.selectOption({ label: 'Beta Labs AG (accountant)' });
    await sidebar.getByRole('button', { name: 'Switch organization' }).click();
    await actingIn('Beta Labs AG');
    await checkpoint(page, 'staff-org-switched', 'Dashboard');
    await sidebar.getByRole('link', { name: 'Invoices' }).click();
    await page.getByRole('cell', { name: 'Betaclient Secret Research' }).first().waitFor();
    expect(await page.getByText('Globex Corporation').count()).toBe(0);

    // 2. A draft's preview: rendered by the server, marked DRAFT, shown inline.
    await page.goto(`${base}/app/invoices/${betaDraft}`);
    await checkpoint(page, 'staff-draft-before-preview', 'Draft invoice');
    await showPdf(page, 'Preview PDF', new RegExp(`/api/v1/invoices/${betaDraft}/preview\\.pdf$`), 'Invoice DRAFT');
    await checkA11y(page, 'staff-draft-preview');
    await screenshot(page, 'staff-draft-preview');
    await page.getByRole('button', { name: 'Hide PDF' }).click();
    expect(await page.locator('iframe.pdf-frame').count()).toBe(0);

    // 3. Back to Acme; the issued invoice shows its stored PDF.
    await sidebar.getByLabel('Organization').selectOption({ label: 'Acme Studio GmbH (owner)' });
    await sidebar.getByRole('button', { name: 'Switch organization' }).click();
    await actingIn('Acme Studio GmbH');
    await page.goto(`${base}/app/invoices/${acmeInvoice.invoiceId}`);
    await page.getByRole('heading', { level: 1, name: `Invoice ${acmeInvoice.number}` }).waitFor();
    await showPdf(
      page,
      'Show PDF',
      new RegExp(`/api/v1/invoices/${acmeInvoice.invoiceId}/pdf$`),
      `Invoice ${acmeInvoice.number}`,
    );
    await checkA11y(page, 'staff-issued-pdf');

    // 4. Export after the step-up window: the dialog asks for the password, then the file downloads.
    clock.offset += 6 * 60_000;
    await page.goto(`${base}/app/settings/export`);
    await checkpoint(page, 'staff-settings-export', 'Settings');
    await page.getByRole('button', { name: 'Export all data (JSON)' }).click();
    const dialog = page.getByRole('dialog', { name: "Confirm it's you" });
    await dialog.waitFor();
    await checkA11y(page, 'export-step-up-dialog');
    const download = page.waitForEvent('download');
    await dialog.getByLabel('Password').fill(OWNER.password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^sealbill-export-\d{4}-\d{2}-\d{2}\.json$/);
    const text = readFileSync((await file.path())!, 'utf8');
    const data = JSON.parse(text);
    expect(data.organization.name).toBe('Acme Studio GmbH');
    expect(data.clients.map((c: { name: string }) => c.name)).toEqual(['Globex Corporation']);
    expect(data.documents.map((d: { id: string }) => d.id)).toEqual([acmeInvoice.invoiceId]);
    for (const other of ['Beta Labs', 'Betaclient', 'Beta prototype', beta.orgId, betaDraft])
      expect(text).not.toContain(other);
    await page
      .getByRole('status')
      .filter({ hasText: /^Export downloaded: sealbill-export-/ })
      .waitFor();
    await checkA11y(page, 'staff-settings-export-done');

    // Within the fresh window the CSV goes straight through.
    const csvDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export invoices (CSV)' }).click();
    const csv = await csvDownload;
    expect(csv.suggestedFilename()).toMatch(/^sealbill-invoices-.*\.csv$/);
    const rows = readFileSync((await csv.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(acmeInvoice.number);
    expect(await dialog.count()).toBe(0);

    // The export is on the record.
    const events = (await acme.call('GET', '/api/v1/audit-events?action=data.exported')).items;
    expect(events.map((e: { summary: { format: string } }) => e.summary.format)).toEqual(['json', 'invoices-csv']);
    expectNoProblems(problems);
    await ctx.close();
  }, 240_000);
});
