// The Node options `npm start` gives the server (package.json; docs/DECISIONS.md D18: the young
// generation capped). Benchmarks measure product code under them, as it runs in production:
// bench/run.ts starts every benchmark with them, and the benchmarks that start a server or a child
// process pass them on.
import { readFileSync } from 'node:fs';

export const serverNodeOptions: readonly string[] =
  (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }
  ).scripts.start.match(/--[a-z-]+=\S+/g) ?? [];
