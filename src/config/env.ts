// The only reader of process.env. Configuration is parsed once at start, validated with Zod,
// frozen, and passed down explicitly. No secret has a default value (STYLE habit 5).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { publicAddress } from './public-address.ts';

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
  /** The address people open Sealbill at. Default (public-address.ts): http://localhost:<port> for a loopback or wildcard host (passkeys need a host name), else http(s)://<host>:<port>. */
  SEALBILL_PUBLIC_URL: z.url().optional(),
  SEALBILL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** false, true (any hop: only when the proxy is the sole way in), or comma-separated proxy addresses/CIDRs */
  SEALBILL_TRUST_PROXY: z.string().min(1).default('false'),
  /** Earlier master key(s), accepted for unwrapping only while `sealbill keys rotate-master` moves to a new one. */
  SEALBILL_MASTER_KEY_PREVIOUS: z.string().min(1).optional(),
  SEALBILL_MASTER_KEY_PREVIOUS_FILE: z.string().min(1).optional(),
  /** age X25519 recipients (age1…), comma or whitespace separated; or a file with one per line. */
  SEALBILL_BACKUP_RECIPIENTS: z.string().min(1).optional(),
  SEALBILL_BACKUP_RECIPIENTS_FILE: z.string().min(1).optional(),
  /** A directory (a mounted disk) or s3://bucket/prefix. */
  SEALBILL_BACKUP_TARGET: z.string().min(1).optional(),
  SEALBILL_BACKUP_S3_ENDPOINT: z.url().optional(),
  SEALBILL_BACKUP_S3_REGION: z.string().min(1).default('us-east-1'),
  SEALBILL_BACKUP_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  SEALBILL_BACKUP_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  SEALBILL_BACKUP_INTERVAL_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 31)
    .default(24),
  SEALBILL_BACKUP_KEEP_DAILY: z.coerce.number().int().min(0).max(366).default(7),
  SEALBILL_BACKUP_KEEP_WEEKLY: z.coerce.number().int().min(0).max(520).default(4),
  SEALBILL_BACKUP_KEEP_MONTHLY: z.coerce.number().int().min(0).max(1200).default(12),
  SEALBILL_BACKUP_INCLUDE_MASTER_KEY: bool.default(true),
  /** How often the background worker runs its jobs (recurring invoices, payout changes, checkpoints, backups). */
  SEALBILL_WORKER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Durable jobs (mail): how often a runner looks for due jobs, and how long a claimed job is reserved for its runner. */
  SEALBILL_JOB_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  SEALBILL_JOB_LEASE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  SEALBILL_AUDIT_CHECKPOINT_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  /** RFC 3161 timestamp authority for audit checkpoints (optional). */
  SEALBILL_TSA_URL: z.url().optional(),
  /** Payment provider API base URLs: only for tests and local mocks; unset, the providers' own hosts are used. */
  SEALBILL_STRIPE_API_URL: z.url().optional(),
  SEALBILL_PAYPAL_API_URL: z.url().optional(),
  SEALBILL_TLS_CERT_FILE: z.string().min(1).optional(),
  SEALBILL_TLS_KEY_FILE: z.string().min(1).optional(),
  SEALBILL_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(30).default(30),
  SEALBILL_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(12).default(12),
  SEALBILL_SIGNUP: z.enum(['first-run', 'open', 'invite-only']).default('first-run'),
  /** WebAuthn relying party id (a registrable domain); default: the host of SEALBILL_PUBLIC_URL. */
  SEALBILL_WEBAUTHN_RP_ID: z.string().min(1).max(253).optional(),
  SEALBILL_WEBAUTHN_RP_NAME: z.string().min(1).max(100).default('Sealbill'),
  /** Comma-separated origins allowed in WebAuthn ceremonies; default: the origin of SEALBILL_PUBLIC_URL. */
  SEALBILL_WEBAUTHN_ORIGINS: z.string().min(1).optional(),
  /** Lets trusted automation create organizations through POST /api/v1/setup after the first run. */
  SEALBILL_PROVISIONING_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  SEALBILL_SMTP_URL: z.string().min(1).optional(),
  SEALBILL_MAIL_FROM: z.string().min(3).default('Sealbill <sealbill@localhost>'),
  /** RFC 9116 Contact for /.well-known/security.txt and the transparency pages; default: mailto: the SEALBILL_MAIL_FROM address. */
  /** Shared Redis for rate-limit counters when several app processes run (redis:// or rediss://). */
  SEALBILL_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  SEALBILL_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/)
    .default('sealbill:'),
  SEALBILL_SECURITY_CONTACT: z
    .string()
    .max(500)
    .regex(/^(mailto:[^\s]+@[^\s]+|https:\/\/[^\s]+|tel:\+?[0-9-]+)$/, 'must be a mailto:, https: or tel: URI')
    .optional(),
  /** DKIM signing of outgoing mail: all three or none. The key file holds a PEM private key (RSA or Ed25519). */
  SEALBILL_DKIM_DOMAIN: z.string().min(1).max(253).optional(),
  SEALBILL_DKIM_SELECTOR: z.string().min(1).max(63).optional(),
  SEALBILL_DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  /** Look clients' OpenPGP keys up in their domain's Web Key Directory (outbound HTTPS to that domain). */
  SEALBILL_WKD: bool.default(false),
  /** Lifetime of the single-use portal links sent in 'portal-link' mode. */
  SEALBILL_PORTAL_LINK_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24 * 7),
  /** Timestamp every delivery evidence event with the RFC 3161 authority at SEALBILL_TSA_URL. */
  SEALBILL_EVIDENCE_TIMESTAMPS: bool.default(false),
  SEALBILL_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  /** Time-stamp each issued document's PDF signature (PAdES B-T) with the authority at SEALBILL_TSA_URL, when set. */
  SEALBILL_DOCUMENT_TIMESTAMPS: bool.default(true),
  /** Password hashing and strength checks running at once (default: half the CPUs, at least 1). */
  SEALBILL_PASSWORD_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  /**
   * Scheduling niceness of the password threads on Linux (0 to 19; 0: normal priority). When the
   * CPU is contended, password work for anonymous requests then yields to everyone else's requests.
   */
  SEALBILL_PASSWORD_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** Password jobs allowed to wait for a worker; more are refused at once with 429 (default: 8 per worker). */
  SEALBILL_PASSWORD_QUEUE: z.coerce.number().int().min(0).max(10_000).optional(),
  /** Render threads for bulk issuing (0: render on the main thread; default: the CPUs less one, at most 4). */
  SEALBILL_RENDER_THREADS: z.coerce.number().int().min(0).max(32).optional(),
  /** How long a password job may wait before it is refused with 429. */
  SEALBILL_PASSWORD_WAIT_MS: z.coerce.number().int().min(50).max(60_000).default(3000),
  /** Requests per minute per client address to the public verification API. */
  SEALBILL_VERIFY_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(30),
  /**
   * Exchange-rate provider (off when unset): `ecb` fetches the ECB euro reference rates from
   * SEALBILL_RATES_PROVIDER_URL once a day into every organization's rate table, and on demand
   * (POST /api/v1/exchange-rates/fetch).
   */
  SEALBILL_RATES_PROVIDER: z.enum(['ecb']).optional(),
  /** The provider's file; default the ECB daily XML (the 90-day file, eurofxref-hist-90d.xml, fills missed days). https only, except to a loopback address. */
  SEALBILL_RATES_PROVIDER_URL: z.url().optional(),
  /** How long one fetch of the provider's file may take, answer body included. */
  SEALBILL_RATES_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
});

