// RFC 3161 time-stamping of checkpoints by a configured timestamp authority: an independent
// party's signed statement that a checkpoint existed at a time, so even the instance operator
// cannot backdate a rewritten history. The request carries a random nonce and asks for the TSA
// certificate; the answer is checked for status, message imprint and nonce before it is kept.
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';

export interface TimestampAuthority {
  /** Returns the DER TimeStampToken (a CMS ContentInfo) over SHA-256(data). */
  timestamp(data: Buffer): Promise<Buffer>;
}

export class TimestampError extends Error {
  override name = 'TimestampError';
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

/** Checks a TimeStampResp against the request; returns the token (DER) and the TSA's time. */
export function acceptTimestampResponse(der: Buffer, digest: Buffer, nonce: Buffer): { token: Buffer; genTime: Date } {
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(new Uint8Array(der));
  } catch {
    throw new TimestampError('the timestamp authority answered something that is not a TimeStampResp');
  }
  const status = resp.status.status as number;
  if (status !== 0 && status !== 1) throw new TimestampError(`the timestamp authority refused (status ${status})`);
  if (!resp.timeStampToken) throw new TimestampError('the timestamp response has no token');
  const signed = new pkijs.SignedData({ schema: resp.timeStampToken.content });
  const econtent = signed.encapContentInfo.eContent;
  if (!econtent) throw new TimestampError('the timestamp token has no TSTInfo');
  const tst = pkijs.TSTInfo.fromBER(econtent.valueBlock.valueHexView);
  const imprint = Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (tst.messageImprint.hashAlgorithm.algorithmId !== SHA256_OID || !imprint.equals(digest)) throw new TimestampError('the timestamp covers different data');
  const gotNonce = tst.nonce ? Buffer.from(tst.nonce.valueBlock.valueHexView) : null;
  if (!gotNonce || BigInt(`0x${gotNonce.toString('hex')}`) !== BigInt(`0x${nonce.toString('hex')}`)) throw new TimestampError('the timestamp nonce does not match the request');
  return { token: Buffer.from(resp.timeStampToken.toSchema().toBER(false)), genTime: tst.genTime };
}

export function createHttpTsa(url: string, timeoutMs = 10_000): TimestampAuthority {
  return {
    async timestamp(data) {
      const digest = createHash('sha256').update(data).digest();
      // Positive, minimal DER INTEGER: top bit clear (no sign byte) and first byte non-zero (no
      // leading zero, which OpenSSL's TSA rejects as non-minimal about once in 256 requests).
      const nonce = randomBytes(8);
      nonce[0] = (nonce[0]! & 0x7f) | 0x40;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
        body: buildTimestampRequest(digest, nonce),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new TimestampError(`the timestamp authority answered HTTP ${res.status}`);
      return acceptTimestampResponse(Buffer.from(await res.arrayBuffer()), digest, nonce).token;
    },
  };
}
