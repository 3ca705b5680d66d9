// What a document freezes of both parties when it is issued, and what a draft preview shows:
// one function, so the preview prints exactly what issuing would freeze at that moment.
// Since issue #12 it also freezes what the e-invoice needs (the parties' e-invoice fields, the
// client's format, the buyer reference with the client's default, the credited invoice), so the
// XML of an issued document is derived from the snapshot alone and never changes. Since issue #15
// it freezes the document's language (the client's) and the e-invoice free texts written in it.
import type { Client } from '../clients/client.schemas.ts';
import type { OrgDetails } from '../orgs/org.service.ts';
import {
  NO_DOCUMENT_EINVOICE,
  type DocumentBody,
  type DocumentEinvoice,
  type EinvoiceSnapshot,
  type StoredLine,
} from './document.schemas.ts';
import { documentLanguage, einvoiceTexts } from './document-language.ts';
import type { DocumentKind } from './documents.tables.ts';

export type DocumentSnapshot = NonNullable<DocumentBody['snapshot']>;

type SnapshotClient = Pick<
  Client,
  | 'name'
  | 'addressLines'
  | 'country'
  | 'taxId'
  | 'email'
  | 'city'
  | 'postalCode'
  | 'vatId'
  | 'legalRegistrationId'
  | 'electronicAddress'
  | 'electronicAddressScheme'
  | 'buyerReference'
  | 'einvoiceFormat'
  | 'language'
>;

export interface SnapshotDocument {
  einvoice?: DocumentEinvoice | undefined;
  /** Credit notes: the invoice they credit. */
  precedingInvoice?: EinvoiceSnapshot['precedingInvoice'];
  /** With the lines (and the due date), the e-invoice's default free texts are frozen too. */
  lines?: ReadonlyArray<Pick<StoredLine, 'taxCategory' | 'taxRateBp'>>;
  dueDate?: string | null;
  /** The organization's logo at this moment (its SHA-256), if it has one. */
  logo?: { sha256: string } | null;
}

/** The parties (and, on invoices, the payout details in force) from the current org and client data. */
export function buildSnapshot(
  kind: DocumentKind,
  org: OrgDetails,
  client: SnapshotClient,
  doc: SnapshotDocument = {},
): DocumentSnapshot {
  const taxId = (ids: Array<{ value: string }>) => ids[0]?.value ?? null;
  const p = org.profile;
  const fields = doc.einvoice ?? NO_DOCUMENT_EINVOICE;
  const lang = documentLanguage(client.language, org.locale);
  return {
    org: {
      name: org.name,
      addressLines: p.addressLines,
      country: p.country,
      taxId: taxId(p.taxIds),
      email: p.email,
      city: p.city,
      postalCode: p.postalCode,
      vatId: p.vatId,
      taxRegistration: p.taxRegistration,
      legalRegistrationId: p.legalRegistrationId,
      legalRegistrationScheme: p.legalRegistrationScheme,
      electronicAddress: p.electronicAddress,
      electronicAddressScheme: p.electronicAddressScheme,
      contactName: p.contactName,
      contactPhone: p.contactPhone,
      contactEmail: p.contactEmail,
    },
    client: {
      name: client.name,
      addressLines: client.addressLines,
      country: client.country,
      taxId: client.taxId,
      email: client.email,
      city: client.city,
      postalCode: client.postalCode,
      vatId: client.vatId,
      legalRegistrationId: client.legalRegistrationId,
      electronicAddress: client.electronicAddress,
      electronicAddressScheme: client.electronicAddressScheme,
    },
    payout: kind === 'invoice' ? org.payout : null,
    payoutUnchangedSince: kind === 'invoice' ? org.payoutUpdatedAt : null,
    locale: org.locale,
    language: lang.language,
    formatLocale: lang.formatLocale,
    einvoice: {
      orgCurrency: org.defaultCurrency,
      format: client.einvoiceFormat,
      fields: { ...fields, buyerReference: fields.buyerReference ?? client.buyerReference },
      payee: kind === 'credit_note' ? org.payout : null,
      precedingInvoice: doc.precedingInvoice ?? null,
      ...(doc.lines && { texts: einvoiceTexts(lang, doc.lines, doc.dueDate ?? null) }),
    },
    ...(doc.logo && { logo: { sha256: doc.logo.sha256 } }),
  };
}
