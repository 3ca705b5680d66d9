// Bearer tokens: generated here, stored only as a hash, looked up by that hash. One function per
// job so every token in the application is made and hashed the same way, and the purpose is named
// at every call site.
//
// Purpose separation: the hash of a token is SHA-256 over a purpose prefix and the token, so a value
// that is valid for one purpose can never match a stored hash of another. The purposes marked
// "stored unprefixed" were hashed before this module existed with plain SHA-256(token), and their
// hashes are in the database: they must stay byte-identical (test: tokens.test.ts). Their separation
// rests on the tokens themselves (>= 128 random bits, drawn per purpose, and each looked up only in
// its own table). A NEW purpose must get a prefix of its own ("sealbill <purpose> v1\0").
import { sha256Hex } from './hash.ts';
import { randomToken } from './random.ts';

const PREFIX = {
  session: '', // stored unprefixed: sessions.token_hash
  'api-token': '', // stored unprefixed: api_tokens.token_hash
  'email-token': '', // stored unprefixed: email_tokens.token_hash (verify email, reset password, …)
  invitation: '', // stored unprefixed: invitations.token_hash
  'pay-link': '', // stored unprefixed: pay_links.token_hash
  'portal-link': '', // stored unprefixed: portal links sent with a document
  'magic-link': '', // stored unprefixed: one_time_codes.magic_hash (portal sign-in links)
  verification: '', // stored unprefixed: document_signatures.token_hash (the QR code on a document)
  device: 'sealbill device v1\u0000', // remembered-device cookie
  'recovery-code': 'sealbill recovery v1\u0000', // second-factor recovery codes (normalized first)
} as const satisfies Record<string, string>;

export type TokenPurpose = keyof typeof PREFIX;

/** A new random token: 256 bits, base64url. (A few formats pass a different size, e.g. 16 for QR codes.) */
export const newToken = (bytes = 32): string => randomToken(bytes);

/** The hash under which a token of `purpose` is stored and looked up (lowercase hex SHA-256). */
export const hashToken = (purpose: TokenPurpose, token: string): string => sha256Hex(PREFIX[purpose] + token);
