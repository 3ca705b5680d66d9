// What the email settings screen and the security checklist may know about outgoing mail: the
// relay host, port and TLS mode read from SEALBILL_SMTP_URL, never its credentials. The TLS modes
// mirror platform/mail/mailer.ts: smtps:// is implicit TLS, ?starttls=required insists on
// STARTTLS, ?starttls=never sends in plain text, and the default upgrades only if offered.
import type { EmailStatus } from './security.schemas.ts';

export function emailStatus(smtpUrl: string | null, from: string): EmailStatus {
  if (!smtpUrl) return { transport: 'outbox', host: null, port: null, tls: null, from };
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    return { transport: 'smtp', host: null, port: null, tls: null, from };
  }
  const implicit = url.protocol === 'smtps:';
  const starttls = url.searchParams.get('starttls');
  const tls = implicit
    ? 'implicit'
    : starttls === 'required'
      ? 'starttls'
      : starttls === 'never'
        ? 'none'
        : 'opportunistic';
  return { transport: 'smtp', host: url.hostname, port: Number(url.port || (implicit ? 465 : 587)), tls, from };
}
