// Browser tests: a real Sealbill server on loopback (in-process, SQLite) driven by Debian's
// chromium through playwright-core. Locally the suites skip when /usr/bin/chromium is missing;
// in CI (CI set) a missing chromium fails the run instead. Every page a test visits is checked
// with axe-core (no serious or critical violations) and for CSP violations and script errors.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/env.ts';
import { buildHttpApp } from '../../src/main/app.ts';
import { createContainer, type Container } from '../../src/main/container.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { decodeMasterKey } from '../../src/platform/crypto/master-key.ts';
import type { FastifyInstance } from 'fastify';
import { seedMigratedSqlite } from '../helpers/sqlite-template.ts';
import { freePort } from '../helpers/process.ts';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const inCi = Boolean(process.env.CI);
export const hasChromium = existsSync(CHROMIUM);

/** A describe block that needs chromium: skipped locally without it, failing in CI without it. */
export function describeBrowser(name: string, fn: () => void): void {
  if (hasChromium) {
    describe(name, fn);
    return;
  }
  if (inCi) {
    describe(name, () => {
      it('has chromium installed (CI must run the browser tests)', () => {
        throw new Error(`${CHROMIUM} is missing: .ci/run installs the chromium package`);
      });
    });
    return;
  }
  describe.skip(`${name} (skipped: ${CHROMIUM} not installed)`, fn);
}

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function webIsFresh(): boolean {
  const index = path.join(ROOT, 'web/dist/index.html');
  const sources = Math.max(newest(path.join(ROOT, 'web/src')), statSync(path.join(ROOT, 'web/index.html')).mtimeMs);
  return existsSync(index) && statSync(index).mtimeMs >= sources;
}

/**
 * Builds web/dist when it is missing or older than its sources (CI builds it before the tests).
 * Test files run in parallel processes: a lock directory makes one of them build while the
 * others wait, instead of several builds emptying the same folder under each other.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (webIsFresh()) return;
  const lock = path.join(ROOT, 'web/.build-lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the deadline was left by a killed run.
      if (
        Date.now() > deadline ||
        Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000
      )
        rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (webIsFresh()) return;
    const { build } = await import('vite');
    await build({ configFile: path.join(ROOT, 'web/vite.config.ts'), logLevel: 'error' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface TestServer {
  /** http://localhost:<port> — a host name, not an IP, because WebAuthn RP IDs cannot be IP addresses. */
  url: string;
  container: Container;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startServer(opts: { env?: Record<string, string>; clock?: Clock } = {}): Promise<TestServer> {
  await ensureWebBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-e2e-'));
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const config = parseConfig({
    SEALBILL_DATA_DIR: dir,
    SEALBILL_LOG_LEVEL: 'silent',
    SEALBILL_SIGNUP: 'first-run',
    SEALBILL_PUBLIC_URL: url,
    SEALBILL_HOST: '127.0.0.1',
    SEALBILL_PORT: String(port),
    ...opts.env,
  });
  seedMigratedSqlite(config.database);
  const container = await createContainer(config, {
    masterKey: decodeMasterKey(randomBytes(32).toString('base64'), 'test'),
    warn: () => {},
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const app = await buildHttpApp(container, { logger: false });
  await app.listen({ host: '127.0.0.1', port });
  return {
    url,
    container,
    app,
    async close() {
      await app.close();
      await container.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--host-resolver-rules=MAP localhost 127.0.0.1',
    ],
  });
}

export interface PageProblems {
  errors: string[];
}

/** A page that records CSP violations, uncaught errors and failed same-origin script/style loads. */
export async function newPage(context: BrowserContext): Promise<{ page: Page; problems: PageProblems }> {
  const page = await context.newPage();
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (e) => problems.errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    const t = m.text();
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(t)) problems.errors.push(`CSP: ${t}`);
  });
  return { page, problems };
}

export function expectNoProblems(problems: PageProblems): void {
  expect(problems.errors, problems.errors.join('\n')).toEqual([]);
}

const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
let axeSource: string | null = null;

/**
 * Runs axe-core on the page and fails on serious or critical violations. axe is evaluated through
 * the DevTools protocol: the page's CSP (script-src 'self') rightly refuses an injected inline
 * <script>, and the test must not weaken the CSP it also checks.
 */
export async function checkA11y(page: Page, label: string): Promise<void> {
  axeSource ??= readFileSync(AXE, 'utf8');
  const present = await page.evaluate('typeof window.axe === "object"');
  if (!present) await page.evaluate(`${axeSource}\n;void 0`);
  const result = (await page.evaluate(
    `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`,
  )) as Array<{
    id: string;
    impact: string | null;
    help: string;
    nodes: string[];
  }>;
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad,
    `${label}: ${bad.map((v) => `${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`).join('\n')}`,
  ).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(ARTIFACTS, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Visits a page state: waits for the main heading, checks accessibility, saves a screenshot. */
export async function checkpoint(page: Page, name: string, heading?: string | RegExp): Promise<void> {
  if (heading) await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  else await page.locator('h1').first().waitFor();
  await checkA11y(page, name);
  await screenshot(page, name);
}
