// The organization's security posture, read from the modules that own each fact (identity,
// verification, audit, backups, mail): the staff dashboard's checklist, the public transparency
// page, and the email status with a test send. Read-only except for the test email.
import type { Clock } from '../../platform/clock.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { SigningIdentityService } from '../verification/signing-identity.service.ts';
import { emailStatus } from './email-status.ts';
import type { BackupStatus, ChecklistItem, EmailStatus, Transparency } from './security.schemas.ts';
import { sha256Hex } from '../../platform/crypto/hash.ts';

export interface SecurityDeps {
  clock: Clock;
  config: { publicUrl: string; smtpUrl: string | null; mailFrom: string; securityContact: string };
  mailer: Pick<Mailer, 'send' | 'transport'>;
  orgs: Pick<OrgService, 'get'>;
  orgSecurity: { get(orgId: string): Promise<{ mfa: string }> };
  members: {
    list(orgId: string): Promise<
      Array<{
        userId: string;
        email: string;
        name: string;
        active: boolean;
        factors: { totp: boolean; passkeys: number };
      }>
    >;
  };
  signing: Pick<SigningIdentityService, 'publishedKeys'>;
  checkpoints: {
    latest(
      orgId: string,
    ): Promise<{ treeSize: number; rootHash: string; createdAt: string; timestampToken: string | null } | null>;
  };
  payout: { current(orgId: string): Promise<{ pending: { ending: string; effectiveAt: string } | null }> };
  /** Instance backups: whether a target is configured, and the record of runs (newest first). */
  backups: {
    configured: boolean;
    intervalHours: number | null;
    runs(): Promise<
      Array<{
        status: 'running' | 'done' | 'failed';
        size: number | null;
        error: string | null;
        started_at: string;
        finished_at: string | null;
      }>
    >;
  };
}

/** A backup older than this counts as stale on the checklist. */
export const BACKUP_STALE_MS = 48 * 3_600_000;

const MFA_TEXT: Record<string, string> = {
  off: 'A second factor is optional for staff; members may enable an authenticator app or a passkey.',
  admins: 'Owners and administrators must sign in with a second factor (authenticator app or passkey).',
  everyone: 'Every staff member must sign in with a second factor (authenticator app or passkey).',
  passkeys: 'Every staff member must sign in with a passkey (phishing-resistant).',
};

