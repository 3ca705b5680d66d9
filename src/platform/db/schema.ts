// Kysely table types. Conventions, identical on SQLite and PostgreSQL:
// ids are text (UUIDv7, time-ordered); timestamps are ISO-8601 UTC text; calendar dates are
// 'YYYY-MM-DD' text; booleans are integer 0/1; money is integer minor units (bigint on PostgreSQL);
// encrypted columns hold versioned ciphertext text ("v1.<keyId>.<base64url>") or bytes.
//
// Each module owns its tables' types in src/modules/<module>/<module>.tables.ts and adds them to
// DB below by declaration merging (`declare module '…/platform/db/schema.ts' { interface DB … }`),
// like Fastify's decorators: platform code never imports a module, yet Kysely<DB> sees every table.
// Only the tables platform code itself uses are declared here. test/integration/db-types.test.ts
// checks that DB names exactly the tables the migrations create.
export type Bytes = Buffer;
export type Money = number;

/** Keyed blind indexes of searchable rows' terms (platform/search; migration 0020). */
export interface SearchTokensTable {
  org_id: string;
  entity: string;
  entity_id: string;
  token: string;
}

export interface OrgKeysTable {
  id: string;
  org_id: string;
  version: number;
  wrapped_dek: string;
  kek_id: string;
  /** pending: announced by a rotation (decrypts, never encrypts); retired: destroyed, nothing references it */
  status: 'pending' | 'active' | 'retiring' | 'retired';
  created_at: string;
}

export interface IdempotencyKeysTable {
  org_id: string;
  key: string;
  principal: string;
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  created_at: string;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  unique_key: string | null;
  run_at: string;
  /** A job done is deleted; 'dead': out of attempts, kept for an administrator (`sealbill jobs dead`). 'done' and 'failed' are never written. */
  status: 'pending' | 'running' | 'done' | 'failed' | 'dead';
  attempts: number;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Every table; modules add theirs (see above). */
export interface DB {
  search_tokens: SearchTokensTable;
  org_keys: OrgKeysTable;
  idempotency_keys: IdempotencyKeysTable;
  jobs: JobsTable;
}
