// Email templates in a real browser against a real SMTP server on loopback: the template editor
// previews live, flags an unknown placeholder before saving and saves; the send dialog shows the
// recipient, the subject and the opening from that template, takes an edit for this sending, and
// the mail that arrives says what the dialog showed.
import { expect, it } from 'vitest';
import { checkA11y, describeBrowser, expectNoProblems } from './browser.ts';
import { useStaffApp } from './staff-app.ts';
import { seedInvoice } from './journeys.ts';

const OWNER = { email: 'olga@templates.test', password: 'a long and unusual passphrase 42' };

describeBrowser('email templates and the send dialog', () => {
  const app = useStaffApp({
    owner: OWNER,
    orgName: 'Templates GmbH',
    mailFrom: 'billing@templates.test',
    seed: (owner) => seedInvoice(owner, 'carla@globex.test'),
  });

  it('edits a template with a live preview, then sends with the wording edited in the dialog', async () => {
    const { server, smtp, seeded: invoice } = app;
    const { ctx, page, problems } = await app.signIn();

    await page.goto(`${server.url}/app/settings/templates`);
    const form = page.getByRole('form', { name: 'Template' });
    await form.getByRole('heading', { name: 'Invoice · English (built-in wording)' }).waitFor();
    await form.getByLabel('Subject').fill('Your invoice {{document.number}} from {{org.name}}');
    await form
      .getByLabel('Opening')
      .fill('Dear {{client.name}},\n\nplease find {{document.total}} due {{docment.dueDate}}.');
    await expect
      .poll(() => form.getByTestId('preview-subject').textContent())
      .toBe('Your invoice INV-2026-00042 from Your Company');
    await form.getByText('unknown placeholder {{docment.dueDate}}').waitFor();
    await form
      .getByLabel('Opening')
      .fill('Dear {{client.name}},\n\nplease find {{document.total}} due {{document.dueDate}}.');
    await expect
      .poll(() => form.getByTestId('preview-body').textContent())
      .toBe('Dear Globex Corporation,\n\nplease find €1,234.56 due 31 Dec 2026.');
    await checkA11y(page, 'settings-email-templates');
    await form.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('status').filter({ hasText: 'Template saved' }).waitFor();
    await form.getByRole('heading', { name: 'Invoice · English' }).waitFor();

    await page.goto(`${server.url}/app/invoices/${invoice.invoiceId}`);
    await page.getByRole('button', { name: 'Send…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('To: carla@globex.test').waitFor();
    await expect
      .poll(() => dialog.getByLabel('Subject').inputValue())
      .toBe(`Your invoice ${invoice.number} from Templates GmbH`);
    expect(await dialog.getByLabel('Message').inputValue()).toMatch(/^Dear Globex Corporation,\n\nplease find /);
    await checkA11y(page, 'send-dialog-wording');
    await dialog.getByLabel('Message').fill('Hello Carla, as agreed on the phone.');
    await dialog.getByRole('button', { name: 'Send by email' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent' }).waitFor();
    const mail = await smtp.waitFor((m) => m.to.includes('carla@globex.test'));
    expect(mail.parsed.subject).toBe(`Your invoice ${invoice.number} from Templates GmbH`);
    expect(mail.parsed.text).toMatch(/^Hello Carla, as agreed on the phone\.\n/);
    expectNoProblems(problems);
    await ctx.close();
  });
});
