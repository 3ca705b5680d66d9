// The optional exchange-rate provider in use (issue #13, item 4): a person's "fetch now" for their
// organization, and the worker's daily run for every organization (rates are public data, so
// every organization gets them; one download serves all). Both store through the file import's
// path (RatesService.storeEcb: same derivation, same upsert, same audit), so a fetched rate is
// indistinguishable from the same file uploaded by hand, and fetching a day twice adds nothing.
import type { Clock } from '../../platform/clock.ts';
import { AppError, conflict } from '../../platform/errors.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { RateFetch, RateProvider } from './providers/rate-provider.ts';
import type { FetchResult } from './rates.schemas.ts';
import type { RatesService } from './rates.service.ts';

const SYSTEM: AuditActor = { type: 'system', id: 'rates' };
/**
 * The ECB publishes at about 16:00 CET (14:00 or 15:00 UTC) on TARGET business days; the daily run
 * is due once after 16:00 UTC each day (and once at start), so a day's rates arrive the same day.
 */
const PUBLISHED_BY_UTC_HOUR = 16;
const RETRY_MS = 60 * 60_000;

export interface ProviderRun {
  provider: 'ecb';
  orgs: number;
  changed: number;
  /** Organizations whose currency the ECB does not quote (their rates stay by hand). */
  skipped: string[];
}

export function createRatesFetchService({
  provider,
  rates,
  orgs,
  clock,
}: {
  provider: RateProvider | null;
  rates: Pick<RatesService, 'storeEcb'>;
  orgs: Pick<OrgService, 'ids'>;
  clock: Clock;
}) {
  let lastSuccess = 0;
  let retryAt = 0;

  const configured = (): RateProvider => {
    if (!provider)
      throw conflict(
        'No exchange-rate provider is configured on this server (an administrator sets SEALBILL_RATES_PROVIDER=ecb); import the ECB file instead',
      );
    return provider;
  };
  const fetched = async (p: RateProvider, signal?: AbortSignal) => {
    const r: RateFetch = await p.fetchLatest(signal);
    if (!r.ok) throw new AppError('upstream_failed', `The exchange-rate provider failed: ${r.reason}`);
    return r;
  };

  async function fetchForAll(signal?: AbortSignal): Promise<ProviderRun> {
    const p = configured();
    const file = await fetched(p, signal);
    const run: ProviderRun = { provider: p.id, orgs: 0, changed: 0, skipped: [] };
    for (const orgId of await orgs.ids()) {
      try {
        run.changed += (await rates.storeEcb(orgId, file, SYSTEM, 'provider')).changed;
        run.orgs++;
      } catch (err) {
        // The one expected refusal: the organization's currency is not one the ECB quotes.
        if (!(err instanceof AppError) || err.code !== 'unprocessable') throw err;
        run.skipped.push(orgId);
      }
    }
    return run;
  }

  return {
    /** Which provider this server fetches from, for the staff app's "Fetch" button. */
    info: () => ({ provider: provider?.id ?? null }),

    /** POST /exchange-rates/fetch: the provider's current file into one organization's table. */
    async fetchForOrg(orgId: string, actor: AuditActor, signal?: AbortSignal): Promise<FetchResult> {
      const p = configured();
      const file = await fetched(p, signal);
      return { provider: p.id, ...(await rates.storeEcb(orgId, file, actor, 'provider')) };
    },

    /** `sealbill rates fetch` and the daily run: one download, stored into every organization. */
    fetchForAll,

    /** The worker's tick: null when no provider is configured or the day's fetch is done. */
    async runIfDue(): Promise<ProviderRun | null> {
      if (!provider) return null;
      const now = clock.now();
      const published = new Date(now);
      published.setUTCHours(PUBLISHED_BY_UTC_HOUR, 0, 0, 0);
      if (published > now) published.setUTCDate(published.getUTCDate() - 1);
      if (lastSuccess >= published.getTime() || now.getTime() < retryAt) return null;
      try {
        const run = await fetchForAll();
        lastSuccess = now.getTime();
        return run;
      } catch (err) {
        retryAt = now.getTime() + RETRY_MS;
        throw err;
      }
    },
  };
}

export type RatesFetchService = ReturnType<typeof createRatesFetchService>;
