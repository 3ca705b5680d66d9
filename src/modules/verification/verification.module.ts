// Wiring for the verification module: payout protection, the issue hooks (signatures) and the
// public verification service, built from the container's platform and the services they use.
import type { Config } from '../../config/env.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { listOrgMembers } from '../identity/users.repo.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { createDocumentSigningHooks } from './document-signing.service.ts';
import { createPayoutProtectionService, type PayoutAdmin } from './payout-protection.service.ts';
import type { SigningIdentityService } from './signing-identity.service.ts';
import { createTsaClient } from '../../platform/crypto/tsa.ts';
import { createVerificationService } from './verification.service.ts';

export interface VerificationModuleDeps {
  config: Readonly<Config>;
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  mailer: Mailer;
  orgs: OrgService;
  signing: SigningIdentityService;
  documents: DocumentService;
  warn: (msg: string) => void;
}

/** Owners and admins who get payout announcements (through identity's member listing). */
async function payoutAdmins(ex: Executor, orgId: string): Promise<PayoutAdmin[]> {
  const members = await listOrgMembers(ex, orgId);
  return members
    .filter((m) => (m.role === 'owner' || m.role === 'admin') && m.deactivated_at === null && m.status === 'active')
    .map((m) => ({ userId: m.id, email: m.email, name: m.display_name }));
}

export function createVerificationModule(d: VerificationModuleDeps) {
  const publicUrl = d.config.publicUrl;
  const payoutProtection = createPayoutProtectionService({
    db: d.db,
    keyring: d.keyring,
    audit: d.audit,
    clock: d.clock,
    mailer: d.mailer,
    orgs: d.orgs,
    admins: payoutAdmins,
    hasIssuedInvoice: d.documents.hasIssuedInvoice,
    publicUrl,
  });
  const tsa = d.config.verification.tsaUrl ? createTsaClient(d.config.verification.tsaUrl) : null;
  const issueHooks = createDocumentSigningHooks({
    keyring: d.keyring,
    clock: d.clock,
    publicUrl,
    signing: d.signing,
    tsa,
    warn: d.warn,
  });
  const verification = createVerificationService({
    db: d.db,
    keyring: d.keyring,
    signing: d.signing,
    documents: d.documents,
    currentPayout: async (orgId) => (await payoutProtection.current(orgId)).payout,
    publicUrl,
  });
  return { payoutProtection, verification, issueHooks };
}
