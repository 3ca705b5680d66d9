// Tests that need something outside Node: a system tool (pdfsig, qpdf, gpg, openssl, age, xmllint,
// chromium…) or the official rule files in ../shared. On a user's machine without it they skip
// with a visible notice; in CI (CI set, where .ci/run installs everything) a missing one fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it, type TestFunction } from 'vitest';

export const inCi = Boolean(process.env.CI);

const known = new Map<string, boolean>();

/** Whether `cmd` is on PATH (cached per process). */
export function hasTool(cmd: string): boolean {
  let found = known.get(cmd);
  if (found === undefined) {
    found = spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
    known.set(cmd, found);
  }
  return found;
}

/** The names of the requirements that are missing: commands on PATH, or paths (containing "/"). */
export function missing(requirements: readonly string[]): string[] {
  return requirements.filter((r) => (r.includes('/') ? !existsSync(r) : !hasTool(r)));
}

const noticed = new Set<string>();
function notice(what: string[]): string {
  const text = `skipped: needs ${what.join(', ')} (installed in CI by .ci/run)`;
  if (!noticed.has(text)) {
    noticed.add(text);
    console.warn(`[sealbill tests] ${text}`);
  }
  return text;
}

/**
 * For one part of a test that needs tools or files (the rest of the test runs everywhere): true
 * when they are present; false with a visible notice locally; throws in CI.
 */
export function usable(requirements: readonly string[], what: string): boolean {
  const gone = missing(requirements);
  if (gone.length === 0) return true;
  if (inCi) throw new Error(`missing in CI: ${gone.join(', ')} (.ci/run must install it)`);
  console.warn(`[sealbill tests] ${what}: part ${notice(gone)}`);
  return false;
}

/** An `it` that needs tools or files: runs when present, skips with a notice locally, fails in CI. */
export function itNeeds(requirements: readonly string[], name: string, fn: TestFunction, timeout?: number): void {
  const gone = missing(requirements);
  if (gone.length === 0) {
    it(name, fn, timeout);
  } else if (inCi) {
    it(name, () => {
      throw new Error(`missing in CI: ${gone.join(', ')} (.ci/run must install it)`);
    });
  } else {
    it.skip(`${name} (${notice(gone)})`, fn);
  }
}

/** A `describe` that needs tools or files, with the same rule as `itNeeds`. */
export function describeNeeds(requirements: readonly string[], name: string, fn: () => void): void {
  const gone = missing(requirements);
  if (gone.length === 0) {
    describe(name, fn);
  } else if (inCi) {
    describe(name, () => {
      it('has what it needs (CI must run these tests)', () => {
        throw new Error(`missing in CI: ${gone.join(', ')} (.ci/run must install it)`);
      });
    });
  } else {
    describe.skip(`${name} (${notice(gone)})`, fn);
  }
}
