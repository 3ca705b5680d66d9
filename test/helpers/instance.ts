// Boots the whole stack for a test: a fresh SQLite file (a copy of the run's migrated template), or
// a fresh PostgreSQL database when the suite runs against TEST_DATABASE_URL (a clone of the run's
// migrated template database; outside a vitest run, a fresh schema that migrates itself). Same
// migrations, same services, real crypto.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, inject } from 'vitest';
import { parseConfig, type Config } from '../../src/config/env.ts';
import { buildHttpApp } from '../../src/main/app.ts';
import { createContainer, type Container } from '../../src/main/container.ts';
import { FixedClock, systemClock, type Clock } from '../../src/platform/clock.ts';
import { decodeMasterKey } from '../../src/platform/crypto/master-key.ts';
import type { Mailer } from '../../src/platform/mail/mailer.ts';
import { pgAdmin, pgDatabaseUrl } from './pg.ts';
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
  let dropDatabase = '';
  let dropSchema = '';
  const env: Record<string, string> = {
    SEALBILL_DATA_DIR: dir,
    SEALBILL_LOG_LEVEL: 'silent',
    SEALBILL_SIGNUP: 'open',
    SEALBILL_PROVISIONING_TOKEN: TEST_PROVISIONING_TOKEN,
    ...opts.env,
  };
  let database: Config['database'] | null = null;
  if (dialect === 'postgres') {
    if (!process.env.TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
    const name = `t_${randomBytes(6).toString('hex')}`;
    const template = inject('pgTemplate');
    if (template) {
      await pgAdmin(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      dropDatabase = name;
      database = { dialect: 'postgres', url: pgDatabaseUrl(name) };
    } else {
      await pgAdmin(`CREATE SCHEMA ${name}`);
      dropSchema = name;
      database = { dialect: 'postgres', url: process.env.TEST_DATABASE_URL, schema: name };
    }
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
      if (dropDatabase) await pgAdmin(`DROP DATABASE ${dropDatabase} WITH (FORCE)`);
      if (dropSchema) await pgAdmin(`DROP SCHEMA ${dropSchema} CASCADE`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { FixedClock };
