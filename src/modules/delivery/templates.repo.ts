import type { Executor } from '../../platform/db/kysely.ts';
import type { MessageTemplatesTable } from './delivery.tables.ts';

export type TemplateRow = MessageTemplatesTable;

export function listTemplates(ex: Executor, orgId: string): Promise<TemplateRow[]> {
  return ex
    .selectFrom('message_templates')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('kind')
    .orderBy('language')
    .execute();
}

export function findTemplate(
  ex: Executor,
  orgId: string,
  kind: string,
  language: string,
): Promise<TemplateRow | undefined> {
  return ex
    .selectFrom('message_templates')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where('language', '=', language)
    .executeTakeFirst();
}

export async function upsertTemplate(ex: Executor, row: TemplateRow): Promise<void> {
  await ex
    .insertInto('message_templates')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['org_id', 'kind', 'language'])
        .doUpdateSet({ subject: row.subject, body: row.body, updated_by: row.updated_by, updated_at: row.updated_at }),
    )
    .execute();
}

export async function deleteTemplate(ex: Executor, orgId: string, kind: string, language: string): Promise<boolean> {
  const r = await ex
    .deleteFrom('message_templates')
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where('language', '=', language)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
