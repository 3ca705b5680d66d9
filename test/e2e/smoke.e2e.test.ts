import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  checkpoint,
  describeBrowser,
  expectNoProblems,
  launchBrowser,
  newPage,
  startServer,
  type TestServer,
} from './browser.ts';

describeBrowser('smoke', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders the setup page and the verify page under the CSP', async () => {
    const ctx = await browser.newContext();
    const { page, problems } = await newPage(ctx);
    await page.goto(`${server.url}/app`);
    await checkpoint(page, 'smoke-setup', 'Set up Sealbill');
    await page.goto(`${server.url}/verify`);
    await checkpoint(page, 'smoke-verify', /genuine/);
    await page.goto(`${server.url}/s/0190c3a4-0000-7000-8000-000000000000`);
    await checkpoint(page, 'smoke-sealed-nokey', /incomplete/);
    expect(await page.title()).toContain('Sealbill');
    expectNoProblems(problems);
    await ctx.close();
  }, 60_000);
});
