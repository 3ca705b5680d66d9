// Appends audit events in the caller's transaction, so an action and its record commit together.
// Summaries are redacted here as a last line of defence: secret-shaped keys never enter the log.
import type { AuditActor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import { canonicalJson, entryHash, GENESIS_HASH, verifyChain, type ChainCheck } from './audit.chain.ts';
import {
  findAuditHead,
  insertAuditRow,
  listAuditRows,
  lockAuditChain,
  streamAuditRows,
  type AuditFilter,
  type AuditRow,
} from './audit.repo.ts';

export type { AuditActor } from '../../platform/actor.ts';

export interface AuditEventInput {
  orgId: string;
  actor: AuditActor;
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  summary?: Record<string, unknown>;
}

const SECRET_KEY = /pass|secret|token|code|iban|account|routing|card|key|cvc|otp/i;

export function redactSummary(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSummary);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) ? '[redacted]' : redactSummary(v),
      ]),
    );
  }
  return value;
}

export interface AuditServiceDeps {
  clock: Clock;
  dialect: 'sqlite' | 'postgres';
}

export function createAuditService({ clock, dialect }: AuditServiceDeps) {
  return {
    async appendInTx(tx: Executor, e: AuditEventInput): Promise<void> {
      await lockAuditChain(tx, dialect, e.orgId);
      const head = await findAuditHead(tx, e.orgId);
      const row = {
        org_id: e.orgId,
        seq: (head ? Number(head.seq) : 0) + 1,
        at: clock.now().toISOString(),
        actor_type: e.actor.type,
        actor_id: e.actor.id,
        action: e.action,
        object_type: e.objectType ?? null,
        object_id: e.objectId ?? null,
        summary: canonicalJson(redactSummary(e.summary ?? {})),
        ip: e.actor.ip ?? null,
        prev_hash: head?.hash ?? GENESIS_HASH,
      };
      await insertAuditRow(tx, { ...row, hash: entryHash(row) });
    },

    list(db: Executor, filter: AuditFilter): Promise<AuditRow[]> {
      return listAuditRows(db, filter);
    },

    async verifyInTx(db: Executor, orgId: string): Promise<ChainCheck> {
      return verifyChain(await streamAuditRows(db, orgId));
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
