// What a document freezes of both parties when it is issued, and what a draft preview shows:
// one function, so the preview prints exactly what issuing would freeze at that moment.
import type { DocumentKind } from './documents.tables.ts';
import type { Client } from '../clients/client.schemas.ts';
import type { OrgDetails } from '../orgs/org.service.ts';
import type { DocumentBody } from './document.schemas.ts';

export type DocumentSnapshot = NonNullable<DocumentBody['snapshot']>;

type SnapshotClient = Pick<Client, 'name' | 'addressLines' | 'country' | 'taxId' | 'email'>;

/** The parties (and, on invoices, the payout details in force) from the current org and client data. */
export function buildSnapshot(kind: DocumentKind, org: OrgDetails, client: SnapshotClient): DocumentSnapshot {
  const taxId = (ids: Array<{ value: string }>) => ids[0]?.value ?? null;
  return {
    org: { name: org.name, addressLines: org.profile.addressLines, country: org.profile.country, taxId: taxId(org.profile.taxIds), email: org.profile.email },
    client: { name: client.name, addressLines: client.addressLines, country: client.country, taxId: client.taxId, email: client.email },
    payout: kind === 'invoice' ? org.payout : null,
    payoutUnchangedSince: kind === 'invoice' ? org.payoutUpdatedAt : null,
    locale: org.locale,
  };
}
