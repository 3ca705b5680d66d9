// What the email settings screen and the security checklist may know about outgoing mail: the
// relay host, port and TLS mode read from SEALBILL_SMTP_URL, never its credentials. The TLS mode
// is the mailer's own reading of the URL (relayTlsOf): smtps:// is implicit TLS, ?starttls=never
// sends in plain text, and anything else requires STARTTLS.
import { relayTlsOf } from '../../platform/mail/mailer.ts';
import type { EmailStatus } from './security.schemas.ts';

export function emailStatus(smtpUrl: string | null, from: string): EmailStatus {
  if (!smtpUrl) return { transport: 'outbox', host: null, port: null, tls: null, from };
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    return { transport: 'smtp', host: null, port: null, tls: null, from };
  }
  const tls = relayTlsOf(url);
  return {
    transport: 'smtp',
    host: url.hostname,
    port: Number(url.port || (tls === 'implicit' ? 465 : 587)),
    tls,
    from,
  };
}
