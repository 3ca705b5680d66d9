// The command registry: add a module's commands here (one import, one entry).
import type { CliCommand } from './command.ts';
import { initCommand, invoiceCommand, migrateCommand, serveCommand, workerCommand } from './core.commands.ts';

export const COMMANDS: CliCommand[] = [serveCommand, workerCommand, migrateCommand, initCommand, invoiceCommand];
