// The one RFC 3161 time-stamp client, used for audit checkpoints, document signatures (PAdES
// signature time-stamps) and delivery evidence. It sends a TimeStampReq for the SHA-256 of the data
// with a random nonce and asks for the TSA certificate (certReq), and accepts the answer only if it
// is granted, its TSTInfo carries our digest (SHA-256) and our nonce (so a replayed answer to an
// earlier request is refused), and its CMS signature verifies with the certificate the TSA returned.
// Trust in the TSA's certificate itself is the relying party's decision (the token embeds it).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sha256 } from './hash.ts';
import { pkiEngine } from './pki-engine.ts';
import { randomPositiveInteger } from './random.ts';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';

export interface TimestampAuthority {
  /** Returns a DER TimeStampToken (a CMS ContentInfo) over SHA-256(data). Throws TsaError on any failure. */
  timestamp(data: Buffer): Promise<Buffer>;
}

export class TsaError extends Error {
  override name = 'TsaError';
}

export function buildTimestampRequest(digest: Buffer, nonce: Buffer): Buffer {
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(digest) }),
    }),
    nonce: new asn1js.Integer({ valueHex: new Uint8Array(nonce) }),
    certReq: true,
  });
  return Buffer.from(req.toSchema().toBER(false));
}

/**
 * Checks a TimeStampResp against the request (status, SHA-256 imprint, nonce) and returns the token
 * (DER) and the TSA's time. The token's signature is checked by the client (verifyTokenSignature).
 */
export function acceptTimestampResponse(der: Buffer, digest: Buffer, nonce: Buffer): { token: Buffer; genTime: Date } {
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(new Uint8Array(der).buffer);
  } catch {
    throw new TsaError('time-stamp response is not DER TimeStampResp');
  }
  const status = resp.status.status;
  if ((status !== 0 && status !== 1) || !resp.timeStampToken)
    throw new TsaError(`time-stamp request refused (PKIStatus ${status})`);
  const info = readTstInfo(resp.timeStampToken);
  const imprint = Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (info.messageImprint.hashAlgorithm.algorithmId !== SHA256_OID || !imprint.equals(digest))
    throw new TsaError('time-stamp token covers another digest');
  const got = info.nonce ? Buffer.from(info.nonce.valueBlock.valueHexView) : null;
  if (!got || BigInt(`0x${got.toString('hex')}`) !== BigInt(`0x${nonce.toString('hex')}`))
    throw new TsaError('time-stamp nonce mismatch (replayed answer?)');
  return { token: Buffer.from(resp.timeStampToken.toSchema().toBER(false)), genTime: info.genTime };
}

/** Verifies a token's CMS signature over `data` with the certificate it carries. */
async function verifyTokenSignature(token: Buffer, data: Buffer): Promise<void> {
  const signed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(token).buffer).content });
  // For a TSTInfo, pkijs takes `data` as the time-stamped message and re-checks its imprint too.
  const ok = await signed
    .verify({ signer: 0, data: new Uint8Array(data).buffer, checkChain: false, extendedMode: false }, pkiEngine)
    .catch(() => false);
  if (!ok) throw new TsaError('time-stamp token signature does not verify');
}

export function createTsaClient(
  url: string,
  opts: { timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): TimestampAuthority {
  const fetchImpl = opts.fetchImpl ?? fetch;
  return {
    async timestamp(data: Buffer): Promise<Buffer> {
      const digest = sha256(data);
      const nonce = randomPositiveInteger(8); // a DER INTEGER: OpenSSL's TSA refuses a redundant leading zero
      let res: Response;
      try {
        res = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
          body: new Uint8Array(buildTimestampRequest(digest, nonce)), // a Uint8Array<ArrayBuffer>: a BodyInit in every lib
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new TsaError(`time-stamp authority unreachable: ${(err as Error).message}`);
      }
      if (!res.ok) throw new TsaError(`time-stamp authority answered HTTP ${res.status}`);
      const { token } = acceptTimestampResponse(Buffer.from(await res.arrayBuffer()), digest, nonce);
      await verifyTokenSignature(token, data);
      return token;
    },
  };
}

/** The DER TSTInfo carried as eContent of a TimeStampToken (ContentInfo → SignedData). */
function tstInfoBytes(signed: pkijs.SignedData): Buffer {
  const octets = signed.encapContentInfo.eContent;
  if (signed.encapContentInfo.eContentType !== TST_INFO_OID || !octets)
    throw new TsaError('time-stamp token holds no TSTInfo');
  // The eContent may be a constructed OCTET STRING (BER); join its pieces.
  return octets.idBlock.isConstructed
    ? Buffer.concat(octets.valueBlock.value.map((v) => Buffer.from((v as asn1js.OctetString).valueBlock.valueHexView)))
    : Buffer.from(octets.valueBlock.valueHexView);
}

export function readTstInfo(token: pkijs.ContentInfo): pkijs.TSTInfo {
  return pkijs.TSTInfo.fromBER(new Uint8Array(tstInfoBytes(new pkijs.SignedData({ schema: token.content }))).buffer);
}

/** Genesis time of a stored token (DER ContentInfo), for display. */
export function timestampTime(tokenDer: Buffer): Date {
  return readTstInfo(pkijs.ContentInfo.fromBER(new Uint8Array(tokenDer).buffer)).genTime;
}
