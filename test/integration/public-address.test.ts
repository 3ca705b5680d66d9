// The address a local install works at (issue #10 item 20). A new user changed only SEALBILL_PORT:
// set-up created the organization but the page said "Cross-origin request refused", every later
// sign-in was refused, the start banner printed an address the server then refused, and passkeys
// could not work at the default http://127.0.0.1:3000 (WebAuthn refuses IP addresses).
// Asserted: defaults follow the listen host and port (public URL, accepted origins, WebAuthn RP
// id and origins), local installs are advertised as localhost and accept the loopback IP too;
// the banner's address is one the server accepts; a refusal names the expected origin and the
// variable to set, and a refused set-up creates nothing. Then the user's path over real HTTP:
// `sealbill serve` with only SEALBILL_PORT set, set-up and sign-in with the Origin a browser sends.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/env.ts';
import { startBanner } from '../../src/main/server.ts';
import { expectProblem } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { BIN, freePort } from '../helpers/process.ts';

const owner = { email: 'you@example.com', name: 'Your Name', password: 'a passphrase typed by a new user' };
const setupBody = { organization: { name: 'Local Test Ltd', defaultCurrency: 'EUR' }, owner };

describe('address defaults follow SEALBILL_HOST and SEALBILL_PORT', () => {
  const cfg = (env: Record<string, string>) => parseConfig({ SEALBILL_DATA_DIR: '/tmp/unused', ...env });

  it('a local install is advertised as localhost (passkeys need a host name) and accepts the loopback IP too', () => {
    for (const [env, url] of [
      [{}, 'http://localhost:3000'],
      [{ SEALBILL_PORT: '4123' }, 'http://localhost:4123'],
      [{ SEALBILL_PORT: '4123', SEALBILL_HOST: 'localhost' }, 'http://localhost:4123'],
      [{ SEALBILL_PORT: '4123', SEALBILL_HOST: '0.0.0.0' }, 'http://localhost:4123'],
      [{ SEALBILL_PORT: '80' }, 'http://localhost'],
    ] as const) {
      const c = cfg(env);
      expect(c.publicUrl, JSON.stringify(env)).toBe(url);
      expect(c.publicUrlDerived).toBe(true);
      expect(c.webauthn.rpId).toBe('localhost');
      expect(c.webauthn.origins).toEqual([url]);
      expect(c.allowedOrigins).toEqual([url, url.replace('localhost', '127.0.0.1'), url.replace('localhost', '[::1]')]);
    }
  });

  it('another host is advertised as itself; TLS makes it https; an explicit SEALBILL_PUBLIC_URL wins alone', () => {
    expect(cfg({ SEALBILL_HOST: 'billing.internal', SEALBILL_PORT: '8080' })).toMatchObject({
      publicUrl: 'http://billing.internal:8080',
      allowedOrigins: ['http://billing.internal:8080'],
    });
    expect(cfg({ SEALBILL_HOST: 'fd00::5' }).publicUrl).toBe('http://[fd00::5]:3000');
    expect(
      cfg({ SEALBILL_TLS_CERT_FILE: '/c.pem', SEALBILL_TLS_KEY_FILE: '/k.pem', SEALBILL_PORT: '443' }).publicUrl,
    ).toBe('https://localhost');
    const explicit = cfg({ SEALBILL_PUBLIC_URL: 'https://bill.example.com/', SEALBILL_PORT: '4123' });
    expect(explicit).toMatchObject({
      publicUrl: 'https://bill.example.com',
      publicUrlDerived: false,
      allowedOrigins: ['https://bill.example.com'],
    });
    expect(explicit.webauthn).toMatchObject({ rpId: 'bill.example.com', origins: ['https://bill.example.com'] });
    expect(() => cfg({ SEALBILL_PORT: '0' })).toThrow(/SEALBILL_PORT=0.*SEALBILL_PUBLIC_URL/s);
    expect(() => cfg({ SEALBILL_HOST: 'not a host' })).toThrow(/SEALBILL_HOST/);
  });

  it('the banner prints the public URL, and warns where passkeys cannot work', () => {
    const local = startBanner(cfg({ SEALBILL_PORT: '4123' }), { setUp: false, https: false });
    expect(local).toMatch(
      /Sealbill is running at http:\/\/localhost:4123 {2}\(listening on http:\/\/127\.0\.0\.1:4123/,
    );
    expect(local).toContain('Open http://localhost:4123/app to set it up');
    expect(local).not.toMatch(/Passkeys cannot/);
    expect(startBanner(cfg({ SEALBILL_PUBLIC_URL: 'http://127.0.0.1:4123' }), { setUp: true, https: false })).toMatch(
      /Passkeys cannot work at http:\/\/127\.0\.0\.1:4123.*SEALBILL_PUBLIC_URL/,
    );
    expect(startBanner(cfg({ SEALBILL_HOST: '0.0.0.0' }), { setUp: true, https: false })).toMatch(
      /every interface.*SEALBILL_PUBLIC_URL/,
    );
  });
});

describeEachDb(
  'the banner address is accepted; refusals say what to change; a refused set-up creates nothing',
  (dialect) => {
    let t: TestInstance;
    const bannerOrigin = () =>
      new URL(/Sealbill is running at (\S+)/.exec(startBanner(t.config, { setUp: false, https: false }))![1]!).origin;
    const post = (url: string, origin: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: { origin }, payload });

    beforeAll(async () => {
      t = await createTestInstance(dialect, { env: { SEALBILL_PORT: '4124', SEALBILL_SIGNUP: 'first-run' } });
    });
    afterAll(async () => {
      await t.container.services.identity.notifier.settled();
      await t.close();
    });

    it('set-up from a foreign origin is refused before anything is created, saying which address to use', async () => {
      for (const origin of ['http://localhost:3000', 'http://192.168.1.20:4124', 'https://evil.example']) {
        const body = expectProblem(await post('/api/v1/setup', origin, setupBody), 403, 'csrf_failed');
        expect(body.detail).toContain(`served from ${origin}`);
        expect(body.detail).toContain('expects http://localhost:4124');
        expect(body.detail).toContain('SEALBILL_PUBLIC_URL');
      }
      // A refused password is refused before the transaction too.
      expectProblem(
        await post('/api/v1/setup', bannerOrigin(), { ...setupBody, owner: { ...owner, password: 'Winter2026!' } }),
        422,
        'unprocessable',
      );
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({ setUp: false });
      for (const table of ['orgs', 'users', 'memberships', 'api_tokens'] as const) {
        expect(
          Number(
            (
              await t.container.db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
          table,
        ).toBe(0);
      }
    });

    it('set-up and sign-in from the banner’s address (and from the loopback IP a user may type) are accepted', async () => {
      const origin = bannerOrigin();
      expect(origin).toBe('http://localhost:4124');
      expect((await post('/api/v1/setup', origin, setupBody)).statusCode).toBe(201);
      for (const o of [origin, 'http://127.0.0.1:4124']) {
        const login = await post('/api/v1/auth/login', o, { email: owner.email, password: owner.password });
        expect(login.statusCode, login.body).toBe(200);
        const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
        const { csrfToken } = login.json();
        const created = await t.app.inject({
          method: 'POST',
          url: '/api/v1/clients',
          headers: { origin: o, cookie, 'x-csrf-token': csrfToken },
          payload: { name: `Client via ${o}` },
        });
        expect(created.statusCode, created.body).toBe(201);
      }
      const foreign = expectProblem(
        await post('/api/v1/auth/login', 'http://localhost:3000', { email: owner.email, password: owner.password }),
        403,
        'csrf_failed',
      );
      expect(foreign.detail).toMatch(/expects http:\/\/localhost:4124.*SEALBILL_PUBLIC_URL/);
    });
  },
);

describe('`sealbill serve` with only SEALBILL_PORT set [sqlite]', () => {
  let dir: string;
  let child: ChildProcessWithoutNullStreams;
  let port: number;
  let banner: string;
  let stdout = '';
  let stderr = '';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sealbill-address-'));
    port = await freePort();
    // The data directory is the working directory, as for a user who runs `npx sealbill serve` there.
    child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, SEALBILL_PORT: String(port), SEALBILL_LOG_LEVEL: 'warn' },
    });
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    banner = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 50 s\n${stdout}\n${stderr}`)), 50_000);
      child.stdout.on('data', () => {
        const m = /Sealbill is running at (http:\/\/\S+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}\n${stdout}\n${stderr}`)));
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints http://localhost:<port>, and set-up and sign-in work there with the Origin a browser sends', async () => {
    expect(banner).toBe(`http://localhost:${port}`);
    const origin = banner;
    const headers = { 'content-type': 'application/json', origin };
    expect((await (await fetch(`${banner}/api/v1/setup`)).json()) as object).toEqual({ setUp: false });

    const setup = await fetch(`${banner}/api/v1/setup`, { method: 'POST', headers, body: JSON.stringify(setupBody) });
    expect(setup.status, await setup.clone().text()).toBe(201);
    const { token, tokenExpiresAt } = (await setup.json()) as { token: string; tokenExpiresAt: string };
    expect(Date.parse(tokenExpiresAt) - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);

    const login = await fetch(`${banner}/api/v1/auth/login`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: owner.email, password: owner.password }),
    });
    expect(login.status, await login.clone().text()).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken, level } = (await login.json()) as { csrfToken: string; level: string };
    expect(level).toBe('full');
    const session = await fetch(`${banner}/api/v1/auth/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { email: string } }).user.email).toBe(owner.email);
    const client = await fetch(`${banner}/api/v1/clients`, {
      method: 'POST',
      headers: { ...headers, cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'Globex Corp' }),
    });
    expect(client.status, await client.clone().text()).toBe(201);
    // The loopback IP a user may type instead is accepted too.
    const viaIp = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { ...headers, origin: `http://127.0.0.1:${port}` },
      body: JSON.stringify({ email: owner.email, password: owner.password }),
    });
    expect(viaIp.status).toBe(200);
    expect((await fetch(`${banner}/api/v1/org`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(stdout + stderr).not.toContain(token);
  });
});
