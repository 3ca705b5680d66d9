// `sealbill backup …`: create, list, verify, restore and prune encrypted backups, and make an age
// key pair for them (run that on the owner's computer: the server needs only the public key).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { Keyring } from '../../platform/crypto/keyring.ts';
import { loadMasterKey, loadPreviousMasterKeys, MasterKeyError } from '../../platform/crypto/master-key.ts';
import { openDatabase } from '../../platform/db/kysely.ts';
import { restoreBackup } from '../../modules/backup/backup.restore.ts';
import { createContainer, type Container } from '../container.ts';
import { CLI_ACTOR, CliUsageError, type CliCommand } from './command.ts';

const USAGE =
  'backup create                              back up now (database and documents, age-encrypted to SEALBILL_BACKUP_RECIPIENTS)\n' +
  '  backup list                                backups in the configured target\n' +
  '  backup verify NAME|FILE [--identity FILE]  check integrity (with the identity: decrypt and check every table and the audit log)\n' +
  '  backup restore NAME|FILE --identity FILE [--force]   restore into this (empty) instance\n' +
  '  backup prune                               delete backups the retention policy no longer keeps\n' +
  '  backup keygen --out FILE                   new age identity (keep it OFF the server); prints the public key for SEALBILL_BACKUP_RECIPIENTS';

const isFile = (ref: string) => ref.includes('/') || existsSync(ref);

export const backupCommand: CliCommand = {
  name: 'backup',
  usage: USAGE,
  async run({ argv, config, container, out }) {
    const [sub, ...rest] = argv;
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { identity: { type: 'string' }, force: { type: 'boolean' }, out: { type: 'string' } },
    });
    if (sub === 'keygen') {
      if (!values.out) throw new CliUsageError('backup keygen needs --out FILE');
      const identity = await generateX25519Identity();
      const recipient = await identityToRecipient(identity);
      writeFileSync(values.out, `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${identity}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
      out(
        `Wrote the backup identity (private key) to ${values.out}. Keep it offline, NOT on the server.\nPublic key (put it in SEALBILL_BACKUP_RECIPIENTS):\n  ${recipient}\n`,
      );
      return;
    }
    if (sub === 'restore') {
      const ref = positionals[0];
      if (!ref || !values.identity)
        throw new CliUsageError('usage: sealbill backup restore NAME|FILE --identity FILE [--force]');
      const identity = readFileSync(values.identity, 'utf8');
      // This instance's own master key first. On a new machine without one configured it is
      // generated now: the restored data keys are rewrapped under it below, so this is the one
      // case where a key may be created for data that is about to exist.
      const kek = loadMasterKey(config, (m) => out(`WARNING: ${m}\n`));
      let file = ref;
      if (!isFile(ref)) file = await (await container()).services.backups.fetch(ref);
      const handle = openDatabase(config.database);
      let r;
      try {
        r = await restoreBackup(handle, file, identity, { force: Boolean(values.force) });
      } finally {
        await handle.close();
        if (file !== ref) await rm(file, { force: true });
      }
      out(
        `Restored ${r.rows} rows in ${r.tables} tables from a ${r.header.sourceDialect} backup of ${r.header.createdAt}; every table matches the backup's content hash.\n`,
      );
      // The data keys are wrapped by the backed-up instance's master key: move them under ours.
      const keyring = new Keyring(kek, { previous: [...loadPreviousMasterKeys(config), ...r.archivedMasterKeys] });
      let c: Container | null = null;
      try {
        c = await createContainer(config, { keyring, warn: (m) => out(`WARNING: ${m}\n`) });
        const rw = await c.services.keys.rotateMaster(CLI_ACTOR);
        if (rw.rewrapped > 0)
          out(`Rewrapped ${rw.rewrapped} data key(s) under this instance's master key ${rw.kekId}.\n`);
      } catch (err) {
        if (!(err instanceof MasterKeyError)) throw err;
        out(
          `The data keys are wrapped by another master key (${err.message}).\nConfigure that key as SEALBILL_MASTER_KEY_PREVIOUS_FILE and run \`sealbill keys rotate-master\`.\n`,
        );
        process.exitCode = 1;
      } finally {
        await c?.close();
      }
      return;
    }
    const c = await container();
    const backups = c.services.backups;
    if (sub === 'create') {
      const r = await backups.create();
      out(
        `Backup ${r.name} written to ${r.target} (${r.size} bytes, sha256 ${r.sha256}, ${Object.keys(r.tables).length} tables).\n`,
      );
      return;
    }
    if (sub === 'list') {
      const items = await backups.list();
      for (const b of items) out(`${b.name}  ${b.createdAt}\n`);
      if (items.length === 0) out('No backups yet.\n');
      return;
    }
    if (sub === 'verify') {
      const ref = positionals[0];
      if (!ref) throw new CliUsageError('usage: sealbill backup verify NAME|FILE [--identity FILE]');
      const r = await backups.verify(
        ref,
        values.identity ? readFileSync(values.identity, 'utf8') : undefined,
        isFile(ref),
      );
      if (r.ok)
        out(
          `OK    ${r.name}  sha256 ${r.sha256}${r.decrypted ? `  decrypted: ${r.rows} rows match the manifest, audit log matches its checkpoints` : '  (not decrypted: pass --identity for a full check)'}\n`,
        );
      else {
        out(`FAIL  ${r.name}: ${r.reason}\n`);
        process.exitCode = 1;
      }
      return;
    }
    if (sub === 'prune') {
      const removed = await backups.prune();
      out(removed.length ? `Deleted ${removed.length}: ${removed.join(', ')}\n` : 'Nothing to delete.\n');
      return;
    }
    throw new CliUsageError(`usage:\n  ${USAGE}`);
  },
};
