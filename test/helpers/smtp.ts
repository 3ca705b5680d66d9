// A real SMTP server on loopback (smtp-server) that parses what arrives (mailparser), for tests.
// By default it offers no TLS (its URL says ?starttls=never); `{ tls: true }` offers STARTTLS with
// a fresh self-signed certificate for 127.0.0.1, which a mailer trusts through `ca`.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { generateDevCertificate } from '../../src/platform/http/dev-cert.ts';

export interface ReceivedMail {
  raw: Buffer;
  parsed: ParsedMail;
  to: string[];
  from: string;
}

export interface TestSmtp {
  url: string;
  port: number;
  /** With `{ tls: true }`: the server's self-signed certificate, for the mailer's `ca`. */
  ca: string | null;
  messages: ReceivedMail[];
  /** Connections whose mail transaction ran over TLS, by message index. */
  secured: boolean[];
  waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Set to make the server refuse recipients (550 at RCPT TO), as a relay that rejects an address does. */
  refuse: ((address: string) => boolean) | null;
  close(): Promise<void>;
}

export async function startTestSmtp(opts: { tls?: boolean } = {}): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const secured: boolean[] = [];
  const waiters: Array<() => void> = [];
  let queue = 0;
  const cert = opts.tls ? await generateDevCertificate({ hosts: ['127.0.0.1'], days: 1 }) : null;
  let self: TestSmtp | null = null;
  const server = new SMTPServer({
    authOptional: true,
    onRcptTo(address, _session, callback) {
      if (self?.refuse?.(address.address)) {
        const err = Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected`), {
          responseCode: 550,
        });
        return callback(err);
      }
      callback();
    },
    ...(cert ? { key: cert.keyPem, cert: cert.certPem } : { disabledCommands: ['STARTTLS'] }),
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        void simpleParser(raw).then((parsed) => {
          secured.push(Boolean(session.secure));
          messages.push({
            raw,
            parsed,
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          });
          waiters.splice(0).forEach((w) => w());
          callback(null, `Ok: queued as TEST${++queue}`);
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  self = {
    url: cert ? `smtp://127.0.0.1:${port}` : `smtp://127.0.0.1:${port}?starttls=never`,
    port,
    ca: cert?.certPem ?? null,
    messages,
    secured,
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = messages.find(predicate);
        if (hit) return hit;
        if (Date.now() > deadline)
          throw new Error(`no matching mail within ${timeoutMs} ms (${messages.length} received)`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
    refuse: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return self;
}
