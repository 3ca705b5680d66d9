// Ed25519 signatures (RFC 8032) and key objects: the audit checkpoints, delivery evidence and the
// document signatures published at /.well-known/sealbill/keys all sign with Ed25519 through here.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

export { createPrivateKey, createPublicKey, type KeyObject };

/** A fresh Ed25519 key pair. */
export const generateEd25519KeyPair = (): { publicKey: KeyObject; privateKey: KeyObject } =>
  generateKeyPairSync('ed25519');

/** Ed25519 signature over `data` (Ed25519 hashes internally, so no digest is named). */
export const ed25519Sign = (data: Uint8Array, privateKey: KeyObject): Buffer => sign(null, data, privateKey);

/** Whether `signature` is an Ed25519 signature over `data` by `publicKey`; throws on a malformed key. */
export const ed25519Verify = (data: Uint8Array, publicKey: KeyObject, signature: Uint8Array): boolean =>
  verify(null, data, publicKey, signature);
