// Drafts and reads for invoices, quotes and credit notes (one table, one lifecycle per kind).
// Drafts are freely editable; once issued a document is immutable (409 on edit) and is corrected
// only by a credit note.
import type { Clock } from '../../platform/clock.ts';
import { dateInZone } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import type { DocumentKind } from './documents.tables.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, conflict, notFound, unprocessable } from '../../platform/errors.ts';
import { COUNT_CAP, decodeCursor, pageResult } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { RatesService } from '../rates/rates.service.ts';
import { bodyAad, draftLinesOf, readBody, toDto, toSummary, totalsOf } from './document.mapper.ts';
import {
  deleteDraft,
  findDocument,
  findTakenNumbers,
  findDocumentNumbers,
  hasIssuedInvoice,
  insertDocument,
  countDocumentRows,
  listDocumentRows,
  listOrgDocumentRows,
  listUnindexedDocumentIds,
  nextSequenceValue,
  peekSequenceValue,
  setSequenceValue,
  SORT_CURSOR_VALUES,
  sortValue,
  updateDocumentRow,
  type DocumentRow,
  type SortKey,
} from './document.repo.ts';
import {
  DOCUMENT_EINVOICE_KEYS,
  DOCUMENT_KINDS,
  draftInput,
  NO_DOCUMENT_EINVOICE,
  type DocumentBody,
  type DocumentEinvoice,
  type DocumentDto,
  type DocumentExport,
  type DocumentListQuery,
  type DocumentSummary,
  type DraftInput,
  type DraftPatch,
  type StoredLine,
} from './document.schemas.ts';
import type { Totals } from '../../shared/money/money.ts';
import { formatNumber, periodOf } from '../../shared/money/numbering.ts';
import { indexForSearch, SEARCH_COUNT_MAX, searchFilter } from '../../platform/search/search-index.ts';
import type { DocumentLanguage } from './document-language.ts';
import { OPEN_INVOICE_STATUSES } from './documents.tables.ts';

export interface DocumentServiceDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  orgs: Pick<OrgService, 'get' | 'getInTx' | 'numberingInTx' | 'timeZoneInTx'>;
  clients: Pick<ClientService, 'get' | 'namesByIdsInTx' | 'getInTx'>;
  catalog: Pick<CatalogService, 'taxRatesByIdsInTx'>;
  rates: Pick<RatesService, 'rateOnInTx'>;
}

export const KIND_LABEL: Record<DocumentKind, string> = {
  invoice: 'Invoice',
  quote: 'Quote',
  credit_note: 'Credit note',
};

/** Totals, with a money-rule violation (e.g. a discount larger than its line) answered as 422. */
export function safeTotals(lines: StoredLine[], discount: DocumentBody['discount']): Totals {
  try {
    return totalsOf(lines, discount);
  } catch (err) {
    if (err instanceof RangeError) throw unprocessable(err.message);
    throw err;
  }
}

export function totalsColumns(t: Totals) {
  return { subtotal: t.subtotal, discount_total: t.discountTotal, tax_total: t.taxTotal, total: t.total };
}

/**
 * How an imported document stood in the program it comes from (issue #13 item 6). Drafts stay
 * drafts (no number: Sealbill numbers them at issue). Anything else keeps its original number and
 * dates and is stored as imported: never signed, no stored PDF, no verification record, no ledger
 * rows (its VAT was declared from the old program). `amountPaid` is what was paid there; no
 * payment record is created for it.
 */
export interface ImportedState {
  status: 'draft' | 'issued' | 'sent' | 'partially_paid' | 'paid';
  number: string | null;
  amountPaid: number | null;
}

/** The number the next document of a kind issued today gets. */
export interface NumberingPreview {
  kind: DocumentKind;
  pattern: string;
  /** The counter's period ('' when the pattern names no year: one counter for ever). */
  period: string;
  nextValue: number;
  nextNumber: string;
}

