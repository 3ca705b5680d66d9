// Offline verification of a delivery certificate: needs no database and no server, only the
// certificate JSON (or the PDF's embedded copy) and the organization's published evidence key.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyEvidenceCertificate, type EvidenceCertificate } from '../../modules/delivery/evidence.chain.ts';
import { AppError } from '../../platform/errors.ts';
import { CliUsageError, type CliCommand } from './command.ts';

export const evidenceVerifyCommand: CliCommand = {
  name: 'evidence-verify',
  usage:
    "evidence-verify FILE.json --key PUBLIC.pem   verify a delivery certificate offline with the org's published Ed25519 key",
  async run({ argv, out }) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { key: { type: 'string' } },
    });
    if (positionals.length !== 1 || !values.key)
      throw new CliUsageError('usage: sealbill evidence-verify FILE.json --key PUBLIC.pem');
    let cert: EvidenceCertificate;
    try {
      cert = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as EvidenceCertificate;
    } catch (err) {
      throw new CliUsageError(`cannot read ${positionals[0]}: ${(err as Error).message}`);
    }
    const check = verifyEvidenceCertificate(cert, readFileSync(values.key, 'utf8'));
    if (!check.ok) throw new AppError('unprocessable', `INVALID delivery certificate: ${check.reason}`);
    out(
      `OK: delivery ${check.deliveryId}, ${check.events} signed events (${check.types.join(', ')}), chain head ${check.head}\n`,
    );
  },
};
