// `sealbill audit …`: read and filter the log, verify it (naming the first bad entry), sign and
// export checkpoints for safekeeping outside the database.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isVerifierKey } from '../../modules/audit/audit.checkpoint.ts';
import type { Container } from '../container.ts';
import { CliUsageError, type CliCommand } from './command.ts';
import { resolveOrg } from './core.commands.ts';

const USAGE =
  'audit list [--org ID] [--action A] [--actor ID] [--object ID] [--from ISO] [--to ISO] [--limit N]\n' +
  '  audit verify [--org ID | --all] [--checkpoints FILE] [--trusted-key VKEY]   recompute the log; exit 1 naming the first bad entry;\n' +
  "                                              says whether it matched checkpoints kept outside the database (FILE: an export or a backup's .checkpoints.json)\n" +
  '  audit checkpoint [--org ID]                 sign a checkpoint now and print it\n' +
  '  audit export-checkpoints [--org ID] --out FILE   checkpoints and verifier keys, to keep outside the database';

/** The file `export-checkpoints` writes and `verify --checkpoints` reads. */
export const checkpointExport = z.object({
  format: z.literal('sealbill-audit-checkpoints/v1'),
  orgId: z.string(),
  origin: z.string(),
  /** When the file was written (absent in files from before it was recorded). */
  exportedAt: z.string().optional(),
  verifierKeys: z.array(z.string()),
  checkpoints: z.array(z.string()),
});

/** The clear `.checkpoints.json` written next to every backup: the same statements for every org. */
const backupSidecar = z.object({
  format: z.literal('sealbill-audit-checkpoints/v1'),
  backup: z.string(),
  exportedAt: z.string().optional(),
  checkpoints: z.array(
    z.object({ orgId: z.string(), origin: z.string(), note: z.string(), verifierKeys: z.array(z.string()) }),
  ),
});

export interface KeptCheckpoints {
  notes: string[];
  verifierKeys: string[];
  exportedAt: string | null;
}

/** Reads either file into what each org's verification needs. */
export function readKeptCheckpoints(text: string): Map<string, KeptCheckpoints> {
  const raw: unknown = JSON.parse(text);
  const out = new Map<string, KeptCheckpoints>();
  const single = checkpointExport.safeParse(raw);
  if (single.success) {
    out.set(single.data.orgId, {
      notes: single.data.checkpoints,
      verifierKeys: single.data.verifierKeys,
      exportedAt: single.data.exportedAt ?? null,
    });
    return out;
  }
  const sidecar = backupSidecar.parse(raw);
  for (const cp of sidecar.checkpoints) {
    const prev = out.get(cp.orgId) ?? {
      notes: [],
      verifierKeys: [],
      exportedAt: sidecar.exportedAt ?? `with backup ${sidecar.backup}`,
    };
    out.set(cp.orgId, {
      ...prev,
      notes: [...prev.notes, cp.note],
      verifierKeys: [...new Set([...prev.verifierKeys, ...cp.verifierKeys])],
    });
  }
  return out;
}

async function orgIds(c: Container, org: string | undefined, all: boolean | undefined): Promise<string[]> {
  if (!all) return [await resolveOrg(c, org)];
  return c.services.orgs.ids();
}

export const auditCommand: CliCommand = {
  name: 'audit',
  usage: USAGE,
  async run({ argv, container, out }) {
    const [sub, ...rest] = argv;
    const { values } = parseArgs({
      args: rest,
      options: {
        org: { type: 'string' },
        all: { type: 'boolean' },
        action: { type: 'string' },
        actor: { type: 'string' },
        object: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        limit: { type: 'string' },
        out: { type: 'string' },
        checkpoints: { type: 'string' },
        'trusted-key': { type: 'string', multiple: true },
      },
    });
    const c = await container();
    const { audit, checkpoints } = c.services;
    if (sub === 'list') {
      const orgId = await resolveOrg(c, values.org);
      const limit = z.coerce
        .number()
        .int()
        .min(1)
        .max(10_000)
        .parse(values.limit ?? '100');
      const rows = await audit.list(c.db, {
        orgId,
        action: values.action,
        actorId: values.actor,
        objectId: values.object,
        from: values.from,
        to: values.to,
        limit,
      });
      for (const r of rows)
        out(
          `${String(r.seq).padStart(6)}  ${r.at}  ${`${r.actor_type}:${r.actor_id ?? '-'}`.padEnd(44)}  ${r.action.padEnd(32)}  ${r.object_type ?? ''}${r.object_id ? `:${r.object_id}` : ''}  ${r.summary}\n`,
        );
      if (rows.length === 0) out('No entries.\n');
      return;
    }
    if (sub === 'verify') {
      const bad = (values['trusted-key'] ?? []).find((k) => !isVerifierKey(k));
      if (bad)
        throw new CliUsageError(`--trusted-key ${bad}: not an Ed25519 signed-note verifier key (name+hash+base64)`);
      const kept = values.checkpoints ? readKeptCheckpoints(readFileSync(values.checkpoints, 'utf8')) : null;
      let failed = false;
      for (const orgId of await orgIds(c, values.org, values.all)) {
        if (kept && !kept.has(orgId)) {
          if (!values.all) throw new CliUsageError(`${values.checkpoints} holds no checkpoints of org ${orgId}`);
          continue;
        }
        const k = kept?.get(orgId);
        const r = await checkpoints.verify(orgId, {
          checkpoints: k?.notes ?? [],
          trustedVkeys: [...(values['trusted-key'] ?? []), ...(k?.verifierKeys ?? [])],
          exportedAt: k?.exportedAt ?? null,
        });
        if (r.ok) out(`OK    org ${orgId}: ${r.count} entries, head ${r.head}\n      ${r.statement}\n`);
        else {
          failed = true;
          out(`FAIL  org ${orgId}: ${r.badSeq !== undefined ? `first bad entry: ${r.badSeq}; ` : ''}${r.reason}\n`);
        }
      }
      if (failed) process.exitCode = 1;
      return;
    }
    if (sub === 'checkpoint') {
      const cp = await checkpoints.create(await resolveOrg(c, values.org));
      out(cp.note);
      return;
    }
    if (sub === 'export-checkpoints') {
      if (!values.out) throw new CliUsageError('audit export-checkpoints needs --out FILE');
      const orgId = await resolveOrg(c, values.org);
      await checkpoints.create(orgId);
      const data = {
        format: 'sealbill-audit-checkpoints/v1' as const,
        orgId,
        origin: checkpoints.originOf(orgId),
        exportedAt: c.clock.now().toISOString(),
        verifierKeys: await checkpoints.trustedVerifierKeys(orgId),
        checkpoints: (await checkpoints.list(orgId)).map((cp) => cp.note),
      };
      writeFileSync(values.out, JSON.stringify(data, null, 2) + '\n');
      out(
        `Wrote ${data.checkpoints.length} checkpoint(s) and ${data.verifierKeys.length} verifier key(s) to ${values.out}. Keep it outside this server.\n`,
      );
      return;
    }
    throw new CliUsageError(`usage:\n  ${USAGE}`);
  },
};
