// `sealbill prune`: deletes expired one-time codes, sessions, throttle rows, emailed-link tokens
// and WebAuthn challenges now (the worker does it hourly), and prints how many of each.
import { parseArgs } from 'node:util';
import { pruneExpired } from '../housekeeping.tasks.ts';
import { CliUsageError, type CliCommand } from './command.ts';

export const pruneCommand: CliCommand = {
  name: 'prune',
  usage:
    'prune                            delete expired one-time codes, sessions, throttle rows, emailed-link tokens, passkey challenges and week-old bulk files now',
  async run({ argv, container, out }) {
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
    if (positionals.length > 0) throw new CliUsageError('usage: sealbill prune');
    const pruned = await pruneExpired(await container());
    out(
      `pruned: ${Object.entries(pruned)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}\n`,
    );
  },
};
