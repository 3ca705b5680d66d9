import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { openDatabase } from '../../platform/db/kysely.ts';
import { migrateToLatest } from '../../platform/db/migrate.ts';
import { createLogger } from '../../platform/logger.ts';
import { documentListQuery } from '../../modules/documents/document.schemas.ts';
import { EINVOICE_FORMATS, isEinvoiceFormat } from '../../modules/einvoice/einvoice.formats.ts';
import { formatAmount } from '../../shared/money/money.ts';
import type { Container } from '../container.ts';
import { serve } from '../server.ts';
import { startWorker } from '../worker.ts';
import { CLI_ACTOR, CliUsageError, type CliCommand } from './command.ts';

export async function resolveOrg(c: Container, given: string | undefined): Promise<string> {
  if (given) return given;
  const orgs = await c.services.orgs.ids();
  if (orgs.length === 1) return orgs[0]!;
  throw new CliUsageError(
    orgs.length === 0
      ? 'No organization yet: run `sealbill init` first.'
      : 'Several organizations exist: pass --org ID.',
  );
}

export const serveCommand: CliCommand = {
  name: 'serve',
  usage: 'serve [--http-redirect-port N]   start the server (HTTPS when SEALBILL_TLS_CERT_FILE/KEY_FILE are set)',
  async run({ config, argv }) {
    const { values } = parseArgs({ args: argv, options: { 'http-redirect-port': { type: 'string' } } });
    const port = values['http-redirect-port']
      ? z.coerce.number().int().min(1).max(65535).parse(values['http-redirect-port'])
      : undefined;
    await serve(config, port ? { httpRedirectPort: port } : {});
    await new Promise(() => {});
  },
};

export const workerCommand: CliCommand = {
  name: 'worker',
  usage:
    'worker                           run background jobs only (recurring invoices, payout changes, checkpoints, backups), every SEALBILL_WORKER_INTERVAL_SECONDS',
  async run({ config, container }) {
    const log = createLogger(config.logLevel);
    const worker = startWorker(await container(), log, config.worker.intervalMs, { keepAlive: true });
    log.info({ everyMs: config.worker.intervalMs }, 'worker started');
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    // A run in progress finishes (each job commits its own transactions), then the runner closes
    // the database and the process exits 0; a process manager sees a clean stop.
    log.info({ signal }, 'worker stopping after the current run');
    await worker.stop();
    log.info({}, 'worker stopped');
  },
};

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate                          apply database migrations',
  async run({ config, out }) {
    const handle = openDatabase(config.database);
    try {
      const applied = await migrateToLatest(handle);
      out(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
    } finally {
      await handle.close();
    }
  },
};

export const initCommand: CliCommand = {
  name: 'init',
  usage:
    'init --org NAME --email EMAIL --name NAME [--currency EUR] [--locale en-GB] [--timezone UTC]\n                                   create an organization and its owner; prints an owner API token once',
  async run({ argv, container, config, out }) {
    const { values } = parseArgs({
      args: argv,
      options: {
        org: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
        currency: { type: 'string' },
        locale: { type: 'string' },
        timezone: { type: 'string' },
      },
    });
    if (!values.org || !values.email || !values.name) throw new CliUsageError('init needs --org, --email and --name');
    const c = await container();
    const r = await c.services.bootstrap.setup(
      {
        organization: {
          name: values.org,
          ...(values.currency && { defaultCurrency: values.currency }),
          ...(values.locale && { locale: values.locale }),
          ...(values.timezone && { timeZone: values.timezone }),
        },
        owner: { email: values.email, name: values.name },
      },
      { firstRunOnly: false, actor: CLI_ACTOR },
    );
    out(
      `Created organization "${r.org.name}" (${r.org.id}) with owner ${values.email}.\n\n` +
        `Owner API token (shown once; it holds every permission, so it expires in 24 hours, at ${r.tokenExpiresAt}):\n  ${r.token}\n` +
        `For scripts that run longer, create a scoped token: sealbill token create --email ${values.email} --name NAME --scopes a,b --expires-days N\n\n` +
        `Try: curl -H "Authorization: Bearer ${r.token}" ${config.publicUrl}/api/v1/org\n`,
    );
  },
};

export const invoiceCommand: CliCommand = {
  name: 'invoice',
  usage:
    'invoice list [--org ID] [--status S] [--limit N]\n  invoice show <id|number> [--org ID]\n  invoice pdf <id|number> --out FILE [--org ID]\n' +
    `  invoice einvoice <id|number> --format ${EINVOICE_FORMATS.join('|')} --out FILE [--org ID]`,
  async run({ argv, container, out }) {
    const [sub, ...rest] = argv;
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        org: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
      },
    });
    const c = await container();
    const orgId = await resolveOrg(c, values.org);
    if (sub === 'list') {
      const page = await c.services.documents.list(
        orgId,
        'invoice',
        documentListQuery.parse({ status: values.status, limit: values.limit ?? '50' }),
      );
      for (const d of page.items) {
        out(
          `${(d.number ?? '(draft)').padEnd(18)} ${d.status.padEnd(15)} ${(d.issueDate ?? '').padEnd(10)} ${formatAmount(d.total, d.currency).padStart(12)} ${d.currency}  ${d.clientName}\n`,
        );
      }
      if (page.items.length === 0) out('No invoices.\n');
      return;
    }
    const ref = positionals[0];
    if ((sub !== 'show' && sub !== 'pdf' && sub !== 'einvoice') || !ref)
      throw new CliUsageError(
        'usage: sealbill invoice list | show <id|number> | pdf <id|number> --out FILE | einvoice <id|number> --format F --out FILE',
      );
    let id = ref;
    if (!/^[0-9a-f-]{36}$/.test(ref)) {
      const page = await c.services.documents.list(
        orgId,
        'invoice',
        documentListQuery.parse({ number: ref, limit: 1 }),
      );
      if (!page.items[0]) throw new CliUsageError(`No invoice numbered ${ref}`);
      id = page.items[0].id;
    }
    if (sub === 'show') {
      out(`${JSON.stringify(await c.services.documents.get(orgId, 'invoice', id), null, 2)}\n`);
      return;
    }
    if (sub === 'einvoice') {
      if (!isEinvoiceFormat(values.format) || !values.out)
        throw new CliUsageError(`invoice einvoice needs --format ${EINVOICE_FORMATS.join('|')} and --out FILE`);
      const file = await c.services.lifecycle.einvoice(orgId, 'invoice', id, values.format);
      writeFileSync(values.out, file.bytes, { mode: 0o600 });
      out(`Wrote ${values.out} (${values.format}, ${file.bytes.length} bytes, suggested name ${file.filename})\n`);
      return;
    }
    if (!values.out) throw new CliUsageError('invoice pdf needs --out FILE');
    const pdf = await c.services.lifecycle.pdf(orgId, 'invoice', id);
    writeFileSync(values.out, pdf.bytes, { mode: 0o600 });
    out(`Wrote ${values.out} (${pdf.bytes.length} bytes, sha256 ${pdf.sha256})\n`);
  },
};
