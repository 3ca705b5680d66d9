// Helpers for the delivery and portal suites: an issued document, external tools (gpg, openssl),
// scratch directories, and the portal sign-in dance (code from the test SMTP server).
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Api } from './api.ts';
import type { TestSmtp } from './smtp.ts';

// One implementation of "is this tool installed" for every suite (see tools.ts for the rule).
export { hasTool } from './tools.ts';

export function scratchDir(tag: string): { dir: string; file(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `sealbill-${tag}-`));
  return { dir, file: (n) => path.join(dir, n), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: Buffer | string } = {},
): SpawnSyncReturns<Buffer> {
  return spawnSync(cmd, args, {
    env: { ...process.env, ...opts.env },
    ...(opts.input !== undefined && { input: opts.input }),
  });
}

export function openssl(args: string[]): string {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** A client with one contact, and an issued invoice for it. */
export async function clientWithInvoice(
  api: Api,
  opts: { name?: string; email?: string; deliveryMode?: string; total?: number; language?: string } = {},
) {
  const client = await api.ok('POST', '/api/v1/clients', {
    name: opts.name ?? 'Zeta Consulting Ltd',
    ...(opts.language && { language: opts.language }),
    email: 'accounts@zeta.test',
    addressLines: ['12 Secret Street', 'Hiddenville'],
    country: 'GB',
    deliveryMode: opts.deliveryMode ?? 'notice-only',
    contacts: [{ name: 'Zoe Zeta', email: opts.email ?? 'zoe@zeta.test', isPrimary: true }],
  });
  const draft = await api.ok('POST', '/api/v1/invoices', {
    clientId: client.id,
    lines: [{ description: 'Confidential consulting work', quantity: '1', unitPrice: opts.total ?? 123_456 }],
  });
  const invoice = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
  return { client, invoice, contactId: client.contacts[0].id as string };
}

export function cookieFrom(res: LightMyRequestResponse, name: string): string {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const hit = list.find((c) => c.startsWith(`${name}=`));
  if (!hit) throw new Error(`no ${name} cookie in ${JSON.stringify(list)}`);
  return hit.slice(name.length + 1).split(';')[0]!;
}

/** Signs a contact into the portal with an emailed code; returns the cookie and CSRF token. */
export async function portalLogin(
  app: FastifyInstance,
  smtp: TestSmtp,
  orgId: string,
  email: string,
): Promise<{ cookie: string; csrf: string; body: any }> {
  const before = smtp.messages.length;
  const req = await app.inject({ method: 'POST', url: '/api/v1/portal/auth/code', payload: { orgId, email } });
  expect(req.statusCode, req.body).toBe(202);
  // The sign-in mail, not another one to the same address (a security alert may arrive meanwhile).
  const mail = await smtp.waitFor(
    (m) => smtp.messages.indexOf(m) >= before && m.to.includes(email) && /\/portal\/magic#t=/.test(m.parsed.text ?? ''),
  );
  // The code stands at the end of its line in every language ("Ihr Anmeldecode: 123456").
  const code = /: (\d{6})\b/.exec(mail.parsed.text ?? '')![1]!;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/portal/auth/code/verify',
    payload: { challengeId: req.json().challengeId, code },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: cookieFrom(res, '__Host-sealbill-portal'), csrf: res.json().csrfToken, body: res.json() };
}

export function portalReq(
  app: FastifyInstance,
  s: { cookie: string; csrf: string },
  method: string,
  url: string,
  payload?: unknown,
) {
  return app.inject({
    method: method as 'GET',
    url,
    cookies: { '__Host-sealbill-portal': s.cookie },
    headers: method === 'GET' ? {} : { 'x-csrf-token': s.csrf },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}
