// The clients module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.

export interface ClientsTable {
  id: string;
  org_id: string;
  pii_enc: string; // name, email, billing address, tax id, notes
  email_bidx: string | null; // keyed blind index of the normalized email
  currency: string;
  language: string;
  delivery_mode: string;
  /** none | xrechnung-ubl | xrechnung-cii | peppol-bis | factur-x (migration 0013) */
  einvoice_format: string;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ClientContactsTable {
  id: string;
  org_id: string;
  client_id: string;
  pii_enc: string; // name, email, phone
  email_bidx: string | null;
  is_primary: number;
  created_at: string;
}

/** One row per (client, distinct email domain of it and its contacts): migration 0025. */
export interface ClientDomainsTable {
  id: string;
  org_id: string;
  client_id: string;
  domain_bidx: string; // keyed blind index of the normalized domain
  domain_enc: string; // the normalized domain, sealed (AAD: client_domains|id|domain_enc)
  /** Per org, the order rows were written in (migration 0034; client-domains.ts). */
  seq: number;
}

/** Each organization's last client_domains.seq (migration 0034). */
export interface ClientDomainSeqTable {
  org_id: string;
  seq: number;
}

export interface ClientDomainOrgsTable {
  org_id: string;
  indexed_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    clients: ClientsTable;
    client_contacts: ClientContactsTable;
    client_domains: ClientDomainsTable;
    client_domain_seq: ClientDomainSeqTable;
    client_domain_orgs: ClientDomainOrgsTable;
  }
}
