// File modes on a fresh install (issue #10 §13). Attack: another local user reads the data
// directory. `sealbill serve` is started as a real process, under umask 022, on a data directory
// that does not exist yet; the directory must come out 0700 and the SQLite database with its -wal
// and -shm files, the generated master key, and every outbox message 0600 (the outbox, with no
// SMTP relay configured, holds sign-in links and codes in clear). The start says that mail is not
// being sent, the sending says "saved to the outbox, not sent", and the staff app's email status
// (its banner) says outbox.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, freePort } from '../helpers/process.ts';

const modeOf = (p: string) => (statSync(p).mode & 0o777).toString(8).padStart(4, '0');

describe('file modes of a fresh instance [sqlite]', () => {
  let root: string;
  let data: string;
  let child: ChildProcessWithoutNullStreams;
  let base: string;
  let stdout = '';
  let stderr = '';

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'sealbill-modes-'));
    data = path.join(root, 'fresh', 'data'); // does not exist: Sealbill creates it
    const port = await freePort();
    // umask 022, the usual default, under which a plain mkdir or open gives 0755 / 0644.
    child = spawn('sh', ['-c', `umask 022 && exec "${process.execPath}" "${BIN}" serve`], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: root,
        SEALBILL_DATA_DIR: data,
        SEALBILL_PORT: String(port),
        SEALBILL_LOG_LEVEL: 'warn',
        SEALBILL_PUBLIC_URL: `http://127.0.0.1:${port}`,
      },
    });
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    base = await new Promise<string>((resolve, reject) => {
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
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the data directory 0700 and the database, its -wal/-shm and the master key 0600', async () => {
    expect(modeOf(data)).toBe('0700');
    for (const f of ['sealbill.db', 'sealbill.db-wal', 'sealbill.db-shm', 'master.key'])
      expect([f, modeOf(path.join(data, f))]).toEqual([f, '0600']);
    // Nothing else in the data directory is readable by others either.
    for (const f of readdirSync(data))
      expect([f, Number.parseInt(modeOf(path.join(data, f)), 8) & 0o077]).toEqual([f, 0]);
  });

  it('warns at start that mail is not sent, keeps the outbox 0700/0600, and reports "saved to the outbox, not sent"', async () => {
    expect(stderr).toMatch(/Mail is NOT being sent: no SMTP relay is configured \(SEALBILL_SMTP_URL\)/);
    expect(stderr).toContain(path.join(data, 'outbox'));

    const json = { 'content-type': 'application/json' };
    const setup = await fetch(`${base}/api/v1/setup`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        organization: { name: 'Modes Ltd', defaultCurrency: 'EUR', locale: 'en-GB' },
        owner: { email: 'you@example.com', name: 'Your Name' },
      }),
    });
    expect(setup.status).toBe(201);
    const { token } = (await setup.json()) as { token: string };
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : json) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
      return JSON.parse(text);
    };
    expect(await call('GET', '/api/v1/security/email')).toMatchObject({ transport: 'outbox' });

    const client = await call('POST', '/api/v1/clients', {
      name: 'Globex',
      deliveryMode: 'notice-only',
      contacts: [{ name: 'Carla', email: 'carla@globex.example', isPrimary: true }],
    });
    const draft = await call('POST', '/api/v1/invoices', {
      clientId: client.id,
      lines: [{ description: 'Consulting', quantity: '1', unitPrice: 10_000 }],
    });
    await call('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    const sent = await call('POST', `/api/v1/invoices/${draft.id}/send`, {});
    expect(sent.status).toBe('saved_to_outbox');
    expect(sent.events.map((e: { type: string }) => e.type)).toEqual(['submitted', 'saved_to_outbox']);
    expect(sent.events[1].data).toMatchObject({ transport: 'outbox', sent: false });
    expect((await call('GET', `/api/v1/invoices/${draft.id}`)).status).toBe('issued'); // not "sent": it reached nobody

    const outbox = path.join(data, 'outbox');
    expect(modeOf(outbox)).toBe('0700');
    const files = readdirSync(outbox);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect([f, modeOf(path.join(outbox, f))]).toEqual([f, '0600']);
    // The evidence names the Message-ID of the message actually written.
    const eml = files
      .map((f) => readFileSync(path.join(outbox, f), 'utf8'))
      .find((m) => m.includes('carla@globex.example'))!;
    expect(eml).toContain(`Message-ID: ${sent.messageId}`);
    expect(sent.events[1].data.messageId).toBe(sent.messageId);
  });
});
