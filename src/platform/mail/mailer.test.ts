// How an SMTP URL's TLS is read: the one reading the mailer acts on and the security page shows.
// Anything but smtps:// and an explicit ?starttls=never requires STARTTLS (no opportunistic mode:
// an attacker on the path strips the STARTTLS offer and the mail would leave in clear).
import { describe, expect, it } from 'vitest';
import { relayTlsOf } from './mailer.ts';

describe('relayTlsOf', () => {
  it.each([
    ['smtps://relay.test:465', 'implicit'],
    ['smtps://relay.test:465?starttls=never', 'implicit'],
    ['smtp://relay.test:587', 'starttls'],
    ['smtp://relay.test:587?starttls=required', 'starttls'],
    ['smtp://relay.test:25?starttls=opportunistic', 'starttls'],
    ['smtp://relay.test:25?starttls=NEVER', 'starttls'],
    ['smtp://relay.test:25?starttls=never', 'none'],
  ])('%s → %s', (url, tls) => {
    expect(relayTlsOf(new URL(url))).toBe(tls);
  });
});
