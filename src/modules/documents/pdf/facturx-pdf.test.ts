// The Factur-X / ZUGFeRD hybrid (issue #12 item 2): a PDF/A-3b file carrying the CII XML as
// factur-x.xml, PAdES-signed in its one revision. veraPDF is not available offline, so this checks
// the PDF/A-3 requirements it can with independent tools: qpdf (structure, objects as JSON),
// pdfsig (signature), pdfdetach (the attachment, byte for byte), xmllint (the XMP packet), the
// official EN 16931 CII rules on the extracted XML, and byte stability.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarios } from '../../../../test/einvoice/scenarios.ts';
import {
  describeFailures,
  EINVOICE_NEEDS,
  fatalOnly,
  validateOfficially,
} from '../../../../test/helpers/einvoice-rules.ts';
import { describeNeeds, itNeeds } from '../../../../test/helpers/tools.ts';
import { generateEinvoiceUtf8 } from '../../einvoice/einvoice.generate.ts';
import { createPadesSigning } from '../../verification/pades.ts';
import { generateSelfSigned } from '../../verification/pki.ts';
import type { PdfSigner } from './pdf-signature.ts';
import { sampleDocumentView } from './pdf-sample.ts';
import { srgbIccProfile } from './pdf-pdfa.ts';
import { renderDocumentPdf } from './render-document-pdf.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-facturx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const creationDate = new Date('2026-03-02T10:00:00Z');
const xml = generateEinvoiceUtf8(scenarios()[0]!.model, 'factur-x');
const attachment = { name: 'factur-x.xml' as const, xml };
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let signer: () => PdfSigner;
beforeAll(async () => {
  const material = await generateSelfSigned({
    orgName: 'Nordlicht Software GmbH',
    emails: ['billing@nordlicht.example'],
    now: creationDate,
    validYears: 5,
  });
  const pades = createPadesSigning();
  signer = () => pades.signer(material, { signingTime: creationDate });
});

const hybrid = async (signed: boolean): Promise<Buffer> =>
  renderDocumentPdf(sampleDocumentView({ seed: 3 }), { creationDate, attachment, signer: signed ? signer() : null });

function save(name: string, pdf: Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, pdf);
  return file;
}

