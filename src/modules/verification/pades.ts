// PAdES signatures (ETSI EN 319 142-1, baseline B-B, B-T with a time-stamp): an incremental
// update adds a signature field whose /Contents holds a detached CMS SignedData (RFC 5652) over
// the PDF's /ByteRange, SubFilter ETSI.CAdES.detached.
// Signed attributes: content-type, message-digest and ESS signing-certificate-v2 (RFC 5035),
// which binds the signer certificate into the signature. The claimed signing time is the
// dictionary's /M entry: EN 319 142-1 §5.4.3 forbids the CMS signing-time attribute in PAdES.
// With a TSA, the signature value is time-stamped (RFC 3161) as the unsigned attribute
// id-aa-signatureTimeStampToken (PAdES B-T).
import { createHash, createPrivateKey, sign as cryptoSign, X509Certificate } from 'node:crypto';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf, Signer } from '@signpdf/signpdf';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pemToDer } from './pki.ts';
import type { SigningIdentity } from './signing-identity.service.ts';

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

const parseCert = (pem: string): pkijs.Certificate => pkijs.Certificate.fromBER(new Uint8Array(pemToDer(pem)).buffer);
const sha256 = (b: Buffer | Uint8Array): Buffer => createHash('sha256').update(b).digest();

function attribute(type: string, value: asn1js.BaseBlock): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 } with hashAlgorithm = sha256 (the DEFAULT, so omitted) and issuerSerial. */
function signingCertificateV2(cert: pkijs.Certificate, der: Buffer): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }),
      new asn1js.Integer({ valueHex: cert.serialNumber.valueBlock.valueHexView }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: sha256(der) }), issuerSerial] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/** DER SET OF requires its elements in ascending order of their encodings (X.690 §11.6). */
function derSorted(attrs: pkijs.Attribute[]): pkijs.Attribute[] {
  const enc = (a: pkijs.Attribute) => Buffer.from(a.toSchema().toBER(false));
  return [...attrs].sort((a, b) => Buffer.compare(enc(a), enc(b)));
}

export interface CmsOptions {
  identity: Pick<SigningIdentity, 'certificatePem' | 'privateKeyPem' | 'chainPem'>;
  /** Returns an RFC 3161 TimeStampToken (DER) over SHA-256 of the given signature value, or null to skip B-T. */
  timestamp?: (signatureValue: Buffer) => Promise<Buffer | null>;
}

/** A detached CMS SignedData over `content` (the PDF bytes outside /Contents). */
export async function buildCadesDetached(content: Buffer, opts: CmsOptions): Promise<Buffer> {
  const leafDer = pemToDer(opts.identity.certificatePem);
  const leaf = parseCert(opts.identity.certificatePem);
  const key = createPrivateKey(opts.identity.privateKeyPem);
  const isEc = key.asymmetricKeyType === 'ec';
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: derSorted([
      attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
      attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: sha256(content) })),
      attribute(OID.signingCertificateV2, signingCertificateV2(leaf, leafDer)),
    ]),
  });
  // The signature covers the DER of the attributes with an explicit SET OF tag (RFC 5652 §5.4).
  const toSign = Buffer.from(signedAttrs.toSchema().toBER(false));
  toSign[0] = 0x31;
  const signature = cryptoSign('sha256', toSign, key); // ECDSA: DER Ecdsa-Sig-Value, as CMS wants
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
  const token = opts.timestamp ? await opts.timestamp(signature) : null;
  if (token) {
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [attribute(OID.signatureTimeStampToken, asn1js.fromBER(new Uint8Array(token).buffer).result)],
    });
  }
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: [leaf, ...opts.identity.chainPem.map(parseCert)],
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return Buffer.from(contentInfo.toSchema().toBER(false));
}

class CadesSigner extends Signer {
  private readonly opts: CmsOptions;
  constructor(opts: CmsOptions) {
    super();
    this.opts = opts;
  }
  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return buildCadesDetached(pdfBuffer, this.opts);
  }
}

export interface PadesOptions extends CmsOptions {
  signingTime: Date;
  signerName: string;
  reason?: string;
  location?: string;
}

/** Adds an invisible PAdES signature to a PDF with a classic xref table (our renderer's output). */
export async function signPdfPades(pdf: Buffer, opts: PadesOptions): Promise<Buffer> {
  const chainBytes = opts.identity.chainPem.reduce((n, p) => n + pemToDer(p).length, 0);
  // Room for the CMS: certificates, signature, and a time-stamp token (which embeds the TSA's certificates).
  const signatureLength = 4096 + pemToDer(opts.identity.certificatePem).length + chainBytes + (opts.timestamp ? 8192 : 0);
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: opts.reason ?? 'Issued with Sealbill',
    contactInfo: '',
    name: opts.signerName,
    location: opts.location ?? '',
    signingTime: opts.signingTime,
    signatureLength,
    subFilter: 'ETSI.CAdES.detached',
    appName: 'Sealbill',
  });
  return new SignPdf().sign(withPlaceholder, new CadesSigner(opts));
}

/** The SHA-256 fingerprint (hex) of a PEM certificate. */
export const certificateSha256 = (pem: string): string => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
