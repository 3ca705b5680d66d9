// The password threads: the work is right (hash, verify, policy check, a malformed stored hash),
// and on Linux each thread runs at the configured lower priority while the rest of the process
// keeps its own (issue #14 item 4: a sign-in flood's argon2 work yields the CPU to other requests).
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { createWorkQueue } from '../../../platform/work-queue.ts';
import { createPasswordService } from './passwords.ts';

const service = createPasswordService({
  queue: createWorkQueue({ concurrency: 2, maxQueued: 8, maxWaitMs: 10_000 }),
  threads: 2,
  nice: 10,
});
afterAll(() => service.close());

/** Niceness of each thread of this process (field 19 of /proc/self/task/<tid>/stat). */
const niceness = (): number[] =>
  readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });

it('hashes, verifies and checks on the password threads', async () => {
  const stored = await service.hash('correct horse battery staple thread');
  expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect(await service.verify(stored, 'correct horse battery staple thread')).toBe(true);
  expect(await service.verify(stored, 'a wrong guess entirely')).toBe(false);
  expect(await service.verify('not-a-hash', 'anything at all')).toBe(false);
  await expect(service.assertAcceptable('password', {})).rejects.toMatchObject({ code: 'unprocessable' });
});

it.skipIf(process.platform !== 'linux')(
  'the password threads run at the lower priority, the event loop does not',
  async () => {
    // Two jobs at once: both threads are running now (the first test needed only one).
    await Promise.all([service.verifyAgainstDummy('one guess'), service.verifyAgainstDummy('another guess')]);
    const threads = niceness();
    expect(threads.filter((n) => n === 10)).toHaveLength(2);
    expect(threads[0]).toBe(0); // the main thread (the first task is the process itself)
  },
);
