// The ECB's published reference-rate feed as a RateProvider: one GET of a fixed, configured URL
// (default https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml; the 90-day file
// eurofxref-hist-90d.xml has the same shape), parsed by the same parseEcbFile as an upload.
// The answer is untrusted input from the network: the whole exchange (connect, headers, body)
// has one deadline, the body is read up to a cap and abandoned beyond it, redirects are not
// followed (a redirect could lead off https), and every failure becomes a `reason`.
import { parseEcbFile } from '../ecb-file.ts';
import type { RateFetch, RateProvider } from './rate-provider.ts';

/** The daily file is ~2 KB, the 90-day file ~100 KB; the full history (~7 MB) is for the file import. */
export const MAX_FEED_BYTES = 2 * 1024 * 1024;

export interface EcbFeedOptions {
  url: string;
  timeoutMs: number;
  maxBytes?: number;
  /** Tests only; default the global fetch. */
  fetch?: typeof fetch;
}

export function createEcbFeedProvider({
  url,
  timeoutMs,
  maxBytes = MAX_FEED_BYTES,
  ...o
}: EcbFeedOptions): RateProvider {
  const get = o.fetch ?? fetch;
  return {
    id: 'ecb',
    url,
    async fetchLatest(signal?: AbortSignal): Promise<RateFetch> {
      const deadline = AbortSignal.timeout(timeoutMs);
      const abort = signal ? AbortSignal.any([signal, deadline]) : deadline;
      const fail = (reason: string): RateFetch => ({ ok: false, reason: `${url}: ${reason}` });
      let bytes: Buffer;
      try {
        const res = await get(url, {
          signal: abort,
          redirect: 'manual',
          headers: { accept: 'application/xml, text/xml, text/csv;q=0.9' },
        });
        if (res.status >= 300 && res.status < 400) {
          await res.body?.cancel();
          return fail(
            `answered ${res.status} redirecting to ${res.headers.get('location') ?? '(nowhere)'}; set SEALBILL_RATES_PROVIDER_URL to the final address`,
          );
        }
        if (!res.ok) {
          await res.body?.cancel();
          return fail(`answered HTTP ${res.status} (expected 200)`);
        }
        const declared = Number(res.headers.get('content-length') ?? NaN);
        if (declared > maxBytes) {
          await res.body?.cancel();
          return fail(`the answer is ${declared} bytes, more than the ${maxBytes} accepted`);
        }
        const read = await readCapped(res, maxBytes);
        if (!read) return fail(`the answer is more than the ${maxBytes} bytes accepted`);
        bytes = read;
      } catch (err) {
        if (deadline.aborted) return fail(`no complete answer within ${timeoutMs} ms`);
        if (signal?.aborted) return fail('the fetch was cancelled');
        const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
        return fail(`unreachable (${cause?.code ?? cause?.message ?? (err as Error).message})`);
      }
      const parsed = parseEcbFile(bytes);
      if (!parsed.ok) return fail(`not an ECB reference-rate file: line ${parsed.line}: ${parsed.reason}`);
      return parsed;
    },
  };
}

/** The body, or null as soon as it passes `max` bytes (the rest is not read). */
async function readCapped(res: Response, max: number): Promise<Buffer | null> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > max) return null; // leaving the loop cancels the stream: the rest is never read
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