export type DatabaseConfig =
  { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string; schema?: string };

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  database: DatabaseConfig;
  masterKey:
    { source: 'env'; value: string } | { source: 'file'; path: string } | { source: 'generated'; path: string };
  /** Where people reach Sealbill: links in mail, verification QR codes, the origin browsers send. */
  publicUrl: string;
  /** Origins accepted on cookie-authenticated and sign-in requests: the public URL's, plus the loopback aliases of a derived local default. */
  allowedOrigins: string[];
  /** True when SEALBILL_PUBLIC_URL was not set and the public URL follows SEALBILL_HOST / SEALBILL_PORT. */
  publicUrlDerived: boolean;
  /** The bounded queue for argon2 hashing and password strength checks (platform/work-queue.ts). */
  passwordWork: { concurrency: number; maxQueued: number; maxWaitMs: number; nice: number };
  /** Worker threads that render PDFs for bulk issuing (documents/pdf/render-pool.ts); 0 = main thread. */
  renderThreads: number;
  logLevel: z.infer<typeof envSchema>['SEALBILL_LOG_LEVEL'];
  trustProxy: boolean | string[];
  previousMasterKeys: { source: 'env'; value: string } | { source: 'file'; path: string } | null;
  backup: BackupConfig | null;
  audit: { checkpointMinutes: number; tsaUrl: string | null };
  worker: { intervalMs: number };
  jobs: { pollMs: number; leaseMs: number };
  tls: { certFile: string; keyFile: string } | null;
  session: { idleMinutes: number; absoluteHours: number };
  signup: 'first-run' | 'open' | 'invite-only';
  webauthn: { rpId: string; rpName: string; origins: string[] };
  provisioningToken: string | null;
  smtpUrl: string | null;
  mailFrom: string;
  /** Where security problems are reported (security.txt Contact). */
  securityContact: string;
  redis: { url: string | null; prefix: string };
  delivery: DeliveryConfig;
  bodyLimit: number;
  payments: { stripeApiUrl: string | null; paypalApiUrl: string | null };
  /** Verifiable invoices: TSA for PDF signatures (null: no time-stamps), public verification rate limit. */
  verification: { tsaUrl: string | null; rateLimitPerMinute: number };
  /** The exchange-rate provider (modules/rates/providers), or null: rates by hand and file import only. */
  ratesProvider: RatesProviderConfig | null;
}

