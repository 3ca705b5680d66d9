// Background work: every minute, issue the recurring invoices that are due and (hourly) queue the
// payment reminders that came due; daily, fetch the exchange rates (when a provider is configured);
// every few seconds, run
// the durable jobs that are due (mail; platform/jobs, also nudged at each commit). Runs inside
// `sealbill serve` and alone as `sealbill worker`; several processes may run it at once, since a
// period is claimed by compare-and-set (see recurring.service.ts).
import type { Container } from './container.ts';
import { createDataProtectionTasks } from './data-protection.tasks.ts';
import { createHousekeepingTask } from './housekeeping.tasks.ts';

interface Log {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WorkerOptions {
  /**
   * Keep the process alive with the timer. `sealbill worker` has nothing else that does (an
   * unref()ed timer let it exit after its first pass); inside `sealbill serve` the HTTP server
   * does, and tests must be able to exit.
   */
  keepAlive?: boolean;
}

export interface Worker {
  /** Stops scheduling and resolves once the run in progress (if any) has finished. */
  stop(): Promise<void>;
  tick(): Promise<void>;
}

export function startWorker(c: Container, log: Log, everyMs = 60_000, opts: WorkerOptions = {}): Worker {
  let running = false;
  let searchBackfilled = false;
  let domainsBackfilled = false;
  let ledgerBackfilled = false;
  let inFlight: Promise<void> = Promise.resolve();
  const dataProtection = createDataProtectionTasks(c, log);
  const housekeeping = createHousekeepingTask(c, log);
  const tick = () => {
    if (running) return inFlight;
    running = true;
    inFlight = run();
    return inFlight;
  };
  const run = async () => {
    try {
      const created = await c.services.recurring.runDue();
      if (created > 0) log.info({ created }, 'recurring invoices created');
    } catch (err) {
      log.error({ err }, 'recurring run failed');
    }
    try {
      // Hourly at most (reminder steps are days apart): queues the reminders that came due.
      const queued = await c.services.dunning.runIfDue();
      if (queued) log.info({ queued }, 'payment reminders queued');
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, 'payment reminders run failed');
    }
    try {
      // Hourly at most (the service keeps the pace); flags differences between providers and the ledger.
      const rec = await c.services.reconciliation.runIfDue();
      if (rec && (rec.added > 0 || rec.failed.length > 0))
        log.info({ flagged: rec.added, failedAccounts: rec.failed.length }, 'payment reconciliation ran');
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, 'payment reconciliation failed');
    }
    try {
      // Rows written before search existed get their tokens, a few hundred per run, until none is
      // left; rows written since are indexed in their own transaction, so the scan then stops.
      if (!searchBackfilled) {
        const indexed = (await c.services.documents.indexMissing(200)) + (await c.services.clients.indexMissing(200));
        if (indexed > 0) log.info({ indexed }, 'rows indexed for search');
        else searchBackfilled = true;
      }
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, 'search indexing failed');
    }
    try {
      // Organizations whose clients predate the look-alike domain index (migration 0025), a few per
      // run; the check indexes an organization itself if it comes first.
      if (!domainsBackfilled) {
        const orgs = await c.services.clients.indexDomainsMissing(5);
        if (orgs > 0) log.info({ orgs }, 'organizations indexed for look-alike domains');
        else domainsBackfilled = true;
      }
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, 'look-alike domain indexing failed');
    }
    try {
      // Invoices and credit notes issued before the reports ledger existed (migration 0022) are
      // added a few hundred per run, each decrypted once; documents issued since write their own rows.
      if (!ledgerBackfilled) {
        const added = await c.services.ledger.backfill(200);
        if (added > 0) log.info({ added }, 'documents added to the reports ledger');
        else ledgerBackfilled = true;
      }
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, 'reports ledger backfill failed');
    }
    try {
      // Once a day after the ECB publishes (and once at start), when SEALBILL_RATES_PROVIDER is set:
      // one download stored into every organization; a day fetched twice changes nothing.
      const fetched = await c.services.ratesFetch.runIfDue();
      if (fetched)
        log.info(
          { orgs: fetched.orgs, changed: fetched.changed, skippedOrgs: fetched.skipped.length },
          'exchange rates fetched',
        );
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, 'exchange-rate fetch failed (retried in an hour)');
    }
    await dataProtection();
    // Hourly at most: expired one-time codes, sessions, throttle rows, emailed tokens, challenges.
    await housekeeping();
    try {
      const applied = await c.services.payoutProtection.applyAllDue();
      if (applied > 0) log.info({ applied }, 'payout changes applied after their cooling-off');
    } catch (err) {
      log.error({ err }, 'applying payout changes failed');
    } finally {
      running = false;
    }
  };
  const stopJobs = c.jobs.poll(c.config.jobs.pollMs);
  const timer = setInterval(() => void tick(), everyMs);
  if (!opts.keepAlive) timer.unref();
  void tick();
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all([inFlight, stopJobs()]);
    },
    tick,
  };
}
