// S/MIME delivery (RFC 8551, CMS RFC 5652) with pkijs. The readable entity is first signed
// (multipart/signed, detached SignedData by the org's X.509 signing identity, signed attributes
// with content type, signing time and message digest), then the signed entity is enveloped
// (EnvelopedData, AES-256-CBC content encryption, RSA-OAEP/SHA-256 key transport for RSA
// recipients or ECDH key agreement for EC recipients). AES-CBC rather than GCM: RFC 5084 puts GCM
// in AuthEnvelopedData, which many mail clients still cannot open; the signature inside gives
// integrity. `openssl cms -decrypt` then `openssl cms -verify` open what this builds.
import { createHash, createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { unprocessable } from '../../platform/errors.ts';
import { pkiEngine as engine } from '../../platform/crypto/pki-engine.ts';
import { base64Lines, CRLF, multipartEntity, withEnvelope, type EnvelopeHeaders } from './mime.ts';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
};

const toArrayBuffer = (b: Buffer): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

export function splitPemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function pkijsCertificate(pem: string): pkijs.Certificate {
  return pkijs.Certificate.fromBER(toArrayBuffer(new X509Certificate(pem).raw));
}

export interface CertificateInfo {
  fingerprintSha256: string;
  subject: string;
  emails: string[];
  notAfter: string;
  keyType: string;
}

/** Checks a client's certificate for use as an S/MIME recipient now (parseable, current, RSA or EC). */
export function inspectCertificate(pem: string, now: Date): { info: CertificateInfo; pem: string } {
  const path = '/body/smimeCertificatePem';
  const certs = splitPemCertificates(pem);
  if (certs.length !== 1)
    throw unprocessable('Expected exactly one PEM certificate', [
      { path, message: 'one -----BEGIN CERTIFICATE----- block' },
    ]);
  let x: X509Certificate;
  try {
    x = new X509Certificate(certs[0]!);
  } catch {
    throw unprocessable('Not an X.509 certificate', [{ path, message: 'cannot be parsed' }]);
  }
  const notAfter = new Date(x.validTo);
  // Five minutes of clock skew between the issuer and this server are tolerated.
  if (now.getTime() + 300_000 < new Date(x.validFrom).getTime() || now > notAfter)
    throw unprocessable('The certificate is not valid now', [{ path, message: `valid ${x.validFrom} – ${x.validTo}` }]);
  const keyType = x.publicKey.asymmetricKeyType ?? 'unknown';
  if (keyType !== 'rsa' && keyType !== 'ec')
    throw unprocessable('Only RSA and EC recipient certificates are supported', [
      { path, message: `key type ${keyType}` },
    ]);
  const emails = (x.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('email:'))
    .map((s) => s.slice(6).toLowerCase());
  const subjectEmail = /emailAddress=([^\n,]+)/.exec(x.subject)?.[1];
  if (subjectEmail) emails.push(subjectEmail.toLowerCase());
  return {
    pem: x.toString(),
    info: {
      fingerprintSha256: x.fingerprint256.replace(/:/g, '').toLowerCase(),
      subject: x.subject.replace(/\n/g, ', '),
      emails: [...new Set(emails)],
      notAfter: notAfter.toISOString(),
      keyType,
    },
  };
}

async function importSigningKey(
  privateKeyPem: string,
  cert: X509Certificate,
): Promise<{ key: webcrypto.CryptoKey; hash: string }> {
  const pkcs8 = createPrivateKey(privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  const kt = cert.publicKey.asymmetricKeyType;
  if (kt === 'rsa')
    return {
      key: await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
        'sign',
      ]),
      hash: 'SHA-256',
    };
  if (kt === 'ec') {
    const curve = cert.publicKey.asymmetricKeyDetails?.namedCurve;
    const named = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : null;
    if (!named) throw new Error(`unsupported EC curve ${curve}`);
    const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: named }, false, ['sign']);
    return { key, hash: named === 'P-256' ? 'SHA-256' : 'SHA-384' };
  }
  throw new Error(`unsupported signing key type ${kt}`);
}

