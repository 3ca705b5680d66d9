// A client contact secures the portal in a real browser (chromium with a CDP virtual platform
// authenticator: resident keys, user verification): signs in with the emailed code, opens
// Security, sets up an authenticator app (secret from the page, code computed here) and a passkey;
// then the emailed code alone yields only the second step (the API refuses documents meanwhile),
// which the TOTP code or the passkey completes; finally the passkey signs in on its own
// (usernameless) and is revoked. The server's clock is injected so TOTP steps move on demand.
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FixedClock } from '../../src/platform/clock.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import {
  checkpoint,
  describeBrowser,
  expectNoProblems,
  launchBrowser,
  newPage,
  startServer,
  type PageProblems,
  type TestServer,
} from './browser.ts';
import { mailMatch, seedInvoice, setupByApi, totpCode } from './journeys.ts';

const CLIENT_EMAIL = 'carla@globex.test';

describeBrowser('portal second factors in a real browser', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let cdp: CDPSession;
  let authenticatorId: string;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startServer({
      clock,
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'Acme Studio <billing@acme.test>' },
    });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    ({ page, problems } = await newPage(context));
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const added = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    authenticatorId = added.authenticatorId;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  /** The emailed-code step of the portal sign-in page. */
  async function enterEmailedCode(): Promise<void> {
    const mark = smtp.messages.length;
    await page.getByLabel('Email').fill(CLIENT_EMAIL);
    await page.getByRole('button', { name: 'Email me a code' }).click();
    const code = await mailMatch(smtp, CLIENT_EMAIL, /: (\d{6})\b/, mark);
    await page.getByLabel('One-time code').fill(code);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const apiStatus = (url: string) =>
    page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).status, url);

  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to the client portal' }).waitFor();
  }

  it('enrols TOTP and a passkey, then needs one of them after the emailed code; the passkey also signs in alone', async () => {
    const api = await setupByApi(server.url, { email: 'olga@acme.test', password: 'correct horse battery staple 7' });
    const { number } = await seedInvoice(api, CLIENT_EMAIL);
    await page.goto(`${server.url}/portal?org=${api.orgId}`);
    await enterEmailedCode();
    await page.getByRole('link', { name: number }).waitFor();

    // Security: an authenticator app, from the secret shown on the page.
    await page.getByRole('link', { name: 'Security' }).click();
    await checkpoint(page, 'portal-security', 'Security');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await checkpoint(page, 'portal-security-totp', 'Security');
    await page.getByLabel('Code from the app').fill(totpCode(secret, clock.now().getTime()));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page.getByRole('status').filter({ hasText: 'Authenticator app added' }).waitFor();

    // A passkey, created by the virtual authenticator.
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByLabel('Name for this passkey').fill('Office laptop');
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.getByRole('status').filter({ hasText: 'Passkey added' }).waitFor();
    await page.getByTestId('portal-passkeys').getByText('Office laptop').waitFor();
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials).toHaveLength(1);
    await checkpoint(page, 'portal-security-on', 'Security');

    // The emailed code alone: the second step appears and the documents stay closed.
    await signOut();
    clock.advance(60_000);
    await enterEmailedCode();
    await page.getByRole('heading', { name: "Confirm it's you" }).waitFor();
    await checkpoint(page, 'portal-second-factor', 'Sign in to the client portal');
    expect(await apiStatus('/api/v1/portal/documents')).toBe(401);
    await page.getByLabel('6-digit code from your authenticator app').fill(totpCode(secret, clock.now().getTime()));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: number }).waitFor();
    expect(await apiStatus('/api/v1/portal/documents')).toBe(200);

    // Again, finished with the passkey this time.
    await signOut();
    await enterEmailedCode();
    await page.getByRole('button', { name: 'Use my passkey' }).click();
    await page.getByRole('link', { name: number }).waitFor();

    // The passkey alone (usernameless): no email typed.
    await signOut();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('link', { name: number }).waitFor();

    // Revoke it (the passkey sign-in was just now, so the change is allowed).
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Revoke passkey Office laptop' }).click();
    await page.getByRole('status').filter({ hasText: 'revoked' }).waitFor();
    await expect.poll(() => page.getByTestId('portal-passkeys').count()).toBe(0);
    expectNoProblems(problems);
  }, 120_000);
});
