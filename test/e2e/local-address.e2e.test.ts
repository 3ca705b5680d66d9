// A new user's first minutes at a non-default port (issue #10 item 20), in a real browser. The
// server is configured as a user who changed only SEALBILL_PORT would configure it (no public
// URL, no host): the app is opened at http://localhost:<port>/app, set up, signed out of and
// signed in to again. Then the same app opened at the loopback IP: signing in works, and adding
// a passkey there (which WebAuthn cannot allow at an IP address) says what to do instead of
// showing the browser's raw error.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/env.ts';
import { buildHttpApp } from '../../src/main/app.ts';
import { createContainer, type Container } from '../../src/main/container.ts';
import { decodeMasterKey } from '../../src/platform/crypto/master-key.ts';
import type { FastifyInstance } from 'fastify';
import { checkpoint, describeBrowser, ensureWebBuilt, expectNoProblems, launchBrowser, newPage } from './browser.ts';
import { signInWithPassword } from './journeys.ts';
import { freePort } from '../helpers/process.ts';

const OWNER = { email: 'new.user@example.com', password: 'a passphrase typed into a real browser' };

describeBrowser('local address: only SEALBILL_PORT set', () => {
  let dir: string;
  let port: number;
  let container: Container;
  let app: FastifyInstance;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'sealbill-e2e-address-'));
    port = await freePort();
    const config = parseConfig({ SEALBILL_DATA_DIR: dir, SEALBILL_LOG_LEVEL: 'silent', SEALBILL_PORT: String(port) });
    expect(config.publicUrl).toBe(`http://localhost:${port}`);
    container = await createContainer(config, {
      masterKey: decodeMasterKey(randomBytes(32).toString('base64'), 'test'),
      warn: () => {},
    });
    app = await buildHttpApp(container, { logger: false });
    await app.listen({ host: config.host, port: config.port });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await container?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sets up at http://localhost:<port>/app and signs in again', async () => {
    const base = `http://localhost:${port}`;
    const ctx = await browser.newContext();
    const { page, problems } = await newPage(ctx);
    await page.goto(`${base}/app`);
    await checkpoint(page, 'address-setup', 'Set up Sealbill');
    await page.getByLabel('Organization name').fill('Port Changer Ltd');
    await page.getByLabel('Your name').fill('New User');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await checkpoint(page, 'address-setup-done', 'Sealbill is ready');
    await page.getByText('you are signed in').waitFor();
    expect(await page.getByText(/refused/i).count()).toBe(0);
    await expect.poll(() => page.getByTestId('bootstrap-token').textContent()).toMatch(/^sb_/);
    await page.getByText(/works for 24 hours only/).waitFor();
    await page.getByRole('button', { name: /Continue/ }).click();
    await checkpoint(page, 'address-account', 'My account');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await checkpoint(page, 'address-sign-in', 'Sign in to Sealbill');
    await signInWithPassword(page, base, OWNER.email, OWNER.password);
    await checkpoint(page, 'address-dashboard', 'Dashboard');
    expectNoProblems(problems);
    await ctx.close();
  }, 120_000);

  it('at the loopback IP, sign-in works and a passkey attempt explains what to do', async () => {
    const ip = `http://127.0.0.1:${port}`;
    const ctx = await browser.newContext();
    const { page, problems } = await newPage(ctx);
    await signInWithPassword(page, ip, OWNER.email, OWNER.password);
    await checkpoint(page, 'address-ip-dashboard', 'Dashboard');
    await page.getByRole('link', { name: 'My account' }).click();
    await checkpoint(page, 'address-ip-account', 'My account');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByLabel('Name for this passkey').fill('Laptop');
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'Passkeys do not work at an IP address' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain(`http://localhost:${port}`);
    expect(await page.getByText(/invalid domain|registrable domain|SecurityError/i).count()).toBe(0);
    expectNoProblems(problems);
    await ctx.close();
  }, 120_000);
});
