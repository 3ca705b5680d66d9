// The organization's security policy (orgs.security_policy, owned by identity): who must use a
// second factor. Changing it needs step-up (checked by the route) and re-evaluates every live
// session of the org at once, so members who now lack a required factor are sent to enrolment.
import type { Database } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import type { AuditActor, AuditService } from '../../audit/audit.service.ts';
import { orgPolicyInTx, type MfaPolicy, type SecurityPolicy } from '../mfa/mfa-policy.ts';
import { setOrgSecurityPolicy } from './org-policy.repo.ts';
import type { SessionStateService } from '../sessions/session-state.ts';

export function createOrgSecurityService({
  db,
  audit,
  state,
}: {
  db: Database;
  audit: AuditService;
  state: SessionStateService;
}) {
  return {
    get: (orgId: string): Promise<SecurityPolicy> => orgPolicyInTx(db, orgId),

    async setMfaPolicy(orgId: string, mfa: MfaPolicy, actor: AuditActor): Promise<SecurityPolicy> {
      return inTx(db, async (tx) => {
        const before = await orgPolicyInTx(tx, orgId);
        const next: SecurityPolicy = { ...before, mfa };
        await setOrgSecurityPolicy(tx, orgId, JSON.stringify(next));
        await state.reconcileOrgInTx(tx, orgId);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'org.security_policy_changed',
          objectType: 'org',
          objectId: orgId,
          summary: { mfa: { from: before.mfa, to: mfa } },
        });
        return next;
      });
    },
  };
}

export type OrgSecurityService = ReturnType<typeof createOrgSecurityService>;
