// A password thread: argon2id verification and hashing, and the password policy check (the zxcvbn
// estimate), all CPU-heavy and all reachable by anonymous requests, so they run here, off the
// event loop that serves every other request. On Linux the thread lowers its own scheduling
// priority (workerData.nice): when the CPU is contended, a sign-in flood's password work yields to
// the requests of signed-in users instead of sharing the CPU with them (issue #14 item 4).
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';
import { checkPassword } from './password-policy.ts';
import type { PasswordJob } from './passwords.ts';

/** The kernel's id of this thread (Linux): /proc/thread-self links to /proc/<pid>/task/<tid>. */
function lowerPriority(nice: number): void {
  if (nice <= 0 || process.platform !== 'linux') return;
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').at(-1)), nice);
  } catch {
    // Not permitted here: the thread runs at normal priority, as it did before.
  }
}
lowerPriority((workerData as { nice: number }).nice);

function run(job: PasswordJob): unknown {
  switch (job.op) {
    case 'verify':
      try {
        return verifySync(job.stored, job.password);
      } catch {
        return false; // a malformed stored hash never verifies
      }
    case 'hash':
      return hashSync(job.password, job.params);
    case 'check':
      return checkPassword(job.password, job.ctx);
  }
}

parentPort?.on('message', (m: { id: number; job: PasswordJob }) => {
  try {
    parentPort!.postMessage({ id: m.id, result: run(m.job) });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: (err as Error).message });
  }
});
