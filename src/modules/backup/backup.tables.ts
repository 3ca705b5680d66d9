// The backup module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.

export interface BackupRunsTable {
  id: string;
  slot: string; // unique: a scheduled slot is claimed by exactly one worker
  name: string;
  target: string;
  status: 'running' | 'done' | 'failed';
  size: number | null;
  sha256: string | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    backup_runs: BackupRunsTable;
  }
}
