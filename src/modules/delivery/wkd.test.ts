// WKD lookup against a real HTTPS server on loopback (test CA trusted, name resolved to 127.0.0.1
// by an injected resolver), and the SSRF guard: without the test override, a name that resolves to
// a private or loopback address is refused before any request is made.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWkdLookup, isPublicAddress, wkdUrls, zbase32 } from './wkd.ts';
import { describeNeeds } from '../../../test/helpers/tools.ts';

const toLoopback: LookupFunction = (_host, _opts, cb) =>
  (cb as (e: null, a: string, f: number) => void)(null, '127.0.0.1', 4);

describe('WKD', () => {
  it('computes the draft example URL (Joe.Doe@Example.ORG)', () => {
    expect(wkdUrls('Joe.Doe@Example.ORG')[1]).toBe(
      'https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
    );
    expect(wkdUrls('Joe.Doe@Example.ORG')[0]).toBe(
      'https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
    );
    expect(zbase32(Buffer.alloc(0))).toBe('');
    expect(wkdUrls('no-at-sign')).toEqual([]);
    expect(wkdUrls('x@localhost')).toEqual([]);
  });

  it('classifies addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.1.1',
      '169.254.169.254',
      '172.16.0.1',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPublicAddress(ip), ip).toBe(false);
    for (const ip of ['8.8.8.8', '2a00:1450:4001::1']) expect(isPublicAddress(ip), ip).toBe(true);
  });

  // Attack: a WKD host whose AAAA record embeds a loopback or private IPv4 address in one of the
  // IPv6 forms that reach it (NAT64, IPv4-mapped/translated/compatible, 6to4, Teredo). The
  // embedded IPv4 address is decoded and judged like a plain one.
  const NOT_PUBLIC: [string, string][] = [
    ['64:ff9b::7f00:1', 'NAT64 (RFC 6052) of 127.0.0.1'],
    ['64:ff9b::127.0.0.1', 'NAT64, dotted'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['64:ff9b::c0a8:101', 'NAT64 of 192.168.1.1'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of 169.254.169.254 (cloud metadata)'],
    ['64:ff9b:0:0:0:0:7f00:1', 'NAT64, uncompressed'],
    ['64:ff9b:1::a00:1', 'local-use NAT64 prefix (RFC 8215)'],
    ['::ffff:7f00:1', 'IPv4-mapped, hex'],
    ['::ffff:10.0.0.1', 'IPv4-mapped 10/8'],
    ['0:0:0:0:0:ffff:7f00:0001', 'IPv4-mapped, uncompressed'],
    ['::ffff:0:7f00:1', 'IPv4-translated (::ffff:0:0/96) of 127.0.0.1'],
    ['::ffff:0:127.0.0.1', 'IPv4-translated, dotted'],
    ['::ffff:0:c0a8:101', 'IPv4-translated of 192.168.1.1'],
    ['::127.0.0.1', 'IPv4-compatible (deprecated)'],
    ['::7f00:1', 'IPv4-compatible, hex'],
    ['2002:7f00:1::', '6to4 (RFC 3056) of 127.0.0.1'],
    ['2002:7f00:0001::1', '6to4 of 127.0.0.1 with a host part'],
    ['2002:a00:1::', '6to4 of 10.0.0.1'],
    ['2002:c0a8:101::1', '6to4 of 192.168.1.1'],
    ['2002:a9fe:a9fe::', '6to4 of 169.254.169.254'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo (RFC 4380)'],
    ['::', 'unspecified'],
    ['fe80::1%eth0', 'link-local with a zone'],
    ['fec0::1', 'site-local (deprecated)'],
    ['100::1', 'discard-only (RFC 6666)'],
    ['2001:db8::1', 'documentation'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'this network'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.1', 'documentation'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['255.255.255.255', 'broadcast'],
    ['not-an-ip', 'not an address'],
    ['', 'empty'],
  ];
  const PUBLIC: [string, string][] = [
    ['8.8.8.8', 'public IPv4'],
    ['1.1.1.1', 'public IPv4'],
    ['2a00:1450:4001::1', 'public IPv6'],
    ['2606:4700::1111', 'public IPv6'],
    ['64:ff9b::808:808', 'NAT64 of a public address'],
    ['2002:808:808::1', '6to4 of a public address'],
    ['::ffff:8.8.8.8', 'IPv4-mapped public address'],
  ];
  it.each(NOT_PUBLIC)('refuses %s (%s)', (ip) => expect(isPublicAddress(ip)).toBe(false));
  it.each(PUBLIC)('allows %s (%s)', (ip) => expect(isPublicAddress(ip)).toBe(true));

  describeNeeds(['openssl'], 'over HTTPS', () => {
    let server: Server;
    let port: number;
    let ca: string;
    let binaryKey: Uint8Array;
    const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-wkd-'));
    const requested: string[] = [];

    beforeAll(async () => {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          path.join(dir, 'k.pem'),
          '-out',
          path.join(dir, 'c.pem'),
          '-days',
          '2',
          '-subj',
          '/CN=openpgpkey.example.test',
          '-addext',
          'subjectAltName=DNS:openpgpkey.example.test,DNS:example.test',
        ],
        { stdio: 'ignore' },
      );
      ca = readFileSync(path.join(dir, 'c.pem'), 'utf8');
      const key = await openpgp.generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ email: 'alice@example.test' }],
        format: 'object',
      });
      binaryKey = key.publicKey.write();
      server = createServer({ key: readFileSync(path.join(dir, 'k.pem')), cert: ca }, (req, res) => {
        requested.push(`${req.headers.host}${req.url}`);
        if (req.url?.startsWith('/.well-known/openpgpkey/example.test/hu/')) res.end(Buffer.from(binaryKey));
        else res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('finds a published key with the advanced method', async () => {
      const wkd = createWkdLookup({ resolve: toLoopback, allowPrivateAddresses: true, ca, port });
      const found = await wkd.lookup('Alice@example.test');
      expect(Buffer.from(found!).equals(Buffer.from(binaryKey))).toBe(true);
      expect(requested[0]).toMatch(
        /^openpgpkey\.example\.test:\d+\/\.well-known\/openpgpkey\/example\.test\/hu\/[a-z0-9]{32}\?l=Alice$/,
      );
      expect(await wkd.lookup('bob@other.test')).toBeNull();
    });

    it('refuses to connect to a private address (SSRF guard)', async () => {
      const before = requested.length;
      const wkd = createWkdLookup({ resolve: toLoopback, ca, port });
      expect(await wkd.lookup('alice@example.test')).toBeNull();
      expect(requested.length).toBe(before);
    });
  });
});
