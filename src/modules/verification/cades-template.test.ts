// The DER CAdES template against an independent encoder: for the same certificate, chain,
// digest, signature value and time-stamp token, pkijs/asn1js (which built our signatures before)
// must produce exactly the same bytes; OpenSSL verifies the result and pkijs parses and verifies it.
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign as cryptoSign, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it } from 'vitest';
import { itNeeds } from '../../../test/helpers/tools.ts';
import { buildCadesTemplate } from './cades-template.ts';
import { certificateIssuerAndSerial, derLength, oid, readElement, tlv } from './der.ts';
import { generateSelfSigned, pemToDer, pkiEngine, type IdentityMaterial } from './pki.ts';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  sha256: '2.16.840.1.101.3.4.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

const ab = (b: Buffer): ArrayBuffer => new Uint8Array(b).buffer;
const parseCert = (der: Buffer) => pkijs.Certificate.fromBER(ab(der));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

/**
 * The SignedData as pades.ts built it with pkijs before the template (kept here as the reference):
 * same attributes, DER-sorted, with the signature value given rather than computed.
 */
function pkijsReference(
  certDer: Buffer,
  chainDer: Buffer[],
  isEc: boolean,
  digest: Buffer,
  signature: Buffer,
  token: Buffer | null,
): { toSign: Buffer; cms: Buffer } {
  const leaf = parseCert(certDer);
  const attribute = (type: string, value: asn1js.BaseBlock) => new pkijs.Attribute({ type, values: [value] });
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [leaf.issuer.toSchema()] })],
      }),
      new asn1js.Integer({ valueHex: leaf.serialNumber.valueBlock.valueHexView }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: sha256(certDer) }), issuerSerial],
  });
  const enc = (a: pkijs.Attribute) => Buffer.from(a.toSchema().toBER(false));
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
      attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: digest })),
      attribute(
        OID.signingCertificateV2,
        new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] }),
      ),
    ].sort((a, b) => Buffer.compare(enc(a), enc(b))),
  });
  const toSign = Buffer.from(signedAttrs.toSchema().toBER(false));
  toSign[0] = 0x31;
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
    signedAttrs,
    signatureAlgorithm: isEc
      ? new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 })
      : new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRsa, algorithmParams: new asn1js.Null() }),
    signature: new asn1js.OctetString({ valueHex: signature }),
  });
  if (token) {
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [attribute(OID.signatureTimeStampToken, asn1js.fromBER(ab(token)).result)],
    });
  }
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: [leaf, ...chainDer.map(parseCert)],
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return { toSign, cms: Buffer.from(contentInfo.toSchema().toBER(false)) };
}

const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-cades-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

/** An RSA leaf issued by a test CA (chain of one), made with openssl as a CA would. */
function rsaIdentity(): IdentityMaterial {
  sh([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '30',
    '-subj',
    '/CN=Template Test CA/O=Test',
  ]);
  sh([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'leaf.key',
    '-out',
    'leaf.csr',
    '-subj',
    '/O=Signer AG/CN=Signer AG (CA issued)',
  ]);
  sh([
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'leaf.crt',
    '-days',
    '20',
  ]);
  const read = (f: string) => execFileSync('cat', [path.join(dir, f)], { encoding: 'utf8' });
  return { certificatePem: read('leaf.crt'), privateKeyPem: read('leaf.key'), chainPem: [read('ca.crt')] };
}

describe('DER primitives', () => {
  it('encodes lengths exactly like asn1js at every form boundary', () => {
    for (const n of [0, 1, 127, 128, 129, 255, 256, 4095, 65_535, 65_536, 70_000]) {
      const viaAsn1 = Buffer.from(new asn1js.OctetString({ valueHex: new Uint8Array(n) }).toBER(false));
      const ours = tlv(0x04, Buffer.alloc(n));
      expect(ours.equals(viaAsn1), `length ${n}`).toBe(true);
      expect(readElement(ours, 0)).toEqual({ tag: 0x04, start: 0, body: 1 + derLength(n).length, end: ours.length });
    }
    expect([...derLength(0x1_00_00_00)]).toEqual([0x84, 0x01, 0x00, 0x00, 0x00]);
    expect(() => derLength(-1)).toThrow(RangeError);
  });

  it('encodes object identifiers exactly like asn1js', () => {
    for (const id of [
      ...Object.values(OID),
      '2.5.4.3',
      '2.999.3',
      '1.3.6.1.4.1.311.21.20',
      '0.9.2342.19200300.100.1.25',
    ]) {
      expect(oid(id).equals(Buffer.from(new asn1js.ObjectIdentifier({ value: id }).toBER(false))), id).toBe(true);
    }
    expect(() => oid('3.1')).toThrow(RangeError);
    expect(() => oid('1.40')).toThrow(RangeError);
  });

  it('refuses indefinite, over-long and out-of-bounds lengths', () => {
    expect(() => readElement(Buffer.from([0x30, 0x80, 0x00, 0x00]), 0)).toThrow(/indefinite/);
    expect(() => readElement(Buffer.from([0x30, 0x85, 1, 0, 0, 0, 0]), 0)).toThrow(/over-long/);
    expect(() => readElement(Buffer.from([0x30, 0x05, 0x00]), 0)).toThrow(/past/);
    expect(() => readElement(Buffer.from([0x30]), 0)).toThrow(/truncated/);
    expect(() => certificateIssuerAndSerial(Buffer.from([0x04, 0x00]))).toThrow(/Certificate/);
  });
});

