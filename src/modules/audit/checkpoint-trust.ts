// Which keys may sign an organization's audit checkpoints, decided only from outside the database:
// - keys derived from the organization's live data keys (their seeds need the master key, which
//   is configuration, never stored);
// - keys endorsed by a trusted key at a rotation (a signature a DBA cannot make, see
//   endorsementBody in audit.checkpoint.ts), transitively;
// - keys the verifier brings: --trusted-key, an exported checkpoint file, a backup's sidecar.
// A key that is merely listed in audit_checkpoint_keys or announced by an entry of the log is not
// trusted: whoever can write the database can write those (issue #10 item 10).
import { parseVkey, signerNames, verifierFor, verifyEndorsement, type ParsedVkey } from './audit.checkpoint.ts';
import type { EndorsementRow } from './audit.repo.ts';

/**
 * The log's identity (C2SP origin, and the name its checkpoint key signs under). It names the
 * organization only, so moving to another domain or running the CLI without the server's
 * SEALBILL_PUBLIC_URL does not change it.
 */
export const logOrigin = (orgId: string): string => `sealbill/audit/${orgId}`;

/**
 * Origins this organization's checkpoints may carry: the current one, and `<host>/audit/<orgId>`
 * as signed before the origin stopped depending on SEALBILL_PUBLIC_URL (any host: the signature,
 * by a trusted key, is what binds a checkpoint to the log).
 */
export function isOriginOf(origin: string, orgId: string): boolean {
  const m = /^[^\s/+]+\/audit\/([^\s/+]+)$/.exec(origin);
  return m !== null && m[1] === orgId;
}

/** The trusted public keys: `start` plus every key endorsed (with a valid signature) by one already trusted. */
export function trustClosure(orgId: string, start: Buffer[], endorsements: EndorsementRow[]): Buffer[] {
  const trusted = new Map(start.map((k) => [k.toString('base64'), k]));
  for (let grew = true; grew;) {
    grew = false;
    for (const e of endorsements) {
      if (trusted.has(e.public_key) || !trusted.has(e.endorser_public_key)) continue;
      const endorsed = Buffer.from(e.public_key, 'base64');
      if (
        !verifyEndorsement(
          Buffer.from(e.endorser_public_key, 'base64'),
          orgId,
          endorsed,
          Buffer.from(e.signature, 'base64'),
        )
      )
        continue;
      trusted.set(e.public_key, endorsed);
      grew = true;
    }
  }
  return [...trusted.values()];
}

/** Public keys from verifier keys the caller supplied (names are checked per checkpoint, not here). */
export function givenKeys(vkeys: readonly string[]): Buffer[] {
  return vkeys.map((v) => parseVkey(v).publicKey);
}

/** Every (trusted key × name this log's checkpoints may be signed under) as a signed-note verifier. */
export function verifiersFor(orgId: string, keys: Buffer[], notes: readonly string[]): ParsedVkey[] {
  const names = new Set([logOrigin(orgId), ...notes.flatMap(signerNames).filter((n) => isOriginOf(n, orgId))]);
  return keys.flatMap((k) => [...names].map((n) => verifierFor(n, k)));
}

/** "name+hexid" of each signature on a note, to name an untrusted signer. */
export function signatureIds(note: string): string[] {
  const sep = note.indexOf('\n\n');
  if (sep < 0) return [];
  return note
    .slice(sep + 2)
    .split('\n')
    .filter((l) => l.startsWith('\u2014 '))
    .map((l) => {
      const [name, b64] = l.slice(2).split(' ');
      return `${name}+${Buffer.from(b64 ?? '', 'base64')
        .subarray(0, 4)
        .toString('hex')}`;
    });
}
