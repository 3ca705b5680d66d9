// The audit module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.
import type { Generated } from 'kysely';

export interface AuditEventsTable {
  id: Generated<number>;
  org_id: string;
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  summary: string; // JSON, redacted
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditCheckpointsTable {
  id: string;
  org_id: string;
  tree_size: number;
  root_hash: string; // base64 RFC 9162 Merkle tree hash
  key_hash: string; // hex of the signed-note key id
  note: string; // the C2SP signed checkpoint note, verbatim
  timestamp_token: string | null; // RFC 3161 TimeStampToken over the note, base64 DER
  created_at: string;
}

export interface AuditCheckpointKeysTable {
  org_id: string;
  key_hash: string;
  name: string;
  public_key: string; // base64 raw Ed25519
  vkey: string; // signed-note verifier key: <name>+<hash>+<base64(0x01‖key)>
  created_at: string;
}

/** A retired audit checkpoint key, vouched for by its successor (0011): signature over endorsementBody(). */
export interface AuditKeyEndorsementsTable {
  org_id: string;
  public_key: string; // base64 raw Ed25519, the endorsed (older) key
  endorser_public_key: string; // base64 raw Ed25519, the key that signed
  signature: string; // base64 Ed25519
  created_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    audit_events: AuditEventsTable;
    audit_checkpoints: AuditCheckpointsTable;
    audit_checkpoint_keys: AuditCheckpointKeysTable;
    audit_key_endorsements: AuditKeyEndorsementsTable;
  }
}
