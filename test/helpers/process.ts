// Runs the real `sealbill` binary (node bin/sealbill.js) as a child process against a test
// instance's database: the same SQLite file, or the same PostgreSQL schema (selected with the
// libpq `options=-c search_path=…` parameter, which node-postgres passes at connection start).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config/env.ts';

export const BIN = path.resolve(import.meta.dirname, '../../bin/sealbill.js');

/** A loopback port nothing listens on right now (for a server a test starts on its own port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** DATABASE_URL for a child process that must use exactly this database (and schema). */
export function databaseUrlOf(db: DatabaseConfig): string {
  if (db.dialect === 'sqlite') return db.path;
  const url = new URL(db.url);
  if (db.schema) url.searchParams.set('options', `-c search_path=${db.schema}`);
  return url.toString();
}

/** A minimal environment: nothing of the test runner's own leaks into the child. */
/** Under `faketime` (the suite run at another date), what keeps a child process on the suite's clock. */
export function clockEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && (e[0] === 'LD_PRELOAD' || e[0].startsWith('FAKETIME')),
    ),
  );
}

export function childEnv(
  dataDir: string,
  db: DatabaseConfig,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: dataDir,
    SEALBILL_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrlOf(db),
    SEALBILL_LOG_LEVEL: 'silent',
    ...clockEnv(),
    ...extra,
  };
}

export function runSealbill(
  args: string[],
  env: Record<string, string>,
  timeout = 90_000,
): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startSealbill(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

/** Polls until `check` returns a value that is not undefined/false, or fails after `ms`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  ms = 60_000,
  every = 50,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
