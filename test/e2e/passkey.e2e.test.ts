// Passkeys in a real browser: Debian's chromium (headless) with a virtual CTAP2 platform
// authenticator attached through the Chrome DevTools Protocol (WebAuthn.addVirtualAuthenticator,
// resident keys, user verification). The page signs in with a password, registers a passkey
// (navigator.credentials.create), signs out, then signs in usernameless with the passkey
// (navigator.credentials.get) — all against the real API, with the __Host- session cookie and
// the CSRF header exactly as the web app uses them. The server runs on loopback and is reached
// as http://localhost (WebAuthn RP IDs cannot be IP addresses; localhost is a secure context).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/env.ts';
import { buildHttpApp } from '../../src/main/app.ts';
import { createContainer, type Container } from '../../src/main/container.ts';
import { hashPassword } from '../../src/modules/identity/passwords/passwords.ts';
import { insertMembership, insertUser, newUserRow } from '../../src/modules/identity/accounts/users.repo.ts';
import { decodeMasterKey } from '../../src/platform/crypto/master-key.ts';
import { newId } from '../../src/platform/ids.ts';
import type { FastifyInstance } from 'fastify';
import { describeBrowser, launchBrowser } from './browser.ts';
import { freePort } from '../helpers/process.ts';

const PASSWORD = 'a passphrase typed into a real browser';