export interface RatesProviderConfig {
  id: 'ecb';
  url: string;
  timeoutMs: number;
}

export const ECB_DAILY_URL = 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml';

export interface DeliveryConfig {
  dkim: { domainName: string; keySelector: string; privateKey: string } | null;
  wkd: boolean;
  portalLinkHours: number;
  /** RFC 3161 authority for evidence events (SEALBILL_EVIDENCE_TIMESTAMPS=true and SEALBILL_TSA_URL), else null. */
  evidenceTsaUrl: string | null;
}

export interface BackupConfig {
  recipients: string[];
  /** Directory path, or s3 { bucket, prefix } */
  target:
    | { kind: 'dir'; path: string }
    | {
        kind: 's3';
        bucket: string;
        prefix: string;
        endpoint: string | null;
        region: string;
        accessKeyId: string | null;
        secretAccessKey: string | null;
      };
  intervalHours: number;
  keep: { daily: number; weekly: number; monthly: number };
  includeMasterKey: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseConfig {
  if (!url) return { dialect: 'sqlite', path: path.join(dataDir, 'sealbill.db') };
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  // Any other scheme (mysql://, mongodb://…) is a mistake, not a SQLite file of that name.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^sqlite:/i.test(url)) {
    throw new ConfigError(
      `Invalid configuration:\n  DATABASE_URL: unsupported scheme ${url.split(':')[0]}:// (use postgres://… or a SQLite file path)`,
    );
  }
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
    throw new ConfigError(
      'Invalid configuration:\n  SEALBILL_MASTER_KEY and SEALBILL_MASTER_KEY_FILE are mutually exclusive',
    );
  }
  if (Boolean(e.SEALBILL_TLS_CERT_FILE) !== Boolean(e.SEALBILL_TLS_KEY_FILE)) {
    throw new ConfigError(
      'Invalid configuration:\n  SEALBILL_TLS_CERT_FILE and SEALBILL_TLS_KEY_FILE must be set together',
    );
  }
  if (e.SEALBILL_MASTER_KEY_PREVIOUS && e.SEALBILL_MASTER_KEY_PREVIOUS_FILE) {
    throw new ConfigError(
      'Invalid configuration:\n  SEALBILL_MASTER_KEY_PREVIOUS and SEALBILL_MASTER_KEY_PREVIOUS_FILE are mutually exclusive',
    );
  }
  if (e.SEALBILL_PORT === 0 && !e.SEALBILL_PUBLIC_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  SEALBILL_PORT=0 (any free port) needs SEALBILL_PUBLIC_URL: the address in links and the origin browsers send must be known in advance',
    );
  }
  const dataDir = path.resolve(e.SEALBILL_DATA_DIR);
  const tls = Boolean(e.SEALBILL_TLS_CERT_FILE);
  let address: ReturnType<typeof publicAddress>;
  try {
    address = publicAddress(e.SEALBILL_PUBLIC_URL, e.SEALBILL_HOST, e.SEALBILL_PORT, tls);
  } catch {
    throw new ConfigError(
      `Invalid configuration:\n  SEALBILL_HOST: ${JSON.stringify(e.SEALBILL_HOST.slice(0, 100))} is not a host name or address (or set SEALBILL_PUBLIC_URL)`,
    );
  }
  const concurrency = e.SEALBILL_PASSWORD_WORKERS ?? Math.max(1, Math.floor(availableParallelism() / 2));
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
    publicUrl: address.url,
    allowedOrigins: address.origins,
    publicUrlDerived: !e.SEALBILL_PUBLIC_URL,
    passwordWork: {
      concurrency,
      maxQueued: e.SEALBILL_PASSWORD_QUEUE ?? concurrency * 8,
      maxWaitMs: e.SEALBILL_PASSWORD_WAIT_MS,
      nice: e.SEALBILL_PASSWORD_NICE,
    },
    renderThreads: e.SEALBILL_RENDER_THREADS ?? Math.min(4, availableParallelism() - 1),
    logLevel: e.SEALBILL_LOG_LEVEL,
    trustProxy: parseTrustProxy(e.SEALBILL_TRUST_PROXY),
    previousMasterKeys: e.SEALBILL_MASTER_KEY_PREVIOUS
      ? { source: 'env', value: e.SEALBILL_MASTER_KEY_PREVIOUS }
      : e.SEALBILL_MASTER_KEY_PREVIOUS_FILE
        ? { source: 'file', path: path.resolve(e.SEALBILL_MASTER_KEY_PREVIOUS_FILE) }
        : null,
    backup: parseBackupConfig(e),
    audit: { checkpointMinutes: e.SEALBILL_AUDIT_CHECKPOINT_MINUTES, tsaUrl: e.SEALBILL_TSA_URL ?? null },
    worker: { intervalMs: e.SEALBILL_WORKER_INTERVAL_SECONDS * 1000 },
    jobs: { pollMs: e.SEALBILL_JOB_POLL_SECONDS * 1000, leaseMs: e.SEALBILL_JOB_LEASE_SECONDS * 1000 },
    tls:
      e.SEALBILL_TLS_CERT_FILE && e.SEALBILL_TLS_KEY_FILE
        ? { certFile: e.SEALBILL_TLS_CERT_FILE, keyFile: e.SEALBILL_TLS_KEY_FILE }
        : null,
    session: { idleMinutes: e.SEALBILL_SESSION_IDLE_MINUTES, absoluteHours: e.SEALBILL_SESSION_ABSOLUTE_HOURS },
    signup: e.SEALBILL_SIGNUP,
    webauthn: {
      rpId: e.SEALBILL_WEBAUTHN_RP_ID ?? new URL(address.url).hostname.replace(/^\[|\]$/g, ''),
      rpName: e.SEALBILL_WEBAUTHN_RP_NAME,
      origins: (e.SEALBILL_WEBAUTHN_ORIGINS ?? new URL(address.url).origin)
        .split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    },
    provisioningToken: e.SEALBILL_PROVISIONING_TOKEN ?? null,
    smtpUrl: e.SEALBILL_SMTP_URL ?? null,
    mailFrom: e.SEALBILL_MAIL_FROM,
    redis: { url: e.SEALBILL_REDIS_URL ?? null, prefix: e.SEALBILL_REDIS_PREFIX },
    securityContact:
      e.SEALBILL_SECURITY_CONTACT ??
      `mailto:${/<([^>]+)>/.exec(e.SEALBILL_MAIL_FROM)?.[1] ?? e.SEALBILL_MAIL_FROM.trim()}`,
    delivery: parseDeliveryConfig(e),
    bodyLimit: e.SEALBILL_BODY_LIMIT_BYTES,
    payments: { stripeApiUrl: e.SEALBILL_STRIPE_API_URL ?? null, paypalApiUrl: e.SEALBILL_PAYPAL_API_URL ?? null },
    verification: {
      tsaUrl: e.SEALBILL_DOCUMENT_TIMESTAMPS ? (e.SEALBILL_TSA_URL ?? null) : null,
      rateLimitPerMinute: e.SEALBILL_VERIFY_RATE_LIMIT,
    },
    ratesProvider: parseRatesProvider(e),
  };
  return Object.freeze(config);
}

