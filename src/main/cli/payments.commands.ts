// `sealbill payments-reconcile`: runs the reconciliation job once, now, for every enabled
// provider account (the worker runs it hourly), and prints what it flagged.
import { parseArgs } from 'node:util';
import { CliUsageError, type CliCommand } from './command.ts';

export const paymentsReconcileCommand: CliCommand = {
  name: 'payments-reconcile',
  usage: 'payments-reconcile   compare recent Stripe/PayPal records with the ledger now and flag differences',
  async run({ argv, container, out }) {
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
    if (positionals.length > 0) throw new CliUsageError('usage: sealbill payments-reconcile');
    const c = await container();
    const { added, failed } = await c.services.reconciliation.runAll();
    out(`reconciliation: ${added} new flag(s)${failed.length ? `; unreachable accounts: ${failed.join(', ')}` : ''}\n`);
    if (failed.length) process.exitCode = 1;
  },
};
