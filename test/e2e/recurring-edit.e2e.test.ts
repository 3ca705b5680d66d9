// Recurring schedules in the staff app, in a real browser against a real SMTP server on loopback:
// the list shows a schedule's amount and next run and leads to its page; the edit page refuses a
// next run in the past with the reason under the field, then saves new lines and "send each
// invoice" (the page shows the new amount); when the worker issues the invoice and the relay
// refuses it, the schedule page lists the sending as retrying and the dashboard under "Needs
// attention".
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
import { setupByApi, signInWithPassword, type ApiClient } from './journeys.ts';

const OWNER = { email: 'olga@recurring.test', password: 'a long and unusual passphrase 42' };
const CONTACT = 'carla@globex.test';

/** A date in the organization's time zone (Europe/Berlin), `days` from today. */
const berlinDay = (days = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(Date.now() + days * 86_400_000));

describeBrowser('recurring schedule page and edit', () => {
  let server: TestServer;
  let smtp: TestSmtp;
  let browser: Browser;
  let owner: ApiClient;
  let scheduleId: string;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startServer({ env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'billing@recurring.test' } });
    browser = await launchBrowser();
    owner = await setupByApi(server.url, OWNER, 'Recurring Studio GmbH');
    const client = await owner.call('POST', '/api/v1/clients', {
      name: 'Globex Corporation',
      deliveryMode: 'notice-only',
      contacts: [{ name: 'Carla Client', email: CONTACT, isPrimary: true }],
    });
    scheduleId = (
      await owner.call('POST', '/api/v1/recurring-schedules', {
        clientId: client.id,
        lines: [{ description: 'Monthly retainer', quantity: '1', unitPrice: 50_000 }],
        frequency: 'monthly',
        startOn: berlinDay(1),
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('shows amount and next run, edits the schedule, and lists a refused sending on the dashboard', async () => {
    const ctx = await browser.newContext();
    const { page, problems } = await newPage(ctx);
    await signInWithPassword(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

    await page.goto(`${server.url}/app/recurring`);
    const table = page.getByRole('region', { name: 'Recurring schedules' });
    await table.getByText(/500\.00/).waitFor();
    await table.getByRole('link', { name: 'Globex Corporation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Recurring schedule: Globex Corporation' }).waitFor();
    await page.getByText('No invoice of this schedule has been sent automatically yet.').waitFor();
    await checkA11y(page, 'staff-recurring-schedule');

    await page.getByRole('link', { name: 'Edit schedule' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit recurring schedule' }).waitFor();
    expect(await page.getByLabel('Client', { exact: true }).isDisabled()).toBe(true);
    await page.getByLabel(/Unit price/).fill('750.00');
    await page.getByLabel('Send each invoice as soon as it is issued').check();
    await page.getByLabel('Next invoice on').fill(berlinDay(-1));
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText(`before ${berlinDay()}`).first().waitFor();
    // The reason is tied to the field (aria-invalid, and described by its error).
    const nextRun = page.getByLabel('Next invoice on');
    expect(await nextRun.getAttribute('aria-invalid')).toBe('true');
    const described = (await nextRun.getAttribute('aria-describedby')) ?? '';
    const texts = await Promise.all(described.split(' ').map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(texts.join(' ')).toContain(`before ${berlinDay()}`);
    await checkA11y(page, 'staff-recurring-edit');
    expect((await owner.call('GET', `/api/v1/recurring-schedules/${scheduleId}`)).autoSend).toBe(false);

    await page.getByLabel('Next invoice on').fill(berlinDay());
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Schedule saved' }).waitFor();
    await page.getByText(/750\.00/).waitFor();
    const saved = await owner.call('GET', `/api/v1/recurring-schedules/${scheduleId}`);
    expect(saved).toMatchObject({ autoSend: true, nextRunOn: berlinDay(), amount: { total: 75_000 } });

    // The worker issues today's invoice; the relay refuses the contact, so it waits for a retry.
    smtp.refuse = (address) => address === CONTACT;
    expect(await server.container.services.recurring.runDue()).toBe(1);
    await server.container.jobs.settled();
    await page.reload();
    await page.locator('.badge', { hasText: 'retrying' }).waitFor();
    await page.goto(`${server.url}/app`);
    const attention = page.getByRole('region', { name: 'Needs attention' });
    await attention.getByText('not sent yet, trying again').waitFor();
    await attention.getByText(/Recipient address rejected/).waitFor();
    await checkA11y(page, 'staff-dashboard-attention');
    expect(smtp.messages.filter((m) => m.to.includes(CONTACT))).toHaveLength(0);
    expectNoProblems(problems);
    await ctx.close();
  });
});
