// Configuration (issue #2 §3): parsed once, failing fast with the bad variable's name; no default
// for any secret; on a first start without a master key one is generated into the data dir with
// mode 0600 (and a loud warning) and reused on every later start.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, parseDatabaseUrl } from '../../src/config/env.ts';
import { createContainer } from '../../src/main/container.ts';
import { loadMasterKey, MasterKeyError } from '../../src/platform/crypto/master-key.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'sealbill-config-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const configError = (env: Record<string, string>): string => {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('parseConfig', () => {
  it('has safe defaults and no secret default', () => {
    const c = parseConfig({ SEALBILL_DATA_DIR: '/srv/sealbill' });
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(3000);
    expect(c.database).toEqual({ dialect: 'sqlite', path: '/srv/sealbill/sealbill.db' });
    expect(c.masterKey).toEqual({ source: 'generated', path: '/srv/sealbill/master.key' });
    expect(c.bodyLimit).toBe(1024 * 1024);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    ['SEALBILL_PORT', 'abc'],
    ['SEALBILL_PORT', '70000'],
    ['SEALBILL_LOG_LEVEL', 'loud'],
    ['SEALBILL_SIGNUP', 'everyone'],
    ['SEALBILL_PUBLIC_URL', 'not a url'],
    ['SEALBILL_BODY_LIMIT_BYTES', '10'],
    ['SEALBILL_SESSION_IDLE_MINUTES', '600'],
  ])('names the bad variable %s=%s', (name, value) => {
    const msg = configError({ [name]: value });
    expect(msg).toMatch(/^Invalid configuration:/);
    expect(msg).toContain(name);
  });

  it('names every bad variable at once', () => {
    const msg = configError({ SEALBILL_PORT: 'abc', SEALBILL_LOG_LEVEL: 'loud' });
    expect(msg).toContain('SEALBILL_PORT');
    expect(msg).toContain('SEALBILL_LOG_LEVEL');
  });

  it('refuses two sources for one secret, and half a TLS pair', () => {
    const msg = configError({ SEALBILL_MASTER_KEY: 'a', SEALBILL_MASTER_KEY_FILE: '/k' });
    expect(msg).toMatch(/SEALBILL_MASTER_KEY and SEALBILL_MASTER_KEY_FILE are mutually exclusive/);
    expect(configError({ SEALBILL_TLS_CERT_FILE: '/c.pem' })).toMatch(
      /SEALBILL_TLS_CERT_FILE and SEALBILL_TLS_KEY_FILE/,
    );
    expect(parseConfig({ SEALBILL_MASTER_KEY_FILE: 'keys/master.key' }).masterKey).toEqual({
      source: 'file',
      path: path.resolve('keys/master.key'),
    });
  });

  it('parses DATABASE_URL', () => {
    expect(parseDatabaseUrl(undefined, '/data')).toEqual({ dialect: 'sqlite', path: '/data/sealbill.db' });
    expect(parseDatabaseUrl('postgres://app:pw@db.internal:5432/sealbill', '/data')).toEqual({
      dialect: 'postgres',
      url: 'postgres://app:pw@db.internal:5432/sealbill',
    });
    expect(parseDatabaseUrl('postgresql://db/sealbill?sslmode=require', '/data')).toEqual({
      dialect: 'postgres',
      url: 'postgresql://db/sealbill?sslmode=require',
    });
    expect(parseDatabaseUrl('sqlite:///var/lib/sealbill.db', '/data')).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/sealbill.db',
    });
    expect(parseDatabaseUrl('sqlite:local.db', '/data')).toEqual({ dialect: 'sqlite', path: 'local.db' });
    expect(parseDatabaseUrl('/abs/file.db', '/data')).toEqual({ dialect: 'sqlite', path: '/abs/file.db' });
    expect(parseConfig({ DATABASE_URL: 'postgres://db/x' }).database.dialect).toBe('postgres');
    // An unsupported scheme is an error, not a SQLite file named "mysql:".
    expect(configError({ DATABASE_URL: 'mysql://db/x' })).toContain('DATABASE_URL');
  });

  it('merges an optional JSON config file under the environment', () => {
    const dir = tempDir();
    const file = path.join(dir, 'sealbill.json');
    writeFileSync(file, JSON.stringify({ SEALBILL_PORT: 4000, SEALBILL_LOG_LEVEL: 'warn' }));
    const c = loadConfig({ SEALBILL_CONFIG_FILE: file, SEALBILL_LOG_LEVEL: 'error' });
    expect([c.port, c.logLevel]).toEqual([4000, 'error']);
    writeFileSync(file, '{ nope');
    expect(() => loadConfig({ SEALBILL_CONFIG_FILE: file })).toThrow(/SEALBILL_CONFIG_FILE/);
    writeFileSync(file, JSON.stringify({ SEALBILL_PORT: 'abc' }));
    expect(() => loadConfig({ SEALBILL_CONFIG_FILE: file })).toThrow(/SEALBILL_PORT/);
  });
});

describe('master key', () => {
  it('is generated into the data dir with mode 0600 on first start, and reused after', async () => {
    const dir = tempDir();
    const config = parseConfig({ SEALBILL_DATA_DIR: dir, SEALBILL_LOG_LEVEL: 'silent' });
    const warnings: string[] = [];
    const first = await createContainer(config, { warn: (m) => warnings.push(m) });
    const keyFile = path.join(dir, 'master.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(warnings.join('\n')).toMatch(/generated .*master\.key.*PRODUCTION MUST SUPPLY ITS OWN KEY/s);
    const setup = await first.services.bootstrap.setup(
      { organization: { name: 'Keyed' }, owner: { email: 'o@keyed.test', name: 'O' } },
      { firstRunOnly: true, actor: { type: 'system', id: 'test' } },
    );
    await first.close();
    const keyText = readFileSync(keyFile, 'utf8');

    const second = await createContainer(config, { warn: (m) => warnings.push(m) });
    expect(readFileSync(keyFile, 'utf8')).toBe(keyText);
    // The reused key still opens what the first start encrypted.
    expect((await second.services.orgs.get(setup.org.id)).name).toBe('Keyed');
    await second.close();
    expect(warnings.at(-1)).toMatch(/Using the generated master key/);
  });

  it('takes a supplied key from the environment or a file, and names a bad one', () => {
    const dir = tempDir();
    const key = Buffer.alloc(32, 7).toString('base64');
    const fromEnv = loadMasterKey(parseConfig({ SEALBILL_MASTER_KEY: key }), () => {});
    const file = path.join(dir, 'kek');
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    expect(loadMasterKey(parseConfig({ SEALBILL_MASTER_KEY_FILE: file }), () => {}).id).toBe(fromEnv.id);
    expect(() => loadMasterKey(parseConfig({ SEALBILL_MASTER_KEY: 'dG9vIHNob3J0' }), () => {})).toThrow(MasterKeyError);
    expect(() => loadMasterKey(parseConfig({ SEALBILL_MASTER_KEY: 'dG9vIHNob3J0' }), () => {})).toThrow(
      /SEALBILL_MASTER_KEY/,
    );
    expect(() => loadMasterKey(parseConfig({ SEALBILL_MASTER_KEY_FILE: path.join(dir, 'missing') }), () => {})).toThrow(
      /SEALBILL_MASTER_KEY_FILE/,
    );
  });
});
