// Starts the HTTP(S) server and the in-process job loop (recurring invoices).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { Config } from '../config/env.ts';
import { outboxWarning } from '../platform/mail/mailer.ts';
import { buildHttpApp } from './app.ts';
import { createContainer } from './container.ts';
import { startWorker } from './worker.ts';

/**
 * Plain HTTP only ever answers with a permanent redirect to HTTPS. The target origin is the
 * configured public URL when it is https (a forged Host header cannot redirect elsewhere), else
 * the request's host on the HTTPS port.
 */
export function createHttpRedirectServer(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): http.Server {
  const publicOrigin = config.publicUrl.startsWith('https:') ? new URL(config.publicUrl).origin : null;
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').startsWith('/') ? (req.url ?? '/') : '/';
    const origin =
      publicOrigin ??
      `https://${(req.headers.host ?? config.host).replace(/:\d+$/, '').replace(/[^A-Za-z0-9.\-[\]:]/g, '')}:${config.port}`;
    res.writeHead(308, { location: `${origin}${path}`, 'cache-control': 'no-store' }).end();
  });
}

const isIpHost = (url: string): boolean => /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i.test(new URL(url).hostname);

/**
 * What `sealbill serve` prints at start: the address to open is the public URL (the one the
 * server accepts as Origin and puts in links), never the bare listen address, which may differ
 * (127.0.0.1 is advertised as localhost so that passkeys work; 0.0.0.0 is no address at all).
 */
export function startBanner(
  config: Pick<Config, 'publicUrl' | 'publicUrlDerived' | 'host' | 'port' | 'database'>,
  opts: { setUp: boolean; https: boolean },
): string {
  const address = config.publicUrl;
  const listen = `${opts.https ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const db = `${config.database.dialect}${config.database.dialect === 'sqlite' ? ` ${config.database.path}` : ''}`;
  const notes: string[] = [];
  if (isIpHost(address))
    notes.push(
      `Passkeys cannot work at ${address}: WebAuthn needs a host name, not an IP address. Set SEALBILL_PUBLIC_URL to a name (e.g. http://localhost:${config.port}).`,
    );
  if (config.publicUrlDerived && (config.host === '0.0.0.0' || config.host === '::')) {
    notes.push(
      `Listening on every interface: if people reach Sealbill under another address than ${address}, set SEALBILL_PUBLIC_URL to it (sign-in refuses other origins).`,
    );
  }
  return (
    `\nSealbill is running at ${address}  (listening on ${listen}; database: ${db})\n` +
    `Staff app: ${address}/app   Client portal: ${address}/portal   API docs: ${address}/api/v1/docs\n` +
    notes.map((n) => `Note: ${n}\n`).join('') +
    (opts.setUp
      ? ''
      : `\nNo organization yet. Open ${address}/app to set it up in the browser, or create it with:\n` +
        `  npx sealbill init --org "Your Company" --email you@example.com --name "Your Name"\n` +
        `or POST ${address}/api/v1/setup (works once).\n`)
  );
}

export async function serve(config: Readonly<Config>, opts: { httpRedirectPort?: number } = {}): Promise<void> {
  const container = await createContainer(config);
  // Without SMTP nothing is sent (sign-in links and codes included): say so at every start.
  const mailWarning = outboxWarning(container.mailer);
  if (mailWarning) process.stderr.write(`WARNING: ${mailWarning}\n`);
  const https = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : null;
  const app = await buildHttpApp(container, { https });
  const worker = startWorker(container, app.log, config.worker.intervalMs);
  await app.listen({ host: config.host, port: config.port });

  let redirect: http.Server | null = null;
  if (https && opts.httpRedirectPort) {
    redirect = createHttpRedirectServer(config);
    redirect.listen(opts.httpRedirectPort, config.host);
  }

  process.stdout.write(
    startBanner(config, { setUp: await container.services.bootstrap.isSetUp(), https: Boolean(https) }),
  );

  const stop = async () => {
    await worker.stop();
    redirect?.close();
    await app.close();
    await container.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
