// OpenPGP Web Key Directory lookup (draft-koch-openpgp-webkey-service §3.1): the key for
// local@domain is at https://openpgpkey.<domain>/.well-known/openpgpkey/<domain>/hu/<zbase32(sha1(
// lowercase local))>?l=<local> (advanced method), else https://<domain>/.well-known/openpgpkey/hu/…
// (direct method). The domain comes from a client's email, i.e. from outside, so the fetch is
// guarded against SSRF: HTTPS only with certificate verification, the address actually connected
// to is checked (no loopback, private, link-local or unique-local ranges, nor an IPv6 form that
// embeds such an IPv4 address; this also defeats DNS rebinding), no redirects, a short timeout
// and a size cap.
import { digest } from '../../platform/crypto/hash.ts';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

export function zbase32(bytes: Buffer): string {
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += ZBASE32[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
}

export function wkdUrls(email: string): string[] {
  const at = email.lastIndexOf('@');
  if (at < 1) return [];
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(domain) || domain.startsWith('.') || !domain.includes('.')) return [];
  const hu = zbase32(digest('sha1', local.toLowerCase()));
  const l = encodeURIComponent(local);
  return [
    `https://openpgpkey.${domain}/.well-known/openpgpkey/${domain}/hu/${hu}?l=${l}`,
    `https://${domain}/.well-known/openpgpkey/hu/${hu}?l=${l}`,
  ];
}

// Special-purpose ranges (IANA IPv4/IPv6 Special-Purpose Address Registries) that are not the
// public Internet: nothing a client's email domain should make this server connect to.
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible ::a.b.c.d
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215): translates to whatever the operator chose
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo (RFC 4380): tunnels to an IPv4 address
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The 16 bytes of a valid IPv6 address (dotted IPv4 tail allowed, no zone). */
function ipv6Bytes(ip: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const text = dotted
    ? `${ip.slice(0, dotted.index)}${((+dotted[1]! << 8) | +dotted[2]!).toString(16)}:${((+dotted[3]! << 8) | +dotted[4]!).toString(16)}`
    : ip;
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/**
 * The IPv4 address an IPv6 address reaches, for the forms that embed one: IPv4-mapped
 * (::ffff:0:0/96), IPv4-translated (::ffff:0:0:0/96, RFC 2765), NAT64's well-known prefix
 * (64:ff9b::/96, RFC 6052) and 6to4 (2002::/16, RFC 3056). Null for any other address.
 */
export function embeddedIPv4(ip: string): string | null {
  const b = ipv6Bytes(ip);
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (at: number) => b.slice(at, at + 4).join('.');
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12);
  if (zero(0, 8) && b[8] === 0xff && b[9] === 0xff && zero(10, 12)) return v4(12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return v4(12);
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2);
  return null;
}

export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return !blocked.check(ip, 'ipv4');
  // Not an address, or an IPv6 address with a zone (only meaningful on a local link).
  if (family !== 6 || ip.includes('%')) return false;
  // An address that embeds an IPv4 address is judged by it too (NAT64 or 6to4 of 127.0.0.1 is loopback).
  const v4 = embeddedIPv4(ip);
  if (v4 !== null && !isPublicAddress(v4)) return false;
  return !blocked.check(ip, 'ipv6');
}

export interface WkdLookup {
  /** The binary OpenPGP key published for this email, or null when there is none. */
  lookup(email: string): Promise<Uint8Array | null>;
}

export interface WkdOptions {
  timeoutMs?: number;
  maxBytes?: number;
  /** Tests only: resolve names differently and allow private addresses, trust a test CA, use a port. */
  resolve?: LookupFunction;
  allowPrivateAddresses?: boolean;
  ca?: string;
  port?: number;
}

export function createWkdLookup(opts: WkdOptions = {}): WkdLookup {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const maxBytes = opts.maxBytes ?? 64 * 1024;
  const resolve: LookupFunction = opts.resolve ?? (dnsLookup as unknown as LookupFunction);

  // Every connection goes through this lookup, so the checked address is the one connected to.
  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    resolve(
      hostname,
      { ...options, all: false },
      (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
        const ip = Array.isArray(address) ? address[0]?.address : address;
        if (err || !ip) return callback(err ?? new Error('no address'), '', 4);
        if (!opts.allowPrivateAddresses && !isPublicAddress(ip))
          return callback(new Error(`refusing to fetch from non-public address ${ip}`), '', 4);
        if ((options as { all?: boolean }).all)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [
            { address: ip, family: family ?? isIP(ip) },
          ]);
        callback(null, ip, family ?? isIP(ip));
      },
    );
  };

  function fetchOnce(url: string): Promise<Uint8Array | null> {
    return new Promise((resolvePromise) => {
      const u = new URL(url);
      // agent: false: a fresh connection each time, so no pooled socket ever skips the guarded lookup.
      const req = request(
        {
          host: u.hostname,
          servername: u.hostname,
          port: opts.port ?? 443,
          path: `${u.pathname}${u.search}`,
          method: 'GET',
          agent: false,
          lookup: guardedLookup,
          timeout: timeoutMs,
          minVersion: 'TLSv1.2',
          ...(opts.ca ? { ca: opts.ca } : {}),
          headers: { accept: 'application/octet-stream' },
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return resolvePromise(null);
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) {
              req.destroy();
              resolvePromise(null);
            } else chunks.push(c);
          });
          res.on('end', () =>
            resolvePromise(size > 0 && size <= maxBytes ? new Uint8Array(Buffer.concat(chunks)) : null),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolvePromise(null));
      req.end();
    });
  }

  return {
    async lookup(email) {
      for (const url of wkdUrls(email)) {
        const key = await fetchOnce(url);
        if (key) return key;
      }
      return null;
    },
  };
}
