// `npm run lint:arch`, second half: no import cycles between modules. dependency-cruiser checks cycles
// between files (.dependency-cruiser.cjs); a cycle between modules can run through files that are each
// acyclic (clients/a → verification/b → clients/c), so here every file is collapsed to its unit —
// src/modules/<name>, src/platform, src/shared/<name>, src/main, src/config — and the unit graph must
// have no strongly connected component larger than one unit.
import { cruise, type IModule } from 'dependency-cruiser';

/** Unit cycles that are known and owned by someone; each with its reason. Keep this short. */
const ALLOWED: { units: string[]; reason: string }[] = [];

const unitOf = (file: string): string | null => {
  const m = /^src\/(modules\/[^/]+|shared\/[^/]+|platform|main|config)\//.exec(file);
  return m ? m[1]! : null;
};

const result = await cruise(['src'], {
  doNotFollow: { path: 'node_modules' },
  exclude: { path: '\\.test\\.ts$' }, // a test may reach across modules; the code it tests may not
  tsPreCompilationDeps: true,
});
if (typeof result.output === 'string') throw new Error('unexpected dependency-cruiser output');

const edges = new Map<string, Set<string>>();
const why = new Map<string, string>(); // "a -> b" => one file-level import that makes the edge
for (const mod of result.output.modules as IModule[]) {
  const from = unitOf(mod.source);
  if (!from) continue;
  if (!edges.has(from)) edges.set(from, new Set());
  for (const dep of mod.dependencies) {
    const to = unitOf(dep.resolved);
    if (!to || to === from) continue;
    edges.get(from)!.add(to);
    if (!why.has(`${from} -> ${to}`)) why.set(`${from} -> ${to}`, `${mod.source} -> ${dep.resolved}`);
  }
}

// Tarjan's strongly connected components.
let index = 0;
const idx = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
const components: string[][] = [];
const visit = (v: string): void => {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!idx.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v)!, low.get(w)!));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
  }
  if (low.get(v) === idx.get(v)) {
    const c: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      c.push(w);
    } while (w !== v);
    if (c.length > 1) components.push(c.sort());
  }
};
for (const v of [...edges.keys()].sort()) if (!idx.has(v)) visit(v);

const allowed = (c: string[]) =>
  ALLOWED.some((a) => a.units.length === c.length && a.units.every((u) => c.includes(u)));
const failures = components.filter((c) => !allowed(c));
for (const c of failures) {
  process.stderr.write(`error no-module-cycle: ${c.join(', ')} import each other:\n`);
  for (const a of c)
    for (const b of c) if (edges.get(a)?.has(b)) process.stderr.write(`    ${why.get(`${a} -> ${b}`)}\n`);
}
// An entry that matches no cycle any more was fixed: remove it, so the list only ever shrinks.
const stale = ALLOWED.filter(
  (a) => !components.some((c) => a.units.length === c.length && a.units.every((u) => c.includes(u))),
);
for (const a of stale)
  process.stderr.write(
    `error stale-allow-entry: no cycle ${a.units.join(', ')} any more; remove it from ALLOWED in scripts/check-module-cycles.ts\n`,
  );
if (failures.length || stale.length) {
  process.stderr.write(
    `\nx ${failures.length} module cycle(s). Break them (move the shared type down, or invert the call), see docs/ARCHITECTURE.md.\n`,
  );
  process.exit(1);
}
process.stdout.write(`✔ no module cycles outside the allow-list (${edges.size} units, ${ALLOWED.length} allowed)\n`);