export function createSecurityService(deps: SecurityDeps) {
  const { clock, config, mailer, orgs, orgSecurity, members, signing, checkpoints, payout, backups } = deps;
  async function backupStatus(): Promise<BackupStatus> {
    const runs = await backups.runs();
    const last = runs.find((r) => r.status === 'done');
    return {
      configured: backups.configured,
      intervalHours: backups.configured ? backups.intervalHours : null,
      lastSuccessAt: last?.finished_at ?? last?.started_at ?? null,
      // Errors name files and hosts of the installation: an org admin sees that a run failed, not where.
      runs: runs.slice(0, 20).map((r) => ({
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        status: r.status,
        size: r.size,
        error: r.error ? 'The backup failed; the server log has the details.' : null,
      })),
    };
  }

  return {
    backupStatus,

    email(): EmailStatus {
      return emailStatus(config.smtpUrl, config.mailFrom);
    },

    /** Sends a test message to the signed-in member; reports the relay's answer instead of throwing. */
    async sendTestEmail(
      orgId: string,
      userId: string,
    ): Promise<{ ok: boolean; outcome: 'sent' | 'saved_to_outbox' | 'failed'; to: string; error: string | null }> {
      const [org, people] = await Promise.all([orgs.get(orgId), members.list(orgId)]);
      const to = people.find((m) => m.userId === userId)?.email;
      if (!to)
        return {
          ok: false,
          outcome: 'failed',
          to: '',
          error: 'Your account has no email address in this organization',
        };
      try {
        await mailer.send({
          to,
          subject: `Sealbill test email for ${org.name}`,
          text: `This is a test email from Sealbill (${config.publicUrl}). If you can read it, outgoing email works.\n`,
        });
        // Written to the outbox is not sent: the test has shown that mail does not go out.
        if (mailer.transport === 'outbox')
          return {
            ok: false,
            outcome: 'saved_to_outbox',
            to,
            error: 'Saved to the outbox, not sent: configure SMTP (SEALBILL_SMTP_URL)',
          };
        return { ok: true, outcome: 'sent', to, error: null };
      } catch (err) {
        // The relay's reason (e.g. "535 authentication failed") is what an admin needs; no stack.
        return { ok: false, outcome: 'failed', to, error: (err as Error).message.slice(0, 300) };
      }
    },

    async checklist(orgId: string): Promise<ChecklistItem[]> {
      const [policy, people, keys, head, pay, backup] = await Promise.all([
        orgSecurity.get(orgId),
        members.list(orgId),
        signing.publishedKeys(orgId),
        checkpoints.latest(orgId),
        payout.current(orgId),
        backupStatus(),
      ]);
      const lacking = people.filter((m) => m.active && !m.factors.totp && m.factors.passkeys === 0).map((m) => m.name);
      const mail = emailStatus(config.smtpUrl, config.mailFrom);
      const identity = keys.find((k) => k.algorithm === 'X.509' && k.status === 'active');
      const fresh =
        backup.lastSuccessAt !== null && clock.now().getTime() - Date.parse(backup.lastSuccessAt) < BACKUP_STALE_MS;
      return [
        {
          id: 'mfa-policy',
          ok: policy.mfa !== 'off',
          title: policy.mfa === 'off' ? 'Two-step sign-in is optional' : 'Two-step sign-in is required',
          detail: MFA_TEXT[policy.mfa] ?? policy.mfa,
          fixAt: '/app/settings/security',
        },
        {
          id: 'members-factors',
          ok: lacking.length === 0,
          title:
            lacking.length === 0
              ? 'Every member has a second factor'
              : `${lacking.length} member${lacking.length === 1 ? '' : 's'} without a second factor`,
          detail:
            lacking.length === 0
              ? 'All active members use an authenticator app or a passkey.'
              : `Without one: ${lacking.slice(0, 5).join(', ')}${lacking.length > 5 ? '…' : ''}.`,
          fixAt: '/app/settings/members',
        },
        {
          id: 'backups',
          ok: fresh,
          title: !backup.configured
            ? 'Backups are not configured'
            : fresh
              ? 'Backups are current'
              : 'The last backup is stale',
          detail: backup.lastSuccessAt
            ? `Last successful backup: ${backup.lastSuccessAt}.`
            : 'No successful backup yet.',
          fixAt: '/app/settings/backups',
        },
        {
          id: 'signing-identity',
          ok: identity !== undefined,
          title: identity ? 'Documents are signed' : 'No signing identity yet',
          detail: identity
            ? `Certificate fingerprint ${identity.certificateSha256?.slice(0, 23) ?? ''}…`
            : 'One is created with the first issued document.',
          fixAt: '/app/settings/security',
        },
        {
          id: 'smtp-tls',
          ok: mail.transport === 'smtp' && (mail.tls === 'implicit' || mail.tls === 'starttls'),
          title:
            mail.transport === 'outbox'
              ? 'Email is not sent (no SMTP relay)'
              : mail.tls === 'implicit' || mail.tls === 'starttls'
                ? 'Email leaves over TLS'
                : 'Email may leave without TLS',
          detail:
            mail.transport === 'outbox'
              ? 'Messages are written to the outbox folder. Configure SEALBILL_SMTP_URL.'
              : mail.tls === 'none'
                ? 'The SMTP relay is used in plain text (starttls=never).'
                : mail.tls === 'opportunistic'
                  ? 'STARTTLS is used only if the relay offers it; require it with ?starttls=required or use smtps://.'
                  : `Relay ${mail.host}:${mail.port}.`,
          fixAt: '/app/settings/email',
        },
        {
          id: 'payout-change',
          ok: pay.pending === null,
          title: pay.pending ? 'A bank details change is pending' : 'No pending bank details change',
          detail: pay.pending
            ? `New account ending ${pay.pending.ending} takes effect ${pay.pending.effectiveAt} unless cancelled.`
            : 'Payout details change only through the protected flow.',
          fixAt: '/app/settings/payout',
        },
        {
          id: 'audit-checkpoint',
          ok: head !== null,
          title: head ? 'The audit log has a signed checkpoint' : 'No signed audit checkpoint yet',
          detail: head
            ? `${head.treeSize} entries, signed ${head.createdAt}.`
            : 'Checkpoints are signed periodically by the worker.',
          fixAt: '/app/settings/audit',
        },
      ];
    },

    async transparency(orgId: string): Promise<Transparency> {
      const org = await orgs.get(orgId);
      const [policy, keys, head, backup] = await Promise.all([
        orgSecurity.get(orgId),
        signing.publishedKeys(orgId),
        checkpoints.latest(orgId),
        backupStatus(),
      ]);
      return {
        organization: { id: org.id, name: org.name },
        generatedAt: clock.now().toISOString(),
        mfaPolicy: { policy: policy.mfa, description: MFA_TEXT[policy.mfa] ?? policy.mfa },
        encryptionAtRest: {
          enabled: true,
          algorithm: 'AES-256-GCM',
          description:
            "Client details, bank details, document contents and PDFs are encrypted with this organization's own key, itself wrapped by a master key kept apart from the data.",
        },
        signingKeys: keys.map((k) => ({
          keyId: k.keyId,
          algorithm: k.algorithm,
          // X.509: the certificate's SHA-256; Ed25519: SHA-256 of the raw 32-byte public key (its key id is a prefix of it).
          fingerprintSha256:
            k.certificateSha256 ?? (k.publicKey ? sha256Hex(Buffer.from(k.publicKey, 'base64url')) : null),
          status: k.status,
          createdAt: k.createdAt,
        })),
        backups: { configured: backup.configured, lastSuccessAt: backup.lastSuccessAt },
        auditCheckpoint: head
          ? {
              treeSize: head.treeSize,
              rootHash: head.rootHash,
              createdAt: head.createdAt,
              timestamped: head.timestampToken !== null,
            }
          : null,
        reporting: { contact: config.securityContact, securityTxt: `${config.publicUrl}/.well-known/security.txt` },
        links: {
          verify: `${config.publicUrl}/verify?org=${org.id}`,
          keys: `${config.publicUrl}/.well-known/sealbill/keys?org=${org.id}`,
        },
      };
    },
  };
}

export type SecurityService = ReturnType<typeof createSecurityService>;
