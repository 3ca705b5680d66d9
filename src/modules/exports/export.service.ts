// The organization data export (issue #3: "exporting data" needs step-up; tenant isolation "by
// export"). Everything is read through the owning modules' services, each filtering by the
// caller's org, inside one transaction that also appends the `data.exported` audit entry: an
// export that was handed out is always on the record. Payout bank details are included only for
// members who may read them (payout:read); the documents carry the details printed on them anyway.
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { PaymentService } from '../payments/payment.service.ts';
import type { RecurringService } from '../recurring/recurring.service.ts';
import { invoicesCsv } from './export.csv.ts';
import {
  EXPORT_VERSION,
  orgExportSchema,
  type ExportFile,
  type ExportFormat,
  type OrgExport,
} from './export.schemas.ts';

export interface ExportServiceDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  orgs: Pick<OrgService, 'getDetails' | 'getDetailsInTx'>;
  clients: Pick<ClientService, 'exportAllInTx'>;
  catalog: Pick<CatalogService, 'exportAllInTx'>;
  documents: Pick<DocumentService, 'exportAllInTx'>;
  payments: Pick<PaymentService, 'exportAllInTx'>;
  recurring: Pick<RecurringService, 'exportAllInTx'>;
}

export interface ExportOptions {
  format: ExportFormat;
  /** Whether the exporting member holds payout:read. */
  includePayout: boolean;
}

export function createExportService(deps: ExportServiceDeps) {
  const { db, clock, audit, orgs, clients, catalog, documents, payments, recurring } = deps;

  async function collect(ex: Executor, orgId: string, includePayout: boolean, exportedAt: string): Promise<OrgExport> {
    const { payout, ...org } = await orgs.getDetailsInTx(ex, orgId);
    const { taxRates, items } = await catalog.exportAllInTx(ex, orgId);
    return orgExportSchema.parse({
      format: 'sealbill-export',
      version: EXPORT_VERSION,
      exportedAt,
      organization: includePayout ? { ...org, payout } : org,
      clients: await clients.exportAllInTx(ex, orgId),
      taxRates,
      items,
      documents: await documents.exportAllInTx(ex, orgId),
      payments: await payments.exportAllInTx(ex, orgId),
      recurringSchedules: await recurring.exportAllInTx(ex, orgId),
    } satisfies OrgExport);
  }

  return {
    /** Builds the export of one organization and records it in the audit log. The caller checks step-up. */
    async exportOrg(orgId: string, opts: ExportOptions, actor: AuditActor): Promise<ExportFile> {
      return inTx(db, async (tx) => {
        const now = clock.now().toISOString();
        const day = now.slice(0, 10);
        let file: ExportFile;
        if (opts.format === 'invoices-csv') {
          const docs = await documents.exportAllInTx(tx, orgId);
          const invoices = docs.filter((d) => d.kind === 'invoice');
          file = {
            filename: `sealbill-invoices-${day}.csv`,
            contentType: 'text/csv; charset=utf-8',
            body: invoicesCsv(invoices),
            counts: { invoices: invoices.length },
          };
        } else {
          const data = await collect(tx, orgId, opts.includePayout, now);
          const counts = {
            clients: data.clients.length,
            items: data.items.length,
            taxRates: data.taxRates.length,
            documents: data.documents.length,
            payments: data.payments.length,
            recurringSchedules: data.recurringSchedules.length,
          };
          file = {
            filename: `sealbill-export-${day}.json`,
            contentType: 'application/json; charset=utf-8',
            body: `${JSON.stringify(data, null, 2)}\n`,
            counts,
          };
        }
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'data.exported',
          objectType: 'org',
          objectId: orgId,
          summary: {
            format: opts.format,
            payoutIncluded: opts.format === 'json' && opts.includePayout,
            ...file.counts,
          },
        });
        return file;
      });
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
