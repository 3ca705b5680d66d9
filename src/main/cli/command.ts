import type { Config } from '../../config/env.ts';
import type { Container } from '../container.ts';

export interface CliContext {
  config: Readonly<Config>;
  /** Arguments after the command name. */
  argv: string[];
  /** Opens the full stack (database migrated, services wired); closed by the runner. */
  container(): Promise<Container>;
  out(text: string): void;
}

export interface CliCommand {
  name: string;
  usage: string;
  run(ctx: CliContext): Promise<void>;
}

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export const CLI_ACTOR = { type: 'system' as const, id: 'cli' };
