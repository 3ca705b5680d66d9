// The portal module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.

/** A portal contact's authenticator app (migration 0008). */
export interface PortalTotpTable {
  contact_id: string;
  org_id: string; // the contact's org, whose data key seals secret_enc
  secret_enc: string;
  confirmed_at: string | null;
  last_step: number; // highest RFC 6238 time step accepted (replay guard)
  created_at: string;
}

/** A portal contact's passkey (migration 0008). */
export interface PortalPasskeysTable {
  id: string;
  org_id: string;
  client_id: string;
  contact_id: string;
  credential_id: string; // base64url
  public_key: string; // base64url COSE key
  counter: number;
  transports: string; // JSON array
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: number;
  aaguid: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    portal_totp: PortalTotpTable;
    portal_passkeys: PortalPasskeysTable;
  }
}