/**
 * The rates file is fetched over https so that what lands in invoices is the ECB's figure (TLS is
 * the only integrity the ECB offers: the file is unsigned). Plain http is allowed to a loopback
 * address only (tests, a local mirror); the URL is the operator's, never a user's (no SSRF).
 */
function parseRatesProvider(e: z.infer<typeof envSchema>): RatesProviderConfig | null {
  if (!e.SEALBILL_RATES_PROVIDER) {
    if (e.SEALBILL_RATES_PROVIDER_URL)
      throw new ConfigError('Invalid configuration:\n  SEALBILL_RATES_PROVIDER_URL needs SEALBILL_RATES_PROVIDER=ecb');
    return null;
  }
  const url = e.SEALBILL_RATES_PROVIDER_URL ?? ECB_DAILY_URL;
  const u = new URL(url);
  const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
    throw new ConfigError(
      'Invalid configuration:\n  SEALBILL_RATES_PROVIDER_URL: must be https:// (http:// only to a loopback address)',
    );
  return { id: e.SEALBILL_RATES_PROVIDER, url, timeoutMs: e.SEALBILL_RATES_PROVIDER_TIMEOUT_MS };
}

function parseDeliveryConfig(e: z.infer<typeof envSchema>): DeliveryConfig {
  const dkimVars = [e.SEALBILL_DKIM_DOMAIN, e.SEALBILL_DKIM_SELECTOR, e.SEALBILL_DKIM_PRIVATE_KEY_FILE];
  if (dkimVars.some(Boolean) && !dkimVars.every(Boolean)) {
    throw new ConfigError(
      'Invalid configuration:\n  SEALBILL_DKIM_DOMAIN, SEALBILL_DKIM_SELECTOR and SEALBILL_DKIM_PRIVATE_KEY_FILE must be set together',
    );
  }
  let dkim: DeliveryConfig['dkim'] = null;
  if (e.SEALBILL_DKIM_PRIVATE_KEY_FILE) {
    try {
      dkim = {
        domainName: e.SEALBILL_DKIM_DOMAIN!,
        keySelector: e.SEALBILL_DKIM_SELECTOR!,
        privateKey: readFileSync(e.SEALBILL_DKIM_PRIVATE_KEY_FILE, 'utf8'),
      };
    } catch (err) {
      throw new ConfigError(
        `Invalid configuration:\n  SEALBILL_DKIM_PRIVATE_KEY_FILE: cannot read ${e.SEALBILL_DKIM_PRIVATE_KEY_FILE} (${(err as Error).message})`,
      );
    }
  }
  if (e.SEALBILL_EVIDENCE_TIMESTAMPS && !e.SEALBILL_TSA_URL)
    throw new ConfigError('Invalid configuration:\n  SEALBILL_EVIDENCE_TIMESTAMPS needs SEALBILL_TSA_URL');
  return {
    dkim,
    wkd: e.SEALBILL_WKD,
    portalLinkHours: e.SEALBILL_PORTAL_LINK_HOURS,
    evidenceTsaUrl: e.SEALBILL_EVIDENCE_TIMESTAMPS ? (e.SEALBILL_TSA_URL ?? null) : null,
  };
}

