// age (https://age-encryption.org/v1) around the archive stream, with X25519 recipients only: the
// server holds public keys, never an identity, so it cannot read its own backups. The standard
// `age` command-line tool decrypts what this writes.
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { Decrypter, Encrypter } from 'age-encryption';
import { readLines } from './backup.archive.ts';

type WebStream = ReadableStream<Uint8Array>;

/** Writes gzip(lines) encrypted to every recipient into `file`. */
export async function writeEncryptedArchive(
  lines: AsyncIterable<string>,
  recipients: string[],
  file: string,
): Promise<void> {
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  const gzip = createGzip();
  const feeding = pipeline(Readable.from(lines), gzip);
  const encrypted = await e.encrypt(Readable.toWeb(gzip) as unknown as WebStream);
  await Promise.all([
    feeding,
    pipeline(Readable.fromWeb(encrypted as never), createWriteStream(file, { mode: 0o600 })),
  ]);
}

/** AGE-SECRET-KEY-1… lines from an identity file (age-keygen output; comments ignored). */
export function parseIdentities(text: string): string[] {
  const ids = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('AGE-SECRET-KEY-1'));
  if (ids.length === 0) throw new Error('the identity file holds no age X25519 identity (AGE-SECRET-KEY-1…)');
  return ids;
}

/** Decrypts and gunzips `file`, yielding the archive's lines. */
export async function* readEncryptedArchive(file: string, identities: string[]): AsyncGenerator<string> {
  const d = new Decrypter();
  for (const id of identities) d.addIdentity(id);
  const plain = await d.decrypt(Readable.toWeb(createReadStream(file)) as unknown as WebStream);
  const source = Readable.fromWeb(plain as never);
  const gunzip = createGunzip();
  // A failed authentication inside age must fail the reader, not end the stream quietly.
  source.on('error', (err) => gunzip.destroy(err));
  yield* readLines(source.pipe(gunzip));
}

/** The age v1 header line every encrypted file starts with. */
export const AGE_MAGIC = 'age-encryption.org/v1\n';
