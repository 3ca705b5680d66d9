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
    const origin = publicOrigin ?? `https://${(req.headers.host ?? config.host).replace(/:\d+$/, '').replace(/[^A-Za-z0-9.\-[\]:]/g, '')}:${config.port}`;
    res.writeHead(308, { location: `${origin}${path}`, 'cache-control': 'no-store' }).end();
  });
}

export async function serve(config: Readonly<Config>, opts: { httpRedirectPort?: number } = {}): Promise<void> {
  const container = await createContainer(config);
  // Without SMTP nothing is sent (sign-in links and codes included): say so at every start.
  const mailWarning = outboxWarning(container.mailer);
  if (mailWarning) process.stderr.write(`WARNING: ${mailWarning}\n`);
  const https = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : null;
  const app = await buildHttpApp(container, { https });
  const worker = startWorker(container, app.log);
  await app.listen({ host: config.host, port: config.port });
  const scheme = https ? 'https' : 'http';
  const address = `${scheme}://${config.host}:${config.port}`;

  let redirect: http.Server | null = null;
  if (https && opts.httpRedirectPort) {
    redirect = createHttpRedirectServer(config);
    redirect.listen(opts.httpRedirectPort, config.host);
  }

  const setUp = await container.services.bootstrap.isSetUp();
  process.stdout.write(
    `\nSealbill is running at ${address}  (database: ${config.database.dialect}${config.database.dialect === 'sqlite' ? ` ${config.database.path}` : ''})\n` +
      `Staff app: ${address}/app   Client portal: ${address}/portal   API docs: ${address}/api/v1/docs\n` +
      (setUp
        ? ''
        : `\nNo organization yet. Open ${address}/app to set it up in the browser, or create it with:\n` +
          `  npx sealbill init --org "Your Company" --email you@example.com --name "Your Name"\n` +
          `or POST ${address}/api/v1/setup (works once).\n`),
  );

  const stop = async () => {
    worker.stop();
    redirect?.close();
    await app.close();
    await container.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
