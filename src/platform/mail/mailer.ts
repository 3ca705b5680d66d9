// Outgoing mail behind one small interface. The real implementation is nodemailer over SMTP
// (STARTTLS or implicit TLS, certificate verification always on). STARTTLS is required unless the
// URL says ?starttls=never: an opportunistic upgrade is silently stripped by anyone on the path
// (STRIPTLS), so "upgrade if offered" would send sign-in codes and documents in clear without
// anyone noticing; a relay without TLS must be named as such. Without SMTP configured,
// messages are written as .eml files to <data>/outbox so a trial install still works end to end;
// nothing is sent then, and every place that reports a sending says so ("saved to the outbox, not
// sent"). The outbox holds sign-in links and codes in clear: directory 0700, files 0600.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../../config/env.ts';
import { newId } from '../ids.ts';
import { PRIVATE_FILE_MODE, tightenDir } from '../private-files.ts';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface MailMessage {
  to: string;
  /** Display name on the configured sending address (e.g. the organization's name); the address never changes. */
  fromName?: string;
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  headers?: Record<string, string>;
  /** A complete, already built MIME message (PGP/MIME, S/MIME); sent as is. */
  raw?: Buffer;
}

export interface MailReceipt {
  messageId: string;
  /** The relay's final reply to DATA, e.g. "250 2.0.0 Ok: queued as 4Xz…" (delivery evidence). */
  response: string;
  accepted: string[];
  rejected: string[];
}

/** How mail reaches the relay: implicit TLS (smtps://), required STARTTLS, or in clear (?starttls=never). */
export type RelayTls = 'implicit' | 'starttls' | 'none';

export interface Mailer {
  readonly from: string;
  /** 'outbox': nothing leaves this server; messages are files in `outboxDir`. */
  readonly transport: 'smtp' | 'outbox';
  /** The relay connection's protection; null for the outbox (nothing travels). */
  readonly tls: RelayTls | null;
  readonly outboxDir?: string;
  send(msg: MailMessage): Promise<MailReceipt>;
  close(): void;
}

export interface SmtpOptions {
  url: string;
  from: string;
  dkim?: { domainName: string; keySelector: string; privateKey: string } | null;
  /** Extra trusted CA (PEM) for a private relay; verification itself is never disabled. */
  ca?: string | null;
}

/** The TLS an SMTP URL asks for: smtps:// is implicit TLS; otherwise STARTTLS is required unless ?starttls=never. */
export function relayTlsOf(url: URL): RelayTls {
  if (url.protocol === 'smtps:') return 'implicit';
  return url.searchParams.get('starttls') === 'never' ? 'none' : 'starttls';
}

export function createSmtpMailer(opts: SmtpOptions): Mailer {
  const url = new URL(opts.url);
  const tls = relayTlsOf(url);
  const secure = tls === 'implicit';
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (secure ? 465 : 587)),
    secure,
    // A relay that does not offer STARTTLS fails the sending ("Email may not be sent without TLS").
    requireTLS: tls === 'starttls',
    ignoreTLS: tls === 'none',
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    tls: { minVersion: 'TLSv1.2', ...(opts.ca ? { ca: opts.ca } : {}) },
    ...(opts.dkim ? { dkim: opts.dkim } : {}),
  });
  return {
    from: opts.from,
    transport: 'smtp',
    tls,
    async send(msg) {
      const info = await transporter.sendMail(
        msg.raw
          ? { envelope: { from: addressOf(opts.from), to: [msg.to] }, raw: msg.raw }
          : {
              from: fromOf(opts.from, msg),
              ...(msg.replyTo && { replyTo: msg.replyTo }),
              to: msg.to,
              subject: msg.subject,
              text: msg.text,
              ...(msg.html && { html: msg.html }),
              ...(msg.headers && { headers: msg.headers }),
              ...(msg.attachments && { attachments: msg.attachments }),
            },
      );
      return {
        // A prebuilt message keeps its own Message-ID; nodemailer's info names one it made up.
        messageId: (msg.raw && messageIdOf(msg.raw)) || info.messageId,
        response: info.response,
        accepted: (info.accepted as Array<string | { address: string }>).map((a) =>
          typeof a === 'string' ? a : a.address,
        ),
        rejected: (info.rejected as Array<string | { address: string }>).map((a) =>
          typeof a === 'string' ? a : a.address,
        ),
      };
    },
    close: () => transporter.close(),
  };
}

export function createOutboxMailer(dir: string, from: string): Mailer {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  tightenDir(dir);
  return {
    from,
    transport: 'outbox',
    tls: null,
    outboxDir: dir,
    async send(msg) {
      const info = msg.raw
        ? { message: msg.raw, messageId: messageIdOf(msg.raw) ?? `<${newId()}@outbox>` }
        : await transporter.sendMail({
            from: fromOf(from, msg),
            ...(msg.replyTo && { replyTo: msg.replyTo }),
            to: msg.to,
            subject: msg.subject,
            text: msg.text,
            ...(msg.html && { html: msg.html }),
            ...(msg.headers && { headers: msg.headers }),
            ...(msg.attachments && { attachments: msg.attachments }),
          });
      tightenDir(dir);
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${newId().slice(-8)}.eml`);
      writeFileSync(file, info.message as Buffer, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
      return {
        messageId: info.messageId,
        response: `250 written to ${path.basename(file)}`,
        accepted: [msg.to],
        rejected: [],
      };
    },
    close: () => {},
  };
}

/** The Message-ID header of a complete message (its outer header block, folded lines unfolded). */
export function messageIdOf(raw: Buffer): string | null {
  const text = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id:[ \t]*(<[^>\r\n]+>)/im.exec(head);
  return m ? m[1]! : null;
}

/** The From of a message: the configured address, under the message's display name if it has one (nodemailer encodes it). */
function fromOf(configured: string, msg: MailMessage): string | { name: string; address: string } {
  return msg.fromName ? { name: msg.fromName.replace(/[\r\n]+/g, ' '), address: addressOf(configured) } : configured;
}

export function addressOf(from: string): string {
  const m = /<([^>]+)>/.exec(from);
  return (m ? m[1]! : from).trim();
}

/** The start-up and staff-app warning while no SMTP relay is configured; null when mail is sent. */
export function outboxWarning(mailer: Pick<Mailer, 'transport' | 'outboxDir'>): string | null {
  if (mailer.transport !== 'outbox') return null;
  return (
    `Mail is NOT being sent: no SMTP relay is configured (SEALBILL_SMTP_URL). Every message, sign-in links and codes included, ` +
    `is saved to ${mailer.outboxDir ?? 'the outbox folder'} (readable by this user only) and reaches nobody. Configure SMTP before inviting anyone or sending documents.`
  );
}

export function createMailer(
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'> & { delivery?: Pick<Config['delivery'], 'dkim'> },
): Mailer {
  return config.smtpUrl
    ? createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom, dkim: config.delivery?.dkim ?? null })
    : createOutboxMailer(path.join(config.dataDir, 'outbox'), config.mailFrom);
}
