// The keys module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.

export interface KeyRotationsTable {
  id: string;
  org_id: string;
  from_key_ids: string; // JSON array of the org key ids being replaced
  to_key_id: string;
  /** announced: new key pending; reencrypting: new key active, data moving; done: old keys retired */
  phase: 'announced' | 'reencrypting' | 'done';
  progress: string; // JSON cursor of the first pass: { column, after }
  reencrypted: number;
  started_at: string;
  switched_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    key_rotations: KeyRotationsTable;
  }
}