export function createDocumentService(deps: DocumentServiceDeps) {
  const { db, keyring, audit, clock, orgs, clients, catalog, rates } = deps;

  /**
   * A document's exchange rate (issue #13, item 4): '1' in the org's currency; else the typed one;
   * else the rate table's latest rate on or before the issue date (today for an undated draft),
   * remembered as defaulted (source and date), so editing the date or issuing takes it again and a
   * typed rate is never replaced. No rate at all: 422 as before.
   */
  async function exchangeRateFor(
    tx: Executor,
    orgId: string,
    org: { defaultCurrency: string },
    currency: string,
    typed: string | undefined,
    issueDate: string | null,
  ): Promise<Pick<DocumentRow, 'exchange_rate' | 'exchange_rate_source' | 'exchange_rate_date'>> {
    if (currency === org.defaultCurrency)
      return { exchange_rate: '1', exchange_rate_source: null, exchange_rate_date: null };
    if (typed) return { exchange_rate: typed, exchange_rate_source: null, exchange_rate_date: null };
    const on = issueDate ?? (await todayInTx(tx, orgId));
    const found = await rates.rateOnInTx(tx, orgId, org.defaultCurrency, currency, on);
    if (!found)
      throw unprocessable(
        `An exchange rate to ${org.defaultCurrency} is required for ${currency} documents: type one, or add a ${currency} rate on or before ${on} (Settings → Exchange rates)`,
        [{ path: '/body/exchangeRate', message: 'required' }],
      );
    return { exchange_rate: found.rate, exchange_rate_source: found.source, exchange_rate_date: found.date };
  }

  async function todayInTx(tx: Executor, orgId: string): Promise<string> {
    // Every read of a document asks (a DTO says whether it is overdue): the time zone only, not the sealed profile.
    return dateInZone(clock.now(), await orgs.timeZoneInTx(tx, orgId));
  }

  async function resolveLines(
    ex: Executor,
    orgId: string,
    input: ReturnType<typeof draftInput.parse>['lines'],
  ): Promise<StoredLine[]> {
    const rates = await catalog.taxRatesByIdsInTx(
      ex,
      orgId,
      input.flatMap((l) => (l.taxRateId ? [l.taxRateId] : [])),
    );
    return input.map((l, i) => {
      const rate = l.taxRateId ? rates.get(l.taxRateId) : null;
      if (l.taxRateId && !rate)
        throw unprocessable('Unknown tax rate', [{ path: `/body/lines/${i}/taxRateId`, message: 'no such tax rate' }]);
      return {
        itemId: l.itemId,
        description: l.description,
        quantity: l.quantity,
        unit: l.unit,
        unitPrice: l.unitPrice,
        discount: l.discount,
        taxRateId: l.taxRateId,
        taxName: rate?.name ?? '',
        taxRateBp: rate?.rateBp ?? 0,
        taxInclusive: rate?.inclusive ?? false,
        taxCategory: rate?.category ?? 'Z',
        taxExemptionReason: rate?.exemptionReason ?? null,
        taxExemptionCode: rate?.exemptionCode ?? null,
      };
    });
  }

  async function validateRelated(
    ex: Executor,
    orgId: string,
    kind: DocumentKind,
    relatedId: string | null,
    clientId: string,
    currency: string,
  ): Promise<void> {
    if (kind !== 'credit_note') {
      if (relatedId)
        throw unprocessable('Only credit notes reference another document', [
          { path: '/body/relatedDocumentId', message: 'not allowed here' },
        ]);
      return;
    }
    const path = '/body/relatedDocumentId';
    if (!relatedId)
      throw unprocessable('A credit note must reference the invoice it credits', [{ path, message: 'required' }]);
    const inv = await findDocument(ex, orgId, relatedId, 'invoice');
    if (!inv) throw unprocessable('The credited invoice does not exist', [{ path, message: 'no such invoice' }]);
    if (inv.status === 'draft' || inv.status === 'void')
      throw unprocessable('Only issued invoices can be credited', [{ path, message: `invoice is ${inv.status}` }]);
    if (inv.client_id !== clientId || inv.currency !== currency)
      throw unprocessable('A credit note must have the client and currency of its invoice', [
        { path, message: 'client or currency differs' },
      ]);
  }

  /** Validates a draft and builds its row (for a new or an existing id) without writing it. */
  async function prepareDraft(
    tx: Executor,
    orgId: string,
    kind: DocumentKind,
    raw: DraftInput,
    id: string,
  ): Promise<DocumentRow> {
    const input = draftInput.parse(raw);
    const org = await orgs.getInTx(tx, orgId);
    const client = await clients.getInTx(tx, orgId, input.clientId).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found')
        throw unprocessable('Unknown client', [{ path: '/body/clientId', message: 'no such client' }]);
      throw err;
    });
    if (client.archived)
      throw unprocessable('The client is archived', [{ path: '/body/clientId', message: 'client is archived' }]);
    const currency = input.currency ?? client.currency;
    const exchangeRate = await exchangeRateFor(tx, orgId, org, currency, input.exchangeRate, input.issueDate ?? null);
    await validateRelated(tx, orgId, kind, input.relatedDocumentId, input.clientId, currency);
    const lines = await resolveLines(tx, orgId, input.lines);
    const totals = safeTotals(lines, input.discount);
    const now = clock.now().toISOString();
    if (input.periodStart && input.periodEnd && input.periodEnd < input.periodStart) {
      throw unprocessable('The invoicing period ends before it starts', [
        { path: '/body/periodEnd', message: 'before periodStart' },
      ]);
    }
    const einvoice = Object.fromEntries(DOCUMENT_EINVOICE_KEYS.map((k) => [k, input[k]])) as DocumentEinvoice;
    const body: DocumentBody = {
      lines,
      discount: input.discount,
      notes: input.notes,
      terms: input.terms,
      einvoice,
      snapshot: null,
    };
    const crypto = await keyring.forOrg(tx, orgId);
    const row: DocumentRow = {
      id,
      org_id: orgId,
      kind,
      status: 'draft',
      number: null,
      client_id: input.clientId,
      currency,
      ...exchangeRate,
      issue_date: input.issueDate ?? null,
      due_date: input.dueDate ?? null,
      body_enc: crypto.encryptJson(body, bodyAad(id)),
      ...totalsColumns(totals),
      amount_paid: 0,
      amount_credited: 0,
      related_document_id: input.relatedDocumentId,
      recurring_schedule_id: null,
      recurring_period: null,
      pdf_file_id: null,
      issued_at: null,
      sent_at: null,
      voided_at: null,
      imported_at: null,
      created_at: now,
      updated_at: now,
    };
    return row;
  }

  /** Validates and writes a draft row; used by create, recurring runs, quote conversion and void. */
  async function createDraftInTx(
    tx: Executor,
    orgId: string,
    kind: DocumentKind,
    raw: DraftInput,
    extra: Partial<DocumentRow> = {},
  ): Promise<DocumentRow> {
    const row = { ...(await prepareDraft(tx, orgId, kind, raw, newId())), ...extra };
    await insertDocument(tx, row);
    await indexInTx(tx, orgId, row.id);
    return row;
  }

  async function getIn(ex: Executor, orgId: string, kind: DocumentKind | undefined, id: string): Promise<DocumentDto> {
    const row = await findDocument(ex, orgId, id, kind);
    if (!row) throw notFound(kind ? KIND_LABEL[kind] : 'Document');
    const crypto = await keyring.forOrg(ex, orgId);
    const names = await clients.namesByIdsInTx(ex, orgId, [row.client_id]);
    return toDto(row, readBody(crypto, row), names.get(row.client_id) ?? '', await todayInTx(ex, orgId));
  }

  /** Creates a draft with its audit entry inside the caller's transaction (Idempotency-Key records share it). */
  /**
   * The document's search tokens (issue #13, item 2): number, client name, lines, notes and total,
   * rewritten in every transaction that changes what the document says.
   */
  async function indexInTx(tx: Executor, orgId: string, id: string): Promise<void> {
    await indexDocInTx(tx, orgId, await getIn(tx, orgId, undefined, id));
  }

  /** indexInTx for a document the caller has just read in this transaction (issuing reads it once for both). */
  async function indexDocInTx(tx: Executor, orgId: string, d: DocumentDto): Promise<void> {
    await indexForSearch(
      tx,
      await keyring.forOrg(tx, orgId),
      orgId,
      'document',
      d.id,
      [d.number, d.clientName, d.notes, ...d.lines.map((l) => l.description)],
      [d.total],
    );
  }

  async function createInTx(
    tx: Executor,
    orgId: string,
    kind: DocumentKind,
    raw: DraftInput,
    actor: AuditActor,
  ): Promise<DocumentDto> {
    const row = await createDraftInTx(tx, orgId, kind, raw);
    await audit.appendInTx(tx, {
      orgId,
      actor,
      action: `${kind}.created`,
      objectType: kind,
      objectId: row.id,
      summary: { total: Number(row.total), currency: row.currency },
    });
    return getIn(tx, orgId, kind, row.id);
  }

  /**
   * A new draft with another document's content (issue #13, item 7): client, currency, lines at
   * today's tax rates, discount, texts and e-invoice references. Dates, the supply date and the
   * invoicing period are left empty: they belong to the new supply.
   */
  async function duplicateInTx(
    tx: Executor,
    orgId: string,
    kind: DocumentKind,
    id: string,
    actor: AuditActor,
  ): Promise<DocumentDto> {
    const d = await getIn(tx, orgId, kind, id);
    const input: DraftInput = {
      clientId: d.clientId,
      currency: d.currency,
      // A typed rate is the person's choice; a defaulted one is taken again for the new draft.
      ...(d.exchangeRate !== '1' && d.exchangeRateSource === null && { exchangeRate: d.exchangeRate }),
      lines: d.lines.map((l) => ({
        itemId: l.itemId,
        description: l.description,
        quantity: l.quantity,
        unit: l.unit,
        unitPrice: l.unitPrice,
        discount: l.discount,
        taxRateId: l.taxRateId,
      })),
      discount: d.discount,
      notes: d.notes,
      terms: d.terms,
      relatedDocumentId: d.relatedDocumentId,
      ...d.einvoice,
      supplyDate: null,
      periodStart: null,
      periodEnd: null,
    };
    const row = await createDraftInTx(tx, orgId, kind, input);
    await audit.appendInTx(tx, {
      orgId,
      actor,
      action: `${kind}.created`,
      objectType: kind,
      objectId: row.id,
      summary: { total: Number(row.total), currency: row.currency, duplicateOf: id },
    });
    return getIn(tx, orgId, kind, row.id);
  }

  /**
   * Writes one imported document (modules/imports) with its audit entry, in the caller's
   * transaction: validated like a draft (prepareDraft), then, unless it is a draft, given its
   * original number and status. A number already used by a document of the kind is refused (422).
   */
  async function importInTx(
    tx: Executor,
    orgId: string,
    kind: DocumentKind,
    raw: DraftInput,
    state: ImportedState,
    actor: AuditActor,
  ): Promise<DocumentDto> {
    const now = clock.now().toISOString();
    // A draft is Sealbill's from here on (numbered, signed and sent by Sealbill when issued): only
    // documents that come issued are marked imported.
    const row: DocumentRow = {
      ...(await prepareDraft(tx, orgId, kind, raw, newId())),
      imported_at: state.status === 'draft' ? null : now,
    };
    if (state.status !== 'draft') {
      const number = state.number;
      if (!number)
        throw unprocessable('An imported issued document needs its number', [{ path: '/number', message: 'required' }]);
      if (!row.issue_date)
        throw unprocessable('An imported issued document needs its issue date', [
          { path: '/issueDate', message: 'required' },
        ]);
      if ((await findTakenNumbers(tx, orgId, kind, [number])).length > 0)
        throw unprocessable(`${KIND_LABEL[kind]} number ${number} is already used`, [
          { path: '/number', message: 'number already used' },
        ]);
      const total = Number(row.total);
      const paid = state.status === 'paid' ? total : state.status === 'partially_paid' ? (state.amountPaid ?? 0) : 0;
      if (state.status === 'partially_paid' && (paid <= 0 || paid >= total))
        throw unprocessable('A partially paid document needs an amount paid between zero and its total', [
          { path: '/amountPaid', message: 'must be more than 0 and less than the total' },
        ]);
      Object.assign(row, {
        status: state.status,
        number,
        amount_paid: paid,
        // Sent in the old program (a paid invoice was sent): settledStatus keeps it "sent" after a refund.
        sent_at: state.status === 'issued' ? null : now,
      } satisfies Partial<DocumentRow>);
    }
    await insertDocument(tx, row);
    await indexInTx(tx, orgId, row.id);
    await audit.appendInTx(tx, {
      orgId,
      actor,
      action: `${kind}.imported`,
      objectType: kind,
      objectId: row.id,
      summary: { number: row.number, status: row.status, total: Number(row.total), currency: row.currency },
    });
    return getIn(tx, orgId, kind, row.id);
  }

  return {
    prepareDraft,
    createDraftInTx,
    importInTx,
    /**
     * At issue: a defaulted rate is taken again for the final issue date (the draft may have been
     * saved undated, or before newer rates were imported); a typed rate is left alone. Returns the
     * row as it is now.
     */
    async refreshDefaultedRateInTx(tx: Executor, orgId: string, row: DocumentRow, issueDate: string) {
      if (row.exchange_rate_source === null) return row;
      const org = await orgs.getInTx(tx, orgId);
      const rate = await exchangeRateFor(tx, orgId, org, row.currency, undefined, issueDate);
      if (
        rate.exchange_rate === row.exchange_rate &&
        rate.exchange_rate_source === row.exchange_rate_source &&
        rate.exchange_rate_date === row.exchange_rate_date
      )
        return row;
      await updateDocumentRow(tx, orgId, row.id, rate);
      return { ...row, ...rate };
    },
    duplicateInTx,
    indexInTx,
    indexDocInTx,
    /** Indexes up to `limit` documents that have no search tokens yet (the worker, after upgrading). */
    async indexMissing(limit: number): Promise<number> {
      const rows = await listUnindexedDocumentIds(db, limit);
      for (const r of rows) await inTx(db, (tx) => indexInTx(tx, r.org_id, r.id));
      return rows.length;
    },
    /** Re-indexes every document of the org under its current key (key rotation, before the old key goes). */
    async reindexAllInTx(tx: Executor, orgId: string): Promise<void> {
      for (let after: string | null = null; ;) {
        const rows = await listOrgDocumentRows(tx, orgId, after, 500);
        for (const r of rows) await indexInTx(tx, orgId, r.id);
        if (rows.length < 500) return;
        after = rows.at(-1)!.id;
      }
    },
    todayInTx,
    today: (orgId: string): Promise<string> => todayInTx(db, orgId),
    /**
     * What lines and a discount come to with the organization's tax rates as they are now (a
     * recurring template's amount); 422 when a line names a tax rate that no longer exists.
     */
    previewTotalsInTx: async (
      ex: Executor,
      orgId: string,
      lines: ReturnType<typeof draftInput.parse>['lines'],
      discount: DocumentBody['discount'],
    ): Promise<Totals> => safeTotals(await resolveLines(ex, orgId, lines), discount),
    /** Whether clients may have seen the org's payout details on an issued invoice. */
    hasIssuedInvoiceInTx: (ex: Executor, orgId: string) => hasIssuedInvoice(ex, orgId),
    /** Which of `ids` are the org's documents of `kind`, with their numbers (a bulk selection; other ids are absent). */
    numbersOf: (orgId: string, kind: DocumentKind, ids: string[]) => findDocumentNumbers(db, orgId, kind, ids),

    createInTx,
    create: (orgId: string, kind: DocumentKind, raw: DraftInput, actor: AuditActor): Promise<DocumentDto> =>
      inTx(db, (tx) => createInTx(tx, orgId, kind, raw, actor)),

    getInTx: (tx: Executor, orgId: string, kind: DocumentKind | undefined, id: string) => getIn(tx, orgId, kind, id),
    /**
     * The next number of a series other than the document kinds' (payment reminders: modules/dunning),
     * gapless like theirs: drawn in the caller's transaction from the same counters, keyed by `series`.
     */
    async nextNumberInTx(tx: Executor, orgId: string, series: string, pattern: string, date: string): Promise<string> {
      return formatNumber(pattern, date, await nextSequenceValue(tx, orgId, series, periodOf(pattern, date)));
    },

    /**
     * What the next invoice, quote and credit note issued today would be numbered (issue #13,
     * item 7: the preview beside the numbering settings).
     */
    async numberingPreview(orgId: string): Promise<NumberingPreview[]> {
      const [today, numbering] = await Promise.all([todayInTx(db, orgId), orgs.numberingInTx(db, orgId)]);
      return Promise.all(
        DOCUMENT_KINDS.map(async (kind) => {
          const pattern = numbering[kind];
          const period = periodOf(pattern, today);
          const nextValue = await peekSequenceValue(db, orgId, kind, period);
          return { kind, pattern, period, nextValue, nextNumber: formatNumber(pattern, today, nextValue) };
        }),
      );
    },

    /**
     * Continues a series from a chosen number in the current period (a mid-year switch from
     * another program). Only forward: a lower value would hand out numbers already issued, and
     * the numbers skipped are accounted for by the audit entry.
     */
    async setNextNumber(
      orgId: string,
      kind: DocumentKind,
      nextValue: number,
      actor: AuditActor,
    ): Promise<NumberingPreview> {
      return inTx(db, async (tx) => {
        const today = await todayInTx(tx, orgId);
        const pattern = (await orgs.numberingInTx(tx, orgId))[kind];
        const period = periodOf(pattern, today);
        const current = await peekSequenceValue(tx, orgId, kind, period);
        if (nextValue < current)
          throw conflict(
            `${formatNumber(pattern, today, current - 1)} or an earlier number was already given: the next number can only move forward`,
          );
        await setSequenceValue(tx, orgId, kind, period, nextValue);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'numbering.next_set',
          objectType: 'org',
          objectId: orgId,
          summary: { kind, period, from: current, to: nextValue },
        });
        return { kind, pattern, period, nextValue, nextNumber: formatNumber(pattern, today, nextValue) };
      });
    },
    get: (orgId: string, kind: DocumentKind | undefined, id: string) => getIn(db, orgId, kind, id),

    /**
     * The language an issued document is written in, as frozen in its snapshot (issue #15 item 4),
     * so what is said about it elsewhere (its emails) matches its PDF; null for a draft or a
     * document issued before languages.
     */
    async languageOf(orgId: string, kind: DocumentKind, id: string): Promise<DocumentLanguage | null> {
      const row = await findDocument(db, orgId, id, kind);
      if (!row) throw notFound(KIND_LABEL[kind]);
      const snapshot = readBody(await keyring.forOrg(db, orgId), row).snapshot;
      return snapshot?.language
        ? { language: snapshot.language, formatLocale: snapshot.formatLocale ?? snapshot.locale }
        : null;
    },

    async updateDraft(
      orgId: string,
      kind: DocumentKind,
      id: string,
      patch: DraftPatch,
      actor: AuditActor,
    ): Promise<DocumentDto> {
      return inTx(db, async (tx) => {
        const row = await findDocument(tx, orgId, id, kind);
        if (!row) throw notFound(KIND_LABEL[kind]);
        if (row.status !== 'draft')
          throw conflict(
            `This ${KIND_LABEL[kind].toLowerCase()} is ${row.status} and can no longer be edited; issue a credit note to correct it`,
          );
        const crypto = await keyring.forOrg(tx, orgId);
        const body = readBody(crypto, row);
        // A defaulted rate is not carried into the merged draft: it is taken again for the
        // (possibly new) issue date; nor is any rate when the patch changes the currency.
        const keepRate =
          row.exchange_rate_source === null && (patch.currency === undefined || patch.currency === row.currency);
        const current: DraftInput = {
          clientId: row.client_id,
          currency: row.currency,
          ...(keepRate && { exchangeRate: row.exchange_rate }),
          issueDate: row.issue_date,
          dueDate: row.due_date,
          lines: draftLinesOf(body.lines),
          discount: body.discount,
          notes: body.notes,
          terms: body.terms,
          relatedDocumentId: row.related_document_id,
          ...(body.einvoice ?? NO_DOCUMENT_EINVOICE),
        };
        const merged = {
          ...current,
          ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
        } as DraftInput;
        if (patch.exchangeRate === null) delete merged.exchangeRate; // back to the rate table
        // The whole merged draft is validated again, exactly as on create.
        const fresh = await prepareDraft(tx, orgId, kind, merged, id);
        await updateDocumentRow(tx, orgId, id, {
          client_id: fresh.client_id,
          currency: fresh.currency,
          exchange_rate: fresh.exchange_rate,
          exchange_rate_source: fresh.exchange_rate_source,
          exchange_rate_date: fresh.exchange_rate_date,
          issue_date: fresh.issue_date,
          due_date: fresh.due_date,
          body_enc: fresh.body_enc,
          subtotal: fresh.subtotal,
          discount_total: fresh.discount_total,
          tax_total: fresh.tax_total,
          total: fresh.total,
          related_document_id: fresh.related_document_id,
          updated_at: clock.now().toISOString(),
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: `${kind}.updated`,
          objectType: kind,
          objectId: id,
          summary: { fields: Object.keys(patch) },
        });
        await indexInTx(tx, orgId, id);
        return getIn(tx, orgId, kind, id);
      });
    },

    async removeDraft(orgId: string, kind: DocumentKind, id: string, actor: AuditActor): Promise<void> {
      await inTx(db, async (tx) => {
        const row = await findDocument(tx, orgId, id, kind);
        if (!row) throw notFound(KIND_LABEL[kind]);
        if ((await deleteDraft(tx, orgId, id)) === 0)
          throw conflict(`Only drafts can be deleted; this ${KIND_LABEL[kind].toLowerCase()} is ${row.status}`);
        await audit.appendInTx(tx, { orgId, actor, action: `${kind}.draft_deleted`, objectType: kind, objectId: id });
      });
    },

    /** Every document of the org (all kinds and states) with its frozen snapshot (the data export). */
    async exportAllInTx(ex: Executor, orgId: string): Promise<DocumentExport[]> {
      const crypto = await keyring.forOrg(ex, orgId);
      const day = await todayInTx(ex, orgId);
      const out: DocumentExport[] = [];
      for (let after: string | null = null; ;) {
        const rows = await listOrgDocumentRows(ex, orgId, after, 500);
        const names = await clients.namesByIdsInTx(
          ex,
          orgId,
          rows.map((r) => r.client_id),
        );
        for (const r of rows) {
          const body = readBody(crypto, r);
          out.push({ ...toDto(r, body, names.get(r.client_id) ?? '', day), snapshot: body.snapshot });
        }
        if (rows.length < 500) return out;
        after = rows[rows.length - 1]!.id;
      }
    },

    async list(
      orgId: string,
      kind: DocumentKind,
      q: DocumentListQuery,
    ): Promise<{ items: DocumentSummary[]; nextCursor: string | null; count: number | null; countCapped: boolean }> {
      const day = await todayInTx(db, orgId);
      const desc = q.sort.startsWith('-');
      const sort = q.sort.replace(/^-/, '') as SortKey;
      const statuses =
        q.status === 'overdue' || q.status === 'open' ? [...OPEN_INVOICE_STATUSES] : q.status ? [q.status] : undefined;
      // Search by blind-index tokens: nothing is decrypted to find the matches.
      const search = q.q
        ? await searchFilter(db, await keyring.forOrg(db, orgId), orgId, 'document', q.q, 'documents.id')
        : null;
      const filter = {
        orgId,
        kind,
        ...(statuses && { statuses }),
        ...(q.status === 'overdue' && { overdueBefore: day }),
        ...(q.clientId && { clientId: q.clientId }),
        ...(q.from && { from: q.from }),
        ...(q.to && { to: q.to }),
        ...(q.number && { number: q.number }),
        ...(q.currency && { currency: q.currency }),
        ...(q.minTotal !== undefined && { minTotal: q.minTotal }),
        ...(q.maxTotal !== undefined && { maxTotal: q.maxTotal }),
        ...(q.q !== undefined && { search }),
      };
      const cursor = decodeCursor(q.cursor, SORT_CURSOR_VALUES[sort]);
      const rows = await listDocumentRows(db, { ...filter, sort, desc, cursor, limit: q.limit + 1 });
      // Counted on the first page only, and at most COUNT_CAP + 1 rows: bounded at any size. Only
      // where an index finds the matches: not for a broad search (a word hundreds of rows share:
      // a probe per counted row) nor by currency alone (no index: a rare currency would read every row).
      const indexed =
        (!search || (search.kind === 'ids' && search.matches <= SEARCH_COUNT_MAX)) &&
        (!q.currency || Boolean(q.clientId || q.number || q.q));
      const count = cursor || !indexed ? null : await countDocumentRows(db, filter, COUNT_CAP);
      const names = await clients.namesByIdsInTx(
        db,
        orgId,
        rows.map((r) => r.client_id),
      );
      const page = pageResult(rows, q.limit, (r) => ({ v: sortValue(r, sort), id: r.id }));
      return {
        items: page.items.map((r) => toSummary(r, names.get(r.client_id) ?? '', day)),
        nextCursor: page.nextCursor,
        count: count === null ? null : Math.min(count, COUNT_CAP),
        countCapped: count !== null && count > COUNT_CAP,
      };
    },
  };
}

export type DocumentService = ReturnType<typeof createDocumentService>;
