/**
 * E-invoice generation benchmark.
 *
 *   node bench/einvoice.bench.ts [count]     (default 2000 documents per format)
 *
 * For each format, writes `count` documents taken round-robin from the scenario matrix
 * (test/einvoice/scenarios.ts, 18 scenarios: 1–3 lines each) with distinct numbers, plus a
 * 50-line invoice, and prints the mean time per document (wall clock and main-thread CPU) and
 * the output size. Also times the Sealbill → EN 16931 mapping and the pre-issue checks, which sit
 * on the issuing path. Reference point: issuing renders a PDF in ~1.7–3.3 ms (bench/pdf.bench.ts).
 */
import { scenarios } from '../test/einvoice/scenarios.ts';
import { EINVOICE_FORMATS } from '../src/modules/einvoice/einvoice.formats.ts';
import { generateEinvoiceUtf8 } from '../src/modules/einvoice/einvoice.generate.ts';
import { toEinvoice, type SealbillDocument } from '../src/modules/einvoice/einvoice.mapping.ts';
import type { EinvoiceModel } from '../src/modules/einvoice/einvoice.model.ts';
import { checkEinvoice } from '../src/modules/einvoice/einvoice.rules.ts';

const count = Math.max(1, Number(process.argv[2] ?? 2000));
const cpu = (prev?: NodeJS.CpuUsage): NodeJS.CpuUsage =>
  typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage(prev) : process.cpuUsage(prev);

const all = scenarios();
const inputs = all.flatMap((s) => (s.input ? [s.input] : []));
const base = inputs[0] as SealbillDocument;
const bigInput: SealbillDocument = {
  ...base,
  lines: Array.from({ length: 50 }, (_, i) => ({
    ...(base.lines[0] as SealbillDocument['lines'][number]),
    description: `Service item ${i + 1}`,
    quantity: `${1 + (i % 7)}.5`,
    unitPrice: 1000 + i * 37,
  })),
};
const big = toEinvoice(bigInput);
const models: EinvoiceModel[] = Array.from({ length: count }, (_, i) => ({
  ...(all[i % all.length] as (typeof all)[number]).model,
  number: `RE-2026-${String(i).padStart(6, '0')}`,
}));

function measure(label: string, n: number, work: (i: number) => number): void {
  for (let i = 0; i < Math.min(200, n); i++) work(i); // warm-up
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = process.hrtime.bigint();
  const c0 = cpu();
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += work(i);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000 / n;
  const c = cpu(c0);
  const cpuUs = (c.user + c.system) / n;
  const size = bytes > 0 ? `  ${(bytes / n / 1024).toFixed(1)} KB/doc` : '';
  console.log(
    `${label.padEnd(40)} ${wallUs.toFixed(1).padStart(8)} µs/doc wall  ${cpuUs.toFixed(1).padStart(8)} µs/doc cpu  ${Math.round(
      1e6 / wallUs,
    )
      .toString()
      .padStart(7)} docs/s${size}`,
  );
}

console.log(
  `e-invoice generation, ${count} documents per format (${all.length} scenarios round-robin), Node ${process.version}`,
);
for (const format of EINVOICE_FORMATS)
  measure(`generate ${format}`, count, (i) => generateEinvoiceUtf8(models[i] as EinvoiceModel, format).length);
for (const format of EINVOICE_FORMATS)
  measure(`generate ${format} (50 lines)`, Math.ceil(count / 10), () => generateEinvoiceUtf8(big, format).length);
measure('map Sealbill document → model', count, (i) => (toEinvoice(inputs[i % inputs.length] as SealbillDocument), 0));
measure(
  'pre-issue checks (xrechnung-ubl)',
  count,
  (i) => (checkEinvoice(models[i] as EinvoiceModel, 'xrechnung-ubl'), 0),
);
measure('pre-issue checks (peppol-bis, 50 lines)', Math.ceil(count / 10), () => (checkEinvoice(big, 'peppol-bis'), 0));
