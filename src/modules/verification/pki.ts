// X.509 plumbing for an organization's signing identity, built on pkijs (ASN.1/DER structures)
// and node:crypto / WebCrypto (all key generation and signatures). Nothing here is a primitive:
// we only assemble standard structures (RFC 5280 certificates, RFC 7292 PKCS#12).
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  KeyObject,
  sign as cryptoSign,
  X509Certificate,
} from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiEngine } from '../../platform/crypto/pki-engine.ts';
import { randomPositiveInteger } from '../../platform/crypto/random.ts';

export { pkiEngine }; // its home is platform/crypto; re-exported for the PKI callers here

const OID = {
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  documentSigning: '1.3.6.1.5.5.7.3.36', // RFC 9336
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  certBag: '1.2.840.113549.1.12.10.1.3',
} as const;

export interface IdentityMaterial {
  certificatePem: string;
  privateKeyPem: string;
  chainPem: string[];
}

export const toPem = (label: string, der: ArrayBuffer | Buffer): string => {
  const b64 = Buffer.from(der as ArrayBuffer).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
};

// In der.ts, which the signing path imports without loading pkijs (issue #14 item 3).
export { pemToDer } from './der.ts';

/** Subject/issuer with one attribute per RDN (pkijs alone would build a single multi-valued RDN). */
const name = (commonName: string, org: string): pkijs.RelativeDistinguishedNames => {
  const atvs = [
    new pkijs.AttributeTypeAndValue({
      type: OID.organizationName,
      value: new asn1js.Utf8String({ value: org.slice(0, 64) }),
    }),
    new pkijs.AttributeTypeAndValue({
      type: OID.commonName,
      value: new asn1js.Utf8String({ value: commonName.slice(0, 64) }),
    }),
  ];
  return pkijs.RelativeDistinguishedNames.fromBER(
    new asn1js.Sequence({ value: atvs.map((a) => new asn1js.Set({ value: [a.toSchema()] })) }).toBER(false),
  );
};

const ext = (
  extnID: string,
  critical: boolean,
  value: { toSchema(): asn1js.BaseBlock } | asn1js.BaseBlock,
): pkijs.Extension =>
  new pkijs.Extension({ extnID, critical, extnValue: ('toSchema' in value ? value.toSchema() : value).toBER(false) });

export interface SelfSignedOptions {
  orgName: string;
  /** Addresses mail is sent from (S/MIME clients compare From with the certificate's rfc822Name). */
  emails: string[];
  now: Date;
  validYears: number;
}

/**
 * A self-signed ECDSA P-256 / SHA-256 certificate for document signing and S/MIME:
 * keyUsage digitalSignature + nonRepudiation, extKeyUsage emailProtection + documentSigning.
 * P-256 gives 128-bit security and is verified by NSS (pdfsig), OpenSSL and mail clients.
 */
