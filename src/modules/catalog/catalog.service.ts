// The catalogue: tax rates and items (products and services). Rates are never edited in place
// once created (only renamed or archived), so documents that used a rate keep their meaning.
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { notFound, unprocessable } from '../../platform/errors.ts';
import { decodeCursor, pageResult } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import { z } from 'zod';
import type { VatCategory } from '../einvoice/einvoice.model.ts';
import {
  findItem,
  findItemNames,
  findTaxRate,
  findTaxRates,
  insertItem,
  insertTaxRate,
  listItemRows,
  listTaxRates,
  updateItemRow,
  updateTaxRateRow,
  type ItemRow,
  type TaxRateRow,
} from './catalog.repo.ts';
import { itemInput, itemPatch, taxRateInput, taxRatePatch, type Item, type TaxRate } from './catalog.schemas.ts';

const toTaxRate = (r: TaxRateRow): TaxRate => ({
  id: r.id,
  name: r.name,
  rateBp: r.rate_bp,
  inclusive: r.inclusive === 1,
  category: r.vat_category as VatCategory,
  exemptionReason: r.exemption_reason,
  exemptionCode: r.exemption_code,
  archived: r.archived_at !== null,
  createdAt: r.created_at,
});
const toItem = (r: ItemRow): Item => ({
  id: r.id,
  name: r.name,
  description: r.description,
  unit: r.unit,
  unitPrice: Number(r.unit_price),
  currency: r.currency,
  taxRateId: r.tax_rate_id,
  archived: r.archived_at !== null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createCatalogService({ db, audit, clock }: { db: Database; audit: AuditService; clock: Clock }) {
  async function assertTaxRate(ex: Executor, orgId: string, id: string | null | undefined): Promise<void> {
    if (id && !(await findTaxRate(ex, orgId, id)))
      throw unprocessable('Unknown tax rate', [{ path: '/body/taxRateId', message: 'no such tax rate' }]);
  }

  /** Creates an item with its audit entry in the caller's transaction (createItem; the CSV import). */
  async function createItemInTx(
    tx: Executor,
    orgId: string,
    raw: z.input<typeof itemInput>,
    actor: AuditActor,
  ): Promise<Item> {
    const input = itemInput.parse(raw);
    await assertTaxRate(tx, orgId, input.taxRateId);
    const now = clock.now().toISOString();
    const row: ItemRow = {
      id: newId(),
      org_id: orgId,
      name: input.name,
      description: input.description,
      unit: input.unit,
      unit_price: input.unitPrice,
      currency: input.currency,
      tax_rate_id: input.taxRateId,
      archived_at: null,
      created_at: now,
      updated_at: now,
    };
    await insertItem(tx, row);
    await audit.appendInTx(tx, { orgId, actor, action: 'item.created', objectType: 'item', objectId: row.id });
    return toItem(row);
  }

  return {
    async createTaxRate(orgId: string, raw: z.input<typeof taxRateInput>, actor: AuditActor): Promise<TaxRate> {
      const input = taxRateInput.parse(raw);
      return inTx(db, async (tx) => {
        const row: TaxRateRow = {
          id: newId(),
          org_id: orgId,
          name: input.name,
          rate_bp: input.rateBp,
          inclusive: input.inclusive ? 1 : 0,
          vat_category: input.category,
          exemption_reason: input.exemptionReason,
          exemption_code: input.exemptionCode,
          archived_at: null,
          created_at: clock.now().toISOString(),
        };
        await insertTaxRate(tx, row);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'tax_rate.created',
          objectType: 'tax_rate',
          objectId: row.id,
          summary: { rateBp: row.rate_bp, category: row.vat_category },
        });
        return toTaxRate(row);
      });
    },
    async listTaxRates(orgId: string, includeArchived = false): Promise<TaxRate[]> {
      return (await listTaxRates(db, orgId, includeArchived)).map(toTaxRate);
    },
    async getTaxRate(orgId: string, id: string): Promise<TaxRate> {
      const r = await findTaxRate(db, orgId, id);
      if (!r) throw notFound('Tax rate');
      return toTaxRate(r);
    },
    async taxRatesByIdsInTx(ex: Executor, orgId: string, ids: string[]): Promise<Map<string, TaxRate>> {
      return new Map((await findTaxRates(ex, orgId, [...new Set(ids)])).map((r) => [r.id, toTaxRate(r)]));
    },
    async updateTaxRate(
      orgId: string,
      id: string,
      patch: z.infer<typeof taxRatePatch>,
      actor: AuditActor,
    ): Promise<TaxRate> {
      return inTx(db, async (tx) => {
        if (!(await findTaxRate(tx, orgId, id))) throw notFound('Tax rate');
        await updateTaxRateRow(tx, orgId, id, {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.archived !== undefined && { archived_at: patch.archived ? clock.now().toISOString() : null }),
        });
        await audit.appendInTx(tx, { orgId, actor, action: 'tax_rate.updated', objectType: 'tax_rate', objectId: id });
        return toTaxRate((await findTaxRate(tx, orgId, id))!);
      });
    },

    createItem(orgId: string, raw: z.input<typeof itemInput>, actor: AuditActor): Promise<Item> {
      return inTx(db, (tx) => createItemInTx(tx, orgId, raw, actor));
    },
    createItemInTx,
    async getItem(orgId: string, id: string): Promise<Item> {
      const r = await findItem(db, orgId, id);
      if (!r) throw notFound('Item');
      return toItem(r);
    },
    /** Item names by id (the revenue-by-item report names the catalogue items it sums). */
    async itemNamesByIds(orgId: string, ids: string[]): Promise<Map<string, string>> {
      const rows = await findItemNames(db, orgId, [...new Set(ids)]);
      return new Map(rows.map((r) => [r.id, r.name]));
    },
    async listItems(orgId: string, q: { limit: number; cursor?: string | undefined; includeArchived: boolean }) {
      const cursor = decodeCursor(q.cursor);
      const rows = await listItemRows(db, orgId, cursor?.id ?? null, q.limit + 1, q.includeArchived);
      return pageResult(rows.map(toItem), q.limit, (i) => ({ v: null, id: i.id }));
    },
    /** Every tax rate and item of the org, archived ones included (the data export). */
    async exportAllInTx(ex: Executor, orgId: string): Promise<{ taxRates: TaxRate[]; items: Item[] }> {
      const items: Item[] = [];
      for (let after: string | null = null; ;) {
        const rows = await listItemRows(ex, orgId, after, 500, true);
        items.push(...rows.map(toItem));
        if (rows.length < 500) break;
        after = rows[rows.length - 1]!.id;
      }
      return { taxRates: (await listTaxRates(ex, orgId, true)).map(toTaxRate), items };
    },
    async updateItem(orgId: string, id: string, patch: z.infer<typeof itemPatch>, actor: AuditActor): Promise<Item> {
      return inTx(db, async (tx) => {
        if (!(await findItem(tx, orgId, id))) throw notFound('Item');
        await assertTaxRate(tx, orgId, patch.taxRateId);
        await updateItemRow(tx, orgId, id, {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.description !== undefined && { description: patch.description }),
          ...(patch.unit !== undefined && { unit: patch.unit }),
          ...(patch.unitPrice !== undefined && { unit_price: patch.unitPrice }),
          ...(patch.currency !== undefined && { currency: patch.currency }),
          ...(patch.taxRateId !== undefined && { tax_rate_id: patch.taxRateId }),
          ...(patch.archived !== undefined && { archived_at: patch.archived ? clock.now().toISOString() : null }),
          updated_at: clock.now().toISOString(),
        });
        await audit.appendInTx(tx, { orgId, actor, action: 'item.updated', objectType: 'item', objectId: id });
        return toItem((await findItem(tx, orgId, id))!);
      });
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
