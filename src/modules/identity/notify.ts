// Account emails: invitations, verification and reset links, and security alerts (new-device
// sign-in, factor and password changes). Each is a job written in the transaction of the change
// it reports (platform/jobs), so a crash after commit loses no alert; the job runner sends it
// after commit, without making the request wait: a slow relay never blocks sign-in, and the
// answer's timing does not reveal whether a message was sent (no enumeration through
// password-reset timing).
import type { Executor } from '../../platform/db/kysely.ts';
import type { MailQueue } from '../../platform/mail/mail.job.ts';

export interface AccountMail {
  to: string;
  subject: string;
  text: string;
}

export function createNotifier({
  queue,
  settle,
  publicUrl,
  log,
}: {
  queue: MailQueue;
  settle: () => Promise<void>;
  publicUrl: string;
  log: (msg: string, err?: unknown) => void;
}) {
  const pending = new Set<Promise<unknown>>();

  /** Queues the mail in `tx`: it is sent once `tx` commits. */
  function send(tx: Executor, m: AccountMail): Promise<void> {
    return queue(tx, { to: m.to, subject: m.subject, text: `${m.text}\n\n— Sealbill (${publicUrl})\n` });
  }

  /** Runs work after the answer has gone out (its time must not show in the answer); failures are logged. */
  function later(what: string, fn: () => Promise<void>): void {
    const p = fn()
      .catch((err: unknown) => log(`${what} failed`, err))
      .finally(() => pending.delete(p));
    pending.add(p);
  }

  const link = (path: string, token: string) => `${publicUrl}${path}#token=${encodeURIComponent(token)}`;

  return {
    send,
    later,
    /** Resolves when the work queued by `later` is done and every due mail job has run (tests, CLI). */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await settle();
    },
    link,

    /** Tells an organization's administrators about a change to who can act in it (one mail each). */
    async adminAlertInTx(
      tx: Executor,
      to: Array<{ email: string }>,
      orgName: string,
      what: string,
      detail: string,
    ): Promise<void> {
      for (const a of to) {
        await send(tx, {
          to: a.email,
          subject: `[${orgName}] Sealbill security notice: ${what}`,
          text: `${detail}\n\nIf this was not expected, review the members of ${orgName} now: ${publicUrl}/app/settings/members`,
        });
      }
    },

    securityAlertInTx(tx: Executor, to: string, what: string, detail: string): Promise<void> {
      return send(tx, {
        to,
        subject: `Sealbill security alert: ${what}`,
        text: `${detail}\n\nIf this was you, no action is needed. If it was not, reset your password now and ask an administrator to review your sessions and sign-in methods.`,
      });
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
