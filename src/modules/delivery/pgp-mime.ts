// OpenPGP delivery (RFC 3156, PGP/MIME). The readable entity (text + PDF) is signed by the org's
// OpenPGP key and encrypted to the client's key in one OpenPGP message, the combined form of
// RFC 3156 §6.2, inside multipart/encrypted. Keys are v4 with Curve25519 (EdDSA + ECDH), which
// GnuPG 2.2 and every current client read. All dates come from the injected clock.
// openpgp.js is imported on first use, so a process that never touches OpenPGP never loads it.
import type * as OpenPgp from 'openpgp';
import { unprocessable } from '../../platform/errors.ts';
import { CRLF, multipartEntity, withEnvelope, type EnvelopeHeaders } from './mime.ts';

export interface OrgPgpKey {
  privateKeyArmored: string;
  publicKeyArmored: string;
  fingerprint: string;
}

export async function generateOrgPgpKey(name: string, email: string, date: Date): Promise<OrgPgpKey> {
  const openpgp = await import('openpgp');
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email }],
    date,
    format: 'armored',
  });
  const key = await openpgp.readKey({ armoredKey: publicKey });
  return {
    privateKeyArmored: privateKey,
    publicKeyArmored: publicKey,
    fingerprint: key.getFingerprint().toUpperCase(),
  };
}

export interface PgpKeyInfo {
  fingerprint: string;
  userIds: string[];
  expiresAt: string | null;
}

/**
 * Reads a client's public key and checks it can encrypt now. A private key pasted by mistake is
 * refused and never stored (the client's secret must not reach our database).
 */
export async function inspectPgpPublicKey(
  armoredOrBinary: string | Uint8Array,
  now: Date,
): Promise<{ info: PgpKeyInfo; armored: string }> {
  const openpgp = await import('openpgp');
  let key: OpenPgp.Key;
  try {
    key =
      typeof armoredOrBinary === 'string'
        ? await openpgp.readKey({ armoredKey: armoredOrBinary })
        : await openpgp.readKey({ binaryKey: armoredOrBinary });
  } catch {
    throw unprocessable('Not an OpenPGP public key', [
      { path: '/body/openpgpPublicKey', message: 'cannot be parsed as an OpenPGP key' },
    ]);
  }
  if (key.isPrivate())
    throw unprocessable('This is a private key; import only the public key', [
      { path: '/body/openpgpPublicKey', message: 'private key refused' },
    ]);
  try {
    await key.getEncryptionKey(undefined, now);
  } catch {
    throw unprocessable('The OpenPGP key has no valid encryption subkey', [
      { path: '/body/openpgpPublicKey', message: 'expired, revoked or sign-only key' },
    ]);
  }
  const expiry = await key.getExpirationTime().catch(() => null);
  return {
    armored: key.armor(),
    info: {
      fingerprint: key.getFingerprint().toUpperCase(),
      userIds: key.getUserIDs(),
      expiresAt: expiry instanceof Date ? expiry.toISOString() : null,
    },
  };
}

export interface PgpMimeInput {
  headers: EnvelopeHeaders;
  /** The complete readable MIME entity (what the recipient sees after decryption). */
  content: Buffer;
  orgPrivateKeyArmored: string;
  recipientPublicKeyArmored: string;
}

export async function buildPgpMimeMessage(input: PgpMimeInput): Promise<Buffer> {
  const openpgp = await import('openpgp');
  const date = input.headers.date;
  const encrypted = await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: input.content, format: 'mime', date }),
    encryptionKeys: await openpgp.readKey({ armoredKey: input.recipientPublicKeyArmored }),
    signingKeys: await openpgp.readPrivateKey({ armoredKey: input.orgPrivateKeyArmored }),
    date,
    format: 'armored',
  });
  const version = Buffer.from(
    `Content-Type: application/pgp-encrypted${CRLF}Content-Description: PGP/MIME version identification${CRLF}${CRLF}Version: 1${CRLF}`,
  );
  const payload = Buffer.from(
    `Content-Type: application/octet-stream; name="encrypted.asc"${CRLF}Content-Description: OpenPGP encrypted message${CRLF}Content-Disposition: inline; filename="encrypted.asc"${CRLF}${CRLF}${encrypted.replace(/\r?\n/g, CRLF)}`,
  );
  const entity = multipartEntity('encrypted', [version, payload], { protocol: 'application/pgp-encrypted' });
  return withEnvelope(input.headers, entity);
}
