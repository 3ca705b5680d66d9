// Exchange rates (issue #13, item 4): the organization's table of "units of its currency per 1
// unit of another", typed by hand or imported from the ECB reference-rate file a user downloaded,
// and the one question the documents ask it: which rate is in force on a date (rateOnInTx).
// Rates are stored in the organization's currency at the time (base_currency); a change of the
// default currency leaves the old rows unused rather than wrong.
import { dateInZone, type Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { conflict, notFound, unprocessable } from '../../platform/errors.ts';
import { decodeCursor, pageResult } from '../../platform/http/pagination.ts';
import { newId, newIdSequence } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { parseEcbFile, type EcbDay } from './ecb-file.ts';
import { ecbQuotes, ratesFromEcb } from './ecb-rates.ts';
import { normalizeRate } from './rate-decimal.ts';
import {
  deleteRateRow,
  findRate,
  findRateAt,
  findRateOn,
  insertRate,
  listRateRows,
  updateRateRow,
  upsertImportedRates,
  type RateRow,
} from './rates.repo.ts';
import type { EffectiveRate, ImportResult, Rate, RateInput, RateListQuery, ratePatch } from './rates.schemas.ts';
import type { RateSource } from './rates.tables.ts';
import type { z } from 'zod';

/** eurofxref-hist.xml (1999 to date) is about 7 MB; the CSV about 1.5 MB. */
export const MAX_RATE_FILE_BYTES = 20 * 1024 * 1024;

/** The rate a document takes when none is typed. */
export interface RateOn {
  rate: string;
  date: string;
  source: RateSource;
}

const toRate = (r: RateRow): Rate => ({
  id: r.id,
  baseCurrency: r.base_currency,
  currency: r.currency,
  date: r.rate_date,
  rate: r.rate,
  source: r.source,
  quoted: r.quoted,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createRatesService({
  db,
  audit,
  clock,
  orgs,
  dialect,
}: {
  db: Database;
  dialect: 'sqlite' | 'postgres';
  audit: AuditService;
  clock: Clock;
  orgs: Pick<OrgService, 'getInTx'>;
}) {
  const userOf = (actor: AuditActor) => (actor.type === 'user' || actor.type === 'token' ? actor.id : null);

  async function assertManualFree(tx: Executor, orgId: string, base: string, currency: string, date: string) {
    if (await findRateAt(tx, orgId, { base, currency, date, source: 'manual' }))
      throw conflict(`A manual ${currency} rate for ${date} exists already; edit it instead`);
  }

  /** An ECB file's days → the organization's rates (source ecb), in one transaction with one audit entry. */
  async function storeEcb(
    orgId: string,
    parsed: { format: 'csv' | 'xml'; days: EcbDay[] },
    actor: AuditActor,
    via: 'file' | 'provider',
  ): Promise<ImportResult> {
    return inTx(db, async (tx) => {
      const base = (await orgs.getInTx(tx, orgId)).defaultCurrency;
      if (!ecbQuotes(base, parsed.days))
        throw unprocessable(
          `The ECB does not publish a reference rate for ${base}, so no rate to ${base} can be derived from this file; add rates by hand`,
          [{ path: '/body', message: `no ${base} column` }],
        );
      const { rates, unusable } = ratesFromEcb(base, parsed.days);
      const now = clock.now().toISOString();
      const by = userOf(actor);
      const ids = newIdSequence(rates.length, clock.now().getTime());
      const changed = await upsertImportedRates(
        tx,
        dialect,
        { org_id: orgId, base_currency: base, source: 'ecb', created_at: now, created_by: by },
        rates.map((r, i) => ({
          id: ids[i]!,
          currency: r.currency,
          rate_date: r.date,
          rate: r.rate,
          quoted: r.quoted,
        })),
      );
      const dates = parsed.days.map((d) => d.date).sort();
      const result: ImportResult = {
        format: parsed.format,
        days: parsed.days.length,
        from: dates[0]!,
        to: dates.at(-1)!,
        rates: rates.length,
        changed,
        currencies: [...new Set(rates.map((r) => r.currency))].sort(),
        skippedCurrencies: [...unusable].sort(),
      };
      // A fetch that brought nothing new leaves no audit entry: the worker's daily run would
      // otherwise write one per organization per day for nothing.
      if (via === 'provider' && changed === 0) return result;
      await audit.appendInTx(tx, {
        orgId,
        actor,
        action: 'exchange_rates.imported',
        objectType: 'exchange_rate',
        objectId: null,
        summary: {
          source: 'ecb',
          via,
          format: result.format,
          from: result.from,
          to: result.to,
          rates: result.rates,
          changed,
        },
      });
      return result;
    });
  }

  return {
    /** The rate in force on `date` (latest on or before it; on one date manual > provider > ECB), or null. */
    async rateOnInTx(
      ex: Executor,
      orgId: string,
      base: string,
      currency: string,
      date: string,
    ): Promise<RateOn | null> {
      const r = await findRateOn(ex, orgId, base, currency, date);
      return r ? { rate: r.rate, date: r.rate_date, source: r.source } : null;
    },

    async effective(orgId: string, currency: string, date: string | undefined): Promise<EffectiveRate> {
      const org = await orgs.getInTx(db, orgId);
      const on = date ?? dateInZone(clock.now(), org.timeZone);
      const base = org.defaultCurrency;
      const r = currency === base ? null : await findRateOn(db, orgId, base, currency, on);
      return {
        baseCurrency: base,
        currency,
        date: on,
        rate:
          currency === base
            ? { id: '', rate: '1', date: on, source: 'manual' }
            : r
              ? { id: r.id, rate: r.rate, date: r.rate_date, source: r.source }
              : null,
      };
    },

    async list(orgId: string, q: RateListQuery) {
      const org = await orgs.getInTx(db, orgId);
      const rows = await listRateRows(db, {
        orgId,
        base: org.defaultCurrency,
        ...(q.currency && { currency: q.currency }),
        ...(q.source && { source: q.source }),
        ...(q.from && { from: q.from }),
        ...(q.to && { to: q.to }),
        cursor: decodeCursor(q.cursor, 'date'),
        limit: q.limit + 1,
      });
      return pageResult(rows.map(toRate), q.limit, (r) => ({ v: r.date, id: r.id }));
    },

    async create(orgId: string, input: RateInput, actor: AuditActor): Promise<Rate> {
      return inTx(db, async (tx) => {
        const base = (await orgs.getInTx(tx, orgId)).defaultCurrency;
        if (input.currency === base)
          throw unprocessable(`${base} is the organization's own currency: its rate is always 1`, [
            { path: '/body/currency', message: 'the organization’s currency' },
          ]);
        await assertManualFree(tx, orgId, base, input.currency, input.date);
        const now = clock.now().toISOString();
        const row: RateRow = {
          id: newId(),
          org_id: orgId,
          base_currency: base,
          currency: input.currency,
          rate_date: input.date,
          rate: normalizeRate(input.rate),
          source: 'manual',
          quoted: null,
          created_at: now,
          created_by: userOf(actor),
          updated_at: now,
        };
        await insertRate(tx, row);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'exchange_rate.created',
          objectType: 'exchange_rate',
          objectId: row.id,
          summary: { pair: `${row.currency}/${base}`, date: row.rate_date, rate: row.rate },
        });
        return toRate(row);
      });
    },

    /** Manual rates only: an imported rate is replaced by importing again, or overridden by a manual one. */
    async update(orgId: string, id: string, patch: z.infer<typeof ratePatch>, actor: AuditActor): Promise<Rate> {
      return inTx(db, async (tx) => {
        const row = await findRate(tx, orgId, id);
        if (!row) throw notFound('Exchange rate');
        if (row.source !== 'manual')
          throw conflict(
            `This rate was imported (${row.source}); add a manual rate for ${row.rate_date} to override it`,
          );
        if (patch.date && patch.date !== row.rate_date)
          await assertManualFree(tx, orgId, row.base_currency, row.currency, patch.date);
        await updateRateRow(tx, orgId, id, {
          ...(patch.date !== undefined && { rate_date: patch.date }),
          ...(patch.rate !== undefined && { rate: normalizeRate(patch.rate) }),
          updated_at: clock.now().toISOString(),
        });
        const fresh = (await findRate(tx, orgId, id))!;
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'exchange_rate.updated',
          objectType: 'exchange_rate',
          objectId: id,
          summary: { from: { date: row.rate_date, rate: row.rate }, to: { date: fresh.rate_date, rate: fresh.rate } },
        });
        return toRate(fresh);
      });
    },

    async remove(orgId: string, id: string, actor: AuditActor): Promise<void> {
      await inTx(db, async (tx) => {
        const row = await findRate(tx, orgId, id);
        if (!row) throw notFound('Exchange rate');
        await deleteRateRow(tx, orgId, id);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'exchange_rate.deleted',
          objectType: 'exchange_rate',
          objectId: id,
          summary: { pair: `${row.currency}/${row.base_currency}`, date: row.rate_date, source: row.source },
        });
      });
    },

    /**
     * Imports an ECB reference-rate file (CSV or XML, daily or historic) as the user downloaded it.
     * All or nothing: a line that does not parse is answered 422 with its number before anything is
     * written, and the rows go in one transaction with one audit entry.
     */
    async importEcb(orgId: string, bytes: Buffer, actor: AuditActor): Promise<ImportResult> {
      const parsed = parseEcbFile(bytes);
      if (!parsed.ok)
        throw unprocessable(`Not an ECB reference-rate file: line ${parsed.line}: ${parsed.reason}`, [
          { path: '/body', message: `line ${parsed.line}: ${parsed.reason}` },
        ]);
      return storeEcb(orgId, parsed, actor, 'file');
    },

    /** The days of an ECB file already parsed (the provider's feed: rates-fetch.service.ts), stored as an upload's. */
    storeEcb,
  };
}

export type RatesService = ReturnType<typeof createRatesService>;
