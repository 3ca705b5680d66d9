// Payment reminders in the staff app, in a real browser against a real SMTP server on loopback:
// the invoice page shows the client's plan and next step, sends a reminder now (the mail arrives,
// the history lists it), pauses and resumes; Settings → Reminders edits the default plan's steps
// and the reference rates, and a client can be opted out on its page.
import { expect, it } from 'vitest';
import { checkA11y, describeBrowser, expectNoProblems } from './browser.ts';
import { useStaffApp } from './staff-app.ts';
import { seedInvoice } from './journeys.ts';

const OWNER = { email: 'olga@reminders.test', password: 'a long and unusual passphrase 42' };

describeBrowser('payment reminders', () => {
  const app = useStaffApp({
    owner: OWNER,
    orgName: 'Reminders GmbH',
    mailFrom: 'billing@reminders.test',
    seed: (owner) => seedInvoice(owner, 'carla@globex.test'),
  });

  it('sends a reminder now, pauses and resumes; edits the plan and the rates; opts a client out', async () => {
    const { server, owner, smtp, seeded: invoice } = app;
    const { ctx, page, problems } = await app.signIn();
    await page.goto(`${server.url}/app/invoices/${invoice.invoiceId}`);
    const panel = page.getByRole('region', { name: 'Payment reminders' });
    await panel.getByText(/Next: 3 days before due, on .* \(plan “Standard”\)\./).waitFor();

    await panel.getByRole('button', { name: 'Send reminder now' }).click();
    const dialog = page.getByRole('dialog', { name: `Send a reminder for ${invoice.number}` });
    await checkA11y(page, 'send-reminder-dialog');
    await dialog.getByRole('button', { name: 'Send reminder' }).click();
    await page.getByRole('status').filter({ hasText: 'Reminder sent' }).waitFor();
    await panel.getByText(/sent by hand/).waitFor();
    const mail = await smtp.waitFor(
      (m) => m.to.includes('carla@globex.test') && /reminds you/.test(m.parsed.text ?? ''),
    );
    expect(mail.parsed.subject).toContain(invoice.number);

    await panel.getByRole('button', { name: 'Pause reminders' }).click();
    await panel.getByText('Reminders are paused.').waitFor();
    await panel.getByRole('button', { name: 'Resume reminders' }).click();
    await panel.getByText(/Next: 3 days before due/).waitFor();
    await checkA11y(page, 'staff-invoice-reminders');

    await page.goto(`${server.url}/app/settings/reminders`);
    const plan = page.getByRole('form', { name: 'Plan “Standard” (default)' });
    await plan.getByLabel('Step 1: days after the due date (negative: before)').fill('-5');
    await plan.getByLabel('Add statutory interest').nth(3).check();
    await plan.getByRole('button', { name: 'Save plan' }).click();
    await page.getByRole('status').filter({ hasText: 'Plan “Standard” saved' }).waitFor();
    const rates = page.getByRole('form', { name: 'Reference rates' });
    await rates.getByLabel(/One rate per line/).fill('2026-01-01 2.15\n2026-07-01 1.90');
    await rates.getByRole('button', { name: 'Save rates' }).click();
    await page.getByRole('status').filter({ hasText: 'Reference rates saved' }).waitFor();
    await checkA11y(page, 'settings-reminders');
    const [standard] = (await owner.call('GET', '/api/v1/dunning/plans')).items;
    expect(standard.steps).toEqual([
      { offsetDays: -5, interest: false, compensation: false },
      { offsetDays: 7, interest: false, compensation: false },
      { offsetDays: 14, interest: false, compensation: false },
      { offsetDays: 30, interest: true, compensation: false },
    ]);
    expect((await owner.call('GET', '/api/v1/dunning/reference-rates')).items).toHaveLength(2);

    await page.goto(`${server.url}/app/clients/${invoice.clientId}`);
    await page.getByLabel('Reminders for this client’s invoices').selectOption('off');
    await page.getByRole('status').filter({ hasText: 'Reminders turned off for this client' }).waitFor();
    expect(await owner.call('GET', `/api/v1/clients/${invoice.clientId}/reminders`)).toEqual({
      optedOut: true,
      planId: null,
    });
    expectNoProblems(problems);
    await ctx.close();
  });
});
