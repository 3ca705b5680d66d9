import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './kysely.ts';

describe('withStatementCache', () => {
  it('prepares each SQL text once and reuses it, least recently used evicted first', () => {
    const raw = new SQLite(':memory:');
    const db = withStatementCache(raw, 2);
    const a = db.prepare('select 1');
    expect(db.prepare('select 1')).toBe(a);
    const b = db.prepare('select 2');
    db.prepare('select 1'); // touch: 'select 2' is now the oldest
    db.prepare('select 3');
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
    db.close();
    expect(raw.open).toBe(false);
  });

  it('serves Kysely reads, writes, transactions and streams with reused statements', async () => {
    const db = new Kysely<{ t: { id: number; v: string } }>({
      dialect: new SqliteDialect({ database: withStatementCache(new SQLite(':memory:')) }),
    });
    await sql`create table t (id integer primary key, v text not null)`.execute(db);
    for (let i = 1; i <= 3; i++)
      await db
        .insertInto('t')
        .values({ id: i, v: `v${i}` })
        .execute();
    await expect(
      db.transaction().execute(async (tx) => {
        await tx.insertInto('t').values({ id: 4, v: 'v4' }).execute();
        await tx.insertInto('t').values({ id: 1, v: 'duplicate' }).execute();
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(await db.selectFrom('t').select('id').where('id', '>', 1).orderBy('id').execute()).toEqual([
      { id: 2 },
      { id: 3 },
    ]);
    const streamed: number[] = [];
    for await (const row of db.selectFrom('t').select('id').orderBy('id').stream()) streamed.push(row.id);
    expect(streamed).toEqual([1, 2, 3]);
    expect((await db.updateTable('t').set({ v: 'x' }).where('id', '=', 2).executeTakeFirst()).numUpdatedRows).toBe(1n);
    await db.destroy();
  });
});
