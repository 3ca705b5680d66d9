import type { Executor } from '../../platform/db/kysely.ts';
import type { StoredFilesTable } from './files.tables.ts';

export type StoredFileRow = StoredFilesTable;

export async function insertStoredFile(ex: Executor, row: StoredFileRow): Promise<void> {
  await ex.insertInto('stored_files').values(row).execute();
}

export function findStoredFile(ex: Executor, orgId: string, id: string): Promise<StoredFileRow | undefined> {
  return ex.selectFrom('stored_files').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** Type, size and digest of stored files by id, without their contents. */
export function describeStoredFiles(ex: Executor, orgId: string, ids: string[]) {
  return ex
    .selectFrom('stored_files')
    .select(['id', 'content_type', 'size', 'sha256'])
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
}

export async function deleteStoredFile(ex: Executor, orgId: string, id: string): Promise<void> {
  await ex.deleteFrom('stored_files').where('org_id', '=', orgId).where('id', '=', id).execute();
}
