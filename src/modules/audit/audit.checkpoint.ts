// Signed checkpoints in the C2SP tlog-checkpoint format (a C2SP signed-note):
//
//   <origin>\n<tree size>\n<base64 RFC 9162 root hash>\n
//   \n
//   — <key name> <base64(4-byte key id ‖ 64-byte Ed25519 signature)>\n
//
// The signature covers the three body lines (with their final newline). The key id is the first
// four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), and the verifier key is published as
// "<name>+<hex key id>+<base64(0x01 ‖ public key)>" — the format Go's golang.org/x/mod/sumdb/note
// reads, so anyone can check an exported checkpoint without Sealbill.
import { sha256 } from '../../platform/crypto/hash.ts';
import {
  createPrivateKey,
  createPublicKey,
  ed25519Sign,
  ed25519Verify,
  type KeyObject,
} from '../../platform/crypto/signatures.ts';

const ED25519_ALG = 0x01;
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIG_PREFIX = '\u2014 ';

export interface CheckpointSigner {
  name: string;
  keyHash: Buffer;
  publicKey: Buffer;
  vkey: string;
  privateKey: KeyObject;
}

export function keyHashOf(name: string, publicKey: Buffer): Buffer {
  return sha256(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519_ALG]), publicKey])).subarray(
    0,
    4,
  );
}

export function vkeyOf(name: string, publicKey: Buffer): string {
  return `${name}+${keyHashOf(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519_ALG]), publicKey]).toString('base64')}`;
}

/** An Ed25519 signer from a 32-byte seed (derived per org from its data key, see audit docs). */
export function signerFromSeed(name: string, seed: Buffer): CheckpointSigner {
  if (!/^[^\s+]+$/.test(name)) throw new Error('a signed-note key name has no spaces or plus signs');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = (createPublicKey(privateKey).export({ format: 'der', type: 'spki' }) as Buffer).subarray(
    SPKI_ED25519_PREFIX.length,
  );
  return { name, keyHash: keyHashOf(name, publicKey), publicKey, vkey: vkeyOf(name, publicKey), privateKey };
}

/** The verifier for a public key under a given name (the same Ed25519 key may sign under several names). */
export function verifierFor(name: string, publicKey: Buffer): ParsedVkey {
  return { name, keyHash: keyHashOf(name, publicKey), publicKey };
}

/** The key names on a note's signature lines (what the signer called itself). */
export function signerNames(note: string): string[] {
  const sep = note.indexOf('\n\n');
  if (sep < 0) return [];
  return note
    .slice(sep + 2)
    .split('\n')
    .filter((l) => l.startsWith(SIG_PREFIX))
    .map((l) => l.slice(SIG_PREFIX.length).split(' ')[0]!)
    .filter(Boolean);
}

// Key endorsement: before an organization's data key is retired (its DEK destroyed, and with it the
// seed of the checkpoint key derived from it), the new checkpoint key signs
//   "sealbill-audit-key-endorsement/v1\n<orgId>\n<base64 raw Ed25519 public key of the old key>\n"
// so the old key stays trusted on the strength of a key the master key still derives, never on a
// row or log entry a database administrator could write.
export function endorsementBody(orgId: string, endorsedPublicKey: Buffer): Buffer {
  return Buffer.from(`sealbill-audit-key-endorsement/v1\n${orgId}\n${endorsedPublicKey.toString('base64')}\n`, 'utf8');
}

export function signEndorsement(endorser: CheckpointSigner, orgId: string, endorsedPublicKey: Buffer): Buffer {
  return ed25519Sign(endorsementBody(orgId, endorsedPublicKey), endorser.privateKey);
}

export function verifyEndorsement(
  endorserPublicKey: Buffer,
  orgId: string,
  endorsedPublicKey: Buffer,
  signature: Buffer,
): boolean {
  if (endorserPublicKey.length !== 32 || endorsedPublicKey.length !== 32 || signature.length !== 64) return false;
  const pub = createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, endorserPublicKey]),
    format: 'der',
    type: 'spki',
  });
  return ed25519Verify(endorsementBody(orgId, endorsedPublicKey), pub, signature);
}

export function checkpointBody(origin: string, treeSize: number, root: Buffer): string {
  return `${origin}\n${treeSize}\n${root.toString('base64')}\n`;
}

export function signCheckpoint(signer: CheckpointSigner, origin: string, treeSize: number, root: Buffer): string {
  const body = checkpointBody(origin, treeSize, root);
  const sig = ed25519Sign(Buffer.from(body, 'utf8'), signer.privateKey);
  return `${body}\n${SIG_PREFIX}${signer.name} ${Buffer.concat([signer.keyHash, sig]).toString('base64')}\n`;
}

export interface ParsedVkey {
  name: string;
  keyHash: Buffer;
  publicKey: Buffer;
}

export function parseVkey(vkey: string): ParsedVkey {
  const m = /^([^\s+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  if (!m) throw new Error('not a signed-note verifier key (name+hash+base64)');
  const raw = Buffer.from(m[3]!, 'base64');
  if (raw.length !== 33 || raw[0] !== ED25519_ALG) throw new Error('only Ed25519 verifier keys are supported');
  const publicKey = raw.subarray(1);
  const keyHash = Buffer.from(m[2]!, 'hex');
  if (!keyHashOf(m[1]!, publicKey).equals(keyHash)) throw new Error('verifier key hash does not match its key');
  return { name: m[1]!, keyHash, publicKey };
}

/** Whether `vkey` parses as an Ed25519 signed-note verifier key with a matching key hash. */
export function isVerifierKey(vkey: string): boolean {
  try {
    parseVkey(vkey);
    return true;
  } catch {
    return false;
  }
}

export type CheckpointCheck =
  { ok: true; origin: string; treeSize: number; root: Buffer; keyHash: string } | { ok: false; reason: string };

/** Parses a checkpoint note and verifies one signature by any of `keys`. */
export function verifyCheckpoint(note: string, keys: ParsedVkey[]): CheckpointCheck {
  const sep = note.indexOf('\n\n');
  if (sep < 0) return { ok: false, reason: 'not a signed note (no blank line)' };
  const body = note.slice(0, sep + 1);
  const lines = body.split('\n');
  const [origin, sizeText, rootText] = lines;
  if (lines.length < 4 || !origin || !sizeText || !/^\d+$/.test(sizeText) || !rootText)
    return { ok: false, reason: 'malformed checkpoint body' };
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32) return { ok: false, reason: 'root hash is not 32 bytes' };
  for (const line of note.slice(sep + 2).split('\n')) {
    if (!line.startsWith(SIG_PREFIX)) continue;
    const [name, b64] = line.slice(SIG_PREFIX.length).split(' ');
    const raw = Buffer.from(b64 ?? '', 'base64');
    if (raw.length !== 68) continue;
    const key = keys.find((k) => k.name === name && k.keyHash.equals(raw.subarray(0, 4)));
    if (!key) continue;
    const pub = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, key.publicKey]),
      format: 'der',
      type: 'spki',
    });
    if (ed25519Verify(Buffer.from(body, 'utf8'), pub, raw.subarray(4)))
      return { ok: true, origin, treeSize: Number(sizeText), root, keyHash: key.keyHash.toString('hex') };
    return { ok: false, reason: `signature by ${name} does not verify (the checkpoint was altered)` };
  }
  return { ok: false, reason: 'no signature by a trusted key' };
}
