// `sealbill import`: the CSV import from the command line, through the same service as the API.
// Without --confirm it is the check (nothing written); with it, everything or nothing.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  IMPORT_KINDS,
  IMPORT_PRESETS,
  type ImportKind,
  type ImportPreset,
} from '../../modules/imports/import.fields.ts';
import type { ImportReport } from '../../modules/imports/import.schemas.ts';
import { CLI_ACTOR, CliUsageError, type CliCommand } from './command.ts';
import { resolveOrg } from './core.commands.ts';

const USAGE = `import <${IMPORT_KINDS.join('|')}> <file.csv> [--preset ${IMPORT_PRESETS.join('|')}] [--create-clients] [--confirm] [--org ID]`;

function describeReport(r: ImportReport, out: (s: string) => void): void {
  out(
    `${r.rows} rows (delimiter ${JSON.stringify(r.delimiter)}): ${r.acceptedRows} accepted, ${r.refused.length} problem(s)\n`,
  );
  for (const e of r.refused) out(`  line ${e.line}${e.column ? ` [${e.column}]` : ''}: ${e.message}\n`);
  if (r.numbering)
    out(
      `Imported numbers reach into the series Sealbill continues (next ${r.numbering.nextNumber}): move it to ${r.numbering.suggestedNextValue} (PUT /api/v1/numbering/invoice/next)\n`,
    );
}

export const importCommand: CliCommand = {
  name: 'import',
  usage: USAGE,
  async run({ argv, container, out }) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        org: { type: 'string' },
        preset: { type: 'string', default: 'generic' },
        'create-clients': { type: 'boolean', default: false },
        confirm: { type: 'boolean', default: false },
      },
    });
    const [kind, file] = positionals;
    if (!kind || !file || !(IMPORT_KINDS as readonly string[]).includes(kind))
      throw new CliUsageError(`usage: sealbill ${USAGE}`);
    if (!(IMPORT_PRESETS as readonly string[]).includes(values.preset))
      throw new CliUsageError(`--preset must be one of ${IMPORT_PRESETS.join(', ')}`);
    const c = await container();
    const orgId = await resolveOrg(c, values.org);
    const input = {
      csv: readFileSync(file, 'utf8'),
      mapping: { preset: values.preset as ImportPreset },
      options: { createMissingClients: values['create-clients'] },
    };
    // The operator at the server's console may import issued invoices (the API checks invoice:issue).
    const rights = { canIssue: true };
    if (!values.confirm) {
      const r = await c.services.imports.preview(orgId, kind as ImportKind, input, CLI_ACTOR, rights);
      describeReport(r, out);
      out(
        r.refused.length
          ? 'Nothing would be imported until these rows are fixed.\n'
          : 'Check passed: run again with --confirm to import.\n',
      );
      if (r.refused.length) process.exitCode = 1;
      return;
    }
    const r = await c.services.imports.commit(orgId, kind as ImportKind, input, CLI_ACTOR, rights);
    describeReport(r, out);
    out(`Imported ${r.written} ${kind}.\n`);
  },
};
