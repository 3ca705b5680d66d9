// Wiring for the verification module: the issue hooks (signatures) and the public verification
// service, built from the container's platform and the services they use.
import type { Config } from '../../config/env.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database } from '../../platform/db/kysely.ts';
import type { Payout } from '../orgs/org.schemas.ts';
import type { DocumentService } from '../documents/document.service.ts';
import { createDocumentSigningHooks } from './document-signing.service.ts';
import type { SigningIdentityService } from './signing-identity.service.ts';
import { createTsaClient } from '../../platform/crypto/tsa.ts';
import { createVerificationService, type ReminderDocumentSource } from './verification.service.ts';

export interface VerificationModuleDeps {
  config: Readonly<Config>;
  db: Database;
  keyring: Keyring;
  clock: Clock;
  signing: SigningIdentityService;
  documents: DocumentService;
  /** The payout details in force (the payouts module owns them), compared with a document's. */
  currentPayout: (orgId: string) => Promise<Payout | null>;
  /** The dunning module's reminder documents, verifiable like any document. */
  reminderDocuments: ReminderDocumentSource;
  warn: (msg: string) => void;
}

export function createVerificationModule(d: VerificationModuleDeps) {
  const publicUrl = d.config.publicUrl;
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
    currentPayout: d.currentPayout,
    reminderDocuments: d.reminderDocuments,
    publicUrl,
  });
  return { verification, issueHooks };
}
