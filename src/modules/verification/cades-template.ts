// A detached CAdES SignedData (RFC 5652 §5, ETSI EN 319 122-1 baseline B) built from a DER
// template that is assembled once per signing identity. Everything but the message digest, the
// signature value and an optional time-stamp token is the same for every document an identity
// signs, so the per-document work is copying 32 bytes into the signed attributes and wrapping
// the signature in a few TLVs (see der.ts). The encoding equals what pkijs produced for the same
// inputs (unit-tested byte for byte, and with `openssl cms -verify`).
//
// ContentInfo { id-signedData, [0] SignedData {
//   version 1, digestAlgorithms { sha256 }, encapContentInfo { id-data } (detached: no eContent),
//   certificates [0] { signer certificate, chain… },
//   signerInfos { SignerInfo {
//     version 1, sid IssuerAndSerialNumber, digestAlgorithm sha256,
//     signedAttrs [0] { content-type id-data, message-digest SHA-256(content),
//                       signing-certificate-v2 (RFC 5035) { { ESSCertIDv2 { SHA-256(cert), IssuerSerial } } } },
//     signatureAlgorithm ecdsa-with-SHA256 | sha256WithRSAEncryption, signature,
//     unsignedAttrs [1] { signature-time-stamp (RFC 3161 token over the signature value) }? } } } }
//
// No signing-time attribute: PAdES (EN 319 142-1 §5.4.3) carries the claimed time in the PDF's /M.
import { createHash } from 'node:crypto';
import { certificateIssuerAndSerial, oid, tlv } from './der.ts';

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

const INTEGER_1 = Buffer.from([0x02, 0x01, 0x01]);
const NULL = Buffer.from([0x05, 0x00]);
const DIGEST_LENGTH = 32;

export interface CadesTemplate {
  /** The DER signed attributes for `digest`, as signed: tagged SET OF (0x31), RFC 5652 §5.4. */
  signedAttributes(digest: Buffer): Buffer;
  /** The DER ContentInfo around signed attributes (as returned above), a signature and an optional time-stamp token. */
  assemble(signedAttributes: Buffer, signature: Buffer, timestampToken: Buffer | null): Buffer;
  /** The encoded length for a signature of `signatureLength` bytes and a token of `tokenLength` (0: none). */
  encodedLength(signatureLength: number, tokenLength: number): number;
}

/**
 * Builds the template for one certificate (DER), its chain (DER, as stored: leaf first, then the
 * rest) and the signing key's type. Refuses keys other than RSA and EC, like the identity checks.
 */
export function buildCadesTemplate(certificate: Buffer, chain: readonly Buffer[], keyType: string): CadesTemplate {
  if (keyType !== 'ec' && keyType !== 'rsa') throw new RangeError(`CAdES: unsupported signing key type ${keyType}`);
  const { issuer, serial } = certificateIssuerAndSerial(certificate);
  const sha256Alg = tlv(0x30, oid(OID.sha256)); // parameters absent (RFC 5754 §2)
  const signatureAlg = keyType === 'ec' ? tlv(0x30, oid(OID.ecdsaWithSha256)) : tlv(0x30, oid(OID.sha256WithRsa), NULL);

  // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 ::= SEQUENCE {
  // hashAlgorithm DEFAULT sha256 (omitted), certHash, issuerSerial { GeneralNames { [4] Name }, serial } }
  const issuerSerial = tlv(0x30, tlv(0x30, tlv(0xa4, issuer)), serial);
  const essCertIdV2 = tlv(0x30, tlv(0x04, createHash('sha256').update(certificate).digest()), issuerSerial);
  const attribute = (type: string, value: Buffer) => tlv(0x30, oid(type), tlv(0x31, value));
  const attrs = (digest: Buffer) => [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, tlv(0x04, digest)),
    attribute(OID.signingCertificateV2, tlv(0x30, tlv(0x30, essCertIdV2))),
  ];

  // DER SET OF sorts its elements by their encodings (X.690 §11.6). The three attributes differ in
  // their length or type octets before the digest is reached, so one order holds for every digest:
  // computed once, and checked here with the smallest and the largest digest.
  const order = (digest: Buffer): number[] =>
    attrs(digest)
      .map((a, i) => ({ a, i }))
      .sort((x, y) => Buffer.compare(x.a, y.a))
      .map((x) => x.i);
  const low = order(Buffer.alloc(DIGEST_LENGTH, 0x00));
  if (low.join() !== order(Buffer.alloc(DIGEST_LENGTH, 0xff)).join())
    throw new Error('CAdES: signed attribute order depends on the digest');
  const sorted = low.map((i) => attrs(Buffer.alloc(DIGEST_LENGTH))[i]!);
  const signedAttrs = tlv(0x31, ...sorted);
  const mdIndex = low.indexOf(1);
  // The digest is the last content of its attribute: the set's header, the attributes before it, then its own bytes up to the last 32.
  const digestAt =
    signedAttrs.length -
    sorted.slice(mdIndex).reduce((n, a) => n + a.length, 0) +
    sorted[mdIndex]!.length -
    DIGEST_LENGTH;

  const probe = Buffer.alloc(DIGEST_LENGTH, 0xa5);
  const filled = Buffer.from(signedAttrs);
  probe.copy(filled, digestAt);
  if (!filled.equals(tlv(0x31, ...low.map((i) => attrs(probe)[i]!))))
    throw new Error('CAdES: digest offset in the template is wrong');

  const signerHead = Buffer.concat([INTEGER_1, tlv(0x30, issuer, serial), sha256Alg]);
  const signedDataHead = Buffer.concat([
    INTEGER_1,
    tlv(0x31, sha256Alg),
    tlv(0x30, oid(OID.data)),
    tlv(0xa0, certificate, ...chain),
  ]);
  const signedDataOid = oid(OID.signedData);
  const timeStampOid = oid(OID.signatureTimeStampToken);

  const assemble = (signedAttributes: Buffer, signature: Buffer, timestampToken: Buffer | null): Buffer => {
    if (signedAttributes.length !== signedAttrs.length || signedAttributes[0] !== 0x31)
      throw new RangeError('CAdES: these are not this template’s signed attributes');
    // In the SignerInfo the same attributes carry the IMPLICIT [0] tag (the signature covers them as SET OF).
    const implicit = Buffer.from(signedAttributes);
    implicit[0] = 0xa0;
    const unsigned = timestampToken ? [tlv(0xa1, tlv(0x30, timeStampOid, tlv(0x31, timestampToken)))] : [];
    const signerInfo = tlv(0x30, signerHead, implicit, signatureAlg, tlv(0x04, signature), ...unsigned);
    return tlv(0x30, signedDataOid, tlv(0xa0, tlv(0x30, signedDataHead, tlv(0x31, signerInfo))));
  };

  return {
    signedAttributes(digest) {
      if (digest.length !== DIGEST_LENGTH) throw new RangeError('CAdES: message digest must be SHA-256 (32 bytes)');
      const out = Buffer.from(signedAttrs);
      digest.copy(out, digestAt);
      return out;
    },
    assemble,
    encodedLength(signatureLength, tokenLength) {
      return assemble(signedAttrs, Buffer.alloc(signatureLength), tokenLength ? Buffer.alloc(tokenLength) : null)
        .length;
    },
  };
}
