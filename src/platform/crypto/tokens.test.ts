// Token hashes are stored in the database (sessions, API tokens, email tokens, invitations, pay
// links, portal links, magic links, verification QR codes, devices, recovery codes): moving their
// hashing into one module must not change a single byte. The expected values below were computed
// with the definitions this module replaced (plain SHA-256 hex of the token; the device and recovery
// code prefixes), so a stored hash keeps matching.
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, sameSecret, sha256, sha256Hex } from './hash.ts';
import { hashToken, newToken, type TokenPurpose } from './tokens.ts';

const TOKEN = 'kQ3v9x_Yb2-LmN0pRsTuVwXyZaBcDeFgHiJkLmNoPqR';
const PLAIN = 'fbeab4fe79eba5a82f6e35112a0665f67ae363c042bed25620d20fd8cb001a0a'; // sha256(TOKEN), as stored

describe('hashToken: byte-identical to the stored hashes', () => {
  const unprefixed: TokenPurpose[] = [
    'session',
    'api-token',
    'email-token',
    'invitation',
    'pay-link',
    'portal-link',
    'magic-link',
    'verification',
  ];
  it.each(unprefixed)('%s tokens hash as plain SHA-256 hex, as before', (purpose) => {
    expect(hashToken(purpose, TOKEN)).toBe(PLAIN);
  });

  it('verification QR tokens (16 bytes) hash as before', () => {
    expect(hashToken('verification', 'Zm9vYmFyYmF6cXV4cXV1eA')).toBe(
      '66795f80a0264e47908c5dab75937b2ee9ec764a878a976aad4ba2608e83b84a',
    );
  });

  it('device cookies keep their "sealbill device v1" prefix', () => {
    expect(hashToken('device', TOKEN)).toBe('f415b8ca673d3e5f0c3c58b97e5019cba784c40dfa0ae92aaadf9c836790e757');
  });

  it('recovery codes keep their "sealbill recovery v1" prefix', () => {
    expect(hashToken('recovery-code', 'abcd2345efgh6789')).toBe(
      '84ddde069c836494c2246d89181863f1aee5b1952f2fc74f4c5a99776b7bcc7c',
    );
  });

  it('prefixed purposes are separated from each other and from the unprefixed ones', () => {
    const hashes = new Set([
      hashToken('device', TOKEN),
      hashToken('recovery-code', TOKEN),
      hashToken('session', TOKEN),
    ]);
    expect(hashes.size).toBe(3);
  });

  it('hashes strings as UTF-8', () => {
    expect(hashToken('session', 'töken-ü')).toBe('fdf12a70fa8ed9b1f6de0eec358841bb0a268a19e95b34474c8be33435376599');
  });
});

describe('newToken', () => {
  it('draws 256 bits as base64url by default, and other sizes on request', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(a);
    expect(newToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('hash helpers', () => {
  it('sha256 is the FIPS 180-4 digest', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('abc').toString('hex')).toBe(sha256Hex('abc'));
  });

  it('constantTimeEqual and sameSecret compare without throwing on different lengths', () => {
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(sameSecret('s3cret', 's3cret')).toBe(true);
    expect(sameSecret('s3cret', 's3cret-longer')).toBe(false);
  });
});
