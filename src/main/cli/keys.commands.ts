// `sealbill keys …`: master key generation and rotation, per-organization data key rotation,
// document-signing key rotation, status.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { generateMasterKeyText, readMasterKeyFile } from '../../platform/crypto/master-key.ts';
import { CLI_ACTOR, CliUsageError, type CliCommand } from './command.ts';
import { resolveOrg } from './core.commands.ts';

const USAGE =
  'keys generate-master --out FILE          write a new random master key (mode 0600)\n' +
  '  keys rotate-master [--new-key-file FILE]   rewrap every data key under FILE (or under the configured key, from SEALBILL_MASTER_KEY_PREVIOUS*)\n' +
  '  keys rotate-org [ORG_ID] [--batch N]       new data key for an organization; re-encrypts its data while the server runs (resumes if interrupted)\n' +
  '  keys rotate-signing [--org ID]             new Ed25519 document-signing key; the old one stays published (retired) so issued documents still verify\n' +
  '  keys status [--org ID]                     data keys, their master key ids and rotations';

export const keysCommand: CliCommand = {
  name: 'keys',
  usage: USAGE,
  async run({ argv, container, out }) {
    const [sub, ...rest] = argv;
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        'new-key-file': { type: 'string' },
        org: { type: 'string' },
        batch: { type: 'string' },
      },
    });
    if (sub === 'generate-master') {
      if (!values.out) throw new CliUsageError('keys generate-master needs --out FILE');
      // wx: never overwrite an existing key file (that would make its data unreadable).
      writeFileSync(values.out, generateMasterKeyText() + '\n', { mode: 0o600, flag: 'wx' });
      out(
        `Wrote a new master key to ${values.out} (mode 0600, id ${readMasterKeyFile(values.out).id}).\nStore a copy offline; without it the data cannot be decrypted.\n`,
      );
      return;
    }
    const c = await container();
    if (sub === 'rotate-master') {
      const to = values['new-key-file'] ? readMasterKeyFile(values['new-key-file']) : undefined;
      const r = await c.services.keys.rotateMaster(CLI_ACTOR, to);
      out(`Rewrapped ${r.rewrapped} data key(s) under master key ${r.kekId}.\n`);
      if (to)
        out(
          `Now point SEALBILL_MASTER_KEY_FILE at ${values['new-key-file']} and restart every Sealbill process; the old key can then be destroyed.\n`,
        );
      else
        out('Every data key is under the configured master key: remove SEALBILL_MASTER_KEY_PREVIOUS* and restart.\n');
      return;
    }
    if (sub === 'rotate-org') {
      const orgId = await resolveOrg(c, positionals[0] ?? values.org);
      const batchSize = values.batch ? z.coerce.number().int().min(1).max(10_000).parse(values.batch) : 200;
      let last = 0;
      const r = await c.services.keys.rotateOrg(orgId, CLI_ACTOR, {
        batchSize,
        onProgress: (p) => {
          if (p.reencrypted - last >= 1000) out(`  … ${p.reencrypted} values re-encrypted (${p.table}.${p.column})\n`);
          last = p.reencrypted;
        },
      });
      out(
        `${r.resumed ? 'Resumed and finished' : 'Finished'} rotation ${r.rotationId}: ${r.reencrypted} value(s) re-encrypted under key ${r.toKeyId}; retired ${r.fromKeyIds.join(', ') || 'none'}.\n`,
      );
      return;
    }
    if (sub === 'rotate-signing') {
      const orgId = await resolveOrg(c, values.org ?? positionals[0]);
      const r = await c.services.signing.rotateDocumentKey(orgId, CLI_ACTOR);
      out(
        `New document-signing key ${r.keyId} for org ${orgId}; ${r.retiredKeyId ? `retired ${r.retiredKeyId} (still published, still verifies the documents it signed)` : 'no previous key'}.\n`,
      );
      return;
    }
    if (sub === 'status') {
      const orgId = values.org ?? positionals[0];
      const s = await c.services.keys.status(orgId);
      out(`Master key: ${s.masterKeyId}\n`);
      for (const k of s.keys)
        out(
          `  org ${k.orgId}  key ${k.id}  v${k.version}  ${k.status.padEnd(8)}  wrapped by ${k.kekId}  ${k.createdAt}\n`,
        );
      for (const r of s.rotations)
        out(
          `  rotation ${r.id}  ${r.phase}  → ${r.toKeyId}  ${r.reencrypted} re-encrypted  ${r.startedAt}${r.finishedAt ? ` … ${r.finishedAt}` : ''}\n`,
        );
      return;
    }
    throw new CliUsageError(`usage:\n  ${USAGE}`);
  },
};
