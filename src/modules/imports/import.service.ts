// The CSV import (issue #13 item 6): clients, catalogue items or invoices from a spreadsheet or
// another program's export. Both the check and the import run the rows through the same services
// the API uses, each row (or invoice) under a savepoint, so the check reports every row the import
// would refuse and why, with the services' own rules and the database's constraints. The check's
// transaction is always rolled back; the import's commits only when no row was refused: all or
// nothing, with one summary audit entry next to the services' own.
import type { Database, Tx } from '../../platform/db/kysely.ts';
import { inSavepoint, inTx, inTxRolledBack } from '../../platform/db/tx.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { ZodError } from 'zod';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { Client } from '../clients/client.schemas.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { DraftInput } from '../documents/document.schemas.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { sequenceOf } from '../../shared/money/numbering.ts';
import { parseCsv } from './import.csv.ts';
import { resolveMapping, type ImportKind } from './import.fields.ts';
import { clientFromRow, invoicesFromRows, itemFromRow, type InvoiceRecord, type RowError } from './import.rows.ts';
import type { ImportInput, ImportReport, ImportRowError } from './import.schemas.ts';

export interface ImportServiceDeps {
  db: Database;
  audit: AuditService;
  orgs: Pick<OrgService, 'get'>;
  clients: Pick<ClientService, 'createInTx' | 'exportAllInTx'>;
  catalog: Pick<CatalogService, 'createItemInTx' | 'listTaxRates'>;
  documents: Pick<DocumentService, 'importInTx' | 'numberingPreview'>;
}

/** One record to write: a client, an item or a whole invoice, with the file lines it comes from. */
interface Unit {
  lines: number[];
  record: Record<string, unknown>;
  write(tx: Tx): Promise<void>;
}

/** The caller's rights beyond the route's create permission. */
export interface ImportRights {
  /** Issued invoices are imported with their numbers: as much as issuing (invoice:issue). */
  canIssue: boolean;
}

/** The import field a service's error path names (/body/lines/2/taxRateId → line 2's taxRate). */
function fieldOfPath(path: string): { field: string | null; lineIndex: number | null } {
  const parts = path.split('/').filter(Boolean);
  const rest = parts[0] === 'body' ? parts.slice(1) : parts;
  if (rest[0] === 'lines' && rest[1] !== undefined) {
    const f = rest[2] ?? null;
    return { field: f === 'taxRateId' ? 'taxRate' : f, lineIndex: Number(rest[1]) };
  }
  const f = rest[0] ?? null;
  const rename: Record<string, string> = {
    taxRateId: 'taxRate',
    exchangeRate: 'currency',
    clientId: 'clientName',
    purchaseOrderReference: 'poNumber',
  };
  return { field: f === null ? null : (rename[f] ?? f), lineIndex: null };
}

/** A service's refusal as row errors; anything else (a bug, the database gone) is not a row's fault. */
function rowErrorsOf(err: unknown, lines: number[]): RowError[] {
  if (
    err instanceof AppError &&
    (err.code === 'unprocessable' || err.code === 'validation_failed' || err.code === 'conflict')
  ) {
    if (!err.fieldErrors?.length) return [{ line: lines[0]!, field: null, message: err.message }];
    return err.fieldErrors.map((fe) => {
      const { field, lineIndex } = fieldOfPath(fe.path);
      return {
        line: lines[lineIndex ?? 0] ?? lines[0]!,
        field,
        message: fe.message === err.message ? fe.message : `${err.message}: ${fe.message}`,
      };
    });
  }
  if (err instanceof ZodError)
    return err.issues.map((i) => ({ line: lines[0]!, field: String(i.path[0] ?? '') || null, message: i.message }));
  throw err;
}

