// Runs a CLI command in-process against a test instance's container (the same services the
// `sealbill` binary wires), capturing what it prints and the exit code it sets.
import type { CliCommand } from '../../src/main/cli/command.ts';
import type { TestInstance } from './instance.ts';

export async function runCli(
  t: TestInstance,
  command: CliCommand,
  argv: string[],
): Promise<{ out: string; exitCode: number }> {
  let out = '';
  const saved = process.exitCode;
  process.exitCode = 0;
  try {
    await command.run({ config: t.config, argv, container: async () => t.container, out: (s) => (out += s) });
    return { out, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = saved;
  }
}
