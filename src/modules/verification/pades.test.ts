// PAdES signing through the writer-reserved field, checked with independent tools: poppler's
// pdfsig validates the signature over the whole file, qpdf finds nothing to warn about, and a
// one-byte edit anywhere in the signed ranges breaks it. The per-identity cache never signs with
// material of another identity, and a time-stamp token too large for its room is left out.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it } from 'vitest';
import { itNeeds } from '../../../test/helpers/tools.ts';
import { sampleDocumentView } from '../documents/pdf/pdf-sample.ts';
import { renderDocumentPdf, signPdf } from '../documents/pdf/render-document-pdf.ts';
import { readElement, tlv } from './der.ts';
import { createPadesSigning, TIMESTAMP_ROOM } from './pades.ts';
import { generateSelfSigned } from './pki.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-pades-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tool = (cmd: string, pdf: Buffer, name: string, args: string[] = []) => {
  const file = path.join(dir, name);
  writeFileSync(file, pdf);
  const r = spawnSync(cmd, [...args, file], { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};
const now = new Date('2026-02-01T12:00:00Z');
const identityOf = (orgName: string) =>
  generateSelfSigned({ orgName, emails: ['billing@pades.test'], now, validYears: 5 });

/** The CMS in /Contents, cut at its DER length. */
function cmsOf(pdf: Buffer): pkijs.SignedData {
  const [, b, c] = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/
    .exec(pdf.toString('latin1'))!
    .slice(1)
    .map(Number) as number[];
  const padded = Buffer.from(pdf.toString('latin1', b! + 1, c! - 1), 'hex');
  const der = padded.subarray(0, readElement(padded, 0).end);
  return new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(der).buffer).content });
}

describe('PAdES signing of rendered documents', () => {
  itNeeds(
    ['pdfsig', 'qpdf'],
    'signs the whole file; pdfsig valid, qpdf clean, any one-byte edit breaks it',
    async () => {
      const pades = createPadesSigning();
      const pdf = await renderDocumentPdf(sampleDocumentView({ seed: 3 }), {
        creationDate: now,
        signer: pades.signer(await identityOf('Pades AG'), { signingTime: now }),
      });
      const sig = tool('pdfsig', pdf, 'signed.pdf');
      expect(sig.out).toContain('Signature is Valid.');
      expect(sig.out).toContain('Total document signed');
      expect(sig.out).toContain('ETSI.CAdES.detached');
      expect(sig.out).toContain('Pades AG document signing');
      const check = tool('qpdf', pdf, 'signed.pdf', ['--check']);
      expect(check.code, check.out).toBe(0);
      expect(check.out).not.toMatch(/WARNING/i);

      const [, b, c] = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/
        .exec(pdf.toString('latin1'))!
        .slice(1)
        .map(Number) as number[];
      for (const at of [9, Math.floor(b! / 2), b! - 1, c!, pdf.length - 3]) {
        const tampered = Buffer.from(pdf);
        tampered[at] = tampered[at]! ^ 0x01;
        expect(tool('pdfsig', tampered, `tampered-${at}.pdf`).out, `byte ${at}`).not.toContain('Signature is Valid.');
      }
    },
  );

  itNeeds(
    ['pdfsig'],
    'signs with the identity it is given, also when identities alternate (the cache never mixes them)',
    async () => {
      const pades = createPadesSigning({ maxIdentities: 1 });
      const [a, b] = [await identityOf('Alpha AG'), await identityOf('Beta AG')];
      for (const [i, id, name] of [
        [0, a, 'Alpha'],
        [1, b, 'Beta'],
        [2, a, 'Alpha'],
        [3, a, 'Alpha'],
      ] as const) {
        const pdf = await renderDocumentPdf(sampleDocumentView({ seed: i }), {
          creationDate: now,
          signer: pades.signer(id, { signingTime: now }),
        });
        const out = tool('pdfsig', pdf, `alt-${i}.pdf`).out;
        expect(out).toContain('Signature is Valid.');
        expect(out).toContain(`${name} AG document signing`);
      }
      // Same certificate, other key: refused, although the certificate's entry was cached.
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString();
      expect(() => pades.signer({ ...a, privateKeyPem: other }, { signingTime: now })).toThrow(/does not match/);
    },
  );

  it('puts a time-stamp token into the unsigned attributes, and leaves out one too large for its room', async () => {
    const pades = createPadesSigning();
    const identity = await identityOf('Stamp AG');
    const fake = (n: number) => tlv(0x30, tlv(0x04, Buffer.alloc(n, 0x05))); // a DER SEQUENCE standing in for a token
    const warnings: string[] = [];
    const small = pades.signer(identity, {
      signingTime: now,
      timestamp: async () => fake(300),
      warn: (m) => warnings.push(m),
    });
    const { pdf: stamped, timestampToken: smallToken } = await signPdf(sampleDocumentView(), {
      creationDate: now,
      signer: small,
    });
    expect(smallToken?.equals(fake(300))).toBe(true);
    const attrs = cmsOf(stamped).signerInfos[0]!.unsignedAttrs!.attributes;
    expect(attrs.map((x) => x.type)).toEqual(['1.2.840.113549.1.9.16.2.14']);

    const big = pades.signer(identity, {
      signingTime: now,
      timestamp: async () => fake(TIMESTAMP_ROOM + 1),
      warn: (m) => warnings.push(m),
    });
    const { pdf: unstamped, timestampToken: bigToken } = await signPdf(sampleDocumentView(), {
      creationDate: now,
      signer: big,
    });
    expect(bigToken).toBeNull();
    expect(cmsOf(unstamped).signerInfos[0]!.unsignedAttrs).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/time-stamp token left out/)]);

    const none = pades.signer(identity, { signingTime: now, timestamp: async () => null });
    expect((await signPdf(sampleDocumentView(), { creationDate: now, signer: none })).timestampToken).toBeNull();
  });
});
