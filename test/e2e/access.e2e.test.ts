// Sign-in journeys through the real screens: a passkey registered and used with Chromium's
// virtual authenticator (WebAuthn over the DevTools protocol), and a viewer who accepts an
// invitation, is made to enrol a second factor by the org's policy, and is refused when trying to
// issue an invoice.
import type { Browser, Page } from 'playwright-core';
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
import { mailMatch, setupByApi, signInWithPassword, totpCode, type ApiClient } from './journeys.ts';

const OWNER = { email: 'olga@acme.test', password: 'a long and unusual passphrase 42' };

async function addVirtualAuthenticator(page: Page): Promise<{ credentials: () => Promise<number> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length,
  };
}

describeBrowser('journeys: passkeys and roles', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let browser: Browser;
  let owner: ApiClient & { orgId: string };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startServer({ env: { SEALBILL_SMTP_URL: smtp.url } });
    browser = await launchBrowser();
    owner = await setupByApi(server.url, OWNER);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('registers a passkey on My account and signs in with it (usernameless, and as second factor)', async () => {
    const ctx = await browser.newContext();
    const { page, problems } = await newPage(ctx);
    const authenticator = await addVirtualAuthenticator(page);

    await signInWithPassword(page, server.url, OWNER.email, OWNER.password);
    await checkpoint(page, 'staff-dashboard-owner', 'Dashboard');
    await page.getByRole('link', { name: 'My account' }).click();
    await checkpoint(page, 'staff-account-factors', 'My account');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByLabel('Name for this passkey').fill('Test laptop');
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    // The first factor comes with recovery codes, shown once.
    await page.getByTestId('recovery-codes').waitFor();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('Test laptop', { exact: true }).waitFor();
    expect(await authenticator.credentials()).toBe(1);

    // Sign out, then sign in with the passkey alone (it is both factors).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await checkpoint(page, 'staff-sign-in', 'Sign in to Sealbill');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await checkpoint(page, 'staff-dashboard-passkey', 'Dashboard');

    // A password alone is no longer enough: the passkey is asked for as the second step.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithPassword(page, server.url, OWNER.email, OWNER.password);
    await checkpoint(page, 'staff-second-factor', "Confirm it's you");
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expectNoProblems(problems);
    await ctx.close();
  }, 120_000);

  it('shows a viewer that issuing an invoice is refused', async () => {
    const client = await owner.call('POST', '/api/v1/clients', {
      name: 'Initech',
      contacts: [{ name: 'Peter', email: 'peter@initech.test' }],
    });
    const draft = await owner.call('POST', '/api/v1/invoices', {
      clientId: client.id,
      lines: [{ description: 'TPS report review', quantity: '1', unitPrice: 50000 }],
    });
    const mark = smtp.messages.length;
    await owner.call('POST', '/api/v1/members/invitations', { email: 'vera@acme.test', role: 'viewer' });
    const link = await mailMatch(smtp, 'vera@acme.test', /(http\S+\/app\/invitation#token=\S+)/, mark);

    await server.container.services.identity.orgSecurity.setMfaPolicy(owner.orgId, 'everyone', {
      type: 'system',
      id: 'e2e',
    });

    const ctx = await browser.newContext();
    const { page, problems } = await newPage(ctx);
    await page.goto(link);
    await checkpoint(page, 'invitation', 'Join an organization');
    await page.getByLabel('Your name').fill('Vera Viewer');
    await page.getByLabel('Choose a password').fill('viewer passphrase that is long');
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.getByText('Invitation accepted').waitFor();
    await page.getByRole('link', { name: 'Go to sign-in' }).click();
    await page.getByLabel('Email').fill('vera@acme.test');
    await page.getByLabel('Password').fill('viewer passphrase that is long');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // The policy requires a second factor of everyone: the viewer must enrol before going on.
    await checkpoint(page, 'viewer-forced-enrolment', 'Set up two-step sign-in');
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await page.getByLabel('Code from the app').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    await checkA11y(page, 'viewer-recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await checkpoint(page, 'viewer-dashboard', 'Dashboard');

    await page.getByRole('link', { name: 'Invoices' }).click();
    await checkpoint(page, 'viewer-invoices', 'Invoices');
    // Filters and sort are kept in the URL: a reload (or a shared link) shows the same list.
    await page.getByLabel('Status').selectOption('draft');
    await page.getByLabel('Sort').selectOption('-total');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/app\/invoices\?status=draft&sort=-total$/);
    await page.reload();
    await checkpoint(page, 'viewer-invoices-filtered', 'Invoices');
    expect(await page.getByLabel('Status').inputValue()).toBe('draft');
    expect(await page.getByLabel('Sort').inputValue()).toBe('-total');
    await page.getByRole('link', { name: /^Draft/ }).click();
    await checkpoint(page, 'viewer-draft', 'Draft invoice');
    await page.getByRole('button', { name: 'Issue invoice' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Refused' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('invoice:issue');
    await checkpoint(page, 'viewer-refused', 'Draft invoice');
    const after = await owner.call('GET', `/api/v1/invoices/${draft.id}`);
    expect(after.status).toBe('draft');
    expect(after.number).toBeNull();
    expectNoProblems(problems);
    await ctx.close();
  }, 120_000);
});
