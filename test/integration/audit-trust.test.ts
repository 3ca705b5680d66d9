// Who may vouch for the audit log. A database administrator who rewrites the chain used to be able
// to append an entry announcing their own checkpoint key, sign a checkpoint with it, and get
// `sealbill audit verify` to report OK: keys announced inside the log were trusted. Now checkpoint
// keys are trusted only from outside the database (derived from the org's data keys under the
// master key, endorsed at a rotation by such a key, or given by the verifier: --trusted-key, an
// exported checkpoint file, a backup's sidecar), and verify says what it proved.
// Also: the log's identity no longer depends on SEALBILL_PUBLIC_URL (a move to a new domain, or the
// CLI run without the server's URL, used to make an untouched log fail verification).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { auditCommand } from '../../src/main/cli/audit.commands.ts';
import { createContainer } from '../../src/main/container.ts';
import { entryHash, GENESIS_HASH } from '../../src/modules/audit/audit.chain.ts';
import { signCheckpoint, signerFromSeed } from '../../src/modules/audit/audit.checkpoint.ts';
import { merkleRoot } from '../../src/modules/audit/audit.merkle.ts';
import { createCheckpointService } from '../../src/modules/audit/checkpoint.service.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { childEnv, runSealbill } from '../helpers/process.ts';

