// A self-signed TLS server certificate for trying HTTPS locally (`sealbill dev-cert`): ECDSA
// P-256 / SHA-256 from WebCrypto, assembled with pkijs (RFC 5280). Browsers will warn, as they
// should for a certificate nobody vouches for; production uses a real certificate or a proxy.
import { isIP } from 'node:net';
import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { randomPositiveInteger } from '../crypto/random.ts';

const engine = new pkijs.CryptoEngine({
  name: 'node',
  crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'],
});

const pem = (label: string, der: ArrayBuffer): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;

const ext = (extnID: string, critical: boolean, value: asn1js.BaseBlock): pkijs.Extension =>
  new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });

function ipBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return new Uint8Array(ip.split('.').map(Number));
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return new Uint8Array(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

export async function generateDevCertificate(opts: {
  hosts: string[];
  days: number;
  now?: Date;
}): Promise<{ certPem: string; keyPem: string }> {
  const now = opts.now ?? new Date();
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  // Positive and minimally encoded: `serial[0] & 0x7f` alone made one certificate in 256 that
  // OpenSSL refused ("illegal padding") when the first byte came out zero.
  cert.serialNumber = new asn1js.Integer({ valueHex: randomPositiveInteger(16) });
  const cn = new pkijs.AttributeTypeAndValue({
    type: '2.5.4.3',
    value: new asn1js.Utf8String({ value: `Sealbill development (${opts.hosts[0]})` }),
  });
  cert.issuer.typesAndValues.push(cn);
  cert.subject.typesAndValues.push(cn);
  cert.notBefore.value = new Date(now.getTime() - 60_000);
  cert.notAfter.value = new Date(now.getTime() + opts.days * 86_400_000);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey as never, engine);
  const altNames = new pkijs.GeneralNames({
    names: opts.hosts.map((h) =>
      isIP(h)
        ? new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ipBytes(h) }) })
        : new pkijs.GeneralName({ type: 2, value: h }),
    ),
  });
  cert.extensions = [
    ext('2.5.29.19', true, new pkijs.BasicConstraints({ cA: false }).toSchema()),
    ext('2.5.29.15', true, new asn1js.BitString({ valueHex: new Uint8Array([0x80]).buffer, unusedBits: 7 })), // digitalSignature
    ext('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.1'] }).toSchema()), // serverAuth
    ext('2.5.29.17', false, altNames.toSchema()),
  ];
  await cert.sign(keys.privateKey as never, 'SHA-256', engine);
  return {
    certPem: pem('CERTIFICATE', cert.toSchema(true).toBER(false)),
    keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
  };
}
