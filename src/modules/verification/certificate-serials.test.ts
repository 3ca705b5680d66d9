// Certificate serial numbers and time-stamp nonces are DER INTEGERs made from random bytes. A first
// byte of zero (one draw in 256) made a redundant leading zero, which OpenSSL refuses as "illegal
// padding": `sealbill dev-cert` wrote such a certificate about once in 256 runs, and a test server
// then failed to start. Here the random source is forced to the bad draws.
import { X509Certificate } from 'node:crypto';
import { expect, it, vi } from 'vitest';
import { randomPositiveInteger } from '../../platform/crypto/random.ts';
import { generateDevCertificate } from '../../platform/http/dev-cert.ts';
import { generateSelfSigned } from './pki.ts';

const draw = vi.hoisted(() => ({ first: 0x00 }));
vi.mock('node:crypto', async (original) => {
  const crypto = await original<typeof import('node:crypto')>();
  return {
    ...crypto,
    randomBytes: (n: number) => {
      const bytes = crypto.randomBytes(n);
      bytes[0] = draw.first;
      if (n > 1) bytes[1] = 0x01; // small: a leading zero before it is redundant
      return bytes;
    },
  };
});

const BAD_FIRST_BYTES = [0x00, 0x80, 0x7f, 0xff];

it('makes positive integers without a redundant leading byte, whatever the first random byte', () => {
  for (const first of BAD_FIRST_BYTES) {
    draw.first = first;
    const value = randomPositiveInteger(8);
    expect(value).toHaveLength(8);
    expect(value[0]! & 0xc0, `first byte ${first}`).toBe(0x40); // top bit clear, next bit set
  }
});

it('dev and signing certificates parse in OpenSSL whatever the first random byte of their serial', async () => {
  for (const first of BAD_FIRST_BYTES) {
    draw.first = first;
    const dev = new X509Certificate((await generateDevCertificate({ hosts: ['localhost'], days: 1 })).certPem);
    const signing = new X509Certificate(
      (await generateSelfSigned({ orgName: 'Serial GmbH', emails: ['a@serial.test'], now: new Date(), validYears: 1 }))
        .certificatePem,
    );
    for (const cert of [dev, signing]) {
      expect(cert.serialNumber).toHaveLength(32); // 16 bytes, no sign or padding byte
      expect(parseInt(cert.serialNumber.slice(0, 2), 16) & 0xc0).toBe(0x40);
    }
  }
});
