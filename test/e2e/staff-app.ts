// The set-up most staff-app e2e suites share: a server (with a real SMTP server on loopback when the
// suite sends mail), a browser, the owner signed up by API, optional seed data, and a page with the
// owner signed in on the Dashboard. Call inside describeBrowser; it registers beforeAll/afterAll.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { launchBrowser, newPage, startServer, type PageProblems, type TestServer } from './browser.ts';
import { setupByApi, signInWithPassword, type ApiClient } from './journeys.ts';

export interface StaffAppOptions<S> {
  owner: { email: string; password: string };
  orgName: string;
  /** The From address; set, the suite gets a loopback SMTP server and the server sends through it. */
  mailFrom?: string;
  /** More server environment, read when the server starts (after the suite's earlier beforeAll hooks). */
  env?: () => Record<string, string>;
  /** Data made through the API before the tests run (its result is `seeded`). */
  seed?: (owner: ApiClient) => Promise<S>;
}

export interface StaffApp<S> {
  readonly server: TestServer;
  readonly browser: Browser;
  readonly owner: ApiClient & { orgId: string; userId: string };
  readonly smtp: TestSmtp;
  readonly seeded: S;
  /** A fresh browser context with the owner signed in and the Dashboard shown. */
  signIn(): Promise<{ ctx: BrowserContext; page: Page; problems: PageProblems }>;
}

export function useStaffApp<S = undefined>(opts: StaffAppOptions<S>): StaffApp<S> {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let smtp: TestSmtp | undefined;
  let owner: StaffApp<S>['owner'] | undefined;
  let seeded: S | undefined;
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is not set up (use it inside a test)`);
    return v;
  };

  beforeAll(async () => {
    if (opts.mailFrom) smtp = await startTestSmtp();
    const env = {
      ...(smtp && { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: opts.mailFrom! }),
      ...opts.env?.(),
    };
    server = await startServer(Object.keys(env).length > 0 ? { env } : {});
    browser = await launchBrowser();
    owner = await setupByApi(server.url, opts.owner, opts.orgName);
    seeded = opts.seed ? await opts.seed(owner) : undefined;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  return {
    get server() {
      return ready(server, 'the server');
    },
    get browser() {
      return ready(browser, 'the browser');
    },
    get owner() {
      return ready(owner, 'the owner');
    },
    get smtp() {
      return ready(smtp, 'the SMTP server (set mailFrom)');
    },
    get seeded() {
      return seeded as S;
    },
    async signIn() {
      const ctx = await ready(browser, 'the browser').newContext();
      const { page, problems } = await newPage(ctx);
      await signInWithPassword(page, ready(server, 'the server').url, opts.owner.email, opts.owner.password);
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      return { ctx, page, problems };
    },
  };
}
