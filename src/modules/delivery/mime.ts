// A minimal MIME writer for the messages we sign and encrypt ourselves (PGP/MIME, S/MIME). Both
// standards sign the exact bytes of a MIME entity, so the entity is built once, byte for byte,
// with CRLF line ends and base64 bodies (RFC 2045 §6.8: 76-character lines), leaving nothing for
// a relay to re-encode (RFC 3156 §3, RFC 8551 §3.1.1: signed content must be 7-bit clean).
import { randomHex } from '../../platform/crypto/random.ts';

export const CRLF = '\r\n';

export interface MimePart {
  contentType: string;
  body: Buffer;
  filename?: string;
  disposition?: 'inline' | 'attachment';
  description?: string;
}

export function base64Lines(bytes: Buffer): string {
  return bytes.toString('base64').replace(/.{1,76}/g, `$&${CRLF}`);
}

/** RFC 2047 encoded-word for a header value that is not plain ASCII. */
export function encodeHeader(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  return `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

const quotedParam = (v: string) => `"${v.replace(/[\\"\r\n]/g, '_')}"`;

/** One leaf entity: headers, blank line, base64 body. */
export function leafEntity(p: MimePart): Buffer {
  const h = [
    `Content-Type: ${p.contentType}${p.filename ? `; name=${quotedParam(p.filename)}` : ''}`,
    'Content-Transfer-Encoding: base64',
  ];
  if (p.description) h.push(`Content-Description: ${encodeHeader(p.description)}`);
  if (p.disposition || p.filename)
    h.push(
      `Content-Disposition: ${p.disposition ?? 'attachment'}${p.filename ? `; filename=${quotedParam(p.filename)}` : ''}`,
    );
  return Buffer.from(h.join(CRLF) + CRLF + CRLF + base64Lines(p.body), 'ascii');
}

export function newBoundary(tag: string): string {
  return `=_sealbill_${tag}_${randomHex(12)}`;
}

/** multipart/<subtype> whose parts are already complete entities (headers included). */
export function multipartEntity(
  subtype: string,
  parts: Buffer[],
  params: Record<string, string> = {},
  boundary = newBoundary(subtype),
): Buffer {
  const extra = Object.entries(params)
    .map(([k, v]) => `; ${k}=${quotedParam(v)}`)
    .join('');
  const chunks: Buffer[] = [
    Buffer.from(`Content-Type: multipart/${subtype}${extra}; boundary="${boundary}"${CRLF}${CRLF}`),
  ];
  // The CRLF before each delimiter belongs to the delimiter (RFC 2046 §5.1.1), so a part's own
  // bytes, which a signature covers, stay exactly as given.
  for (const p of parts) chunks.push(Buffer.from(`--${boundary}${CRLF}`), p, Buffer.from(CRLF));
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(chunks);
}

/** The readable content of a protected message: a text part and optional attachments. */
export function contentEntity(text: string, attachments: MimePart[]): Buffer {
  const textPart = leafEntity({
    contentType: 'text/plain; charset=utf-8',
    body: Buffer.from(text.replace(/\r?\n/g, CRLF), 'utf8'),
    disposition: 'inline',
  });
  if (attachments.length === 0) return textPart;
  return multipartEntity('mixed', [textPart, ...attachments.map(leafEntity)]);
}

export interface EnvelopeHeaders {
  /** A complete From value (see formatAddress). */
  from: string;
  to: string;
  subject: string;
  date: Date;
  messageId: string;
  replyTo?: string | null;
}

/**
 * A mailbox for a header (RFC 5322 §3.4): the display name as a quoted string, or as an RFC 2047
 * encoded word when it is not plain ASCII; the address as given. Line breaks never survive, so a
 * name cannot add a header.
 */
export function formatAddress(name: string | null, address: string): string {
  const addr = address.replace(/[\r\n<>"\s]/g, '');
  const clean = (name ?? '').replace(/[\r\n]+/g, ' ').trim();
  if (!clean) return addr;
  const display = /^[\x20-\x7e]*$/.test(clean) ? `"${clean.replace(/["\\]/g, '\\$&')}"` : encodeHeader(clean);
  return `${display} <${addr}>`;
}

/** Top-level headers of a message we send raw; `entity` supplies Content-Type and the body. */
export function withEnvelope(h: EnvelopeHeaders, entity: Buffer, extraHeaders: string[] = []): Buffer {
  const head = [
    `From: ${h.from.replace(/[\r\n]/g, '')}`,
    `To: ${h.to.replace(/[\r\n]/g, '')}`,
    ...(h.replyTo ? [`Reply-To: ${h.replyTo.replace(/[\r\n<>"\s]/g, '')}`] : []),
    `Subject: ${encodeHeader(h.subject)}`,
    `Date: ${h.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${h.messageId}`,
    'MIME-Version: 1.0',
    ...extraHeaders,
  ];
  return Buffer.concat([Buffer.from(head.join(CRLF) + CRLF), entity]);
}

export function messageIdFor(from: string): string {
  const m = /@([^>\s]+)>?\s*$/.exec(from);
  return `<${randomHex(16)}@${m ? m[1] : 'sealbill.invalid'}>`;
}
