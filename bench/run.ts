/**
 * Runs every bench/*.bench.ts one after another, each in its own process (`node --expose-gc`, so
 * memory figures are taken after a collection and one benchmark cannot warm up the next), with
 * the Node options `npm start` gives the server (server-node-options.ts: the code measured runs
 * under them in production), and prints their output. `npm run bench`; `npm run bench -- issue api`
 * runs only the named ones.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { serverNodeOptions } from './server-node-options.ts';

const here = import.meta.dirname;
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();
if (benches.length === 0) throw new Error(`no benchmarks match ${only.join(', ')}`);

const failed: string[] = [];
const summary: string[] = [];
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--expose-gc', ...serverNodeOptions, path.join(here, file)], {
    stdio: 'inherit',
  });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) failed.push(file);
  summary.push(`${file.padEnd(24)} ${r.status === 0 ? 'ok    ' : `FAILED (${r.status ?? r.signal})`} ${secs} s`);
}
console.log(`\n=== summary ===\n${summary.join('\n')}`);
if (failed.length > 0) process.exitCode = 1;
