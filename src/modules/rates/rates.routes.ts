import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { idParam } from '../../platform/http/schemas.ts';
import type { RatesFetchService } from './rates-fetch.service.ts';
import { MAX_RATE_FILE_BYTES, type RatesService } from './rates.service.ts';
import {
  effectiveQuery,
  effectiveRateSchema,
  fetchResultSchema,
  importResultSchema,
  providerInfoSchema,
  rateInput,
  rateListQuery,
  ratePatch,
  rateSchema,
} from './rates.schemas.ts';
import { need } from '../../platform/http/access.ts';

/** The ECB file as the request body, as downloaded: the format is read from the content, not the type. */
const FILE_TYPES = ['text/csv', 'text/plain', 'application/xml', 'text/xml', 'application/octet-stream'];

// Access: read by whoever writes documents in other currencies (invoice:read); the table itself is an
// organization setting (org:update), like the dunning reference rates.
export async function registerRatesRoutes(
  root: FastifyInstance,
  { rates, ratesFetch }: { rates: RatesService; ratesFetch: RatesFetchService },
): Promise<void> {
  const tags = ['exchange rates'];
  await root.register(async (scope) => {
    scope.addContentTypeParser(FILE_TYPES, { parseAs: 'buffer', bodyLimit: MAX_RATE_FILE_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    const app = scope.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/v1/exchange-rates',
      {
        config: { access: need('invoice:read') },
        schema: { tags, querystring: rateListQuery, response: { 200: pageOf(rateSchema) } },
      },
      (req) => rates.list(staff(req).orgId, req.query),
    );
    app.get(
      '/api/v1/exchange-rates/effective',
      {
        config: { access: need('invoice:read') },
        schema: { tags, querystring: effectiveQuery, response: { 200: effectiveRateSchema } },
      },
      (req) => rates.effective(staff(req).orgId, req.query.currency, req.query.date),
    );
    app.post(
      '/api/v1/exchange-rates',
      { config: { access: need('org:update') }, schema: { tags, body: rateInput, response: { 201: rateSchema } } },
      async (req, reply) => {
        reply.code(201);
        return rates.create(staff(req).orgId, req.body, actorOf(req));
      },
    );
    app.patch(
      '/api/v1/exchange-rates/:id',
      {
        config: { access: need('org:update') },
        schema: { tags, params: idParam, body: ratePatch, response: { 200: rateSchema } },
      },
      (req) => rates.update(staff(req).orgId, req.params.id, req.body, actorOf(req)),
    );
    app.delete(
      '/api/v1/exchange-rates/:id',
      { config: { access: need('org:update') }, schema: { tags, params: idParam } },
      async (req, reply) => {
        await rates.remove(staff(req).orgId, req.params.id, actorOf(req));
        return reply.code(204).send();
      },
    );
    app.post(
      '/api/v1/exchange-rates/import',
      {
        config: { access: need('org:update') },
        bodyLimit: MAX_RATE_FILE_BYTES,
        schema: {
          tags,
          description:
            'An ECB euro reference-rate file as downloaded (eurofxref.csv, eurofxref-hist.csv, eurofxref-daily.xml, eurofxref-hist.xml) as the request body (text/csv or application/xml).',
          response: { 200: importResultSchema },
        },
      },
      (req) => {
        if (!Buffer.isBuffer(req.body))
          throw new AppError('unsupported_media_type', 'Send the ECB file itself as text/csv or application/xml');
        return rates.importEcb(staff(req).orgId, req.body, actorOf(req));
      },
    );
    app.get(
      '/api/v1/exchange-rates/provider',
      {
        config: { access: need('invoice:read') },
        schema: {
          tags,
          description: 'Whether this server fetches rates itself.',
          response: { 200: providerInfoSchema },
        },
      },
      () => ratesFetch.info(),
    );
    app.post(
      '/api/v1/exchange-rates/fetch',
      {
        config: { access: need('org:update') },
        schema: {
          tags,
          description:
            'Fetches the configured provider’s current file (SEALBILL_RATES_PROVIDER=ecb: the ECB euro reference rates) and stores it as the ECB file import does. 409 when no provider is configured, 502 when the provider fails.',
          response: { 200: fetchResultSchema },
        },
      },
      (req) => ratesFetch.fetchForOrg(staff(req).orgId, actorOf(req)),
    );
  });
}
