// Mail as a durable job: written in the transaction of the change it reports, sent after commit
// by the job runner (platform/jobs), retried with back-off when the relay fails.
import { z } from 'zod';
import type { Executor } from '../db/kysely.ts';
import { defineJob, type Jobs } from '../jobs/jobs.ts';
import type { Mailer } from './mailer.ts';

const queuedMail = z.object({
  to: z.string().min(1),
  fromName: z.string().optional(),
  replyTo: z.string().optional(),
  subject: z.string(),
  text: z.string(),
});

export type QueuedMail = z.infer<typeof queuedMail>;

/** Sends `msg` after the caller's transaction commits (and only if it commits). */
export type MailQueue = (tx: Executor, msg: QueuedMail) => Promise<void>;

/** Registers the `mail.send` job kind and returns its enqueue function. */
export function createMailQueue(jobs: Jobs, mailer: Mailer): MailQueue {
  const job = defineJob('mail.send', queuedMail, async (m) => {
    await mailer.send(m);
  });
  jobs.register(job);
  return async (tx, msg) => {
    await jobs.enqueue(tx, job, msg);
  };
}
