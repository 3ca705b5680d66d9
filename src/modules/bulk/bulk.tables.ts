// The bulk module's tables (column conventions: src/platform/db/schema.ts; migration 0026). They
// join the database type DB by declaration merging, so platform/db never imports a module.
import type { DocumentKind } from '../documents/documents.tables.ts';

export type BulkAction = 'issue' | 'send' | 'mark_sent' | 'download' | 'export_csv';
export type BulkJobStatus = 'running' | 'finished';
/** 'sending': claimed for a sending that may have left; found so on a restart, it is never sent again. */
export type BulkItemStatus = 'pending' | 'sending' | 'done' | 'failed';

export interface BulkJobsTable {
  id: string;
  org_id: string;
  actor_type: 'user' | 'token' | 'portal' | 'system' | 'anonymous';
  actor_id: string | null;
  /** The member whose permission is checked again before each document. */
  user_id: string;
  kind: DocumentKind;
  action: BulkAction;
  /** download: 'pdf' or an e-invoice format. */
  format: string | null;
  status: BulkJobStatus;
  total: number;
  done_count: number;
  failed_count: number;
  /** The ZIP or CSV (stored_files, sealed under the org key) once finished. */
  result_file_id: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface BulkItemsTable {
  job_id: string;
  seq: number;
  org_id: string;
  document_id: string;
  /** The document number (known at creation for issued documents, after issuing for drafts). */
  number: string | null;
  status: BulkItemStatus;
  error_code: string | null;
  error_message: string | null;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    bulk_jobs: BulkJobsTable;
    bulk_items: BulkItemsTable;
  }
}
