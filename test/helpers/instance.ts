// Boots the whole stack for a test: a fresh SQLite file (a copy of the run's migrated template), or
// a fresh PostgreSQL schema when the suite runs against TEST_DATABASE_URL. Same migrations, same
// services, real crypto.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { parseConfig, type Config } from '../../src/config/env.ts';
import { buildHttpApp } from '../../src/main/app.ts';
import { createContainer, type Container } from '../../src/main/container.ts';
import { FixedClock, systemClock, type Clock } from '../../src/platform/clock.ts';
import { decodeMasterKey } from '../../src/platform/crypto/master-key.ts';
import type { Mailer } from '../../src/platform/mail/mailer.ts';
import { pgAdmin } from './pg.ts';
import { seedMigratedSqlite } from './sqlite-template.ts';
import type { FastifyInstance } from 'fastify';

export type Dialect = 'sqlite' | 'postgres';

/** Lets setupOrg create several organizations in one test instance (POST /api/v1/setup after the first run). */
export const TEST_PROVISIONING_TOKEN = 'test-provisioning-token-0123456789abcdef';

export const DIALECTS: Dialect[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** Runs a suite once per available database. */
export function describeEachDb(name: string, fn: (dialect: Dialect) => void): void {
  for (const d of DIALECTS) describe(`${name} [${d}]`, () => fn(d));
}

/** The container behind each test app, for fixtures that need the database (see setupOrg). */
export const containerOfApp = new WeakMap<FastifyInstance, Container>();

export interface TestInstance {
  container: Container;
  app: FastifyInstance;
  config: Readonly<Config>;
  clock: Clock;
  dir: string;
  close(): Promise<void>;
}

export async function createTestInstance(
  dialect: Dialect,
  opts: { clock?: Clock; env?: Record<string, string>; mailer?: Mailer } = {},
): Promise<TestInstance> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-test-'));
  let schema = '';
  const env: Record<string, string> = {
    SEALBILL_DATA_DIR: dir,
    SEALBILL_LOG_LEVEL: 'silent',
    SEALBILL_SIGNUP: 'open',
    SEALBILL_PROVISIONING_TOKEN: TEST_PROVISIONING_TOKEN,
    // Test files share the CPU: at normal priority a sign-in's duration does not depend on what
    // the other files do. passwords.test.ts checks that the threads do lower their priority.
    SEALBILL_PASSWORD_NICE: '0',
    ...opts.env,
  };
  let database: Config['database'] | null = null;
  if (dialect === 'postgres') {
    if (!process.env.TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
    // A schema, not a database cloned from a template: dropping a database ends every connection
    // still open to it (a test's extra handle, a child process), which then fails as an uncaught
    // error in the test process; a dropped schema leaves them be.
    schema = `t_${randomBytes(6).toString('hex')}`;
    await pgAdmin(`CREATE SCHEMA ${schema}`);
    database = { dialect: 'postgres', url: process.env.TEST_DATABASE_URL, schema };
    env.DATABASE_URL = database.url;
  }
  const parsed = parseConfig(env);
  const config: Readonly<Config> = database ? { ...parsed, database } : parsed;
  const clock = opts.clock ?? systemClock;
  seedMigratedSqlite(config.database);
  const container = await createContainer(config, {
    clock,
    masterKey: decodeMasterKey(randomBytes(32).toString('base64'), 'test'),
    warn: () => {},
    ...(opts.mailer && { mailer: opts.mailer }),
  });
  const app = await buildHttpApp(container, { logger: false });
  await app.ready();
  containerOfApp.set(app, container);
  return {
    container,
    app,
    config,
    clock,
    dir,
    async close() {
      await app.close();
      await container.close();
      if (schema) await pgAdmin(`DROP SCHEMA ${schema} CASCADE`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { FixedClock };
