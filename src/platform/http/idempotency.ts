// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a retried create, issue or payment
// with the same key returns the first response instead of acting twice. The key is reserved
// before the work runs (a concurrent duplicate gets 409), bound to the request's hash (reuse with
// a different request gets 422), and released if the work fails, so a retry can succeed.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Keyring } from '../crypto/keyring.ts';
import type { Database } from '../db/kysely.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../clock.ts';

export interface IdempotencyDeps {
  db: Database;
  clock: Clock;
  /** Stored responses carry personal data (client names, lines), so they are encrypted at rest. */
  keyring: Keyring;
}

const responseAad = (key: string) => ({ table: 'idempotency_keys', row: key, column: 'response_body' });

export async function withIdempotency<T>(
  deps: IdempotencyDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  scope: { orgId: string; principal: string },
  successStatus: number,
  run: () => Promise<T>,
): Promise<T> {
  const raw = request.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key) {
    reply.code(successStatus);
    return run();
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new AppError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters');
  const requestHash = createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
  const { db, clock, keyring } = deps;
  const existing = await db.selectFrom('idempotency_keys').selectAll().where('org_id', '=', scope.orgId).where('key', '=', key).executeTakeFirst();
  if (existing) {
    if (existing.request_hash !== requestHash || existing.principal !== scope.principal) throw new AppError('idempotency_mismatch', 'This Idempotency-Key was used for a different request');
    if (existing.status_code === null) throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress');
    reply.code(existing.status_code).header('idempotent-replayed', 'true');
    const crypto = await keyring.forOrg(db, scope.orgId);
    return (existing.response_body === null ? null : crypto.decryptJson(existing.response_body, responseAad(key))) as T;
  }
  const reserved = await db
    .insertInto('idempotency_keys')
    .values({ org_id: scope.orgId, key, principal: scope.principal, request_hash: requestHash, status_code: null, response_body: null, created_at: clock.now().toISOString() })
    .onConflict((oc) => oc.columns(['org_id', 'key']).doNothing())
    .executeTakeFirst();
  if (Number(reserved.numInsertedOrUpdatedRows ?? 0n) !== 1) throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress');
  try {
    const result = await run();
    await db
      .updateTable('idempotency_keys')
      .set({ status_code: successStatus, response_body: (await keyring.forOrg(db, scope.orgId)).encryptJson(result ?? null, responseAad(key)) })
      .where('org_id', '=', scope.orgId)
      .where('key', '=', key)
      .execute();
    reply.code(successStatus);
    return result;
  } catch (err) {
    await db.deleteFrom('idempotency_keys').where('org_id', '=', scope.orgId).where('key', '=', key).execute();
    throw err;
  }
}
