// `sealbill rates fetch [--org ID]`: fetches the configured exchange-rate provider's file now (the
// worker does it daily) into every organization, or one, and prints what changed. For a server
// run without the worker, from cron; without SEALBILL_RATES_PROVIDER it says so and exits 2.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CLI_ACTOR, CliUsageError, type CliCommand } from './command.ts';

const USAGE = 'usage: sealbill rates fetch [--org ID]';

export const ratesCommand: CliCommand = {
  name: 'rates',
  usage: 'rates fetch [--org ID]             fetch the exchange-rate provider’s rates now (SEALBILL_RATES_PROVIDER)',
  async run({ argv, config, container, out }) {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { org: { type: 'string' } },
    });
    if (positionals.length !== 1 || positionals[0] !== 'fetch') throw new CliUsageError(USAGE);
    const org = values.org === undefined ? undefined : z.uuid().parse(values.org);
    if (!config.ratesProvider)
      throw new CliUsageError('No exchange-rate provider is configured: set SEALBILL_RATES_PROVIDER=ecb');
    const fetch = (await container()).services.ratesFetch;
    if (org) {
      const r = await fetch.fetchForOrg(org, CLI_ACTOR);
      out(
        `${r.provider}: ${r.days} day(s) ${r.from} to ${r.to}, ${r.changed} of ${r.rates} rate(s) added or corrected\n`,
      );
      return;
    }
    const run = await fetch.fetchForAll();
    out(
      `${run.provider}: ${run.changed} rate(s) added or corrected in ${run.orgs} organization(s)` +
        (run.skipped.length ? `; left out (currency not quoted): ${run.skipped.join(', ')}` : '') +
        '\n',
    );
  },
};
