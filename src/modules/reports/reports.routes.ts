// GET /api/v1/dashboard and /api/v1/reports/*: JSON for the app, CSV (?format=csv) for a
// spreadsheet, a printable table (?format=pdf).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staff } from '../../platform/http/auth-hooks.ts';
import type { LedgerService } from './ledger.service.ts';
import { agingCsv, itemRevenueCsv, paymentsCsv, revenueCsv, vatCsv } from './reports.csv.ts';
import { agingTable, itemsTable, paymentsTable, revenueTable, vatTable } from './reports.pdf.ts';
import {
  agingRow,
  dashboardSchema,
  itemRevenueReport,
  ledgerPeriodQuery,
  paymentReceivedRow,
  periodQuery,
  reportFormat,
  revenueRow,
  vatReport,
} from './reports.schemas.ts';
import type { ReportService } from './reports.service.ts';
import { need } from '../../platform/http/access.ts';

// A text/csv body is sent as it is: the JSON response schema applies to the JSON answer only.
function sendCsv(reply: FastifyReply, name: string, body: string): FastifyReply {
  return reply
    .headers({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}.csv"`,
      'cache-control': 'no-store',
    })
    .send(body);
}

function sendPdf(reply: FastifyReply, name: string, body: Buffer): FastifyReply {
  return reply
    .headers({
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${name}.pdf"`,
      'cache-control': 'no-store',
    })
    .send(body);
}

export function registerReportRoutes(
  root: FastifyInstance,
  { reports, ledger }: { reports: ReportService; ledger: LedgerService },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/dashboard',
    {
      config: { access: need('invoice:read') },
      schema: {
        tags: ['reports'],
        description:
          'Outstanding, overdue, 12 months billed and collected, top clients and recent activity, computed on the server.',
        response: { 200: dashboardSchema },
      },
    },
    (req) => reports.dashboard(staff(req).orgId),
  );

  app.get(
    '/api/v1/reports/aging',
    {
      config: { access: need('invoice:read') },
      schema: {
        tags: ['reports'],
        description:
          'Accounts receivable aging per client and currency (current, 1–30, 31–60, 61–90, over 90 days past due).',
        querystring: reportFormat,
        response: { 200: z.object({ today: z.string(), rows: z.array(agingRow) }) },
      },
    },
    async (req, reply) => {
      const orgId = staff(req).orgId;
      const r = await reports.aging(orgId);
      const name = `aging-${r.today}`;
      if (req.query.format === 'pdf')
        return sendPdf(reply, name, await ledger.printable(orgId, (o) => agingTable(r, o)));
      return req.query.format === 'csv' ? sendCsv(reply, name, agingCsv(r.rows)) : r;
    },
  );

  app.get(
    '/api/v1/reports/revenue',
    {
      config: { access: need('invoice:read') },
      schema: {
        tags: ['reports'],
        description:
          'Net revenue per client (invoices less credit notes) issued in the period, per currency and in the organization’s currency.',
        querystring: periodQuery,
        response: { 200: z.object({ currency: z.string(), rows: z.array(revenueRow) }) },
      },
    },
    async (req, reply) => {
      const { from, to, format } = req.query;
      const orgId = staff(req).orgId;
      const r = await reports.revenue(orgId, from, to);
      const name = `revenue-${from}-${to}`;
      if (format === 'pdf')
        return sendPdf(reply, name, await ledger.printable(orgId, (o) => revenueTable(r, from, to, o)));
      return format === 'csv' ? sendCsv(reply, name, revenueCsv(r.rows, r.currency)) : r;
    },
  );

  app.get(
    '/api/v1/reports/payments',
    {
      config: { access: need('payment:read') },
      schema: {
        tags: ['reports'],
        description: 'Payments and refunds received in the period.',
        querystring: periodQuery,
        response: { 200: z.object({ rows: z.array(paymentReceivedRow), truncated: z.boolean() }) },
      },
    },
    async (req, reply) => {
      const { from, to, format } = req.query;
      const orgId = staff(req).orgId;
      const r = await reports.payments(orgId, from, to);
      const name = `payments-${from}-${to}`;
      if (format === 'pdf')
        return sendPdf(reply, name, await ledger.printable(orgId, (o) => paymentsTable(r, from, to, o)));
      return format === 'csv' ? sendCsv(reply, name, paymentsCsv(r.rows)) : r;
    },
  );

  app.get(
    '/api/v1/reports/vat',
    {
      config: { access: need('invoice:read') },
      schema: {
        tags: ['reports'],
        description:
          'VAT per category (UNCL5305) and rate for the period: taxable amount and tax of the invoices issued less the credit notes, per currency and in the organization’s currency; reverse charge (AE), exempt (E) and the other untaxed categories totalled separately. A voided invoice counts in its period and its cancelling credit note in its own.',
        querystring: ledgerPeriodQuery,
        response: { 200: vatReport },
      },
    },
    async (req, reply) => {
      const { from, to, basis, format } = req.query;
      const orgId = staff(req).orgId;
      const r = await ledger.vat(orgId, from, to, basis);
      const name = `vat-${from}-${to}`;
      if (format === 'pdf') return sendPdf(reply, name, await ledger.printable(orgId, (o) => vatTable(r, o)));
      return format === 'csv' ? sendCsv(reply, name, vatCsv(r.rows, r.currency)) : r;
    },
  );

  app.get(
    '/api/v1/reports/revenue-by-item',
    {
      config: { access: need('invoice:read') },
      schema: {
        tags: ['reports'],
        description:
          'Net revenue (without VAT, after document discounts, credit notes subtracted) per catalogue item for the period, per currency and in the organization’s currency; lines not taken from the catalogue are one row, itemId null ("Other items").',
        querystring: ledgerPeriodQuery,
        response: { 200: itemRevenueReport },
      },
    },
    async (req, reply) => {
      const { from, to, basis, format } = req.query;
      const orgId = staff(req).orgId;
      const r = await ledger.revenueByItem(orgId, from, to, basis);
      const name = `revenue-by-item-${from}-${to}`;
      if (format === 'pdf') return sendPdf(reply, name, await ledger.printable(orgId, (o) => itemsTable(r, o)));
      return format === 'csv' ? sendCsv(reply, name, itemRevenueCsv(r.rows, r.currency, 'Other items')) : r;
    },
  );
}
