import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeIdentity, generateSelfSigned } from './pki.ts';

describe('generateSelfSigned', () => {
  // Regression: a random serial or ECDSA value with a leading zero byte must still be minimal DER,
  // or OpenSSL refuses the certificate ("illegal padding") about once in a few hundred issues.
  it('always yields a certificate OpenSSL parses and verifies', async () => {
    for (let i = 0; i < 100; i++) {
      const m = await generateSelfSigned({
        orgName: `Org ${i}`,
        emails: ['billing@example.test'],
        now: new Date('2026-01-01T00:00:00Z'),
        validYears: 5,
      });
      const cert = new X509Certificate(m.certificatePem);
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(describeIdentity(m, new Date('2026-01-01T00:00:00Z')).keyId).toMatch(/^x509-[0-9a-f]{16}$/);
    }
  });

  it('names the organization and the sending address, with signing-only key usage', async () => {
    const m = await generateSelfSigned({
      orgName: 'Acme GmbH',
      emails: ['Sealbill@Example.test'],
      now: new Date('2026-01-01T00:00:00Z'),
      validYears: 5,
    });
    const cert = new X509Certificate(m.certificatePem);
    expect(cert.subject).toBe('O=Acme GmbH\nCN=Acme GmbH document signing');
    expect(cert.subjectAltName).toBe('email:sealbill@example.test');
    expect(cert.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.36']));
    expect(cert.ca).toBe(false);
    expect(() => describeIdentity(m, new Date('2032-01-01T00:00:00Z'))).toThrow(/expired/);
  });
});
