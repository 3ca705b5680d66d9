// RFC 3161 time-stamp client (the TSA adapter). Sends a TimeStampReq for a SHA-256 digest with a
// random nonce, and accepts the answer only if it is granted, its TSTInfo carries our digest and
// nonce, and its CMS signature verifies with the certificate the TSA returned (certReq = true).
// Trust in the TSA's certificate itself is the relying party's decision (the token embeds it).
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiEngine } from './pki.ts';

const SHA256 = '2.16.840.1.101.3.4.2.1';
const TST_INFO = '1.2.840.113549.1.9.16.1.4';

export interface TimestampAuthority {
  /** Returns a DER TimeStampToken (a CMS ContentInfo) over SHA-256(data). Throws TsaError on any failure. */
  timestamp(data: Buffer): Promise<Buffer>;
}

export class TsaError extends Error {
  override name = 'TsaError';
}

export function createTsaClient(url: string, opts: { timeoutMs?: number; fetchImpl?: typeof fetch } = {}): TimestampAuthority {
  const fetchImpl = opts.fetchImpl ?? fetch;
  return {
    async timestamp(data: Buffer): Promise<Buffer> {
      const sha256 = createHash('sha256').update(data).digest();
      // Positive, minimal DER INTEGER: top bit clear (no sign byte) and first byte non-zero (no
      // leading zero, which OpenSSL's TSA rejects as non-minimal about once in 256 requests).
      const nonce = randomBytes(8);
      nonce[0] = (nonce[0]! & 0x7f) | 0x40;
      const req = new pkijs.TimeStampReq({
        version: 1,
        messageImprint: new pkijs.MessageImprint({
          hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
          hashedMessage: new asn1js.OctetString({ valueHex: sha256 }),
        }),
        nonce: new asn1js.Integer({ valueHex: nonce }),
        certReq: true,
      });
      let res: Response;
      try {
        res = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
          body: Buffer.from(req.toSchema().toBER(false)),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new TsaError(`time-stamp authority unreachable: ${(err as Error).message}`);
      }
      if (!res.ok) throw new TsaError(`time-stamp authority answered HTTP ${res.status}`);
      const body = Buffer.from(await res.arrayBuffer());
      return checkResponse(body, data, sha256, nonce);
    },
  };
}

async function checkResponse(body: Buffer, data: Buffer, sha256: Buffer, nonce: Buffer): Promise<Buffer> {
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(new Uint8Array(body).buffer);
  } catch {
    throw new TsaError('time-stamp response is not DER TimeStampResp');
  }
  const status = resp.status.status;
  if ((status !== 0 && status !== 1) || !resp.timeStampToken) throw new TsaError(`time-stamp request refused (PKIStatus ${status})`);
  const info = readTstInfo(resp.timeStampToken);
  if (!Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView).equals(sha256)) throw new TsaError('time-stamp token covers another digest');
  const got = info.nonce ? Buffer.from(info.nonce.valueBlock.valueHexView) : null;
  if (!got || BigInt(`0x${got.toString('hex')}`) !== BigInt(`0x${nonce.toString('hex')}`)) throw new TsaError('time-stamp nonce mismatch (replayed answer?)');
  const signed = new pkijs.SignedData({ schema: resp.timeStampToken.content });
  // For a TSTInfo, pkijs takes `data` as the time-stamped message and re-checks its imprint too.
  const ok = await signed.verify({ signer: 0, data: new Uint8Array(data).buffer, checkChain: false, extendedMode: false }, pkiEngine).catch(() => false);
  if (!ok) throw new TsaError('time-stamp token signature does not verify');
  return Buffer.from(resp.timeStampToken.toSchema().toBER(false));
}

/** The DER TSTInfo carried as eContent of a TimeStampToken (ContentInfo → SignedData). */
function tstInfoBytes(signed: pkijs.SignedData): Buffer {
  const octets = signed.encapContentInfo.eContent;
  if (signed.encapContentInfo.eContentType !== TST_INFO || !octets) throw new TsaError('time-stamp token holds no TSTInfo');
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
