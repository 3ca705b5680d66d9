// An exchange-rate provider (issue #13, item 4, "an optional provider adapter"): something that
// fetches reference rates from outside, once a day or on demand. It returns the same parse an
// uploaded ECB file gives, so the rates go through the file import's path (rates.service.ts:
// derivation, upsert, audit) unchanged. A provider never throws for an outside failure: the
// caller decides whether it is a 502 (a person asked) or a log line (the worker).
import type { EcbDay } from '../ecb-file.ts';

export type RateFetch =
  | { ok: true; format: 'csv' | 'xml'; days: EcbDay[] }
  | {
      ok: false;
      /** What went wrong, for a person: states the URL and, where there is one, expected vs actual. */
      reason: string;
    };

export interface RateProvider {
  /** The source the rates are stored under (exchange_rates.source). */
  id: 'ecb';
  /** The fixed URL fetched (configuration, never a request's). */
  url: string;
  fetchLatest(signal?: AbortSignal): Promise<RateFetch>;
}