/** Trusting X-Forwarded-* is explicit: off, on, or only from the proxies' addresses (CIDR allowed). */
function parseTrustProxy(v: string): boolean | string[] {
  if (/^(false|0|no)$/i.test(v)) return false;
  if (/^(true|1|yes)$/i.test(v)) return true;
  const list = v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (!list.every((x) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(x))) {
    throw new ConfigError(
      'Invalid configuration:\n  SEALBILL_TRUST_PROXY: use false, true, or comma-separated proxy addresses/CIDRs',
    );
  }
  return list;
}

function parseBackupConfig(e: z.infer<typeof envSchema>): BackupConfig | null {
  const fail = (m: string) => new ConfigError(`Invalid configuration:\n  ${m}`);
  if (e.SEALBILL_BACKUP_RECIPIENTS && e.SEALBILL_BACKUP_RECIPIENTS_FILE)
    throw fail('SEALBILL_BACKUP_RECIPIENTS and SEALBILL_BACKUP_RECIPIENTS_FILE are mutually exclusive');
  let text = e.SEALBILL_BACKUP_RECIPIENTS ?? '';
  if (e.SEALBILL_BACKUP_RECIPIENTS_FILE) {
    try {
      text = readFileSync(e.SEALBILL_BACKUP_RECIPIENTS_FILE, 'utf8');
    } catch (err) {
      throw fail(
        `SEALBILL_BACKUP_RECIPIENTS_FILE: cannot read ${e.SEALBILL_BACKUP_RECIPIENTS_FILE} (${(err as Error).message})`,
      );
    }
  }
  const recipients = text.split(/[\s,]+/).filter((r) => r && !r.startsWith('#'));
  if (!e.SEALBILL_BACKUP_TARGET && recipients.length === 0) return null;
  if (!e.SEALBILL_BACKUP_TARGET) throw fail('SEALBILL_BACKUP_TARGET is required when backup recipients are set');
  if (recipients.length === 0)
    throw fail('SEALBILL_BACKUP_RECIPIENTS (age1… public keys) is required when SEALBILL_BACKUP_TARGET is set');
  const bad = recipients.find((r) => !/^age1[02-9ac-hj-np-z]{58}$/.test(r));
  if (bad) throw fail(`SEALBILL_BACKUP_RECIPIENTS: ${bad.slice(0, 12)}… is not an age X25519 recipient (age1…)`);
  const t = e.SEALBILL_BACKUP_TARGET;
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(t);
  return {
    recipients,
    target: s3
      ? {
          kind: 's3',
          bucket: s3[1]!,
          prefix: s3[2]!.replace(/\/+$/, ''),
          endpoint: e.SEALBILL_BACKUP_S3_ENDPOINT ?? null,
          region: e.SEALBILL_BACKUP_S3_REGION,
          accessKeyId: e.SEALBILL_BACKUP_S3_ACCESS_KEY_ID ?? null,
          secretAccessKey: e.SEALBILL_BACKUP_S3_SECRET_ACCESS_KEY ?? null,
        }
      : { kind: 'dir', path: path.resolve(t) },
    intervalHours: e.SEALBILL_BACKUP_INTERVAL_HOURS,
    keep: {
      daily: e.SEALBILL_BACKUP_KEEP_DAILY,
      weekly: e.SEALBILL_BACKUP_KEEP_WEEKLY,
      monthly: e.SEALBILL_BACKUP_KEEP_MONTHLY,
    },
    includeMasterKey: e.SEALBILL_BACKUP_INCLUDE_MASTER_KEY,
  };
}

/** Reads process.env, merged over an optional JSON file named by SEALBILL_CONFIG_FILE (environment wins). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  let fromFile: Record<string, string> = {};
  if (env.SEALBILL_CONFIG_FILE) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(env.SEALBILL_CONFIG_FILE, 'utf8'));
      fromFile = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).parse(parsed);
    } catch (err) {
      throw new ConfigError(
        `Invalid configuration:\n  SEALBILL_CONFIG_FILE: cannot read ${env.SEALBILL_CONFIG_FILE} (${(err as Error).message})`,
      );
    }
  }
  return parseConfig({ ...fromFile, ...env });
}
