// A loopback stand-in for the ECB's reference-rate feed (www.ecb.europa.eu/stats/eurofxref/…):
// the fixture eurofxref-daily.xml, or one of the ways a provider fails, chosen by the test.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ECB_DAILY_XML = readFileSync(new URL('../fixtures/ecb/eurofxref-daily.xml', import.meta.url));
const DAILY = ECB_DAILY_XML;
export type FakeEcbMode = 'daily' | 'corrected' | 'broken' | 'error' | 'slow' | 'huge' | 'huge-declared' | 'redirect';

export interface FakeEcb {
  /** The feed's URL (http on 127.0.0.1, which the configuration allows for loopback only). */
  url: string;
  /** What the next request gets. */
  mode: FakeEcbMode;
  hits: number;
  close(): Promise<void>;
}

/** The fake ECB: one path, whose answer the test chooses. */
export async function startFakeEcb(): Promise<FakeEcb> {
  const state = { url: '', mode: 'daily' as FakeEcbMode, hits: 0, close: async () => {} };
  const answer = (res: ServerResponse) => {
    const xml = (body: string | Buffer) => res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
    switch (state.mode) {
      case 'daily':
        return xml(DAILY);
      case 'corrected':
        return xml(DAILY.toString().replace("'1.0823'", "'1.0825'"));
      case 'broken':
        return xml(DAILY.toString().replace("'0.8512'", "'0,8512'"));
      case 'error':
        return res.writeHead(500).end('Internal Server Error');
      case 'slow': // headers at once, the body never: the deadline covers the body too
        res.writeHead(200, { 'content-type': 'text/xml' });
        return res.write('<?xml version="1.0"?>');
      case 'huge': // chunked, no length announced: the cap must hold while reading
        res.writeHead(200, { 'content-type': 'text/xml' });
        for (let i = 0; i < 40; i++) res.write(Buffer.alloc(64 * 1024, 0x20));
        return res.end();
      case 'huge-declared':
        return res.writeHead(200, { 'content-length': String(3 * 1024 * 1024) }).end(Buffer.alloc(3 * 1024 * 1024));
      case 'redirect':
        return res.writeHead(302, { location: 'http://attacker.example/rates.xml' }).end();
    }
  };
  const server: Server = createServer((req, res) => {
    state.hits++;
    if (req.url !== '/stats/eurofxref/eurofxref-daily.xml') return res.writeHead(404).end();
    answer(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stats/eurofxref/eurofxref-daily.xml`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return state;
}
