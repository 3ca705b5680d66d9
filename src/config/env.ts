// The only reader of process.env. Configuration is parsed once at start, validated with Zod,
// frozen, and passed down explicitly. No secret has a default value (STYLE habit 5).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  SEALBILL_HOST: z.string().min(1).default('127.0.0.1'),
  SEALBILL_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SEALBILL_DATA_DIR: z.string().min(1).default('./data'),
  /** postgres://… for PostgreSQL; a file path (or sqlite:path) for SQLite; default <data>/sealbill.db */
  DATABASE_URL: z.string().min(1).optional(),
  /** base64 of 32 random bytes; or a file holding it. Without either, one is generated into the data dir. */
  SEALBILL_MASTER_KEY: z.string().min(1).optional(),
  SEALBILL_MASTER_KEY_FILE: z.string().min(1).optional(),
  SEALBILL_PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
  SEALBILL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEALBILL_TRUST_PROXY: bool.default(false),
  SEALBILL_TLS_CERT_FILE: z.string().min(1).optional(),
  SEALBILL_TLS_KEY_FILE: z.string().min(1).optional(),
  SEALBILL_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(30).default(30),
  SEALBILL_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(12).default(12),
  SEALBILL_SIGNUP: z.enum(['first-run', 'open', 'invite-only']).default('first-run'),
  SEALBILL_SMTP_URL: z.string().min(1).optional(),
  SEALBILL_MAIL_FROM: z.string().min(3).default('Sealbill <sealbill@localhost>'),
  SEALBILL_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
});

export type DatabaseConfig =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; url: string; schema?: string };

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  database: DatabaseConfig;
  masterKey: { source: 'env'; value: string } | { source: 'file'; path: string } | { source: 'generated'; path: string };
  publicUrl: string;
  logLevel: z.infer<typeof envSchema>['SEALBILL_LOG_LEVEL'];
  trustProxy: boolean;
  tls: { certFile: string; keyFile: string } | null;
  session: { idleMinutes: number; absoluteHours: number };
  signup: 'first-run' | 'open' | 'invite-only';
  smtpUrl: string | null;
  mailFrom: string;
  bodyLimit: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseConfig {
  if (!url) return { dialect: 'sqlite', path: path.join(dataDir, 'sealbill.db') };
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  const file = url.replace(/^sqlite:(\/\/)?/, '');
  return { dialect: 'sqlite', path: file };
}

/** Parses a raw environment (process.env, optionally merged with a JSON config file). Throws ConfigError naming every bad variable. */
export function parseConfig(raw: Record<string, string | undefined>): Readonly<Config> {
  const result = envSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  if (e.SEALBILL_MASTER_KEY && e.SEALBILL_MASTER_KEY_FILE) {
    throw new ConfigError('Invalid configuration:\n  SEALBILL_MASTER_KEY and SEALBILL_MASTER_KEY_FILE are mutually exclusive');
  }
  if (Boolean(e.SEALBILL_TLS_CERT_FILE) !== Boolean(e.SEALBILL_TLS_KEY_FILE)) {
    throw new ConfigError('Invalid configuration:\n  SEALBILL_TLS_CERT_FILE and SEALBILL_TLS_KEY_FILE must be set together');
  }
  const dataDir = path.resolve(e.SEALBILL_DATA_DIR);
  const config: Config = {
    host: e.SEALBILL_HOST,
    port: e.SEALBILL_PORT,
    dataDir,
    database: parseDatabaseUrl(e.DATABASE_URL, dataDir),
    masterKey: e.SEALBILL_MASTER_KEY
      ? { source: 'env', value: e.SEALBILL_MASTER_KEY }
      : e.SEALBILL_MASTER_KEY_FILE
        ? { source: 'file', path: path.resolve(e.SEALBILL_MASTER_KEY_FILE) }
        : { source: 'generated', path: path.join(dataDir, 'master.key') },
    publicUrl: e.SEALBILL_PUBLIC_URL.replace(/\/+$/, ''),
    logLevel: e.SEALBILL_LOG_LEVEL,
    trustProxy: e.SEALBILL_TRUST_PROXY,
    tls: e.SEALBILL_TLS_CERT_FILE && e.SEALBILL_TLS_KEY_FILE ? { certFile: e.SEALBILL_TLS_CERT_FILE, keyFile: e.SEALBILL_TLS_KEY_FILE } : null,
    session: { idleMinutes: e.SEALBILL_SESSION_IDLE_MINUTES, absoluteHours: e.SEALBILL_SESSION_ABSOLUTE_HOURS },
    signup: e.SEALBILL_SIGNUP,
    smtpUrl: e.SEALBILL_SMTP_URL ?? null,
    mailFrom: e.SEALBILL_MAIL_FROM,
    bodyLimit: e.SEALBILL_BODY_LIMIT_BYTES,
  };
  return Object.freeze(config);
}

/** Reads process.env, merged over an optional JSON file named by SEALBILL_CONFIG_FILE (environment wins). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  let fromFile: Record<string, string> = {};
  if (env.SEALBILL_CONFIG_FILE) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(env.SEALBILL_CONFIG_FILE, 'utf8'));
      fromFile = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).parse(parsed);
    } catch (err) {
      throw new ConfigError(`Invalid configuration:\n  SEALBILL_CONFIG_FILE: cannot read ${env.SEALBILL_CONFIG_FILE} (${(err as Error).message})`);
    }
  }
  return parseConfig({ ...fromFile, ...env });
}