export async function generateSelfSigned(opts: SelfSignedOptions): Promise<IdentityMaterial> {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: randomPositiveInteger(16) });
  cert.issuer = name(`${opts.orgName} document signing`, opts.orgName);
  cert.subject = name(`${opts.orgName} document signing`, opts.orgName);
  cert.notBefore.value = new Date(opts.now.getTime() - 60_000);
  const notAfter = new Date(opts.now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + opts.validYears);
  cert.notAfter.value = notAfter;
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(
    new Uint8Array(keys.publicKey.export({ format: 'der', type: 'spki' })).buffer,
  );

  const keyUsage = new asn1js.BitString({ valueHex: new Uint8Array([0xc0]).buffer, unusedBits: 6 });
  const ski = createHash('sha1')
    .update(Buffer.from(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView))
    .digest();
  cert.extensions = [
    ext(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: false })),
    ext(OID.keyUsage, true, keyUsage),
    ext(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: [OID.emailProtection, OID.documentSigning] })),
    ext(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: ski })),
  ];
  const emails = [...new Set(opts.emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
  if (emails.length) {
    cert.extensions.push(
      ext(
        OID.subjectAltName,
        false,
        new pkijs.AltName({ altNames: emails.map((e) => new pkijs.GeneralName({ type: 1, value: e })) }),
      ),
    );
  }
  // Signed with node:crypto (OpenSSL emits a DER Ecdsa-Sig-Value with minimal INTEGERs).
  const ecdsaWithSha256 = new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.10045.4.3.2' });
  cert.signature = ecdsaWithSha256;
  cert.signatureAlgorithm = ecdsaWithSha256;
  cert.tbsView = new Uint8Array(cert.encodeTBS().toBER(false));
  cert.signatureValue = new asn1js.BitString({ valueHex: cryptoSign('sha256', cert.tbsView, keys.privateKey) });
  return {
    certificatePem: toPem('CERTIFICATE', cert.toSchema().toBER(false)),
    privateKeyPem: keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    chainPem: [],
  };
}

interface ShroudedBag {
  parseInternalValues(p: { password: ArrayBuffer }, crypto: pkijs.ICryptoEngine): Promise<void>;
}

export class Pkcs12Error extends Error {
  override name = 'Pkcs12Error';
}

/**
 * Reads a PKCS#12 file (RFC 7292): checks the MAC with the password, decrypts the shrouded key
 * bag, and returns the key, the certificate matching it and the remaining certificates as chain.
 * pkijs supports PBES2 (AES) protection, which OpenSSL 3 uses by default; legacy RC2/3DES files
 * are refused with a message saying how to re-export them.
 */
export async function parsePkcs12(der: Buffer, password: string): Promise<IdentityMaterial> {
  const pwd = new Uint8Array(Buffer.from(password, 'utf8')).buffer;
  const certs: pkijs.Certificate[] = [];
  let keyDer: ArrayBuffer | null = null;
  try {
    const pfx = pkijs.PFX.fromBER(new Uint8Array(der).buffer);
    await pfx.parseInternalValues({ password: pwd, checkIntegrity: true }, pkiEngine);
    const authSafe = pfx.parsedValue?.authenticatedSafe;
    if (!authSafe) throw new Pkcs12Error('The PKCS#12 file has no content');
    await authSafe.parseInternalValues(
      { safeContents: authSafe.safeContents.map(() => ({ password: pwd })) },
      pkiEngine,
    );
    for (const sc of authSafe.parsedValue?.safeContents ?? []) {
      for (const bag of sc.value.safeBags) {
        if (bag.bagId === OID.pkcs8ShroudedKeyBag) {
          const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
          // pkijs marks this decryption step protected in its typings, though it is the documented way to open the bag.
          await (shrouded as unknown as ShroudedBag).parseInternalValues({ password: pwd }, pkiEngine);
          if (shrouded.parsedValue) keyDer = shrouded.parsedValue.toSchema().toBER(false);
        } else if (bag.bagId === OID.keyBag) {
          keyDer = (bag.bagValue as pkijs.PrivateKeyInfo).toSchema().toBER(false);
        } else if (bag.bagId === OID.certBag) {
          const parsed = (bag.bagValue as pkijs.CertBag).parsedValue;
          if (parsed instanceof pkijs.Certificate) certs.push(parsed);
        }
      }
    }
  } catch (err) {
    if (err instanceof Pkcs12Error) throw err;
    throw new Pkcs12Error(
      `Cannot read the PKCS#12 file (wrong password, or legacy RC2/3DES encryption: re-export it with "openssl pkcs12 -export -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256")`,
    );
  }
  if (!keyDer) throw new Pkcs12Error('The PKCS#12 file holds no private key');
  const privateKey = createPrivateKey({ key: Buffer.from(keyDer), format: 'der', type: 'pkcs8' });
  const pems = certs.map((c) => toPem('CERTIFICATE', c.toSchema().toBER(false)));
  const leaf = pems.find((p) => new X509Certificate(p).checkPrivateKey(privateKey));
  if (!leaf) throw new Pkcs12Error('No certificate in the PKCS#12 file matches its private key');
  return {
    certificatePem: leaf,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    chainPem: pems.filter((p) => p !== leaf),
  };
}

/** Checks a certificate/key pair and returns the facts we store and publish. */
export function describeIdentity(
  m: IdentityMaterial,
  now: Date,
): { fingerprintSha256: string; keyId: string; notAfter: string; privateKey: KeyObject } {
  const cert = new X509Certificate(m.certificatePem);
  const privateKey = createPrivateKey(m.privateKeyPem);
  if (!cert.checkPrivateKey(privateKey)) throw new Pkcs12Error('The certificate does not match the private key');
  if (!['rsa', 'ec'].includes(privateKey.asymmetricKeyType ?? ''))
    throw new Pkcs12Error('Only RSA and ECDSA signing keys are supported');
  const notAfter = new Date(cert.validTo);
  if (notAfter.getTime() <= now.getTime()) throw new Pkcs12Error('The certificate has expired');
  const fingerprintSha256 = createHash('sha256').update(cert.raw).digest('hex');
  return {
    fingerprintSha256,
    keyId: `x509-${fingerprintSha256.slice(0, 16)}`,
    notAfter: notAfter.toISOString(),
    privateKey,
  };
}
