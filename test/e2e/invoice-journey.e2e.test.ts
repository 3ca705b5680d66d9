// The main journey, through the real screens only: first-run owner setup → enrol TOTP → create a
// client → create and issue an invoice → plain email refused over a relay without TLS → send it
// notice-only → the client signs in to the portal with the emailed code → downloads the PDF → the
// verification page says it is authentic.
// Only the payout bank details are seeded through the service: the protected change flow (step-up,
// cooling-off) has its own tests, and the portal's bank transfer panel needs details in force.
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { payoutSchema } from '../../src/modules/orgs/org.schemas.ts';
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
import { mailMatch, readmeScreenshot, totpCode } from './journeys.ts';

const OWNER = { email: 'olga@acme.test', password: 'correct horse battery staple 7' };
const CLIENT_EMAIL = 'carla@globex.test';

describeBrowser('journey: set up, invoice, deliver, portal, verify', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startServer({
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'Acme Studio <billing@acme.test>' },
    });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('runs end to end in the browser', async () => {
    const staff = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 860 } });
    const { page, problems } = await newPage(staff);
    const base = server.url;

    // 1. First-run setup.
    await page.goto(`${base}/app`);
    await checkpoint(page, 'staff-setup', 'Set up Sealbill');
    await page.getByLabel('Organization name').fill('Acme Studio GmbH');
    await page.getByLabel('Locale').fill('en-GB');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByLabel('Your name').fill('Olga Owner');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await checkpoint(page, 'staff-setup-done', 'Sealbill is ready');
    await expect.poll(() => page.getByTestId('bootstrap-token').textContent()).toMatch(/^sb_/);
    const orgId = (await server.container.db.selectFrom('orgs').select('id').executeTakeFirstOrThrow()).id;
    await server.container.db.transaction().execute((tx) =>
      server.container.services.orgs.setPayoutInTx(
        tx,
        orgId,
        payoutSchema.parse({
          accountHolder: 'Acme Studio GmbH',
          bankName: 'Commerzbank',
          iban: 'DE89370400440532013000',
          bic: 'COBADEFFXXX',
        }),
        { type: 'system', id: 'e2e' },
      ),
    );
    await page.getByRole('button', { name: /Continue/ }).click();

    // 2. Enrol an authenticator app (TOTP) from My account.
    await checkpoint(page, 'staff-account', 'My account');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await page.getByLabel('Code from the app').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    await checkA11y(page, 'dialog');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await expect.poll(() => page.getByText('On', { exact: true }).count()).toBeGreaterThan(0);

    // 3. Create a client with a contact.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await checkpoint(page, 'staff-clients-empty', 'Clients');
    await page.getByRole('link', { name: 'New client' }).first().click();
    await checkpoint(page, 'staff-client-new', 'New client');
    await page.getByLabel('Name', { exact: true }).fill('Globex Corporation');
    await page.getByLabel('Billing email').fill(CLIENT_EMAIL);
    await page.getByLabel('Address').fill('1 Main Street\n10115 Berlin');
    await page.getByLabel('Country').fill('DE');
    // Choosing plain email shows, under the field, why the secure modes stay recommended.
    await page.getByLabel('How documents are delivered').selectOption('plain');
    await expect
      .poll(async () => page.getByLabel('How documents are delivered').getAttribute('aria-describedby'))
      .toMatch(/-hint/);
    await page.getByText('Anyone who can read the mailbox or the mail on its way').waitFor();
    await page.getByLabel('How documents are delivered').selectOption('notice-only');
    await page.getByRole('button', { name: 'Create client' }).click();
    await checkpoint(page, 'staff-client', 'Globex Corporation');
    await page.getByLabel('Contact name').fill('Carla Client');
    await page.getByLabel('Contact email').fill(CLIENT_EMAIL);
    await page.getByLabel('Primary contact').check();
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByRole('status').filter({ hasText: 'Contact added' }).waitFor();

    // 4. Create an invoice with live totals, then issue it.
    await page.getByRole('link', { name: 'New invoice' }).click();
    await checkpoint(page, 'staff-invoice-new', 'New invoice');
    await page.getByLabel('Description').fill('Security review');
    await page.getByLabel('Quantity').fill('3');
    await page.getByLabel('Unit', { exact: true }).fill('d');
    await page.getByLabel(/Unit price/).fill('950.00');
    await expect.poll(() => page.locator('.totals .grand').last().textContent()).toBe('€2,850.00');
    await page.getByLabel(/Discount \(%\)/).fill('10');
    await expect.poll(() => page.locator('.totals .grand').last().textContent()).toBe('€2,565.00');
    await page.getByLabel(/Discount \(%\)/).fill('');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await checkpoint(page, 'staff-invoice-draft', 'Draft invoice');
    await page.getByRole('button', { name: 'Issue invoice' }).click();
    const heading = page.getByRole('heading', { level: 1, name: /^Invoice / });
    await heading.waitFor();
    const number = (await heading.textContent())!.replace('Invoice ', '').trim();
    expect(number).toMatch(/^INV-\d{4}-00001$/);
    await checkpoint(page, 'staff-invoice-issued', /^Invoice /);

    // 5. Plain email first: the dialog says under it why the secure modes stay recommended, and as
    // this relay has no TLS (starttls=never) the server refuses it and the dialog says nothing was sent.
    const before = smtp.messages.length;
    await page.getByRole('button', { name: 'Send…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Delivery mode').selectOption('plain');
    await dialog
      .getByText('Anyone who can read the mailbox or the mail on its way can read and forward the document;')
      .waitFor();
    await dialog.getByRole('button', { name: 'Send by email' }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: 'Nothing was sent' })
      .filter({ hasText: 'without TLS' })
      .waitFor();
    expect(smtp.messages.length).toBe(before);
    // Then notice-only: the email carries number, amount and fingerprint, no document.
    await page.getByRole('dialog').getByLabel('Delivery mode').selectOption('notice-only');
    await checkA11y(page, 'dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Send by email' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent' }).waitFor();
    // The fingerprint printed on the PDF (verification module); the portal shows the same one.
    const fingerprint = await mailMatch(smtp, CLIENT_EMAIL, /Fingerprint: ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})/, before);
    expect(fingerprint).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    const notice = smtp.messages.find((m) => m.to.includes(CLIENT_EMAIL) && /Fingerprint/.test(m.parsed.text ?? ''))!;
    expect(notice.parsed.attachments).toHaveLength(0);
    expect(notice.parsed.text).toContain(number);
    await page.getByRole('heading', { name: 'Delivery history' }).waitFor();

    // A staff copy of the PDF, to compare with what the client downloads.
    const staffDownload = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download PDF' }).click();
    const staffPdf = readFileSync((await (await staffDownload).path())!);
    expect(staffPdf.subarray(0, 5).toString()).toBe('%PDF-');

    // Record a part payment through the dialog.
    await page.getByRole('button', { name: 'Record payment' }).click();
    const pay = page.getByRole('dialog');
    await pay.getByLabel('Amount (EUR)').fill('1000.00');
    await pay.getByLabel('Reference').fill('Bank statement 2026-11');
    await checkA11y(page, 'payment-dialog');
    await pay.getByRole('button', { name: 'Record payment' }).click();
    await page.getByRole('status').filter({ hasText: 'Payment recorded' }).waitFor();
    await page.getByText('Partly paid').first().waitFor();

    // The dashboard now has figures (and is the README's staff screenshot).
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await checkpoint(page, 'staff-dashboard', 'Dashboard');
    await page.getByText('€1,850.00').first().waitFor();
    await readmeScreenshot(page, 'staff');

    // The portal address, as the owner finds it in Settings → Security.
    await page.getByRole('link', { name: 'Settings' }).click();
    await checkpoint(page, 'staff-settings', 'Settings');
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Signing identity' }).waitFor();
    await checkA11y(page, 'dialog');
    const portalUrl = (await page.locator('code', { hasText: '/portal?org=' }).textContent())!.trim();
    expectNoProblems(problems);

    // 6. The client signs in to the portal with the emailed code.
    const clientCtx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 860 } });
    const portal = await newPage(clientCtx);
    const p = portal.page;
    await p.goto(portalUrl);
    await checkpoint(p, 'portal-sign-in', 'Sign in to the client portal');
    const mark = smtp.messages.length;
    await p.getByLabel('Email').fill(CLIENT_EMAIL);
    await p.getByRole('button', { name: 'Email me a code' }).click();
    const code = await mailMatch(smtp, CLIENT_EMAIL, /: (\d{6})\b/, mark);
    await p.getByLabel('One-time code').fill(code);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await checkpoint(p, 'portal-invoices', 'Invoices');
    await p.getByRole('link', { name: number }).click();
    await checkpoint(p, 'portal-invoice', `Invoice ${number}`);
    expect((await p.locator('dd code').first().textContent())!.replace(/\s/g, '')).toBe(fingerprint.replace(/\s/g, ''));
    await p.getByRole('heading', { name: 'Pay by bank transfer' }).waitFor();
    expect(await p.getByText('DE89 3704 0044 0532 0130 00').count()).toBe(1);
    await p.getByRole('img', { name: /SEPA payment QR code/ }).waitFor();
    await checkpoint(p, 'portal-invoice-pay', `Invoice ${number}`);
    await readmeScreenshot(p, 'portal');

    // 7. Download the PDF: the same bytes the organization issued.
    const download = p.waitForEvent('download');
    await p.getByRole('link', { name: 'Download PDF' }).click();
    const file = (await (await download).path())!;
    expect(readFileSync(file).equals(staffPdf)).toBe(true);
    await p.getByRole('button', { name: 'Acknowledge receipt' }).click();
    await p.getByRole('status').filter({ hasText: 'Receipt acknowledged' }).waitFor();

    // 8. The verification page says the downloaded file is authentic.
    await p.goto(`${base}/verify`);
    await checkpoint(p, 'verify', /genuine/);
    await p.getByLabel('PDF file').setInputFiles(file);
    await p.getByRole('button', { name: 'Check the file' }).click();
    const verdict = p.locator('[data-verdict]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('authentic');
    expect(await verdict.textContent()).toContain('Authentic: this invoice was issued by Acme Studio GmbH');
    expect(await verdict.textContent()).toContain('exactly the one the issuer signed');
    await checkpoint(p, 'verify-authentic', /genuine/);

    // A changed byte is caught.
    const tampered = Buffer.from(readFileSync(file));
    const mid = Math.floor(tampered.length / 2);
    tampered.writeUInt8(tampered.readUInt8(mid) ^ 0x01, mid);
    await p
      .getByLabel('PDF file')
      .setInputFiles({ name: 'tampered.pdf', mimeType: 'application/pdf', buffer: tampered });
    await p.getByRole('button', { name: 'Check the file' }).click();
    await expect.poll(() => verdict.getAttribute('data-verdict')).not.toBe('authentic');
    expectNoProblems(portal.problems);

    await clientCtx.close();
    await staff.close();
  }, 180_000);
});
