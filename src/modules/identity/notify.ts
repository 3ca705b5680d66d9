// Account emails: invitations, verification and reset links, and security alerts (new-device
// sign-in, factor and password changes). Sent after the transaction commits and without making
// the request wait, so a slow relay never blocks sign-in and the answer's timing does not reveal
// whether a message was sent (no enumeration through password-reset timing).
import type { Mailer } from '../../platform/mail/mailer.ts';

export interface AccountMail {
  to: string;
  subject: string;
  text: string;
}

export function createNotifier({ mailer, publicUrl, log }: { mailer: Mailer; publicUrl: string; log: (msg: string, err?: unknown) => void }) {
  const pending = new Set<Promise<unknown>>();

  function send(m: AccountMail): void {
    const p = mailer
      .send({ to: m.to, subject: m.subject, text: `${m.text}\n\n— Sealbill (${publicUrl})\n` })
      .catch((err: unknown) => log(`account mail "${m.subject}" could not be sent`, err))
      .finally(() => pending.delete(p));
    pending.add(p);
  }

  /** Runs work after the answer has gone out (its time must not show in the answer); failures are logged. */
  function later(what: string, fn: () => Promise<void>): void {
    const p = fn()
      .catch((err: unknown) => log(`${what} failed`, err))
      .finally(() => pending.delete(p));
    pending.add(p);
  }

  const link = (path: string, token: string) => `${publicUrl}${path}#token=${encodeURIComponent(token)}`;

  /** Tells an organization's administrators about a change to who can act in it (one mail each). */
  function adminAlert(to: Array<{ email: string }>, orgName: string, what: string, detail: string): void {
    for (const a of to) {
      send({
        to: a.email,
        subject: `[${orgName}] Sealbill security notice: ${what}`,
        text: `${detail}\n\nIf this was not expected, review the members of ${orgName} now: ${publicUrl}/app/settings/members`,
      });
    }
  }

  return {
    send,
    later,
    /** Resolves when every queued message has been handed to the relay (tests, shutdown). */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    link,
    adminAlert,

    securityAlert(to: string, what: string, detail: string): void {
      send({
        to,
        subject: `Sealbill security alert: ${what}`,
        text: `${detail}\n\nIf this was you, no action is needed. If it was not, reset your password now and ask an administrator to review your sessions and sign-in methods.`,
      });
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
