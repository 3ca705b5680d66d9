// `sealbill dev-cert`: a local self-signed certificate for trying HTTPS (pure JavaScript: no
// openssl needed).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { generateDevCertificate } from '../../platform/http/dev-cert.ts';
import type { CliCommand } from './command.ts';

export const devCertCommand: CliCommand = {
  name: 'dev-cert',
  usage:
    'dev-cert [--out DIR] [--host NAME]… [--days N]  self-signed certificate for trying HTTPS locally (localhost, 127.0.0.1, ::1)',
  async run({ argv, config, out }) {
    const { values } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, host: { type: 'string', multiple: true }, days: { type: 'string' } },
    });
    const dir = path.resolve(values.out ?? path.join(config.dataDir, 'tls'));
    const days = z.coerce
      .number()
      .int()
      .min(1)
      .max(825)
      .parse(values.days ?? '90');
    const hosts = [...new Set([...(values.host ?? []), 'localhost', '127.0.0.1', '::1'])];
    const { certPem, keyPem } = await generateDevCertificate({ hosts, days });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const certFile = path.join(dir, 'dev-cert.pem');
    const keyFile = path.join(dir, 'dev-key.pem');
    writeFileSync(certFile, certPem, { mode: 0o644 });
    writeFileSync(keyFile, keyPem, { mode: 0o600 });
    out(
      `Wrote ${certFile} and ${keyFile} (self-signed, ${days} days, for ${hosts.join(', ')}).\n` +
        `Start HTTPS with:\n  SEALBILL_TLS_CERT_FILE=${certFile} SEALBILL_TLS_KEY_FILE=${keyFile} SEALBILL_PUBLIC_URL=https://localhost:3000 npx sealbill serve --http-redirect-port 8080\n` +
        'Browsers will warn: this certificate is for trying Sealbill only.\n',
    );
  },
};
