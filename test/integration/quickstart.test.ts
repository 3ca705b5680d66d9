// The README's journey (issue #2 "Done when"), over real HTTP: `sealbill serve` on a fresh data
// dir prints its URL and how to create the first organization; first-run setup works once; then a
// client, an invoice, its issue, a payment and the PDF download.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, freePort } from '../helpers/process.ts';

describe('quick start [sqlite]', () => {
  let dir: string;
  let child: ChildProcessWithoutNullStreams;
  let base: string;
  let stdout = '';
  let stderr = '';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sealbill-quickstart-'));
    const port = await freePort();
    child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        SEALBILL_DATA_DIR: dir,
        SEALBILL_PORT: String(port),
        SEALBILL_LOG_LEVEL: 'warn',
        SEALBILL_PUBLIC_URL: `http://127.0.0.1:${port}`,
      },
    });
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 50 s\n${stdout}\n${stderr}`)), 50_000);
      const check = () => {
        const m = /Sealbill is running at (http:\/\/\S+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', check);
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

  it('starts on the configured port and prints the first-run instructions', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stdout).toContain('No organization yet');
    expect(stdout).toMatch(/npx sealbill init --org/);
    expect(stdout).toContain(`POST ${base}/api/v1/setup`);
    expect(stderr).toMatch(/generated .*master\.key/);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  });

  it('follows the README: setup once, client, invoice, issue, payment, PDF', async () => {
    const json = { 'content-type': 'application/json' };
    const setupBody = JSON.stringify({
      organization: { name: 'Acme Ltd', defaultCurrency: 'EUR', locale: 'en-GB' },
      owner: { email: 'you@example.com', name: 'Your Name' },
    });
    const setup = await fetch(`${base}/api/v1/setup`, { method: 'POST', headers: json, body: setupBody });
    expect(setup.status).toBe(201);
    const { token } = (await setup.json()) as { token: string };
    const again = await fetch(`${base}/api/v1/setup`, { method: 'POST', headers: json, body: setupBody });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const auth = { authorization: `Bearer ${token}`, ...json };
    const call = async (method: string, url: string, body?: unknown, expected = method === 'POST' ? 201 : 200) => {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: body === undefined ? { authorization: auth.authorization } : auth,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (res.status !== expected) throw new Error(`${method} ${url} → ${res.status}: ${await res.text()}`);
      return res;
    };
    const client = (await (
      await call('POST', '/api/v1/clients', {
        name: 'Globex Corp',
        email: 'billing@globex.example',
        addressLines: ['1 Main St', 'Springfield'],
      })
    ).json()) as { id: string };
    const draft = (await (
      await call('POST', '/api/v1/invoices', {
        clientId: client.id,
        lines: [{ description: 'Consulting', quantity: '8', unit: 'h', unitPrice: 12000 }],
      })
    ).json()) as { id: string; total: number };
    expect(draft.total).toBe(96_000);
    const issued = (await (
      await call('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true }, 200)
    ).json()) as { number: string };
    expect(issued.number).toMatch(/^INV-\d{4}-00001$/);
    await call('POST', `/api/v1/invoices/${draft.id}/payments`, { amount: 96_000 });
    const paid = (await (await call('GET', `/api/v1/invoices/${draft.id}`)).json()) as {
      status: string;
      amountDue: number;
    };
    expect(paid).toMatchObject({ status: 'paid', amountDue: 0 });

    const pdf = await call('GET', `/api/v1/invoices/${draft.id}/pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="${issued.number}.pdf"`);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const doc = await fetch(`${base}/api/v1/openapi.json`);
    expect(doc.status).toBe(200);
    expect(stderr).not.toMatch(/Authorization|Bearer sb_/i);
    expect(stdout + stderr).not.toContain(token);
  });
});
