// Wiring only: builds the platform and every service from the config. The server, the CLI, the
// worker and the tests all start from here, so they share one code path.
import type { Config } from '../config/env.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { Keyring } from '../platform/crypto/keyring.ts';
import { loadMasterKey, type MasterKey } from '../platform/crypto/master-key.ts';
import { openDatabase, type DbHandle } from '../platform/db/kysely.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { createAuditService } from '../modules/audit/audit.service.ts';
import { createClientService } from '../modules/clients/client.service.ts';
import { createFileService } from '../modules/files/file.service.ts';
import { createApiTokensService } from '../modules/identity/api-tokens.service.ts';
import { createBootstrapService } from '../modules/identity/bootstrap.service.ts';
import { createSessionsService } from '../modules/identity/sessions.service.ts';
import { createMailer, type Mailer } from '../platform/mail/mailer.ts';
import { createCatalogService } from '../modules/items/catalog.service.ts';
import { createLifecycleService } from '../modules/invoices/document-lifecycle.service.ts';
import { createDocumentService } from '../modules/invoices/document.service.ts';
import { createOrgService } from '../modules/orgs/org.service.ts';
import { createPaymentService } from '../modules/payments/payment.service.ts';
import { createRecurringService } from '../modules/recurring/recurring.service.ts';

export interface ContainerOptions {
  clock?: Clock;
  masterKey?: MasterKey;
  /** Where start-up warnings go (the generated master key warning). */
  warn?: (msg: string) => void;
  migrate?: boolean;
  handle?: DbHandle;
  mailer?: Mailer;
}

export async function createContainer(config: Readonly<Config>, opts: ContainerOptions = {}) {
  const clock = opts.clock ?? systemClock;
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`WARNING: ${m}\n`));
  const handle = opts.handle ?? openDatabase(config.database);
  if (opts.migrate !== false) await migrateToLatest(handle);
  const { db, dialect } = handle;
  const keyring = new Keyring(opts.masterKey ?? loadMasterKey(config, warn));

  const audit = createAuditService({ clock, dialect });
  const mailer = opts.mailer ?? createMailer(config);
  const tokens = createApiTokensService({ clock });
  const sessions = createSessionsService({ clock, policy: config.session });
  const orgs = createOrgService({ db, keyring, audit, clock });
  const bootstrap = createBootstrapService({ db, dialect, clock, orgs, tokens });
  const clients = createClientService({ db, keyring, audit, clock, orgs });
  const catalog = createCatalogService({ db, audit, clock });
  const files = createFileService({ keyring, clock });
  const documents = createDocumentService({ db, keyring, audit, clock, orgs, clients, catalog });
  const lifecycle = createLifecycleService({ db, keyring, audit, clock, orgs, clients, files, documents });
  const payments = createPaymentService({ db, keyring, audit, clock, documents, lifecycle });
  const recurring = createRecurringService({ db, keyring, audit, clock, orgs, documents, lifecycle });

  return {
    config,
    clock,
    handle,
    db,
    dialect,
    keyring,
    mailer,
    services: { audit, tokens, sessions, orgs, bootstrap, clients, catalog, files, documents, lifecycle, payments, recurring },
    close: async () => {
      mailer.close();
      await handle.close();
    },
  };
}

export type Container = Awaited<ReturnType<typeof createContainer>>;
export type Services = Container['services'];
