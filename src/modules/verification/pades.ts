// PAdES signatures (ETSI EN 319 142-1, baseline B-B, B-T with a time-stamp): a signature field
// whose /Contents holds a detached CMS SignedData (RFC 5652) over the PDF's /ByteRange,
// SubFilter ETSI.CAdES.detached. The PDF writer reserves the field while it writes the document
// (documents/pdf/pdf-signature.ts); the signer here hashes the two ranges and fills /Contents.
// Signed attributes: content-type, message-digest and ESS signing-certificate-v2 (RFC 5035),
// which binds the signer certificate into the signature. The claimed signing time is the
// dictionary's /M entry: EN 319 142-1 §5.4.3 forbids the CMS signing-time attribute in PAdES.
// With a TSA, the signature value is time-stamped (RFC 3161) as the unsigned attribute
// id-aa-signatureTimeStampToken (PAdES B-T).
//
// Cost: per identity, the key is parsed and the CMS template built once (cades-template.ts);
// per document, one SHA-256 over the file, one signature, and a few small buffer copies.
import { createHash, createPrivateKey, sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';
import {
  fillContents,
  type PdfSigner,
  type PreparedSignature,
  type SignatureField,
  type SignedPdf,
} from '../documents/pdf/pdf-signature.ts';
import { buildCadesTemplate, type CadesTemplate } from './cades-template.ts';
import { pemToDer } from './der.ts';
import type { SigningIdentity } from './signing-identity.service.ts';

export type PadesIdentity = Pick<SigningIdentity, 'certificatePem' | 'privateKeyPem' | 'chainPem'>;

export interface PadesOptions {
  signingTime: Date;
  /** /Name of the signature dictionary; defaults to the certificate's common name. */
  signerName?: string;
  reason?: string;
  location?: string;
  /** Returns an RFC 3161 TimeStampToken (DER) over SHA-256 of the given signature value, or null to skip B-T. */
  timestamp?: (signatureValue: Buffer) => Promise<Buffer | null>;
  /** Told when a token is left out because it does not fit the room reserved for it. */
  warn?: (msg: string) => void;
}

/** Room reserved for a time-stamp token, which embeds the TSA's certificates (a few KB). */
export const TIMESTAMP_ROOM = 12_288;

interface OpenedIdentity {
  privateKeyPem: string;
  chain: string;
  key: KeyObject;
  template: CadesTemplate;
  commonName: string;
  /** Encoded CMS length with the longest signature the key can produce, without a token. */
  cmsLength: number;
}

/** The longest signature value: RSA = modulus size; ECDSA = DER SEQUENCE of two INTEGERs of the order's size (+ sign octet). */
function maxSignatureLength(key: KeyObject): number {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return Math.ceil((details.modulusLength ?? 16_384) / 8);
  const orderBytes =
    ({ prime256v1: 32, secp256k1: 32, secp384r1: 48, secp521r1: 66 } as Record<string, number>)[
      details.namedCurve ?? ''
    ] ?? 66;
  return 3 + 2 * (2 + orderBytes + 1);
}

function open(identity: PadesIdentity): OpenedIdentity {
  const key = createPrivateKey(identity.privateKeyPem);
  const cert = new X509Certificate(identity.certificatePem);
  if (!cert.checkPrivateKey(key)) throw new Error('PAdES: the certificate does not match the private key');
  const template = buildCadesTemplate(cert.raw, identity.chainPem.map(pemToDer), key.asymmetricKeyType ?? '');
  return {
    privateKeyPem: identity.privateKeyPem,
    chain: identity.chainPem.join(''),
    key,
    template,
    commonName: /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? 'Sealbill',
    cmsLength: template.encodedLength(maxSignatureLength(key), 0),
  };
}

/**
 * PAdES signers over a small cache of opened identities (parsed key, certificate facts, CMS
 * template), keyed by certificate and used only when the key and chain are the same too, so a
 * replaced identity is never signed with stale material. Bounded (least recently used goes).
 */
export function createPadesSigning(opts: { maxIdentities?: number } = {}) {
  const max = opts.maxIdentities ?? 64;
  const cache = new Map<string, OpenedIdentity>();

  function opened(identity: PadesIdentity): OpenedIdentity {
    const hit = cache.get(identity.certificatePem);
    cache.delete(identity.certificatePem);
    const entry =
      hit && hit.privateKeyPem === identity.privateKeyPem && hit.chain === identity.chainPem.join('')
        ? hit
        : open(identity);
    cache.set(identity.certificatePem, entry);
    if (cache.size > max) cache.delete(cache.keys().next().value!);
    return entry;
  }

  return {
    /** A signer for one document: its field goes to the writer, then sign() fills it. */
    signer(identity: PadesIdentity, o: PadesOptions): PdfSigner {
      const id = opened(identity);
      const field: SignatureField = {
        signerName: o.signerName ?? id.commonName,
        reason: o.reason ?? 'Issued with Sealbill',
        location: o.location,
        signingTime: o.signingTime,
        contentsBytes: id.cmsLength + (o.timestamp ? TIMESTAMP_ROOM : 0),
      };
      return {
        field,
        async sign(prepared: PreparedSignature): Promise<SignedPdf> {
          const [, b, c, d] = prepared.byteRange;
          const digest = createHash('sha256')
            .update(prepared.pdf.subarray(0, b))
            .update(prepared.pdf.subarray(c, c + d))
            .digest();
          const attrs = id.template.signedAttributes(digest);
          const signature = cryptoSign('sha256', attrs, id.key); // ECDSA: DER Ecdsa-Sig-Value, as CMS wants
          let token = o.timestamp ? await o.timestamp(signature) : null;
          let cms = id.template.assemble(attrs, signature, token);
          if (token && cms.length > field.contentsBytes) {
            o.warn?.(`time-stamp token left out: ${token.length} bytes do not fit the ${TIMESTAMP_ROOM} reserved`);
            token = null;
            cms = id.template.assemble(attrs, signature, null);
          }
          return { pdf: fillContents(prepared, cms), timestampToken: token };
        },
      };
    },
  };
}

export type PadesSigning = ReturnType<typeof createPadesSigning>;