export interface SmimeSigner {
  certificatePem: string;
  privateKeyPem: string;
  /** Issuer certificates (PEM, concatenated), included so recipients can build the path. */
  chainPem?: string;
}

/** Detached SignedData (DER) over `content`. */
export async function signDetached(content: Buffer, signer: SmimeSigner, signingTime: Date): Promise<Buffer> {
  const x = new X509Certificate(signer.certificatePem);
  const cert = pkijsCertificate(signer.certificatePem);
  const { key, hash } = await importSigningKey(signer.privateKeyPem, x);
  const digest = createHash(hash.replace('-', '').toLowerCase()).update(content).digest();
  const sd = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
            new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: signingTime })] }),
            new pkijs.Attribute({
              type: OID.messageDigest,
              values: [new asn1js.OctetString({ valueHex: toArrayBuffer(digest) })],
            }),
          ],
        }),
      }),
    ],
    certificates: [cert, ...splitPemCertificates(signer.chainPem ?? '').map(pkijsCertificate)],
  });
  await sd.sign(key, 0, hash, toArrayBuffer(content), engine);
  const ci = new pkijs.ContentInfo({ contentType: OID.signedData, content: sd.toSchema(true) });
  return Buffer.from(ci.toSchema().toBER(false));
}

/** EnvelopedData (DER) of `content` for one recipient certificate. */
export async function envelope(content: Buffer, recipientPem: string): Promise<Buffer> {
  const x = new X509Certificate(recipientPem);
  const ed = new pkijs.EnvelopedData();
  // Variant 1: key transport (RSA-OAEP); variant 2: key agreement (ECDH) for EC certificates.
  const variant = x.publicKey.asymmetricKeyType === 'ec' ? 2 : 1;
  ed.addRecipientByCertificate(pkijsCertificate(recipientPem), { oaepHashAlgorithm: 'SHA-256' }, variant, engine);
  await ed.encrypt(
    { name: 'AES-CBC', length: 256 } as unknown as Parameters<pkijs.EnvelopedData['encrypt']>[0],
    toArrayBuffer(content),
    engine,
  );
  const ci = new pkijs.ContentInfo({ contentType: OID.envelopedData, content: ed.toSchema() });
  return Buffer.from(ci.toSchema().toBER(false));
}

export interface SmimeInput {
  headers: EnvelopeHeaders;
  content: Buffer;
  signer: SmimeSigner;
  recipientCertificatePem: string;
}

/** Sign, then encrypt (RFC 8551 §3.7): the signature stays hidden from the relays. */
export async function buildSmimeMessage(input: SmimeInput): Promise<Buffer> {
  const signature = await signDetached(input.content, input.signer, input.headers.date);
  const sigPart = Buffer.from(
    `Content-Type: application/pkcs7-signature; name="smime.p7s"${CRLF}Content-Transfer-Encoding: base64${CRLF}Content-Disposition: attachment; filename="smime.p7s"${CRLF}${CRLF}${base64Lines(signature)}`,
  );
  const signed = multipartEntity('signed', [input.content, sigPart], {
    protocol: 'application/pkcs7-signature',
    micalg: micalgOf(input.signer.certificatePem),
  });
  const enveloped = await envelope(signed, input.recipientCertificatePem);
  const entity = Buffer.from(
    `Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"${CRLF}Content-Transfer-Encoding: base64${CRLF}Content-Disposition: attachment; filename="smime.p7m"${CRLF}${CRLF}${base64Lines(enveloped)}`,
  );
  return withEnvelope(input.headers, entity);
}

function micalgOf(certPem: string): string {
  const x = new X509Certificate(certPem);
  return x.publicKey.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'sha-384' : 'sha-256';
}
