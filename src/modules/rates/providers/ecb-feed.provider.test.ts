import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEcbFeedProvider } from './ecb-feed.provider.ts';

const DAILY = readFileSync(new URL('../../../../test/fixtures/ecb/eurofxref-daily.xml', import.meta.url));
const URL_ = 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml';

/** A fetch that records its request and answers `answer` (or throws it). */
function fakeFetch(answer: Response | Error) {
  const seen: RequestInit[] = [];
  const f = (async (_url: string, init: RequestInit) => {
    seen.push(init);
    if (answer instanceof Error) throw answer;
    return answer;
  }) as unknown as typeof fetch;
  return { f, seen };
}

describe('createEcbFeedProvider', () => {
  it('parses the ECB daily file, asking not to follow redirects, with a deadline signal', async () => {
    const { f, seen } = fakeFetch(new Response(DAILY, { status: 200 }));
    const r = await createEcbFeedProvider({ url: URL_, timeoutMs: 1000, fetch: f }).fetchLatest();
    expect(r.ok && r.days.map((d) => [d.date, d.perEur.get('USD')])).toEqual([['2026-06-17', '1.0823']]);
    expect(seen[0]).toMatchObject({ redirect: 'manual' });
    expect(seen[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  it('states what failed, with the URL: status, size, network error, a file of another kind', async () => {
    const run = async (answer: Response | Error, maxBytes?: number) =>
      createEcbFeedProvider({ url: URL_, timeoutMs: 1000, fetch: fakeFetch(answer).f, ...(maxBytes && { maxBytes }) })
        .fetchLatest()
        .then((r) => (r.ok ? 'ok' : r.reason));
    expect(await run(new Response('busy', { status: 503 }))).toBe(`${URL_}: answered HTTP 503 (expected 200)`);
    expect(await run(new Response(DAILY), 100)).toBe(`${URL_}: the answer is more than the 100 bytes accepted`);
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    expect(await run(refused)).toBe(`${URL_}: unreachable (ENOTFOUND)`);
    expect(await run(new Response('<html><body/></html>'))).toMatch(
      /^https:\/\/www\.ecb\.europa\.eu\/\S+: not an ECB reference-rate file: line 1: <html> is not an ECB gesmes:Envelope$/,
    );
  });

  it('a cancelled caller is told so, not that the provider timed out', async () => {
    const abort = new AbortController();
    abort.abort();
    const err = Object.assign(new Error('aborted'), { name: 'AbortError' });
    const r = await createEcbFeedProvider({ url: URL_, timeoutMs: 1000, fetch: fakeFetch(err).f }).fetchLatest(
      abort.signal,
    );
    expect(r).toEqual({ ok: false, reason: `${URL_}: the fetch was cancelled` });
  });
});
