// A mail written as a job survives the death of the process that committed it. `sealbill user
// reset-mfa` commits the reset with its security alert as a job and starts sending; the relay it
// talks to accepts the connection and never answers, and the process is killed (SIGKILL) in the
// middle of the send. A fresh `sealbill worker` takes the job over once the dead runner's lease
// has expired, and the alert arrives at the loopback SMTP server.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { setupOrg } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { childEnv, startSealbill, waitUntil, type Running } from '../helpers/process.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

describeEachDb('mail jobs survive a crash', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let silent: net.Server;
  let connections = 0;
  const children: Running[] = [];

  beforeEach(async () => {
    smtp = await startTestSmtp();
    // A relay that accepts and never greets: the sender hangs until it is killed.
    silent = net.createServer(() => void connections++);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    t = await createTestInstance(dialect);
  });
  afterEach(async () => {
    for (const c of children.splice(0))
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await t.close();
    await smtp.close();
    silent.close();
  });

  it(
    'a process killed between commit and send loses no mail: a fresh worker sends it',
    { timeout: 120_000 },
    async () => {
      await setupOrg(t.app, 'Crash Ltd');
      const email = 'owner@crashltd.test';
      const masterKey = t.container.keyring.currentMasterKey.key.toString('base64');
      const env = (smtpUrl: string) =>
        childEnv(t.dir, t.config.database, {
          SEALBILL_MASTER_KEY: masterKey,
          SEALBILL_SMTP_URL: smtpUrl,
          SEALBILL_JOB_LEASE_SECONDS: '2',
          SEALBILL_JOB_POLL_SECONDS: '1',
        });
      const silentUrl = `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}?starttls=never`;

      const cli = startSealbill(['user', 'reset-mfa', '--email', email], env(silentUrl));
      children.push(cli);
      // Committed (the job row exists) and the send has begun (the relay has a connection).
      await waitUntil('the committed alert job and a connection to the relay', async () => {
        if (cli.child.exitCode !== null) throw new Error(`the CLI exited early:\n${cli.output()}`);
        const jobs = await t.container.db.selectFrom('jobs').select(['kind', 'status']).execute();
        return connections > 0 && jobs.some((j) => j.kind === 'mail.send' && j.status === 'running');
      });
      cli.child.kill('SIGKILL');
      expect(await cli.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(smtp.messages).toHaveLength(0);
      // The reset itself is committed; its alert is still owed.
      const audit = await t.container.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', '=', 'factor.reset')
        .execute();
      expect(audit.length).toBeGreaterThan(0);
      expect(await t.container.db.selectFrom('jobs').select('kind').execute()).toEqual([{ kind: 'mail.send' }]);

      const worker = startSealbill(['worker'], env(smtp.url));
      children.push(worker);
      const mail = await smtp.waitFor(
        (m) => m.to.includes(email) && /your second factors were reset/.test(m.parsed.subject ?? ''),
        60_000,
      );
      expect(mail.parsed.text).toMatch(/An administrator removed the authenticator app, passkeys and recovery codes/);
      await waitUntil(
        'the sent job to be gone',
        async () => (await t.container.db.selectFrom('jobs').select('id').execute()).length === 0,
      );
      expect(smtp.messages.filter((m) => m.to.includes(email))).toHaveLength(1);
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toEqual({ code: 0, signal: null });
    },
  );
});
