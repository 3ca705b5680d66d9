// Outgoing mail behind one small interface. The real implementation is nodemailer over SMTP
// (STARTTLS or implicit TLS, certificate verification always on). Without SMTP configured,
// messages are written as .eml files to <data>/outbox so a trial install still works end to end.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../../config/env.ts';
import { newId } from '../ids.ts';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface MailMessage {
  to: string;
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

export interface Mailer {
  readonly from: string;
  readonly transport: 'smtp' | 'outbox';
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

export function createSmtpMailer(opts: SmtpOptions): Mailer {
  const url = new URL(opts.url);
  const secure = url.protocol === 'smtps:';
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (secure ? 465 : 587)),
    secure,
    requireTLS: url.searchParams.get('starttls') === 'required',
    ignoreTLS: url.searchParams.get('starttls') === 'never',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    tls: { minVersion: 'TLSv1.2', ...(opts.ca ? { ca: opts.ca } : {}) },
    ...(opts.dkim ? { dkim: opts.dkim } : {}),
  });
  return {
    from: opts.from,
    transport: 'smtp',
    async send(msg) {
      const info = await transporter.sendMail(
        msg.raw
          ? { envelope: { from: addressOf(opts.from), to: [msg.to] }, raw: msg.raw }
          : { from: opts.from, to: msg.to, subject: msg.subject, text: msg.text, ...(msg.html && { html: msg.html }), ...(msg.headers && { headers: msg.headers }), ...(msg.attachments && { attachments: msg.attachments }) },
      );
      return {
        messageId: info.messageId,
        response: info.response,
        accepted: (info.accepted as Array<string | { address: string }>).map((a) => (typeof a === 'string' ? a : a.address)),
        rejected: (info.rejected as Array<string | { address: string }>).map((a) => (typeof a === 'string' ? a : a.address)),
      };
    },
    close: () => transporter.close(),
  };
}

export function createOutboxMailer(dir: string, from: string): Mailer {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    from,
    transport: 'outbox',
    async send(msg) {
      const info = msg.raw
        ? { message: msg.raw, messageId: `<${newId()}@outbox>` }
        : await transporter.sendMail({ from, to: msg.to, subject: msg.subject, text: msg.text, ...(msg.html && { html: msg.html }), ...(msg.headers && { headers: msg.headers }), ...(msg.attachments && { attachments: msg.attachments }) });
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${newId().slice(-8)}.eml`);
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      return { messageId: info.messageId, response: `250 written to ${path.basename(file)}`, accepted: [msg.to], rejected: [] };
    },
    close: () => {},
  };
}

export function addressOf(from: string): string {
  const m = /<([^>]+)>/.exec(from);
  return (m ? m[1]! : from).trim();
}

export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'> & { delivery?: Pick<Config['delivery'], 'dkim'> }): Mailer {
  return config.smtpUrl
    ? createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom, dkim: config.delivery?.dkim ?? null })
    : createOutboxMailer(path.join(config.dataDir, 'outbox'), config.mailFrom);
}
