// Key rotation under attack-free but hostile conditions: data must stay readable through a master
// key rotation and an org key rotation, a crash mid-rotation must resume without loss, the server
// keeps serving while data moves, and an old key is never retired while anything references it.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createContainer } from '../../src/main/container.ts';
import { ENCRYPTED_COLUMNS } from '../../src/platform/crypto/encrypted-columns.ts';
import { Keyring, OrgCrypto } from '../../src/platform/crypto/keyring.ts';
import { decodeMasterKey } from '../../src/platform/crypto/master-key.ts';
import { openDatabase } from '../../src/platform/db/kysely.ts';
import { createKeysService } from '../../src/modules/keys/keys.service.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { readSeededViews, seedSensitiveData, SECRET_STRINGS, type SeededData } from '../helpers/sensitive-seed.ts';

const actor = { type: 'system' as const, id: 'test' };
const noSleep = async () => {};

/** Key ids of every registered ciphertext of the org. */
async function keyIdsInUse(t: TestInstance, orgId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const col of ENCRYPTED_COLUMNS) {
    const rows = await sql<{
      v: string | Buffer | null;
    }>`select ${sql.ref(col.column)} as v from ${sql.table(col.table)} where ${sql.ref(col.orgColumn ?? 'org_id')} = ${orgId}`.execute(
      t.container.db,
    );
    for (const r of rows.rows)
      if (r.v !== null) ids.add(OrgCrypto.keyIdOf(typeof r.v === 'string' ? r.v : Buffer.from(r.v)));
  }
  return ids;
}

