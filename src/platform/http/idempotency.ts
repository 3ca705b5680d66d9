// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a retried create, issue or payment
// with the same key returns the first response instead of acting twice; the same key with a
// different request (body, route or principal) gets 422.
//
// Exactly once, by construction: the key's record is written in the SAME transaction as the work
// (the callback receives that transaction and must do all its writes through it, using the
// service's *InTx variant). The record is claimed first (insert), then the work runs, then the
// response is stored; all three commit together or not at all. So:
//  - a failure or a crash anywhere before the commit rolls back the work AND the claim: the key is
//    free and a retry runs the work once (no reservation can outlive its transaction, so none can
//    stay "in progress" forever and none needs expiring);
//  - after the commit both the effect and the stored response exist, and a retry replays it.
// (The earlier design reserved the key outside the work's transaction and wrote the response
// afterwards: a crash between the work's commit and that write left the key "in progress" for
// ever, and a failed response write freed the key after the work had committed, so a retry
// applied it twice. Expiring old reservations would not have been exact: a taken-over key re-runs
// work that may already have committed.)
// Concurrent duplicates: on PostgreSQL the second claim waits on the first transaction's
// uncommitted key row, then finds it committed and replays it (or runs the work if the first
// rolled back); on SQLite transactions are serialized, so the second sees the committed record.
// A record without a response can only be a leftover of the earlier design whose outcome is
// unknown (the work may have committed): it is never re-run, and the caller is told to check and
// use a new key.
import { sha256Hex } from '../crypto/hash.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Keyring } from '../crypto/keyring.ts';
import type { Database, Executor, Tx } from '../db/kysely.ts';
import { inTx } from '../db/tx.ts';
import { AppError } from '../errors.ts';
import { claimIdempotencyKey, findIdempotencyKey, storeIdempotentResponse } from './idempotency.repo.ts';
import type { Clock } from '../clock.ts';
import type { StaffPrincipal } from './principal.ts';

export interface IdempotencyDeps {
  db: Database;
  clock: Clock;
  /** Stored responses carry personal data (client names, lines), so they are encrypted at rest. */
  keyring: Keyring;
}

const responseAad = (key: string) => ({ table: 'idempotency_keys', row: key, column: 'response_body' });

/** The committed record for this key, replayed; undefined when there is none. */
async function replay<T>(
  ex: Executor,
  keyring: Keyring,
  reply: FastifyReply,
  scope: { orgId: string; principal: string },
  key: string,
  requestHash: string,
): Promise<{ value: T } | undefined> {
  const existing = await findIdempotencyKey(ex, scope.orgId, key);
  if (!existing) return undefined;
  if (existing.request_hash !== requestHash || existing.principal !== scope.principal)
    throw new AppError('idempotency_mismatch', 'This Idempotency-Key was used for a different request');
  if (existing.status_code === null) {
    throw new AppError(
      'conflict',
      'The earlier request with this Idempotency-Key was interrupted and its outcome is unknown: check whether it took effect, then retry with a new key',
    );
  }
  reply.code(existing.status_code).header('idempotent-replayed', 'true');
  const crypto = await keyring.forOrg(ex, scope.orgId);
  return {
    value: (existing.response_body === null ? null : crypto.decryptJson(existing.response_body, responseAad(key))) as T,
  };
}

export async function withIdempotency<T>(
  deps: IdempotencyDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  scope: { orgId: string; principal: string },
  successStatus: number,
  run: (tx: Tx) => Promise<T>,
): Promise<T> {
  const { db, clock, keyring } = deps;
  const raw = request.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key) {
    const result = await inTx(db, run);
    reply.code(successStatus);
    return result;
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(key))
    throw new AppError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters');
  const requestHash = sha256Hex(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`);

  const earlier = await replay<T>(db, keyring, reply, scope, key, requestHash);
  if (earlier) return earlier.value;

  const outcome = await inTx(db, async (tx) => {
    const claimed = await claimIdempotencyKey(tx, {
      org_id: scope.orgId,
      key,
      principal: scope.principal,
      request_hash: requestHash,
      status_code: null,
      response_body: null,
      created_at: clock.now().toISOString(),
    });
    // Another request with this key committed first (we waited for it on PostgreSQL).
    if (!claimed) return { claimed: false as const };
    const result = await run(tx);
    await storeIdempotentResponse(
      tx,
      scope.orgId,
      key,
      successStatus,
      (await keyring.forOrg(tx, scope.orgId)).encryptJson(result ?? null, responseAad(key)),
    );
    return { claimed: true as const, result };
  });
  if (outcome.claimed) {
    reply.code(successStatus);
    return outcome.result;
  }
  const winner = await replay<T>(db, keyring, reply, scope, key, requestHash);
  if (winner) return winner.value;
  throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress');
}

/** The scope a staff request's keys live in: its org and who sent it (the API token, else the user). */
export const idempotencyScope = (p: StaffPrincipal): { orgId: string; principal: string } => ({
  orgId: p.orgId,
  principal: p.tokenId ?? p.userId,
});
