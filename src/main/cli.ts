// `sealbill` command line. Commands live in ./cli/*.commands.ts and use the same services as the API.
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config/env.ts';
import { MasterKeyError } from '../platform/crypto/master-key.ts';
import { AppError } from '../platform/errors.ts';
import { COMMANDS } from './cli/commands.ts';
import { CliUsageError } from './cli/command.ts';
import { createContainer, type Container } from './container.ts';

function usage(): string {
  return `Usage: sealbill <command> [options]\n\n${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}\n\nConfiguration comes from environment variables (see README).\n`;
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stdout.write(usage());
    if (name && name !== 'help' && name !== '--help') process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  let opened: Container | null = null;
  try {
    await command.run({
      config,
      argv: rest,
      container: async () => (opened ??= await createContainer(config)),
      out: (t) => process.stdout.write(t),
    });
  } finally {
    if (opened) await (opened as Container).close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const fail = (msg: string, code = 2) => {
    process.stderr.write(`${msg}\n`);
    process.exit(code);
  };
  if (err instanceof ConfigError || err instanceof CliUsageError) fail(err.message);
  if (err instanceof MasterKeyError) fail(`Master key: ${err.message}`);
  if (err instanceof AppError)
    fail(
      `Error: ${err.message}${err.fieldErrors ? `\n${err.fieldErrors.map((f) => `  ${f.path}: ${f.message}`).join('\n')}` : ''}`,
    );
  if (err instanceof z.ZodError)
    fail(`Invalid input:\n${err.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  fail(`Unexpected error: ${(err as Error).message}`, 1);
});