describe('CAdES template', () => {
  it('copies issuer and serial from the certificate byte for byte (what pkijs reads)', async () => {
    const m = await generateSelfSigned({
      orgName: 'Ünïcode Org',
      emails: ['a@b.test'],
      now: new Date(),
      validYears: 5,
    });
    const der = pemToDer(m.certificatePem);
    const { issuer, serial } = certificateIssuerAndSerial(der);
    const cert = parseCert(der);
    expect(issuer.equals(Buffer.from(cert.issuer.toSchema().toBER(false)))).toBe(true);
    expect(serial.equals(Buffer.from(cert.serialNumber.toBER(false)))).toBe(true);
  });

  it('equals the pkijs encoding for an ECDSA identity, for many digests, with and without a time-stamp token', async () => {
    const m = await generateSelfSigned({
      orgName: 'Template GmbH',
      emails: ['billing@template.test'],
      now: new Date(),
      validYears: 5,
    });
    const der = pemToDer(m.certificatePem);
    const key = createPrivateKey(m.privateKeyPem);
    const template = buildCadesTemplate(der, [], 'ec');
    // Any DER ContentInfo-shaped value stands in for a token here (structure, not meaning).
    const token = tlv(0x30, oid(OID.signedData), tlv(0xa0, tlv(0x30, Buffer.from([0x02, 0x01, 0x03]))));
    for (let i = 0; i < 200; i++) {
      const digest = i === 0 ? Buffer.alloc(32) : i === 1 ? Buffer.alloc(32, 0xff) : randomBytes(32);
      const attrs = template.signedAttributes(digest);
      const signature = cryptoSign('sha256', attrs, key);
      const withToken = i % 2 === 0 ? token : null;
      const ref = pkijsReference(der, [], true, digest, signature, withToken);
      expect(attrs.equals(ref.toSign), `signed attributes, digest ${digest.toString('hex')}`).toBe(true);
      expect(
        template.assemble(attrs, signature, withToken).equals(ref.cms),
        `SignedData, digest ${digest.toString('hex')}`,
      ).toBe(true);
    }
  });

  itNeeds(
    ['openssl'],
    'equals the pkijs encoding for an RSA identity with a CA chain; OpenSSL verifies it',
    async () => {
      const m = rsaIdentity();
      const der = pemToDer(m.certificatePem);
      const chain = m.chainPem.map(pemToDer);
      const template = buildCadesTemplate(der, chain, 'rsa');
      const content = randomBytes(5000);
      const attrs = template.signedAttributes(sha256(content));
      const signature = cryptoSign('sha256', attrs, createPrivateKey(m.privateKeyPem));
      const cms = template.assemble(attrs, signature, null);
      expect(cms.equals(pkijsReference(der, chain, false, sha256(content), signature, null).cms)).toBe(true);
      expect(template.encodedLength(signature.length, 0)).toBe(cms.length);

      writeFileSync(path.join(dir, 'rsa.p7s'), cms);
      writeFileSync(path.join(dir, 'rsa.bin'), content);
      // Chain validation too: the CA is the trust anchor (purpose any: a test CA without EKU).
      sh([
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        'rsa.p7s',
        '-content',
        'rsa.bin',
        '-CAfile',
        'ca.crt',
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ]);
      content[100] = content[100]! ^ 1;
      writeFileSync(path.join(dir, 'rsa.bin'), content);
      expect(() =>
        sh([
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          'rsa.p7s',
          '-content',
          'rsa.bin',
          '-noverify',
          '-out',
          '/dev/null',
        ]),
      ).toThrow();
    },
  );

  itNeeds(
    ['openssl'],
    'verifies with OpenSSL and pkijs (ECDSA), carries signing-certificate-v2, no signing-time',
    async () => {
      const m = await generateSelfSigned({
        orgName: 'Verify AG',
        emails: ['v@verify.test'],
        now: new Date(),
        validYears: 5,
      });
      const template = buildCadesTemplate(pemToDer(m.certificatePem), [], 'ec');
      const content = randomBytes(3000);
      const attrs = template.signedAttributes(sha256(content));
      const signature = cryptoSign('sha256', attrs, createPrivateKey(m.privateKeyPem));
      const cms = template.assemble(attrs, signature, null);
      writeFileSync(path.join(dir, 'ec.p7s'), cms);
      writeFileSync(path.join(dir, 'ec.bin'), content);
      sh([
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        'ec.p7s',
        '-content',
        'ec.bin',
        '-noverify',
        '-out',
        '/dev/null',
      ]);
      const printed = sh(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'ec.p7s']).toString();
      expect(printed).toMatch(/signingCertificateV2/i);
      expect(printed).not.toMatch(/signingTime/);

      const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(ab(cms)).content });
      await expect(signedData.verify({ signer: 0, data: ab(content), checkChain: false }, pkiEngine)).resolves.toBe(
        true,
      );
      expect(new X509Certificate(m.certificatePem).checkPrivateKey(createPrivateKey(m.privateKeyPem))).toBe(true);
    },
  );

  it('refuses foreign inputs: another key type, a digest of the wrong size, attributes of another template', async () => {
    const m = await generateSelfSigned({
      orgName: 'Refuse AG',
      emails: ['r@refuse.test'],
      now: new Date(),
      validYears: 5,
    });
    const der = pemToDer(m.certificatePem);
    expect(() => buildCadesTemplate(der, [], 'ed25519')).toThrow(/unsupported/);
    const template = buildCadesTemplate(der, [], 'ec');
    expect(() => template.signedAttributes(Buffer.alloc(20))).toThrow(/32 bytes/);
    expect(() => template.assemble(Buffer.alloc(10), Buffer.alloc(70), null)).toThrow(/signed attributes/);
  });
});