describeEachDb('audit checkpoint trust', (dialect) => {
  let t: TestInstance;
  let api: Api;
  const db = () => t.container.db;
  const rows = () =>
    db().selectFrom('audit_events').selectAll().where('org_id', '=', api.orgId).orderBy('id').execute();
  const verifyApi = async (body?: unknown) =>
    (await api.ok('POST', '/api/v1/audit-events/verify', body)) as {
      ok: boolean;
      badSeq?: number;
      reason?: string;
      proof: string;
      statement: string;
    };
  const cliVerify = (...extra: string[]) => runCli(t, auditCommand, ['verify', '--org', api.orgId, ...extra]);

  /** The DBA's rewrite: entry 2 now frames someone else, every later hash recomputed. */
  async function rewriteHistory(): Promise<void> {
    const all = await rows();
    let prev = GENESIS_HASH;
    for (const r of all) {
      const row = Number(r.seq) === 2 ? { ...r, actor_id: 'framed-user' } : r;
      const hash = entryHash({ ...row, prev_hash: prev });
      await db()
        .updateTable('audit_events')
        .set({ actor_id: row.actor_id, prev_hash: prev, hash })
        .where('id', '=', r.id)
        .execute();
      prev = hash;
    }
  }

  /** The DBA's own key, announced the way Sealbill announces keys: a table row and a chained log entry. */
  async function announceOwnKey(name: string) {
    const signer = signerFromSeed(name, randomBytes(32));
    const head = (await rows()).at(-1)!;
    const entry = {
      org_id: api.orgId,
      seq: Number(head.seq) + 1,
      at: new Date().toISOString(),
      actor_type: 'system',
      actor_id: 'audit',
      action: 'audit.checkpoint_key_published',
      object_type: 'audit_checkpoint_key',
      object_id: signer.keyHash.toString('hex'),
      summary: JSON.stringify({ verifier: signer.vkey }),
      ip: null,
      prev_hash: head.hash,
    };
    await db()
      .insertInto('audit_events')
      .values({ ...entry, hash: entryHash(entry) })
      .execute();
    await db()
      .insertInto('audit_checkpoint_keys')
      .values({
        org_id: api.orgId,
        key_hash: signer.keyHash.toString('hex'),
        name,
        public_key: signer.publicKey.toString('base64'),
        vkey: signer.vkey,
        created_at: new Date().toISOString(),
      })
      .execute();
    return signer;
  }

  async function signOwnCheckpoint(signer: ReturnType<typeof signerFromSeed>, origin: string): Promise<void> {
    const all = await rows();
    const root = merkleRoot(all.map((r) => Buffer.from(r.hash, 'hex')));
    await db()
      .insertInto('audit_checkpoints')
      .values({
        id: `forged-${randomBytes(4).toString('hex')}`,
        org_id: api.orgId,
        tree_size: all.length,
        root_hash: root.toString('base64'),
        key_hash: signer.keyHash.toString('hex'),
        note: signCheckpoint(signer, origin, all.length, root),
        timestamp_token: null,
        created_at: new Date().toISOString(),
      })
      .execute();
  }

  beforeEach(async () => {
    t = await createTestInstance(dialect, { env: { SEALBILL_PUBLIC_URL: 'https://bill.old-domain.test' } });
    api = await setupOrg(t.app);
    for (let i = 0; i < 4; i++) await api.ok('POST', '/api/v1/clients', { name: `Client ${i}` });
    await api.ok('POST', '/api/v1/audit-checkpoints', undefined, 201);
  });
  afterEach(() => t.close());

  it('a rewritten chain with a self-announced key and a checkpoint signed by it fails verification', async () => {
    await rewriteHistory();
    // The server never signs over it: the log no longer extends its last signed checkpoint.
    await api.ok('POST', '/api/v1/clients', { name: 'Appended after the rewrite' });
    const refused = await api.req('POST', '/api/v1/audit-checkpoints');
    expect(refused.statusCode).toBe(500);
    expect(refused.json().code).toBe('integrity_failed');
    await db().deleteFrom('audit_checkpoints').where('org_id', '=', api.orgId).execute();
    const origin = t.container.services.checkpoints.originOf(api.orgId);
    const own = await announceOwnKey(origin);
    // A forged endorsement row does not help either: it needs a signature by a trusted key.
    const trusted = (await api.ok('GET', '/api/v1/audit-checkpoint-keys')).items[0].publicKey as string;
    await db()
      .insertInto('audit_key_endorsements')
      .values({
        org_id: api.orgId,
        public_key: own.publicKey.toString('base64'),
        endorser_public_key: trusted,
        signature: randomBytes(64).toString('base64'),
        created_at: new Date().toISOString(),
      })
      .execute();
    await signOwnCheckpoint(own, origin);
    expect((await t.container.services.audit.verifyInTx(db(), api.orgId)).ok).toBe(true); // the bare chain is fooled

    const v = await verifyApi();
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(
      new RegExp(
        `signed by ${origin.replace(/[.]/g, '\\.')}\\+${own.keyHash.toString('hex')}, which nothing outside the database vouches for`,
      ),
    );
    const cli = await cliVerify();
    expect(cli.exitCode).toBe(1);
    expect(cli.out).toMatch(/^FAIL .*nothing outside the database vouches for/);
    // The DBA's key is not offered as a verifier key either.
    expect(
      (await api.ok('GET', '/api/v1/audit-checkpoint-keys')).items.map((k: { publicKey: string }) => k.publicKey),
    ).toEqual([trusted]);
  });

  it('without its own key the same rewrite is reported as "internally consistent only", and exported checkpoints catch it', async () => {
    const file = path.join(t.dir, 'checkpoints.json');
    await runCli(t, auditCommand, ['export-checkpoints', '--org', api.orgId, '--out', file]);
    const exportedAt = JSON.parse(readFileSync(file, 'utf8')).exportedAt as string;
    expect(Date.parse(exportedAt)).not.toBeNaN();
    const intact = await cliVerify('--checkpoints', file);
    expect(intact.exitCode).toBe(0);
    expect(intact.out).toContain(`consistent with 1 checkpoint(s) exported on ${exportedAt}: entries 1–`);
    await api.ok('POST', '/api/v1/clients', { name: 'After the export' });
    expect((await cliVerify('--checkpoints', file)).out).toMatch(/entries \d+–\d+ are only internally consistent/);

    await rewriteHistory();
    await db().deleteFrom('audit_checkpoints').where('org_id', '=', api.orgId).execute();
    const inside = await cliVerify();
    expect(inside.exitCode).toBe(0); // nothing inside the database contradicts it…
    expect(inside.out).toMatch(/internally consistent only: .*nothing kept outside the database was compared/); // …and it says so
    const v = await verifyApi();
    expect(v).toMatchObject({ ok: true, proof: 'internal' });
    const outside = await cliVerify('--checkpoints', file);
    expect(outside.exitCode).toBe(1);
    expect(outside.out).toContain('first bad entry: 1');
  });

  it("a backup's clear .checkpoints.json serves as the outside record", async () => {
    const recipient = await identityToRecipient(await generateX25519Identity());
    const backupDir = path.join(t.dir, 'backups');
    const backup = {
      recipients: [recipient],
      target: { kind: 'dir' as const, path: backupDir },
      intervalHours: 0,
      keep: { daily: 1, weekly: 0, monthly: 0 },
      includeMasterKey: false,
    };
    const c = await createContainer(
      { ...t.config, backup },
      { masterKey: t.container.keyring.currentMasterKey, warn: () => {} },
    );
    try {
      const r = await c.services.backups.create();
      const sidecar = path.join(backupDir, r.name.replace('.jsonl.gz.age', '.checkpoints.json'));
      const ok = await cliVerify('--checkpoints', sidecar);
      expect(ok.exitCode, ok.out).toBe(0);
      expect(ok.out).toMatch(/consistent with 1 checkpoint\(s\) exported on \d{4}-\d\d-\d\dT/);
    } finally {
      await c.close();
    }
  });

  it('an untouched log verifies under another public URL, from the CLI without one, and with checkpoints signed under the old host name', async () => {
    // Checkpoints signed before the log's identity stopped depending on the URL carry the host.
    const crypto = await t.container.keyring.forOrg(db(), api.orgId);
    const legacyName = `bill.old-domain.test/audit/${api.orgId}`;
    const legacy = signerFromSeed(legacyName, crypto.signingSeed('audit-checkpoint'));
    await api.ok('POST', '/api/v1/clients', { name: 'One more' });
    await signOwnCheckpoint(legacy, legacyName);
    expect(await verifyApi()).toMatchObject({ ok: true });

    // The same database, seen by a server moved to a new domain.
    const moved = createCheckpointService({
      db: db(),
      dialect,
      keyring: t.container.keyring,
      audit: t.container.services.audit,
      clock: t.clock,
      tsa: null,
    });
    expect(await moved.verify(api.orgId)).toMatchObject({ ok: true, checkpointsChecked: 2 });
    // The real CLI, started without SEALBILL_PUBLIC_URL.
    const r = runSealbill(
      ['audit', 'verify', '--org', api.orgId],
      childEnv(t.dir, t.config.database, {
        SEALBILL_MASTER_KEY: t.container.keyring.currentMasterKey.key.toString('base64'),
      }),
    );
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(
      /^OK .*\n\s+internally consistent only: the hash chain and 2 checkpoint\(s\) stored in the database/,
    );
    expect(t.container.services.checkpoints.originOf(api.orgId)).toBe(`sealbill/audit/${api.orgId}`);
  });

  it('after rotate-org, old checkpoints verify through the endorsement made before the old key was destroyed, and a forged endorsement does not', async () => {
    const { publicKey: before, vkey: oldVkey } = (await api.ok('GET', '/api/v1/audit-checkpoint-keys')).items[0] as {
      publicKey: string;
      vkey: string;
    };
    await t.container.services.keys.rotateOrg(
      api.orgId,
      { type: 'system', id: 'test' },
      { settleMs: 0, sleep: async () => {} },
    );
    await api.ok('POST', '/api/v1/clients', { name: 'Under the new key' });
    await api.ok('POST', '/api/v1/audit-checkpoints', undefined, 201);
    const endorsements = await db()
      .selectFrom('audit_key_endorsements')
      .selectAll()
      .where('org_id', '=', api.orgId)
      .execute();
    expect(endorsements.map((e) => e.public_key)).toEqual([before]);
    expect(await verifyApi()).toMatchObject({ ok: true });
    expect((await api.ok('GET', '/api/v1/audit-checkpoint-keys')).items).toHaveLength(2);
    expect((await rows()).some((r) => r.action === 'audit.checkpoint_key_endorsed')).toBe(true);

    const sig = Buffer.from(endorsements[0]!.signature, 'base64');
    sig[10]! ^= 1;
    await db()
      .updateTable('audit_key_endorsements')
      .set({ signature: sig.toString('base64') })
      .where('org_id', '=', api.orgId)
      .execute();
    const v = await verifyApi();
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/stored checkpoint .* nothing outside the database vouches for/);
    // The verifier may still vouch for the old key itself, from an earlier export.
    const ok = await cliVerify('--trusted-key', oldVkey);
    expect(ok.exitCode, ok.out).toBe(0);
  });
});
