// Where encrypted backups go: a directory (a mounted disk, a NAS share) or S3-compatible object
// storage, behind one small interface. Targets only ever see age ciphertext and public sidecars.
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BackupConfig } from '../../config/env.ts';

export interface BackupTarget {
  describe: string;
  /** Uploads a local file under `name` (atomically: a reader never sees half a backup). */
  putFile(name: string, file: string): Promise<void>;
  putText(name: string, text: string): Promise<void>;
  getFile(name: string, dest: string): Promise<void>;
  getText(name: string): Promise<string | null>;
  list(): Promise<string[]>;
  remove(name: string): Promise<void>;
}

const safeName = (name: string): string => {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.'))
    throw new Error(`invalid backup name ${JSON.stringify(name)}`);
  return name;
};

export function directoryTarget(dir: string): BackupTarget {
  const at = (name: string) => path.join(dir, safeName(name));
  return {
    describe: dir,
    async putFile(name, file) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const partial = `${at(name)}.partial`;
      await copyFile(file, partial);
      await chmod(partial, 0o600);
      await rename(partial, at(name));
    },
    async putText(name, text) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(`${at(name)}.partial`, text, { mode: 0o600 });
      await rename(`${at(name)}.partial`, at(name));
    },
    async getFile(name, dest) {
      await copyFile(at(name), dest);
    },
    async getText(name) {
      try {
        return await readFile(at(name), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async list() {
      try {
        return (await readdir(dir)).filter((n) => !n.endsWith('.partial')).sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
    async remove(name) {
      await rm(at(name), { force: true });
    },
  };
}

type S3TargetConfig = Extract<BackupConfig['target'], { kind: 's3' }>;

// The AWS SDK is imported on first use: a process without an S3 target never loads it.
export function s3Target(cfg: S3TargetConfig, client?: S3Client): BackupTarget {
  let loaded: Promise<{ sdk: typeof import('@aws-sdk/client-s3'); s3: S3Client }> | undefined;
  const aws = () =>
    (loaded ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      s3:
        client ??
        new sdk.S3Client({
          region: cfg.region,
          // Plain PUTs with a known length: S3-compatible stores (MinIO, Ceph, B2…) need no checksum extensions.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
          ...(cfg.endpoint && { endpoint: cfg.endpoint, forcePathStyle: true }),
          ...(cfg.accessKeyId &&
            cfg.secretAccessKey && {
              credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
            }),
        }),
    })));
  const key = (name: string) => (cfg.prefix ? `${cfg.prefix}/${safeName(name)}` : safeName(name));
  return {
    describe: `s3://${cfg.bucket}/${cfg.prefix}`,
    async putFile(name, file) {
      const { sdk, s3 } = await aws();
      const size = (await stat(file)).size;
      await s3.send(
        new sdk.PutObjectCommand({
          Bucket: cfg.bucket,
          Key: key(name),
          Body: createReadStream(file),
          ContentLength: size,
          ContentType: 'application/octet-stream',
        }),
      );
    },
    async putText(name, text) {
      const { sdk, s3 } = await aws();
      await s3.send(
        new sdk.PutObjectCommand({
          Bucket: cfg.bucket,
          Key: key(name),
          Body: text,
          ContentType: 'text/plain; charset=utf-8',
        }),
      );
    },
    async getFile(name, dest) {
      const { sdk, s3 } = await aws();
      const r = await s3.send(new sdk.GetObjectCommand({ Bucket: cfg.bucket, Key: key(name) }));
      await pipeline(r.Body as Readable, createWriteStream(dest, { mode: 0o600 }));
    },
    async getText(name) {
      const { sdk, s3 } = await aws();
      try {
        const r = await s3.send(new sdk.GetObjectCommand({ Bucket: cfg.bucket, Key: key(name) }));
        return (await r.Body?.transformToString('utf-8')) ?? null;
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return null;
        throw err;
      }
    },
    async list() {
      const { sdk, s3 } = await aws();
      const names: string[] = [];
      let token: string | undefined;
      do {
        const r = await s3.send(
          new sdk.ListObjectsV2Command({
            Bucket: cfg.bucket,
            Prefix: cfg.prefix ? `${cfg.prefix}/` : undefined,
            ContinuationToken: token,
          }),
        );
        for (const o of r.Contents ?? []) if (o.Key) names.push(o.Key.slice(cfg.prefix ? cfg.prefix.length + 1 : 0));
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      return names.sort();
    },
    async remove(name) {
      const { sdk, s3 } = await aws();
      await s3.send(new sdk.DeleteObjectCommand({ Bucket: cfg.bucket, Key: key(name) }));
    },
  };
}

export function createBackupTarget(target: BackupConfig['target']): BackupTarget {
  return target.kind === 'dir' ? directoryTarget(target.path) : s3Target(target);
}