describeEachDb('key rotation', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let seeded: SeededData;

  beforeEach(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app);
    seeded = await seedSensitiveData(t, api);
  });
  afterEach(() => t.close());

  it('rotate-org re-encrypts every registered column, recomputes blind indexes and retires the old key', async () => {
    const before = await readSeededViews(t, api, seeded);
    const oldKey = t.container.keyring.forOrg(t.container.db, api.orgId).then((c) => c.activeKeyId);
    const oldKeyId = await oldKey;
    const bidxBefore = await t.container.db
      .selectFrom('clients')
      .select('email_bidx')
      .where('id', '=', seeded.clientId)
      .executeTakeFirstOrThrow();

    const r = await t.container.services.keys.rotateOrg(api.orgId, actor, {
      batchSize: 2,
      settleMs: 0,
      sleep: noSleep,
    });
    expect(r.resumed).toBe(false);
    expect(r.fromKeyIds).toEqual([oldKeyId]);
    expect(r.reencrypted).toBeGreaterThanOrEqual(9);

    expect(await keyIdsInUse(t, api.orgId)).toEqual(new Set([r.toKeyId]));
    const keys = await t.container.db
      .selectFrom('org_keys')
      .selectAll()
      .where('org_id', '=', api.orgId)
      .orderBy('version')
      .execute();
    expect(keys.map((k) => [k.version, k.status])).toEqual([
      [1, 'retired'],
      [2, 'active'],
    ]);
    expect(keys[0]!.wrapped_dek).toBe('destroyed');

    const bidxAfter = await t.container.db
      .selectFrom('clients')
      .select('email_bidx')
      .where('id', '=', seeded.clientId)
      .executeTakeFirstOrThrow();
    expect(bidxAfter.email_bidx).not.toBe(bidxBefore.email_bidx);
    expect(await readSeededViews(t, api, seeded)).toEqual(before);
    // A replayed idempotent request still answers from its (re-encrypted) stored response.
    const replay = await api.req(
      'POST',
      `/api/v1/invoices/${seeded.invoiceId}/payments`,
      { amount: 10_000, reference: SECRET_STRINGS.paymentReference },
      { 'idempotency-key': 'seed-pay-1' },
    );
    expect(replay.headers['idempotent-replayed']).toBe('true');

    const events = await api.ok('GET', '/api/v1/audit-events?action=keys.org_rotated');
    expect(events.items).toHaveLength(1);
    expect((await api.ok('POST', '/api/v1/audit-events/verify')).ok).toBe(true);
  });

  it('a crash mid-rotation loses nothing and the next run resumes where it stopped', async () => {
    const before = await readSeededViews(t, api, seeded);
    const keys = t.container.services.keys;
    await expect(
      keys.rotateOrg(api.orgId, actor, {
        batchSize: 1,
        settleMs: 0,
        sleep: noSleep,
        beforeBatchCommit: (n) => {
          if (n === 4) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    // Mid-rotation: both keys in use, everything still readable.
    expect((await keyIdsInUse(t, api.orgId)).size).toBe(2);
    expect(await readSeededViews(t, api, seeded)).toEqual(before);
    const open = await t.container.db
      .selectFrom('key_rotations')
      .selectAll()
      .where('org_id', '=', api.orgId)
      .executeTakeFirstOrThrow();
    expect(open.phase).toBe('reencrypting');
    expect(JSON.parse(open.progress)).toMatchObject({ column: expect.any(Number) });

    // A fresh process (new keyring, same master key) resumes.
    const fresh = createKeysService({
      db: t.container.db,
      dialect,
      keyring: new Keyring(t.container.keyring.currentMasterKey),
      audit: t.container.services.audit,
      clock: t.clock,
    });
    const r = await fresh.rotateOrg(api.orgId, actor, { batchSize: 3, settleMs: 0, sleep: noSleep });
    expect(r.resumed).toBe(true);
    expect(r.toKeyId).toBe(open.to_key_id);
    expect(await keyIdsInUse(t, api.orgId)).toEqual(new Set([r.toKeyId]));
    t.container.keyring.invalidate();
    expect(await readSeededViews(t, api, seeded)).toEqual(before);
  });

  it('a crash while the new key is only announced resumes too', async () => {
    await expect(
      t.container.services.keys.rotateOrg(api.orgId, actor, {
        settleMs: 0,
        sleep: async () => {
          throw new Error('killed while waiting');
        },
      }),
    ).rejects.toThrow('killed');
    const statuses = (
      await t.container.db
        .selectFrom('org_keys')
        .select('status')
        .where('org_id', '=', api.orgId)
        .orderBy('version')
        .execute()
    ).map((k) => k.status);
    expect(statuses).toEqual(['active', 'pending']);
    expect((await api.req('GET', `/api/v1/clients/${seeded.clientId}`)).statusCode).toBe(200);
    const r = await t.container.services.keys.rotateOrg(api.orgId, actor, { settleMs: 0, sleep: noSleep });
    expect(r.resumed).toBe(true);
    expect(await keyIdsInUse(t, api.orgId)).toEqual(new Set([r.toKeyId]));
  });

  it('the server keeps serving while another process rotates the key', async () => {
    // The rotation runs with its own keyring, like `sealbill keys rotate-org` in another process;
    // the server's keyring keeps cached keys for up to its cache time (5 s).
    const rotator = createKeysService({
      db: t.container.db,
      dialect,
      keyring: new Keyring(t.container.keyring.currentMasterKey),
      audit: t.container.services.audit,
      clock: t.clock,
    });
    const rotation = rotator.rotateOrg(api.orgId, actor, {
      batchSize: 2,
      settleMs: t.container.keyring.cacheTtlMs + 300,
    });
    let done = false;
    void rotation.finally(() => (done = true));
    const created: Array<{ id: string; name: string }> = [];
    let i = 0;
    while (!done) {
      const name = `Concurrent Client ${i++}`;
      const c = await api.ok('POST', '/api/v1/clients', { name, email: `c${i}@concurrent.test` });
      created.push({ id: c.id, name });
      expect((await api.ok('GET', `/api/v1/clients/${seeded.clientId}`)).name).toBe(SECRET_STRINGS.clientName);
      await new Promise((r) => setTimeout(r, 150));
    }
    const r = await rotation;
    expect(created.length).toBeGreaterThan(5);
    expect(await keyIdsInUse(t, api.orgId)).toEqual(new Set([r.toKeyId]));
    t.container.keyring.invalidate();
    for (const c of created) expect((await api.ok('GET', `/api/v1/clients/${c.id}`)).name).toBe(c.name);
    const hit = await api.ok('GET', `/api/v1/clients?email=${encodeURIComponent(`c${i}@concurrent.test`)}`);
    expect(hit.items.map((x: { id: string }) => x.id)).toEqual([created[created.length - 1]!.id]);
  }, 60_000);

  it('refuses to retire a key still referenced by an unregistered column, and finishes once it is gone', async () => {
    const crypto = await t.container.keyring.forOrg(t.container.db, api.orgId);
    await sql`create table stray_things (id text primary key, org_id text not null, secret_enc text)`.execute(
      t.container.db,
    );
    await sql`insert into stray_things (id, org_id, secret_enc) values ('s1', ${api.orgId}, ${crypto.encryptText('forgotten', { table: 'stray_things', row: 's1', column: 'secret_enc' })})`.execute(
      t.container.db,
    );
    await expect(
      t.container.services.keys.rotateOrg(api.orgId, actor, { settleMs: 0, sleep: noSleep }),
    ).rejects.toThrow(/stray_things\.secret_enc/);
    const statuses = (
      await t.container.db
        .selectFrom('org_keys')
        .select('status')
        .where('org_id', '=', api.orgId)
        .orderBy('version')
        .execute()
    ).map((k) => k.status);
    expect(statuses).toEqual(['retiring', 'active']);
    await sql`drop table stray_things`.execute(t.container.db);
    const r = await t.container.services.keys.rotateOrg(api.orgId, actor, { settleMs: 0, sleep: noSleep });
    expect(r.resumed).toBe(true);
  });

  it('rotate-master rewraps every data key without touching data; only the new key opens it afterwards', async () => {
    const before = await readSeededViews(t, api, seeded);
    const cells = async () =>
      JSON.stringify(
        await t.container.db.selectFrom('clients').select(['id', 'pii_enc', 'email_bidx']).orderBy('id').execute(),
      );
    const dataBefore = await cells();
    const oldKek = t.container.keyring.currentMasterKey;
    const newKek = decodeMasterKey(randomBytes(32).toString('base64'), 'test');

    const r = await t.container.services.keys.rotateMaster(actor, newKek);
    expect(r).toEqual({ rewrapped: 1, kekId: newKek.id });
    const keys = await t.container.db.selectFrom('org_keys').selectAll().execute();
    expect(keys.every((k) => k.kek_id === newKek.id && k.wrapped_dek.startsWith(`v1.${newKek.id}.`))).toBe(true);
    expect(await cells()).toBe(dataBefore);
    expect(await readSeededViews(t, api, seeded)).toEqual(before);

    // A process configured with only the old key cannot open the data keys any more: it refuses
    // to start, naming the master key the data expects (issue #10 item 12; it used to start and
    // answer 500 integrity_failed on every read).
    const handle = openDatabase(t.config.database);
    await expect(
      createContainer(t.config, { masterKey: oldKek, migrate: false, handle, warn: () => {} }),
    ).rejects.toThrow(new RegExp(`wrapped by master key ${newKek.id} \\(1 data key\\)`));
    // With the new key it reads everything; with new + previous it reads a half-rotated state.
    const fresh = createKeysService({
      db: handle.db,
      dialect,
      keyring: new Keyring(newKek),
      audit: t.container.services.audit,
      clock: t.clock,
    });
    expect((await fresh.status(api.orgId)).keys[0]!.kekId).toBe(newKek.id);
    await handle.close();
    expect((await api.ok('GET', `/api/v1/clients/${seeded.clientId}`)).name).toBe(SECRET_STRINGS.clientName);
  });

  it('rotate-master moves keys still under a previous master key to the configured one', async () => {
    const oldKek = t.container.keyring.currentMasterKey;
    const newKek = decodeMasterKey(randomBytes(32).toString('base64'), 'test');
    const keyring = new Keyring(newKek, { previous: [oldKek] });
    const svc = createKeysService({
      db: t.container.db,
      dialect,
      keyring,
      audit: t.container.services.audit,
      clock: t.clock,
    });
    // Before: readable through the previous key.
    expect((await keyring.forOrg(t.container.db, api.orgId)).activeKeyId).toBeTruthy();
    expect(await svc.rotateMaster(actor)).toEqual({ rewrapped: 1, kekId: newKek.id });
    expect(await svc.rotateMaster(actor)).toEqual({ rewrapped: 0, kekId: newKek.id });
    const onlyNew = new Keyring(newKek);
    const crypto = await onlyNew.forOrg(t.container.db, api.orgId);
    const row = await t.container.db
      .selectFrom('clients')
      .select(['id', 'pii_enc'])
      .where('id', '=', seeded.clientId)
      .executeTakeFirstOrThrow();
    expect(crypto.decryptText(row.pii_enc, { table: 'clients', row: row.id, column: 'pii_enc' })).toContain(
      SECRET_STRINGS.clientName,
    );
  });
});
