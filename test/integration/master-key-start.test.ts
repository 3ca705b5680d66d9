// A wrong or missing master key is a configuration error, and must be reported as one:
// - started with an old or wrong key, the server used to answer 500 integrity_failed on every
//   request; now it refuses to start, naming the master key id the data expects;
// - started without a key on an existing database, it used to generate a new one silently; now it
//   refuses and generates nothing;
// - `sealbill keys rotate-master --new-key-file` in another process used to break a running
//   server's reads (its 5-second key cache expired, and it tried to unwrap the rewrapped keys with
//   a master key it did not have). A DEK never changes under its id, so a process keeps the DEKs it
//   unwrapped (all of them, at start): a real rotate-master process runs while the server reads.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/main/app.ts';
import { createContainer } from '../../src/main/container.ts';
import { Keyring } from '../../src/platform/crypto/keyring.ts';
import {
  decodeMasterKey,
  generateMasterKeyText,
  MasterKeyError,
  readMasterKeyFile,
} from '../../src/platform/crypto/master-key.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { childEnv, runSealbill, startSealbill } from '../helpers/process.ts';

describeEachDb('master key at start and during rotation', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let clientId: string;
  const b64 = (k: Buffer) => k.toString('base64');

  beforeEach(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app);
    clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Keyed Client', email: 'keyed@client.test' })).id;
  });
  afterEach(() => t.close());

  const orgKeys = () => t.container.db.selectFrom('org_keys').selectAll().orderBy('id').execute();

  it('refuses to start with a wrong master key, naming the key id the data expects', async () => {
    const expected = t.container.keyring.kekId;
    const before = await orgKeys();
    const wrong = decodeMasterKey(generateMasterKeyText(), 'test');
    const start = createContainer(t.config, { masterKey: wrong, warn: () => {} });
    await expect(start).rejects.toBeInstanceOf(MasterKeyError);
    await expect(createContainer(t.config, { masterKey: wrong, warn: () => {} })).rejects.toThrow(
      new RegExp(
        `configured master key \\(id ${wrong.id}\\).*wrapped by master key ${expected}.*whose id is ${expected}`,
      ),
    );
    expect(await orgKeys()).toEqual(before);

    // The real server process: exits at once with the message (exit 2), never serves a 500.
    const r = runSealbill(
      ['serve'],
      childEnv(t.dir, t.config.database, {
        SEALBILL_PORT: '0',
        SEALBILL_PUBLIC_URL: 'http://localhost:3999',
        SEALBILL_MASTER_KEY: b64(wrong.key),
      }),
      60_000,
    );
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toMatch(new RegExp(`Master key: .*wrapped by master key ${expected}`));
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });

  it('with no key configured on an existing database, refuses instead of generating a new one', async () => {
    expect(t.config.masterKey).toEqual({ source: 'generated', path: path.join(t.dir, 'master.key') });
    await expect(createContainer(t.config, { warn: () => {} })).rejects.toThrow(
      new RegExp(`Refusing to generate a new key.*whose id is ${t.container.keyring.kekId}`),
    );
    expect(existsSync(path.join(t.dir, 'master.key'))).toBe(false);
    const r = runSealbill(['keys', 'status'], childEnv(t.dir, t.config.database));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/No master key is configured .*Refusing to generate/);
    expect(existsSync(path.join(t.dir, 'master.key'))).toBe(false);
  });

  it(
    'keys rotate-master in another process does not break a running server; afterwards only the new key starts',
    { timeout: 180_000 },
    async () => {
      const oldKey = t.container.keyring.currentMasterKey;
      // The running server: its own container and HTTP app on the same database, with a short key
      // cache so it re-reads org_keys many times during and after the rotation.
      const server = await createContainer(t.config, { keyring: new Keyring(oldKey, { cacheMs: 20 }), warn: () => {} });
      const app = await buildHttpApp(server, { logger: false });
      await app.ready();
      try {
        const keyFile = path.join(t.dir, 'new-master.key');
        const gen = runSealbill(['keys', 'generate-master', '--out', keyFile], childEnv(t.dir, t.config.database));
        expect(gen.code, gen.err).toBe(0);
        const newKey = readMasterKeyFile(keyFile);

        const failures: string[] = [];
        let reads = 0;
        const read = async () => {
          const res = await app.inject({
            method: 'GET',
            url: `/api/v1/clients/${clientId}`,
            headers: { authorization: `Bearer ${api.token}` },
          });
          reads++;
          // Let I/O run (the child's exit event): better-sqlite3 answers synchronously.
          await new Promise((r) => setImmediate(r));
          if (res.statusCode !== 200 || res.json().name !== 'Keyed Client')
            failures.push(`${res.statusCode} ${res.body}`);
        };
        const rotation = startSealbill(
          ['keys', 'rotate-master', '--new-key-file', keyFile],
          childEnv(t.dir, t.config.database, { SEALBILL_MASTER_KEY: b64(oldKey.key) }),
        );
        let done = false;
        void rotation.exited.then(() => (done = true));
        while (!done) await read();
        const exit = await rotation.exited;
        expect(exit.code, rotation.output()).toBe(0);
        expect(rotation.output()).toMatch(new RegExp(`Rewrapped 1 data key\\(s\\) under master key ${newKey.id}`));
        expect((await orgKeys()).every((k) => k.wrapped_dek.startsWith(`v1.${newKey.id}.`))).toBe(true);
        // Well past the key cache: the server still reads (it keeps the DEK it unwrapped at start).
        const until = Date.now() + 500;
        while (Date.now() < until) await read();
        expect(failures).toEqual([]);
        expect(reads).toBeGreaterThan(20);

        // A restart with the old key only is refused, naming the new key; with the new key it reads.
        await expect(createContainer(t.config, { masterKey: oldKey, warn: () => {} })).rejects.toThrow(
          new RegExp(`whose id is ${newKey.id}`),
        );
        const restarted = await createContainer(t.config, { masterKey: newKey, warn: () => {} });
        try {
          expect((await restarted.services.clients.get(api.orgId, clientId)).name).toBe('Keyed Client');
        } finally {
          await restarted.close();
        }
        expect(readFileSync(keyFile, 'utf8').trim()).toBe(b64(newKey.key));
      } finally {
        await app.close();
        await server.close();
      }
    },
  );
});
