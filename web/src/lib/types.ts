// API types, taken from the server's own Zod schemas (type-only imports: nothing from the server
// is bundled), so a renamed or removed field breaks `npm run typecheck` instead of a screen.
export type { DocumentDto, DocumentSummary, DocumentKind } from '../../../src/modules/documents/document.schemas.ts';
export type { Client, ClientSummary, Contact, DeliveryMode } from '../../../src/modules/clients/client.schemas.ts';
export type { TaxRate, Item } from '../../../src/modules/catalog/catalog.schemas.ts';
export type { Org, Payout, Numbering } from '../../../src/modules/orgs/org.schemas.ts';
export type { Payment } from '../../../src/modules/payments/payment.schemas.ts';
export type { Schedule } from '../../../src/modules/recurring/recurring.service.ts';

import type { DeliveryMode } from '../../../src/modules/clients/client.schemas.ts';
import type { DocumentKind } from '../../../src/modules/documents/document.schemas.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Me {
  userId: string;
  orgId: string;
  role: string;
  permissions: string[];
  via: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  summary: Record<string, unknown>;
  ip: string | null;
  hash: string;
}

export const DELIVERY_MODE_LABELS: Record<DeliveryMode, string> = {
  'notice-only': 'Notice only (email says a document is waiting in the portal)',
  'portal-link': 'Portal link (email with a sign-in link to the portal)',
  openpgp: 'OpenPGP-encrypted email with the PDF',
  smime: 'S/MIME-encrypted email with the PDF',
  'sealed-link': 'Sealed link (PDF encrypted, key only in the link)',
};

export const KIND_PATH: Record<DocumentKind, string> = { invoice: 'invoices', quote: 'quotes', credit_note: 'credit-notes' };
export const KIND_LABEL: Record<DocumentKind, string> = { invoice: 'Invoice', quote: 'Quote', credit_note: 'Credit note' };
export const KIND_PLURAL: Record<DocumentKind, string> = { invoice: 'Invoices', quote: 'Quotes', credit_note: 'Credit notes' };
