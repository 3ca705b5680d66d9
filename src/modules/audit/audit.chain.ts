// The audit log is a hash chain per organization: each entry's hash covers its content and the
// previous entry's hash, so editing, deleting, inserting or reordering any entry breaks every
// hash after it. (Signed checkpoints over the chain head make the head itself verifiable.)
import type { NewAuditRow } from './audit.repo.ts';
import { sha256Hex } from '../../platform/crypto/hash.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** Canonical JSON: object keys sorted recursively, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function entryHash(row: Omit<NewAuditRow, 'hash'>): string {
  const content = canonicalJson({
    org: row.org_id,
    seq: Number(row.seq),
    at: row.at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    summary: row.summary,
    ip: row.ip,
    prev: row.prev_hash,
  });
  return sha256Hex(content);
}

export type ChainCheck =
  { ok: true; count: number; head: string } | { ok: false; count: number; badSeq: number; reason: string };

/** Recomputes a chain given in storage order. Names the first entry that does not fit. */
export function verifyChain(rows: ReadonlyArray<Omit<NewAuditRow, never>>): ChainCheck {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const row of rows) {
    const seq = Number(row.seq);
    // The first bad entry is the first position where the log deviates from 1, 2, 3, ….
    if (seq !== expectedSeq)
      return {
        ok: false,
        count: expectedSeq - 1,
        badSeq: expectedSeq,
        reason: `found entry ${seq} where entry ${expectedSeq} belongs (deleted, inserted or reordered)`,
      };
    if (row.prev_hash !== prev) return { ok: false, count: seq - 1, badSeq: seq, reason: 'previous-hash link broken' };
    if (entryHash(row) !== row.hash)
      return { ok: false, count: seq - 1, badSeq: seq, reason: 'entry content does not match its hash (edited)' };
    prev = row.hash;
    expectedSeq++;
  }
  return { ok: true, count: expectedSeq - 1, head: prev };
}
