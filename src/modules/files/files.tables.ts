// The files module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.
import type { Bytes } from '../../platform/db/schema.ts';

export interface StoredFilesTable {
  id: string;
  org_id: string;
  purpose: string;
  content_type: string;
  size: number;
  sha256: string; // of the plaintext
  content_enc: Bytes;
  created_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    stored_files: StoredFilesTable;
  }
}
