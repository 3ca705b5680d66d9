// The recurring tests' shared moves (recurring-send, recurring-charge): the worker, time passing, a
// job run once more, and what staff and clients see (runs, the dashboard's "needs attention", the
// mail per address).
import type { FixedClock } from '../../src/platform/clock.ts';
import { inTx } from '../../src/platform/db/tx.ts';
import type { Api } from './api.ts';
import type { TestInstance } from './instance.ts';
import type { TestSmtp } from './smtp.ts';

export interface RecurringWorld {
  t: TestInstance;
  api: Api;
  smtp: TestSmtp;
  clock: FixedClock;
}

/** `world()` is read on every call: a suite fills its instance, api and SMTP server in beforeAll. */
export function recurringMoves(world: () => RecurringWorld) {
  return {
    mailsTo: (email: string) => world().smtp.messages.filter((m) => m.to.includes(email)),
    runsOf: async (scheduleId: string) =>
      (await world().api.ok('GET', `/api/v1/recurring-schedules/${scheduleId}/runs`)).items,
    attention: async () => (await world().api.ok('GET', '/api/v1/dashboard')).needsAttention,
    /** The worker: issue what is due, then run the jobs that are due. */
    async worker() {
      const { t } = world();
      const created = await t.container.services.recurring.runDue();
      await t.container.jobs.settled();
      return created;
    },
    /** Time passes (past a job's back-off) and the jobs run. */
    async later(ms: number) {
      const { t, clock } = world();
      clock.advance(ms);
      await t.container.jobs.settled();
    },
    /** A run's send or charge job delivered once more (as after a crash or a duplicate), then run. */
    async runJobAgain(runId: string, job: 'sendJob' | 'chargeJob') {
      const { t, api } = world();
      const def = t.container.services.recurringSend[job];
      await inTx(t.container.db, (tx) => t.container.jobs.enqueue(tx, def, { orgId: api.orgId, runId }));
      await t.container.jobs.settled();
    },
  };
}