export function createImportService({ db, audit, orgs, clients, catalog, documents }: ImportServiceDeps) {
  /** Reads the file and turns its rows into units; the rows refused on their own are in `errors`. */
  async function plan(orgId: string, kind: ImportKind, input: ImportInput, actor: AuditActor, rights: ImportRights) {
    const csv = parseCsv(input.csv);
    const { columns, problems } = resolveMapping(kind, csv.headers, input.mapping);
    if (problems.length > 0)
      throw new AppError('validation_failed', `The mapping does not fit the file: ${problems.join('; ')}`, {
        fieldErrors: problems.map((message) => ({ path: '/body/mapping', message })),
      });
    const rows = csv.rows.map((r) => ({
      line: r.line,
      cells: Object.fromEntries(Object.entries(columns).map(([f, h]) => [f, h ? (r.values[h] ?? '') : ''])),
    }));
    const org = await orgs.get(orgId);
    const ctx = {
      orgCurrency: org.defaultCurrency,
      decimalComma: input.options.decimalComma ?? csv.delimiter === ';',
      taxRates: await catalog.listTaxRates(orgId),
    };
    const errors: RowError[] = [];
    const units: Unit[] = [];
    if (kind === 'clients') {
      for (const { line, cells } of rows) {
        const { input: client, errors: e } = clientFromRow(line, cells);
        errors.push(...e);
        if (client)
          units.push({
            lines: [line],
            record: client as Record<string, unknown>,
            write: async (tx) => void (await clients.createInTx(tx, orgId, client, actor)),
          });
      }
    } else if (kind === 'items') {
      for (const { line, cells } of rows) {
        const { input: item, errors: e } = itemFromRow(line, cells, ctx);
        errors.push(...e);
        if (item)
          units.push({
            lines: [line],
            record: item,
            write: async (tx) => void (await catalog.createItemInTx(tx, orgId, item, actor)),
          });
      }
    } else {
      const { invoices, errors: e } = invoicesFromRows(rows, ctx);
      errors.push(...e);
      if (!rights.canIssue && invoices.some((i) => i.status !== 'draft'))
        throw forbidden('Importing issued invoices with their numbers needs the permission to issue invoices');
      const resolve = await clientResolver(orgId, actor, input.options.createMissingClients);
      for (const inv of invoices)
        units.push({
          lines: inv.lines,
          record: { ...inv, lines: undefined, items: inv.items },
          write: (tx) => writeInvoice(tx, orgId, inv, resolve, actor),
        });
    }
    return { csv, columns, errors, units };
  }

  /**
   * Finds an invoice's client by email, else by name (both without case); creates it when the
   * import says so. Clients created by this import are remembered once their invoice is written.
   */
  async function clientResolver(orgId: string, actor: AuditActor, createMissing: boolean) {
    const existing = await clients.exportAllInTx(db, orgId);
    const created = new Map<string, string>();
    const byEmail = (email: string) => existing.filter((c) => !c.archived && c.email?.toLowerCase() === email);
    const byName = (name: string) => existing.filter((c) => !c.archived && c.name.toLowerCase() === name.toLowerCase());
    return async (tx: Tx, inv: InvoiceRecord): Promise<{ id: string; remember?: () => void }> => {
      const key = (inv.clientEmail ?? inv.clientName ?? '').toLowerCase();
      const known = created.get(key);
      if (known) return { id: known };
      let found: Client[] = inv.clientEmail ? byEmail(inv.clientEmail) : [];
      if (found.length === 0 && inv.clientName) found = byName(inv.clientName);
      if (found.length === 1) return { id: found[0]!.id };
      if (found.length > 1)
        throw new AppError('unprocessable', 'Several clients match', {
          fieldErrors: [
            { path: '/clientName', message: `several clients are named “${inv.clientName}”: give the client’s email` },
          ],
        });
      if (!createMissing || !inv.clientName)
        throw new AppError('unprocessable', 'Unknown client', {
          fieldErrors: [
            {
              path: inv.clientName ? '/clientName' : '/clientEmail',
              message: `no client “${inv.clientName ?? inv.clientEmail}”: import the clients first, or let the import create missing clients`,
            },
          ],
        });
      const c = await clients.createInTx(tx, orgId, { name: inv.clientName, email: inv.clientEmail }, actor);
      return { id: c.id, remember: () => created.set(key, c.id) };
    };
  }

  async function writeInvoice(
    tx: Tx,
    orgId: string,
    inv: InvoiceRecord,
    resolve: Awaited<ReturnType<typeof clientResolver>>,
    actor: AuditActor,
  ): Promise<void> {
    const client = await resolve(tx, inv);
    const draft: DraftInput = {
      clientId: client.id,
      ...(inv.currency && { currency: inv.currency }),
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      lines: inv.items,
      notes: inv.notes,
      terms: inv.terms,
      purchaseOrderReference: inv.poNumber,
    };
    await documents.importInTx(
      tx,
      orgId,
      'invoice',
      draft,
      { status: inv.status, number: inv.status === 'draft' ? null : inv.number, amountPaid: inv.amountPaid },
      actor,
    );
    client.remember?.();
  }

  /** Writes every unit under its own savepoint; returns the units written and the rows refused. */
  async function run(tx: Tx, units: Unit[]): Promise<{ written: number; errors: RowError[] }> {
    const errors: RowError[] = [];
    let written = 0;
    for (const [i, u] of units.entries()) {
      try {
        await inSavepoint(tx, `import_${i}`, () => u.write(tx));
        written++;
      } catch (err) {
        errors.push(...rowErrorsOf(err, u.lines));
      }
    }
    return { written, errors };
  }

  /** Imported numbers that reach into the series Sealbill continues, and the next value that avoids them. */
  async function numberingAdvice(orgId: string, kind: ImportKind, units: Unit[]): Promise<ImportReport['numbering']> {
    if (kind !== 'invoices') return null;
    const preview = (await documents.numberingPreview(orgId)).find((p) => p.kind === 'invoice')!;
    let max = 0;
    for (const u of units) {
      const r = u.record as { number?: string; status?: string };
      if (!r.number || r.status === 'draft') continue;
      const seq = sequenceOf(preview.pattern, r.number);
      if (seq && seq.period === preview.period) max = Math.max(max, seq.value);
    }
    if (max < preview.nextValue) return null;
    return {
      kind: 'invoice',
      period: preview.period,
      nextValue: preview.nextValue,
      suggestedNextValue: max + 1,
      nextNumber: preview.nextNumber,
    };
  }

  function report(
    kind: ImportKind,
    p: Awaited<ReturnType<typeof plan>>,
    errors: RowError[],
    numbering: ImportReport['numbering'],
    written: number,
  ): ImportReport {
    const refused: ImportRowError[] = errors
      .map((e) => ({ ...e, column: e.field ? (p.columns[e.field] ?? null) : null }))
      .sort((a, b) => a.line - b.line);
    const refusedLines = new Set(refused.map((e) => e.line));
    return {
      kind,
      delimiter: p.csv.delimiter,
      headers: p.csv.headers,
      mapping: p.columns,
      rows: p.csv.rows.length,
      acceptedRows: p.csv.rows.filter((r) => !refusedLines.has(r.line)).length,
      refused,
      records: p.units
        .filter((u) => !u.lines.some((l) => refusedLines.has(l)))
        .map((u) => ({ lines: u.lines, record: u.record })),
      numbering,
      written,
    };
  }

  return {
    /** The dry run: what the import would write and every row it would refuse; nothing is written. */
    async preview(
      orgId: string,
      kind: ImportKind,
      input: ImportInput,
      actor: AuditActor,
      rights: ImportRights,
    ): Promise<ImportReport> {
      const p = await plan(orgId, kind, input, actor, rights);
      const { errors } = await inTxRolledBack(db, (tx) => run(tx, p.units));
      return report(kind, p, [...p.errors, ...errors], await numberingAdvice(orgId, kind, p.units), 0);
    },

    /** The import: everything in one transaction, or nothing when any row is refused (422 with the rows). */
    async commit(
      orgId: string,
      kind: ImportKind,
      input: ImportInput,
      actor: AuditActor,
      rights: ImportRights,
    ): Promise<ImportReport> {
      const p = await plan(orgId, kind, input, actor, rights);
      const refuse = (errors: RowError[]) =>
        new AppError(
          'unprocessable',
          `${new Set(errors.map((e) => e.line)).size} row(s) would be refused: nothing was imported`,
          {
            fieldErrors: errors.map((e) => ({
              path: `/rows/${e.line}${e.field ? `/${e.field}` : ''}`,
              message: e.message,
            })),
          },
        );
      if (p.errors.length > 0) throw refuse(p.errors);
      const numbering = await numberingAdvice(orgId, kind, p.units);
      const written = await inTx(db, async (tx) => {
        const r = await run(tx, p.units);
        if (r.errors.length > 0) throw refuse(r.errors);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'import.completed',
          objectType: 'org',
          objectId: orgId,
          summary: {
            kind,
            rows: p.csv.rows.length,
            written: r.written,
            preset: 'preset' in input.mapping ? input.mapping.preset : 'custom',
          },
        });
        return r.written;
      });
      return report(kind, p, [], numbering, written);
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