/** fetch() from the page, as the web app does: same-origin cookies, CSRF header on state changes. */
async function call(
  page: Page,
  method: string,
  url: string,
  body?: unknown,
  csrf?: string,
): Promise<{ status: number; json: any }> {
  return page.evaluate(
    async ({ method, url, body, csrf }) => {
      const res = await fetch(url, {
        method,
        credentials: 'same-origin',
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(csrf ? { 'x-csrf-token': csrf } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: await res.json().catch(() => null) };
    },
    { method, url, body, csrf },
  );
}

describeBrowser('passkeys in a real browser (chromium virtual authenticator)', () => {
  let dir: string;
  let url: string;
  let container: Container;
  let app: FastifyInstance;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sealbill-passkey-e2e-'));
    const port = await freePort();
    url = `http://localhost:${port}`;
    const config = parseConfig({
      SEALBILL_DATA_DIR: dir,
      SEALBILL_LOG_LEVEL: 'silent',
      SEALBILL_PUBLIC_URL: url,
      SEALBILL_HOST: '127.0.0.1',
      SEALBILL_PORT: String(port),
    });
    container = await createContainer(config, {
      masterKey: decodeMasterKey(randomBytes(32).toString('base64'), 'test'),
      warn: () => {},
    });
    const setup = await container.services.bootstrap.setup(
      { organization: { name: 'Browser AG' }, owner: { email: 'owner@browser.test', name: 'Owner' } },
      { firstRunOnly: true, actor: { type: 'system', id: 'test' } },
    );
    const now = new Date().toISOString();
    const userId = newId();
    await insertUser(
      container.db,
      newUserRow(userId, 'pia@browser.test', 'Pia', await hashPassword(PASSWORD), now, true),
    );
    await insertMembership(container.db, {
      org_id: setup.org.id,
      user_id: userId,
      role: 'accountant',
      created_at: now,
      deactivated_at: null,
    });
    app = await buildHttpApp(container, { logger: false });
    await app.listen({ host: '127.0.0.1', port });

    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
    await page.goto(`${url}/healthz`); // any page of our origin: the test drives the API from it
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
    await app?.close();
    await container?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers a passkey with navigator.credentials.create and signs in usernameless with navigator.credentials.get', async () => {
    // Sign in with the password; the session cookie is __Host-, HttpOnly: invisible to scripts.
    const login = await call(page, 'POST', '/api/v1/auth/login', { email: 'pia@browser.test', password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.json.level).toBe('full');
    const cookies = await context.cookies(url);
    const session = cookies.find((c) => c.name === '__Host-sealbill')!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, path: '/', sameSite: 'Lax' });
    expect(await page.evaluate(() => (globalThis as any).document.cookie)).not.toContain('__Host-sealbill=');

    // Registration ceremony in the browser.
    const opts = await call(page, 'POST', '/api/v1/me/passkeys/options', undefined, login.json.csrfToken);
    expect(opts.status).toBe(200);
    expect(opts.json.options.rp.id).toBe('localhost');
    const credential = await page.evaluate(async (options) => {
      const w = globalThis as any; // the page's window (this file is type-checked without DOM types)
      const cred = await w.navigator.credentials.create({
        publicKey: w.PublicKeyCredential.parseCreationOptionsFromJSON(options),
      });
      return cred.toJSON();
    }, opts.json.options);
    const registered = await call(
      page,
      'POST',
      '/api/v1/me/passkeys',
      { challengeId: opts.json.challengeId, name: 'Chromium virtual authenticator', response: credential },
      login.json.csrfToken,
    );
    expect(registered.status, JSON.stringify(registered.json)).toBe(201);
    expect(registered.json.passkey.name).toBe('Chromium virtual authenticator');
    expect(registered.json.recoveryCodes).toHaveLength(10);
    const stored = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(stored.credentials).toHaveLength(1);
    expect(stored.credentials[0]!.isResidentCredential).toBe(true);

    // The factor change rotated the session: the new CSRF token came back with it.
    const csrf = registered.json.csrfToken as string;
    expect((await call(page, 'POST', '/api/v1/auth/logout', undefined, csrf)).status).toBe(200);
    expect((await call(page, 'GET', '/api/v1/auth/session')).status).toBe(401);

    // Usernameless sign-in: no email typed, the authenticator offers the discoverable credential.
    const start = await call(page, 'POST', '/api/v1/auth/passkey/options');
    expect(start.status).toBe(200);
    const assertion = await page.evaluate(async (options) => {
      const w = globalThis as any;
      const cred = await w.navigator.credentials.get({
        publicKey: w.PublicKeyCredential.parseRequestOptionsFromJSON(options),
      });
      return cred.toJSON();
    }, start.json.options);
    const signedIn = await call(page, 'POST', '/api/v1/auth/passkey', {
      challengeId: start.json.challengeId,
      response: assertion,
    });
    expect(signedIn.status, JSON.stringify(signedIn.json)).toBe(200);
    expect(signedIn.json.level).toBe('full');
    const state = await call(page, 'GET', '/api/v1/auth/session');
    expect(state.json).toMatchObject({ level: 'full', user: { email: 'pia@browser.test' }, methods: ['passkey'] });

    // The same assertion again (a replay) is refused.
    expect(
      (await call(page, 'POST', '/api/v1/auth/passkey', { challengeId: start.json.challengeId, response: assertion }))
        .status,
    ).toBe(401);

    // The server stored the authenticator's signature counter.
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    const row = await container.db.selectFrom('passkeys').select(['counter', 'backed_up']).executeTakeFirstOrThrow();
    expect(Number(row.counter)).toBe(after.credentials[0]!.signCount);
  }, 60_000);

  it('refuses an assertion when the authenticator did not verify the user', async () => {
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    const start = await call(page, 'POST', '/api/v1/auth/passkey/options');
    const outcome = await page.evaluate(async (options) => {
      const w = globalThis as any;
      try {
        const cred = await w.navigator.credentials.get({
          publicKey: w.PublicKeyCredential.parseRequestOptionsFromJSON(options),
        });
        return { json: cred.toJSON() };
      } catch (e) {
        return { error: (e as Error).name };
      }
    }, start.json.options);
    // Chromium itself refuses (UV required); if it ever returned a response, the server must refuse it.
    if ('json' in outcome)
      expect(
        (
          await call(page, 'POST', '/api/v1/auth/passkey', {
            challengeId: start.json.challengeId,
            response: outcome.json,
          })
        ).status,
      ).toBe(401);
    else expect(outcome.error).toBe('NotAllowedError');
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
  }, 60_000);
});
