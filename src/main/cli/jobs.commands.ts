// `sealbill jobs dead` and `sealbill jobs retry ID`: the jobs that ran out of attempts (a mail the
// relay kept refusing), for the server administrator. Payloads stay sealed: only kind, attempts
// and the last error are shown.
import { CliUsageError, type CliCommand } from './command.ts';

export const jobsCommand: CliCommand = {
  name: 'jobs',
  usage: 'jobs dead | jobs retry ID         list the background jobs that ran out of attempts; queue one again',
  async run({ argv, container, out }) {
    const [sub, id, ...rest] = argv;
    if (!((sub === 'dead' && !id) || (sub === 'retry' && id)) || rest.length > 0)
      throw new CliUsageError('usage: sealbill jobs dead | sealbill jobs retry ID');
    const c = await container();
    if (sub === 'retry') {
      if (!(await c.jobs.retryDead(id!))) throw new CliUsageError(`No dead job ${id}`);
      await c.jobs.settled();
      out(`Job ${id} was queued again and run once (see \`sealbill jobs dead\` if it failed again).\n`);
      return;
    }
    const dead = await c.jobs.listDead();
    if (dead.length === 0) {
      out('No dead jobs.\n');
      return;
    }
    for (const j of dead)
      out(`${j.id}  ${j.kind}  ${j.attempts} attempts  last ${j.updated_at}  ${j.last_error ?? ''}\n`);
  },
};
