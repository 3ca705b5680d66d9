// `npm start`: builds the web application when web/dist is missing (a fresh clone), then runs
// `sealbill serve` with any extra arguments, so `npm install && npm start` is the whole quick start.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const index = fileURLToPath(new URL('../web/dist/index.html', import.meta.url));

if (!existsSync(index)) {
  process.stdout.write('Building the web application (first start)…\n');
  try {
    const { build } = await import('vite');
    await build({ configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)), logLevel: 'warn' });
  } catch (err) {
    // Installs without dev dependencies cannot build; the API still works, the pages say how to fix it.
    process.stderr.write(
      `WARNING: could not build the web application (${(err as Error).message}). Run \`npm run build\` with dev dependencies installed.\n`,
    );
  }
}

process.argv.splice(2, 0, 'serve');
await import('../src/main/cli.ts');
