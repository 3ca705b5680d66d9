import { z } from 'zod';

/** One line of the staff dashboard's security checklist; `fixAt` is the web app path where it is fixed. */
export const checklistItemSchema = z.object({
  id: z.string(),
  ok: z.boolean(),
  title: z.string(),
  detail: z.string(),
  fixAt: z.string().nullable(),
});
export type ChecklistItem = z.infer<typeof checklistItemSchema>;

/**
 * The public security and transparency page of an organization. Everything here is either
 * already public (key fingerprints, checkpoint heads) or a yes/no about the configuration; no
 * member names, counts or internal addresses.
 */
export const transparencySchema = z.object({
  organization: z.object({ id: z.string(), name: z.string() }),
  generatedAt: z.string(),
  mfaPolicy: z.object({ policy: z.string(), description: z.string() }),
  encryptionAtRest: z.object({ enabled: z.literal(true), algorithm: z.string(), description: z.string() }),
  signingKeys: z.array(
    z.object({
      keyId: z.string(),
      algorithm: z.string(),
      fingerprintSha256: z.string().nullable(),
      status: z.string(),
      createdAt: z.string(),
    }),
  ),
  backups: z.object({ configured: z.boolean(), lastSuccessAt: z.string().nullable() }),
  auditCheckpoint: z
    .object({ treeSize: z.number(), rootHash: z.string(), createdAt: z.string(), timestamped: z.boolean() })
    .nullable(),
  reporting: z.object({ contact: z.string(), securityTxt: z.string() }),
  links: z.object({ verify: z.string(), keys: z.string().nullable() }),
});
export type Transparency = z.infer<typeof transparencySchema>;

/** Outgoing email as configured on the server (no credentials). */
export const emailStatusSchema = z.object({
  transport: z.enum(['smtp', 'outbox']),
  host: z.string().nullable(),
  port: z.number().nullable(),
  /** implicit: smtps://; starttls: required (the default); none: plain text. 'opportunistic' is no longer produced (STARTTLS is required unless ?starttls=never). */
  tls: z.enum(['implicit', 'starttls', 'opportunistic', 'none']).nullable(),
  from: z.string(),
});
export type EmailStatus = z.infer<typeof emailStatusSchema>;

/** Backup status of the installation (instance-wide), without the target's location. */
export const backupStatusSchema = z.object({
  configured: z.boolean(),
  intervalHours: z.number().nullable(),
  lastSuccessAt: z.string().nullable(),
  runs: z.array(
    z.object({
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      status: z.enum(['running', 'done', 'failed']),
      size: z.number().nullable(),
      error: z.string().nullable(),
    }),
  ),
});
export type BackupStatus = z.infer<typeof backupStatusSchema>;
