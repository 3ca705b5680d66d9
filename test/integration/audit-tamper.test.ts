// Attacks on the audit log by someone with write access to the database (a DBA, an attacker with
// a SQL injection elsewhere): editing, deleting, inserting and reordering entries, rewriting
// history with recomputed hashes, truncating it, and forging checkpoints. Each must make
// `sealbill audit verify` (and the API) fail and name the first bad entry.
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { auditCommand } from '../../src/main/cli/audit.commands.ts';
import { entryHash } from '../../src/modules/audit/audit.chain.ts';
import { parseVkey, verifyCheckpoint } from '../../src/modules/audit/audit.checkpoint.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

describeEachDb('audit log tampering', (dialect) => {
  let t: TestInstance;
  let api: Api;

  const rows = () =>
    t.container.db.selectFrom('audit_events').selectAll().where('org_id', '=', api.orgId).orderBy('id').execute();
  const verify = async () =>
    (await api.ok('POST', '/api/v1/audit-events/verify')) as {
      ok: boolean;
      badSeq?: number;
      reason?: string;
      checkpointsChecked: number;
    };
  const cliVerify = () => runCli(t, auditCommand, ['verify', '--org', api.orgId]);

  /** What a DBA who knows the algorithm does: recompute every hash from `fromSeq` on. */
  async function rehashFrom(fromSeq: number): Promise<void> {
    const all = await rows();
    let prev = all.find((r) => Number(r.seq) === fromSeq - 1)?.hash ?? '0'.repeat(64);
    for (const r of all.filter((x) => Number(x.seq) >= fromSeq)) {
      const hash = entryHash({ ...r, prev_hash: prev });
      await t.container.db.updateTable('audit_events').set({ prev_hash: prev, hash }).where('id', '=', r.id).execute();
      prev = hash;
    }
  }

  beforeEach(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app);
    for (let i = 0; i < 6; i++) await api.ok('POST', '/api/v1/clients', { name: `Client ${i}` });
    expect((await verify()).ok).toBe(true);
  });
  afterEach(() => t.close());

  it('an intact log verifies, with signed checkpoints that verify with the published key', async () => {
    const cp = await api.ok('POST', '/api/v1/audit-checkpoints', undefined, 201);
    const keys = await api.ok('GET', '/api/v1/audit-checkpoint-keys');
    expect(keys.items).toHaveLength(1);
    expect(keys.items[0].vkey).toMatch(new RegExp(`^${keys.origin.replace(/[.]/g, '\\.')}\\+[0-9a-f]{8}\\+`));
    const v = verifyCheckpoint(cp.note, [parseVkey(keys.items[0].vkey)]);
    expect(v).toMatchObject({ ok: true, treeSize: cp.treeSize });
    expect(await verify()).toMatchObject({ ok: true, checkpointsChecked: 1 });
    const cli = await cliVerify();
    expect(cli.exitCode).toBe(0);
    expect(cli.out).toMatch(/^OK/);
  });

  it('an edited entry is named', async () => {
    const r = (await rows())[2]!;
    await t.container.db
      .updateTable('audit_events')
      .set({ summary: '{"name":"someone else"}' })
      .where('id', '=', r.id)
      .execute();
    expect(await verify()).toMatchObject({ ok: false, badSeq: 3, reason: expect.stringMatching(/edited/) });
    const cli = await cliVerify();
    expect(cli.exitCode).toBe(1);
    expect(cli.out).toContain('first bad entry: 3');
  });

  it('a deleted entry is named', async () => {
    const r = (await rows())[3]!;
    await t.container.db.deleteFrom('audit_events').where('id', '=', r.id).execute();
    expect(await verify()).toMatchObject({ ok: false, badSeq: 4 });
    expect((await cliVerify()).out).toContain('first bad entry: 4');
  });

  it('an inserted entry is named', async () => {
    const all = await rows();
    // Shift entries 3.. up by one and slip a forged entry 3 in, with a correct-looking link.
    for (const r of [...all].reverse().filter((x) => Number(x.seq) >= 3))
      await t.container.db
        .updateTable('audit_events')
        .set({ seq: Number(r.seq) + 1 })
        .where('id', '=', r.id)
        .execute();
    const forged = {
      org_id: api.orgId,
      seq: 3,
      at: all[2]!.at,
      actor_type: 'user',
      actor_id: null,
      action: 'payout.updated',
      object_type: 'org',
      object_id: api.orgId,
      summary: '{}',
      ip: null,
      prev_hash: all[1]!.hash,
    };
    await t.container.db
      .insertInto('audit_events')
      .values({ ...forged, hash: entryHash(forged) })
      .execute();
    const v = await verify();
    expect(v.ok).toBe(false);
    expect(v.badSeq).toBe(3);
  });

  it('reordered entries are named', async () => {
    const all = await rows();
    const [a, b] = [all[1]!, all[2]!];
    const { id: _ia, ...ca } = a;
    const { id: _ib, ...cb } = b;
    await t.container.db
      .updateTable('audit_events')
      .set({ ...cb, seq: -1 })
      .where('id', '=', a.id)
      .execute();
    await t.container.db.updateTable('audit_events').set(ca).where('id', '=', b.id).execute();
    await t.container.db.updateTable('audit_events').set({ seq: cb.seq }).where('id', '=', a.id).execute();
    expect(await verify()).toMatchObject({ ok: false, badSeq: 2 });
  });

  it('history rewritten with recomputed hashes is caught by the signed checkpoints', async () => {
    const first = await api.ok('POST', '/api/v1/audit-checkpoints', undefined, 201);
    await api.ok('POST', '/api/v1/clients', { name: 'Later' });
    const second = await api.ok('POST', '/api/v1/audit-checkpoints', undefined, 201);
    expect(second.treeSize).toBe(first.treeSize + 1);
    const seq = second.treeSize;
    const target = (await rows()).find((r) => Number(r.seq) === seq)!;
    await t.container.db
      .updateTable('audit_events')
      .set({ action: 'client.archived' })
      .where('id', '=', target.id)
      .execute();
    await rehashFrom(seq);
    expect((await t.container.services.audit.verifyInTx(t.container.db, api.orgId)).ok).toBe(true); // the bare chain is fooled
    const v = await verify();
    expect(v).toMatchObject({ ok: false, badSeq: seq });
    expect(v.reason).toMatch(/rewritten/);
    expect((await cliVerify()).out).toContain(`first bad entry: ${seq}`);
  });

  it('a truncated tail and a forged checkpoint are caught', async () => {
    await api.ok('POST', '/api/v1/audit-checkpoints', undefined, 201);
    const all = await rows();
    await t.container.db
      .deleteFrom('audit_events')
      .where(
        'id',
        'in',
        all.slice(-2).map((r) => r.id),
      )
      .execute();
    expect(await verify()).toMatchObject({
      ok: false,
      badSeq: all.length - 1,
      reason: expect.stringMatching(/deleted/),
    });

    // Restore the tail, then forge the checkpoint's size.
    for (const r of all.slice(-2)) await t.container.db.insertInto('audit_events').values(r).execute();
    await t.container.db
      .updateTable('audit_checkpoints')
      .set({ note: sql`replace(note, ${`\n${all.length}\n`}, ${`\n${all.length - 2}\n`})` })
      .execute();
    expect(await verify()).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify/) });
  });

  it('exported checkpoints catch a DBA who also deletes the stored checkpoints', async () => {
    const file = path.join(t.dir, 'checkpoints.json');
    const exp = await runCli(t, auditCommand, ['export-checkpoints', '--org', api.orgId, '--out', file]);
    expect(exp.out).toMatch(/Wrote 1 checkpoint/);
    const target = (await rows())[1]!;
    await t.container.db
      .updateTable('audit_events')
      .set({ actor_id: 'framed-user' })
      .where('id', '=', target.id)
      .execute();
    await rehashFrom(2);
    await t.container.db.deleteFrom('audit_checkpoints').execute();
    expect((await cliVerify()).exitCode).toBe(0); // nothing left inside the database to compare with
    const r = await runCli(t, auditCommand, ['verify', '--org', api.orgId, '--checkpoints', file]);
    expect(r.exitCode).toBe(1);
    expect(r.out).toContain('first bad entry: 1');
  });

  it('lists and filters the log through the CLI', async () => {
    const r = await runCli(t, auditCommand, ['list', '--org', api.orgId, '--action', 'client.created', '--limit', '3']);
    expect(r.out.trim().split('\n')).toHaveLength(3);
    expect(r.out).toContain('client.created');
  });
});
