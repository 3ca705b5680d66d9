// The command registry: add a module's commands here (one import, one entry).
import type { CliCommand } from './command.ts';
import { auditCommand } from './audit.commands.ts';
import { backupCommand } from './backup.commands.ts';
import { initCommand, invoiceCommand, migrateCommand, serveCommand, workerCommand } from './core.commands.ts';
import { evidenceVerifyCommand } from './delivery.commands.ts';
import { pruneCommand } from './housekeeping.commands.ts';
import { importCommand } from './import.commands.ts';
import { tokenCommand, userCommand } from './identity.commands.ts';
import { jobsCommand } from './jobs.commands.ts';
import { keysCommand } from './keys.commands.ts';
import { paymentsReconcileCommand } from './payments.commands.ts';
import { ratesCommand } from './rates.commands.ts';
import { devCertCommand } from './tls.commands.ts';

export const COMMANDS: CliCommand[] = [
  serveCommand,
  workerCommand,
  migrateCommand,
  initCommand,
  invoiceCommand,
  importCommand,
  evidenceVerifyCommand,
  userCommand,
  tokenCommand,
  keysCommand,
  auditCommand,
  backupCommand,
  devCertCommand,
  paymentsReconcileCommand,
  ratesCommand,
  pruneCommand,
  jobsCommand,
];
