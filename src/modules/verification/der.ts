// The few DER (ITU-T X.690) encodings the CAdES template needs, written out so the per-document
// path is plain byte concatenation: definite lengths, TLVs, OBJECT IDENTIFIERs, and a reader that
// walks a certificate far enough to copy its issuer and serial number byte for byte.

/** The DER bytes of a PEM block (RFC 7468): the base64 between the BEGIN and END lines. */
export const pemToDer = (pem: string): Buffer =>
  Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');

/** DER length octets (X.690 §8.1.3, §10.1): short form below 128, else 0x80|n and n big-endian bytes, minimal. */
export function derLength(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`DER length out of range: ${n}`);
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV with a single-octet tag (every tag CMS and X.509 use here) over the concatenated contents. */
export function tlv(tag: number, ...contents: Buffer[]): Buffer {
  let len = 0;
  for (const c of contents) len += c.length;
  const length = derLength(len);
  return Buffer.concat([Buffer.from([tag]), length, ...contents], 1 + length.length + len);
}

/** An OBJECT IDENTIFIER TLV (X.690 §8.19): first two arcs as 40·a+b, then base-128 with continuation bits. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new RangeError(`bad OID ${dotted}`);
    return BigInt(a);
  });
  if (arcs.length < 2 || arcs[0]! > 2n || (arcs[0]! < 2n && arcs[1]! > 39n)) throw new RangeError(`bad OID ${dotted}`);
  const out: number[] = [];
  for (const arc of [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)]) {
    const groups = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

export interface DerElement {
  tag: number;
  /** Offset of the tag octet. */
  start: number;
  /** Offset of the first content octet. */
  body: number;
  /** Offset just past the element. */
  end: number;
}

/** Reads the DER element at `at`, bounded by `limit`. Refuses indefinite, over-long or out-of-bounds lengths. */
export function readElement(buf: Buffer, at: number, limit = buf.length): DerElement {
  if (at + 2 > limit) throw new RangeError('DER: truncated element');
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) throw new RangeError('DER: multi-octet tags are not expected here');
  const first = buf[at + 1]!;
  let len = first;
  let body = at + 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new RangeError('DER: indefinite or over-long length');
    if (body + n > limit) throw new RangeError('DER: truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[body + i]!;
    body += n;
  }
  const end = body + len;
  if (end > limit) throw new RangeError('DER: element runs past its container');
  return { tag, start: at, body, end };
}

function expect(el: DerElement, tag: number, what: string): DerElement {
  if (el.tag !== tag) throw new RangeError(`DER: expected ${what}`);
  return el;
}

/**
 * The issuer Name and serialNumber INTEGER of an X.509 certificate (RFC 5280 §4.1), exactly as
 * encoded in it: a CMS IssuerAndSerialNumber must match the certificate's own bytes.
 */
export function certificateIssuerAndSerial(der: Buffer): { issuer: Buffer; serial: Buffer } {
  const cert = expect(readElement(der, 0), 0x30, 'Certificate SEQUENCE');
  const tbs = expect(readElement(der, cert.body, cert.end), 0x30, 'TBSCertificate SEQUENCE');
  let el = readElement(der, tbs.body, tbs.end);
  if (el.tag === 0xa0) el = readElement(der, el.end, tbs.end); // [0] EXPLICIT version
  const serial = expect(el, 0x02, 'serialNumber INTEGER');
  const signature = expect(readElement(der, serial.end, tbs.end), 0x30, 'signature AlgorithmIdentifier');
  const issuer = expect(readElement(der, signature.end, tbs.end), 0x30, 'issuer Name');
  return { issuer: der.subarray(issuer.start, issuer.end), serial: der.subarray(serial.start, serial.end) };
}