type Json = Record<string, unknown>;
/** qpdf's JSON v2 view of every object (dictionaries with decoded names, streams with their dicts). */
function objects(file: string): Record<string, Json> {
  const r = spawnSync('qpdf', ['--json=2', '--json-key=qpdf', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.status, r.stderr).toBe(0);
  const [, objs] = (JSON.parse(r.stdout) as { qpdf: [unknown, Record<string, Json>] }).qpdf;
  return objs;
}
const dictOf = (o: Json | undefined): Json => ((o?.value ?? (o?.stream as Json | undefined)?.dict) as Json) ?? {};
const ref = (objs: Record<string, Json>, r: unknown): Json => dictOf(objs[`obj:${String(r)}`]);

function streamData(file: string, id: string): Buffer {
  const r = spawnSync('qpdf', [`--show-object=${id}`, '--filtered-stream-data', file], { maxBuffer: 64 << 20 });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('Factur-X hybrid PDF', () => {
  it('is byte-stable: the same input gives the same bytes, unsigned and with a deterministic signer', async () => {
    expect(sha256(await hybrid(false))).toBe(sha256(await hybrid(false)));
    // ECDSA signatures are randomised: the signed bytes are compared outside /Contents.
    const [a, b] = [await hybrid(true), await hybrid(true)];
    const strip = (p: Buffer) => p.toString('latin1').replace(/\/Contents <[0-9a-f]+>/, '');
    expect(strip(a)).toBe(strip(b));
  });

  it('keeps the plain PDF unchanged when no attachment is given', async () => {
    const plain = await renderDocumentPdf(sampleDocumentView({ seed: 3 }), { creationDate });
    const text = plain.toString('latin1');
    for (const absent of ['/Metadata', '/OutputIntents', '/EmbeddedFiles', '/AF ', '/F 4 /Border'])
      expect(text).not.toContain(absent);
  });

  it('refuses to embed an e-invoice in a draft', async () => {
    await expect(renderDocumentPdf(sampleDocumentView({ number: null }), { creationDate, attachment })).rejects.toThrow(
      /draft/,
    );
  });

  it('embeds the sRGB profile as a valid ICC display profile', () => {
    const icc = srgbIccProfile();
    expect(icc.readUInt32BE(0)).toBe(icc.length); // profile size
    expect(icc.toString('latin1', 36, 40)).toBe('acsp');
    expect(icc.toString('latin1', 12, 16)).toBe('mntr');
    expect(icc.toString('latin1', 16, 20)).toBe('RGB ');
    expect(icc[8]).toBe(2); // ICC v2, fine for PDF/A-3
    expect(sha256(icc)).toBe('384b832de3412066743b52a75ee906b6fb9fb8d9e09e936fc2c43223815c6e0a'); // icc/README.md
  });

  itNeeds(
    ['qpdf', 'pdfsig'],
    'signed: qpdf --check is clean, pdfsig calls it valid over the whole file, one revision',
    async () => {
      const file = save('signed.pdf', await hybrid(true));
      const check = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
      expect(`${check.stdout}${check.stderr}`).not.toMatch(/warning/i);
      expect(check.stdout).toContain('No syntax or stream encoding errors found');
      expect(check.status).toBe(0);
      const sig = spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout;
      expect(sig).toContain('Signature is Valid.');
      expect(sig).toContain('Total document signed');
      expect(readFileSync(file, 'latin1').match(/%%EOF/g)).toHaveLength(1);
      // One changed byte of the embedded XML (inside the signed range) breaks the signature.
      const pdf = readFileSync(file);
      const at = pdf.indexOf('/Type /EmbeddedFile');
      const i = pdf.indexOf('stream\n', at) + 20;
      pdf[i] = pdf[i]! ^ 1;
      expect(spawnSync('pdfsig', [save('flipped.pdf', pdf)], { encoding: 'utf8' }).stdout).not.toContain(
        'Signature is Valid.',
      );
    },
  );

  itNeeds(['pdfdetach'], 'pdfdetach lists factur-x.xml and extracts it byte for byte', async () => {
    const file = save('detach.pdf', await hybrid(true));
    expect(spawnSync('pdfdetach', ['-list', file], { encoding: 'utf8' }).stdout).toMatch(
      /1 embedded files\s+1: factur-x\.xml/,
    );
    const out = path.join(dir, 'extracted.xml');
    expect(spawnSync('pdfdetach', ['-save', '1', '-o', out, file]).status).toBe(0);
    expect(readFileSync(out).equals(xml)).toBe(true);
  });

  itNeeds(
    ['qpdf', 'xmllint'],
    'meets the PDF/A-3b structural requirements that can be checked without veraPDF',
    async () => {
      const file = save('pdfa.pdf', await hybrid(true));
      const objs = objects(file);
      const trailer = dictOf(objs.trailer);
      expect(trailer['/Encrypt']).toBeUndefined();
      expect(trailer['/ID']).toHaveLength(2);
      const catalog = ref(objs, trailer['/Root']);
      const info = ref(objs, trailer['/Info']);

      // OutputIntent: GTS_PDFA1 with an embedded 3-component (RGB) profile.
      const intents = catalog['/OutputIntents'] as string[];
      expect(intents).toHaveLength(1);
      const intent = ref(objs, intents[0]);
      expect(intent).toMatchObject({ '/S': '/GTS_PDFA1', '/Type': '/OutputIntent' });
      expect(ref(objs, intent['/DestOutputProfile'])['/N']).toBe(3);
      expect(streamData(file, String(intent['/DestOutputProfile']).split(' ')[0]!).equals(srgbIccProfile())).toBe(true);

      // The XML as an associated file: /AF, /Names /EmbeddedFiles, /AFRelationship, MIME type, params.
      const spec = ref(objs, (catalog['/AF'] as string[])[0]);
      expect((catalog['/Names'] as Json)['/EmbeddedFiles']).toEqual({
        '/Names': ['u:factur-x.xml', (catalog['/AF'] as string[])[0]],
      });
      expect(spec).toMatchObject({
        '/Type': '/Filespec',
        '/F': 'u:factur-x.xml',
        '/UF': 'u:factur-x.xml',
        '/AFRelationship': '/Alternative',
      });
      const ef = spec['/EF'] as Json;
      expect(ef['/F']).toBe(ef['/UF']);
      const embedded = ref(objs, ef['/F']);
      expect(embedded).toMatchObject({
        '/Type': '/EmbeddedFile',
        '/Subtype': '/text/xml',
        '/Params': { '/Size': xml.length, '/ModDate': info['/ModDate'] },
      });

      // Fonts: every font embedded (FontFile2); no Type3, no standard-14 reference.
      const fonts = Object.values(objs)
        .map(dictOf)
        .filter((d) => d['/Type'] === '/Font');
      expect(fonts.length).toBeGreaterThan(0);
      for (const f of fonts) expect(['/Type0', '/CIDFontType2']).toContain(f['/Subtype']);
      const descriptors = Object.values(objs)
        .map(dictOf)
        .filter((d) => d['/Type'] === '/FontDescriptor');
      expect(descriptors.length).toBe(fonts.length / 2);
      for (const d of descriptors) expect(d['/FontFile2']).toBeDefined();

      // Annotations printable and visible (F: Print set; Hidden, Invisible, NoView clear); no actions but URI links.
      const annots = Object.values(objs)
        .map(dictOf)
        .filter((d) => d['/Type'] === '/Annot');
      expect(annots.length).toBeGreaterThanOrEqual(2);
      for (const a of annots) expect((a['/F'] as number) & 0b100111).toBe(4);
      const raw = readFileSync(file, 'latin1');
      for (const forbidden of [
        '/JavaScript',
        '/JS ',
        '/OpenAction',
        '/AA ',
        '/Launch',
        '/Encrypt',
        '/EmbeddedFiles << /Kids',
      ])
        expect(raw).not.toContain(forbidden);
      expect(raw).not.toMatch(/\/SMask|\/ca 0\.|\/CA 0\./); // no transparency in an issued document

      // XMP: unfiltered, well-formed, PDF/A-3B, the Factur-X extension schema, and the Info dictionary's values.
      const metadata = ref(objs, catalog['/Metadata']);
      expect(metadata).toMatchObject({ '/Type': '/Metadata', '/Subtype': '/XML' });
      expect(metadata['/Filter']).toBeUndefined();
      const xmpFile = path.join(dir, 'xmp.xml');
      writeFileSync(xmpFile, streamData(file, String(catalog['/Metadata']).split(' ')[0]!));
      expect(spawnSync('xmllint', ['--noout', xmpFile], { encoding: 'utf8' }).status).toBe(0);
      const xpath = (expr: string): string => {
        const r = spawnSync('xmllint', ['--xpath', `string(${expr})`, xmpFile], { encoding: 'utf8' });
        expect(r.status, `${expr}: ${r.stderr}`).toBe(0);
        return r.stdout.replace(/\n$/, '');
      };
      const el = (name: string) => `//*[name()='${name}']`;
      expect(xpath(el('pdfaid:part'))).toBe('3');
      expect(xpath(el('pdfaid:conformance'))).toBe('B');
      expect(xpath(el('fx:DocumentType'))).toBe('INVOICE');
      expect(xpath(el('fx:DocumentFileName'))).toBe('factur-x.xml');
      expect(xpath(el('fx:Version'))).toBe('1.0');
      expect(xpath(el('fx:ConformanceLevel'))).toBe('EN 16931');
      expect(xpath(`${el('pdfaSchema:namespaceURI')}`)).toBe('urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#');
      expect(xpath(`${el('pdfaSchema:prefix')}`)).toBe('fx');
      expect(xpath(`count(${el('pdfaProperty:name')})`)).toBe('4');
      const text = (v: unknown) => String(v).replace(/^u:/, '');
      expect(xpath(`${el('dc:title')}//*[name()='rdf:li']`)).toBe(text(info['/Title']));
      expect(xpath(`${el('dc:creator')}//*[name()='rdf:li']`)).toBe(text(info['/Author']));
      expect(xpath(`${el('dc:description')}//*[name()='rdf:li']`)).toBe(text(info['/Subject']));
      expect(xpath(el('xmp:CreatorTool'))).toBe(text(info['/Creator']));
      expect(xpath(el('pdf:Producer'))).toBe(text(info['/Producer']));
      expect(text(info['/CreationDate'])).toBe('D:20260302100000Z');
      expect(xpath(el('xmp:CreateDate'))).toBe('2026-03-02T10:00:00Z');
      expect(xpath(el('xmp:ModifyDate'))).toBe('2026-03-02T10:00:00Z');
    },
  );

  it('escapes document text in the XMP packet', async () => {
    const view = {
      ...sampleDocumentView({ seed: 3 }),
      org: { ...sampleDocumentView().org, name: 'Müller & <Söhne> "KG"' },
    };
    const pdf = await renderDocumentPdf(view, { creationDate, attachment });
    const at = pdf.indexOf('<x:xmpmeta');
    const xmp = pdf.toString('utf8', at, pdf.indexOf('</x:xmpmeta>', at));
    expect(xmp).toContain('<rdf:li>Müller &amp; &lt;Söhne&gt; &quot;KG&quot;</rdf:li>');
  });
});

describeNeeds([...EINVOICE_NEEDS, 'pdfdetach'], 'Factur-X hybrid: the embedded XML against the official rules', () => {
  it('passes the EN 16931 CII schematron and the CII D16B XSD after extraction', async () => {
    const file = save('rules.pdf', await hybrid(true));
    const out = path.join(dir, 'rules.xml');
    expect(spawnSync('pdfdetach', ['-save', '1', '-o', out, file]).status).toBe(0);
    const failures = fatalOnly(validateOfficially(readFileSync(out, 'utf8'), 'factur-x'));
    expect(failures, describeFailures(failures)).toEqual([]);
  }, 180_000);
});
