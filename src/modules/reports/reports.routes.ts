// GET /api/v1/dashboard and /api/v1/reports/*: JSON for the app, CSV (?format=csv) for a spreadsheet.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staff } from '../../platform/http/auth-hooks.ts';
import { agingCsv, paymentsCsv, revenueCsv } from './reports.csv.ts';
import {
  agingRow,
  dashboardSchema,
  paymentReceivedRow,
  periodQuery,
  reportFormat,
  revenueRow,
} from './reports.schemas.ts';
import type { ReportService } from './reports.service.ts';

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

export function registerReportRoutes(root: FastifyInstance, { reports }: { reports: ReportService }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/dashboard',
    {
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
      schema: {
        tags: ['reports'],
        description:
          'Accounts receivable aging per client and currency (current, 1–30, 31–60, 61–90, over 90 days past due).',
        querystring: reportFormat,
        response: { 200: z.object({ today: z.string(), rows: z.array(agingRow) }) },
      },
    },
    async (req, reply) => {
      const r = await reports.aging(staff(req).orgId);
      return req.query.format === 'csv' ? sendCsv(reply, `aging-${r.today}`, agingCsv(r.rows)) : r;
    },
  );

  app.get(
    '/api/v1/reports/revenue',
    {
      schema: {
        tags: ['reports'],
        description:
          'Net revenue per client (invoices less credit notes) issued in the period, per currency and in the organization’s currency.',
        querystring: periodQuery,
        response: { 200: z.object({ currency: z.string(), rows: z.array(revenueRow) }) },
      },
    },
    async (req, reply) => {
      const r = await reports.revenue(staff(req).orgId, req.query.from, req.query.to);
      return req.query.format === 'csv'
        ? sendCsv(reply, `revenue-${req.query.from}-${req.query.to}`, revenueCsv(r.rows, r.currency))
        : r;
    },
  );

  app.get(
    '/api/v1/reports/payments',
    {
      schema: {
        tags: ['reports'],
        description: 'Payments and refunds received in the period.',
        querystring: periodQuery,
        response: { 200: z.object({ rows: z.array(paymentReceivedRow), truncated: z.boolean() }) },
      },
    },
    async (req, reply) => {
      const r = await reports.payments(staff(req).orgId, req.query.from, req.query.to);
      return req.query.format === 'csv'
        ? sendCsv(reply, `payments-${req.query.from}-${req.query.to}`, paymentsCsv(r.rows))
        : r;
    },
  );
}
