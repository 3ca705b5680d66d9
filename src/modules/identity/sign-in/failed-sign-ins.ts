// The bookkeeping of password sign-ins that a flood multiplies: the throttle's reservation of an
// attempt (before the password is checked) and the record of a failure (audit entry, and the
// unlock mail when the failure locked the account). Both go through one group-commit batcher
// (platform/db/tx-batcher.ts), so N attempts arriving together cost a handful of durable commits
// instead of 2N (issue #14 item 4; docs/DECISIONS.md D15).
//
// What batching must not change, and why it does not:
// - Lockout and back-off: each reservation is still `throttle.attempt` (the same conditional
//   statements), run in arrival order in the batch's transaction, so it sees every reservation
//   before it, in this batch or committed by another process; and the caller checks the password
//   only after that transaction committed. No count ever lives only in memory, so an attacker
//   gets no extra guesses from batching, and a crash forgets no counted attempt.
// - The audit trail: every failure is in the chain, committed before its 401 is answered. Failures
//   of one batch that name the same account (or none), method and outcome are written as ONE
//   'login.failed' entry with `count` and the `addresses` they came from (address → attempts), in
//   the batch's transaction; a lone failure keeps the entry it always had. A failure that locked
//   an account is never merged: it stands alone, with its unlock mail.
import type { Clock } from '../../../platform/clock.ts';
import type { Database, Executor } from '../../../platform/db/kysely.ts';
import { createTxBatcher } from '../../../platform/db/tx-batcher.ts';
import { issueEmailToken } from '../accounts/email-tokens.ts';
import type { Notifier } from '../notify.ts';
import type { SecurityAudit } from '../security-audit.ts';
import type { AttemptResult, ThrottleService } from './throttle.service.ts';

/** Under a flood, a batch starts at most this often (a lone reservation does not wait). */
export const FAILED_SIGN_IN_BATCH_MS = 50;
/**
 * Under load (other password checks waiting), how long a failure record may wait for a batch:
 * its 401 is answered that much later at most (no hardship for a wrong password; the attempt is
 * already counted), and the failures of that span share one transaction and their audit entries
 * coalesce. Without load a failure is written at once.
 */
export const FAILURE_RECORD_DELAY_MS = 200;
/** Units in one batch at most. */
export const FAILED_SIGN_IN_BATCH_MAX = 200;

export interface FailedSignIn {
  ip: string;
  method: 'pwd';
  /** The account when the email is registered (the entry goes to its orgs' chains), else null. */
  user: { id: string; email: string } | null;
  /** This failure was the one that locked the account. */
  lockedNow: boolean;
}

interface Batch {
  failures: FailedSignIn[];
}

export function createFailedSignIns(deps: {
  db: Database;
  clock: Clock;
  throttle: ThrottleService;
  secAudit: SecurityAudit;
  notifier: Notifier;
}) {
  const { db, clock, throttle, secAudit, notifier } = deps;

  async function lockMail(tx: Executor, user: { id: string; email: string }): Promise<void> {
    const unlock = await issueEmailToken(tx, clock, { purpose: 'unlock', userId: user.id, email: user.email });
    await notifier.send(tx, {
      to: user.email,
      subject: 'Sealbill: sign-in locked after too many failed attempts',
      text: `There were too many failed attempts to sign in to your account, so signing in is locked.\n\nIf it was you, unlock it here (valid 24 hours):\n${notifier.link('/app/unlock', unlock)}\n\nIf it was not you, someone is guessing your password: unlock, then change your password and make sure a second factor is set up.`,
    });
  }

  /** The batch's failures as audit entries: one per (account, method, locked), counted by address. */
  async function writeFailures(tx: Executor, failures: FailedSignIn[]): Promise<void> {
    const groups = new Map<string, FailedSignIn[]>();
    for (const f of failures) {
      const key = f.lockedNow ? `locked:${groups.size}` : `${f.user?.id ?? ''}|${f.method}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    for (const group of groups.values()) {
      const first = group[0]!;
      const addresses = new Map<string, number>();
      for (const f of group) addresses.set(f.ip, (addresses.get(f.ip) ?? 0) + 1);
      const oneAddress = addresses.size === 1;
      await secAudit.forUserInTx(tx, {
        action: 'login.failed',
        actor: { type: 'anonymous', id: null, ip: oneAddress ? first.ip : null },
        userId: first.user?.id ?? null,
        summary:
          group.length === 1
            ? { method: first.method, locked: first.lockedNow }
            : { method: first.method, locked: false, count: group.length, addresses: Object.fromEntries(addresses) },
      });
      if (first.lockedNow && first.user) await lockMail(tx, first.user);
    }
  }

  const batcher = createTxBatcher<Batch>(db, {
    minSpacingMs: FAILED_SIGN_IN_BATCH_MS,
    maxBatch: FAILED_SIGN_IN_BATCH_MAX,
    open: () => ({ failures: [] }),
    close: (tx, b) => writeFailures(tx, b.failures),
  });

  return {
    /** `throttle.attempt` in the next batch; resolves once the reservation is committed. */
    reserve(keys: { account: string; ip: string | null }): Promise<AttemptResult> {
      return batcher.run((tx) => throttle.attemptInTx(tx, keys));
    },

    /**
     * Records a failed sign-in in a coming batch (within FAILURE_RECORD_DELAY_MS `underLoad`, else
     * the next); resolves once its audit entry is committed.
     */
    record(f: FailedSignIn, opts: { underLoad: boolean }): Promise<void> {
      return batcher.run(
        async (_tx, b) => {
          b.failures.push(f);
        },
        { delayMs: opts.underLoad ? FAILURE_RECORD_DELAY_MS : 0 },
      );
    },

    stats: () => batcher.stats(),
    settled: () => batcher.settled(),
  };
}

export type FailedSignIns = ReturnType<typeof createFailedSignIns>;
