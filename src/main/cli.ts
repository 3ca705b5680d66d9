// `sealbill` command line. Every command goes through the same services as the API.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config/env.ts';
import { AppError } from '../platform/errors.ts';
import { createContainer, type Container } from './container.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { openDatabase } from '../platform/db/kysely.ts';
import { serve } from './server.ts';
import { listOrgIds } from '../modules/orgs/org.repo.ts';
import { documentListQuery } from '../modules/invoices/document.schemas.ts';
import { formatAmount } from '../modules/invoices/invoice.money.ts';
import { startWorker } from './worker.ts';
import { createLogger } from '../platform/logger.ts';

const CLI_ACTOR = { type: 'system' as const, id: 'cli' };

const USAGE = `Usage: sealbill <command> [options]

  serve [--http-redirect-port N]   start the server (HTTPS when SEALBILL_TLS_CERT_FILE/KEY_FILE are set)
  worker                           run background jobs only (recurring invoices)
  migrate                          apply database migrations
  init --org NAME --email EMAIL --name NAME [--currency EUR] [--locale en-GB] [--timezone UTC]
                                   create an organization and its owner; prints an owner API token once
  invoice list [--org ID] [--status S] [--limit N]
  invoice show <id|number> [--org ID]
  invoice pdf <id|number> --out FILE [--org ID]

Configuration comes from environment variables (see README).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function resolveOrg(c: Container, given: string | undefined): Promise<string> {
  if (given) return given;
  const orgs = await listOrgIds(c.db);
  if (orgs.length === 1) return orgs[0]!.id;
  fail(orgs.length === 0 ? 'No organization yet: run `sealbill init` first.' : 'Several organizations exist: pass --org ID.');
}

async function resolveInvoice(c: Container, orgId: string, ref: string): Promise<string> {
  if (/^[0-9a-f-]{36}$/.test(ref)) return ref;
  const page = await c.services.documents.list(orgId, 'invoice', documentListQuery.parse({ number: ref, limit: 1 }));
  if (!page.items[0]) fail(`No invoice numbered ${ref}`);
  return page.items[0].id;
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  const config = loadConfig();
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command === 'serve') {
    const { values } = parseArgs({ args: argv.slice(1), options: { 'http-redirect-port': { type: 'string' } } });
    const port = values['http-redirect-port'] ? z.coerce.number().int().min(1).max(65535).parse(values['http-redirect-port']) : undefined;
    return serve(config, port ? { httpRedirectPort: port } : {});
  }
  if (command === 'migrate') {
    const handle = openDatabase(config.database);
    const applied = await migrateToLatest(handle);
    await handle.close();
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
    return;
  }

  const c = await createContainer(config);
  try {
    if (command === 'worker') {
      const log = createLogger(config.logLevel);
      startWorker(c, log);
      await new Promise(() => {});
    }
    if (command === 'init') {
      const { values } = parseArgs({
        args: argv.slice(1),
        options: { org: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, currency: { type: 'string' }, locale: { type: 'string' }, timezone: { type: 'string' } },
      });
      if (!values.org || !values.email || !values.name) fail('init needs --org, --email and --name');
      const r = await c.services.bootstrap.setup(
        {
          organization: { name: values.org, ...(values.currency && { defaultCurrency: values.currency }), ...(values.locale && { locale: values.locale }), ...(values.timezone && { timeZone: values.timezone }) },
          owner: { email: values.email, name: values.name },
        },
        { firstRunOnly: false, actor: CLI_ACTOR },
      );
      process.stdout.write(
        `Created organization "${r.org.name}" (${r.org.id}) with owner ${values.email}.\n\n` +
          `Owner API token (shown once; store it in a password manager):\n  ${r.token}\n\n` +
          `Try: curl -H "Authorization: Bearer ${r.token}" ${config.publicUrl}/api/v1/org\n`,
      );
      return;
    }
    if (command === 'invoice') {
      const { values, positionals } = parseArgs({
        args: [sub ?? '', ...rest].slice(1),
        allowPositionals: true,
        options: { org: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, out: { type: 'string' } },
      });
      const orgId = await resolveOrg(c, values.org);
      if (sub === 'list') {
        const page = await c.services.documents.list(orgId, 'invoice', documentListQuery.parse({ status: values.status, limit: values.limit ?? '50' }));
        for (const d of page.items) {
          process.stdout.write(`${(d.number ?? '(draft)').padEnd(18)} ${d.status.padEnd(15)} ${(d.issueDate ?? '').padEnd(10)} ${formatAmount(d.total, d.currency).padStart(12)} ${d.currency}  ${d.clientName}\n`);
        }
        if (page.items.length === 0) process.stdout.write('No invoices.\n');
        return;
      }
      const ref = positionals[0];
      if (!ref) fail(`invoice ${sub} needs an invoice id or number`);
      const id = await resolveInvoice(c, orgId, ref);
      if (sub === 'show') {
        process.stdout.write(`${JSON.stringify(await c.services.documents.get(orgId, 'invoice', id), null, 2)}\n`);
        return;
      }
      if (sub === 'pdf') {
        if (!values.out) fail('invoice pdf needs --out FILE');
        const pdf = await c.services.lifecycle.pdf(orgId, 'invoice', id);
        writeFileSync(values.out, pdf.bytes, { mode: 0o600 });
        process.stdout.write(`Wrote ${values.out} (${pdf.bytes.length} bytes, sha256 ${pdf.sha256})\n`);
        return;
      }
    }
    fail(USAGE);
  } finally {
    await c.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) fail(err.message);
  if (err instanceof AppError) fail(`Error: ${err.message}${err.fieldErrors ? `\n${err.fieldErrors.map((f) => `  ${f.path}: ${f.message}`).join('\n')}` : ''}`);
  if (err instanceof z.ZodError) fail(`Invalid input:\n${err.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  process.stderr.write(`Unexpected error: ${(err as Error).message}\n`);
  process.exit(1);
});
