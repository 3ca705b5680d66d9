// Security events for the audit log (sign-ins, factor changes, token use, denials), appended in
// the caller's transaction. Events about a user go to the chain of every organization the user
// is an active member of (each org's administrators and auditors see them); events about an
// unknown account go to the instance chain (org_id '').
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import { activeOrgIdsOf } from './accounts/users.repo.ts';

export const INSTANCE_CHAIN = '';

export interface SecurityEvent {
  action: string;
  actor: AuditActor;
  userId?: string | null;
  summary?: Record<string, unknown>;
}

export function createSecurityAudit(audit: AuditService, db: Database) {
  async function inOrg(tx: Executor, orgId: string, e: SecurityEvent): Promise<void> {
    await audit.appendInTx(tx, {
      orgId,
      actor: e.actor,
      action: e.action,
      objectType: 'user',
      objectId: e.userId ?? null,
      summary: e.summary ?? {},
    });
  }
  return {
    /** To one org's chain (the org the action happened in). */
    inOrg,

    /** The same in a transaction of its own: an event no write goes with (a permission denial). */
    async recordInOrg(orgId: string, e: SecurityEvent): Promise<void> {
      await inTx(db, (tx) => inOrg(tx, orgId, e));
    },

    /** To every org the user belongs to, or the instance chain when the user is unknown or has none. */
    async forUserInTx(tx: Executor, e: SecurityEvent): Promise<void> {
      const orgIds = e.userId ? await activeOrgIdsOf(tx, e.userId) : [];
      for (const orgId of orgIds.length > 0 ? orgIds : [INSTANCE_CHAIN]) {
        await audit.appendInTx(tx, {
          orgId,
          actor: e.actor,
          action: e.action,
          objectType: 'user',
          objectId: e.userId ?? null,
          summary: e.summary ?? {},
        });
      }
    },
  };
}

export type SecurityAudit = ReturnType<typeof createSecurityAudit>;
