// Security events for the audit log (sign-ins, factor changes, token use, denials), appended in
// the caller's transaction. Events about a user go to the chain of every organization the user
// is an active member of (each org's administrators and auditors see them); events about an
// unknown account go to the instance chain (org_id '').
import type { Executor } from '../../platform/db/kysely.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';

export const INSTANCE_CHAIN = '';

export interface SecurityEvent {
  action: string;
  actor: AuditActor;
  userId?: string | null;
  summary?: Record<string, unknown>;
}

export async function activeOrgIdsOf(ex: Executor, userId: string): Promise<string[]> {
  const rows = await ex.selectFrom('memberships').select('org_id').where('user_id', '=', userId).where('deactivated_at', 'is', null).orderBy('org_id').execute();
  return rows.map((r) => r.org_id);
}

export function createSecurityAudit(audit: AuditService) {
  return {
    /** To one org's chain (the org the action happened in). */
    async inOrg(tx: Executor, orgId: string, e: SecurityEvent): Promise<void> {
      await audit.append(tx, { orgId, actor: e.actor, action: e.action, objectType: 'user', objectId: e.userId ?? null, summary: e.summary ?? {} });
    },

    /** To every org the user belongs to, or the instance chain when the user is unknown or has none. */
    async forUser(tx: Executor, e: SecurityEvent): Promise<void> {
      const orgIds = e.userId ? await activeOrgIdsOf(tx, e.userId) : [];
      for (const orgId of orgIds.length > 0 ? orgIds : [INSTANCE_CHAIN]) {
        await audit.append(tx, { orgId, actor: e.actor, action: e.action, objectType: 'user', objectId: e.userId ?? null, summary: e.summary ?? {} });
      }
    },
  };
}

export type SecurityAudit = ReturnType<typeof createSecurityAudit>;
