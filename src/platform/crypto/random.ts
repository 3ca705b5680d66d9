// Randomness from the operating system's CSPRNG, the only source the application uses.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

export { randomBytes, randomInt, randomUUID };

/** `bytes` random bytes as base64url (no padding): the form of every token we hand out. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** `bytes` random bytes as lowercase hex (MIME boundaries, Message-IDs, placeholders). */
export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');
