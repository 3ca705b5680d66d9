// The logo as an image XObject: each PNG kind and JPEG becomes the image poppler reads back with the
// right size, colour and soft mask; a signed PDF/A-3 Factur-X hybrid with a logo stays clean for
// qpdf and valid for pdfsig; a view without a logo renders the very bytes it always did.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJpeg, makePng } from '../../../../test/helpers/images.ts';
import { itNeeds } from '../../../../test/helpers/tools.ts';
import { scenarios } from '../../../../test/einvoice/scenarios.ts';
import { generateEinvoiceUtf8 } from '../../einvoice/einvoice.generate.ts';
import { createPadesSigning } from '../../verification/pades.ts';
import { generateSelfSigned } from '../../verification/pki.ts';
import { pdfImage } from './pdf-image.ts';
import type { PdfSigner } from './pdf-signature.ts';
import { sampleDocumentView } from './pdf-sample.ts';
import { renderDocumentPdf } from './render-document-pdf.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-pdf-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const creationDate = new Date('2026-03-02T10:00:00Z');

function run(cmd: string, args: string[], pdf: Buffer, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, pdf);
  const r = spawnSync(cmd, [...args, file], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

const withLogo = (logo: Buffer) => renderDocumentPdf({ ...sampleDocumentView({ seed: 3 }), logo }, { creationDate });

describe('pdfImage', () => {
  it('passes JPEG through as DCTDecode with the frame header facts', () => {
    const jpeg = makeJpeg(64, 32);
    expect(pdfImage(jpeg)).toMatchObject({ width: 64, height: 32, colorSpace: 'DeviceRGB', filter: 'DCTDecode' });
    expect(pdfImage(jpeg).data).toBe(jpeg);
    expect(pdfImage(makeJpeg(8, 8, 1)).colorSpace).toBe('DeviceGray');
  });

  it('passes 8-bit gray/RGB PNG data through with the PNG predictors', () => {
    const img = pdfImage(makePng({ width: 30, height: 10 }));
    expect(img).toMatchObject({ filter: 'FlateDecode', colorSpace: 'DeviceRGB', smask: null });
    expect(img.decodeParms).toBe('/Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns 30');
    expect(pdfImage(makePng({ width: 5, height: 5, colorType: 0 })).decodeParms).toContain('/Colors 1');
  });

  it('decodes palette, alpha and interlaced PNGs, with a soft mask only where there is transparency', () => {
    expect(pdfImage(makePng({ width: 6, height: 6, colorType: 3 }))).toMatchObject({ decodeParms: null, smask: null });
    expect(pdfImage(makePng({ width: 6, height: 6, colorType: 6 })).smask).not.toBeNull();
    expect(pdfImage(makePng({ width: 6, height: 6, colorType: 4 })).smask).not.toBeNull();
    expect(pdfImage(makePng({ width: 7, height: 5, interlaced: true }))).toMatchObject({
      smask: null,
      decodeParms: null,
    });
  });
});

describe('a document with a logo', () => {
  it('renders the same bytes as before when there is no logo', async () => {
    const view = sampleDocumentView({ seed: 3 });
    const a = await renderDocumentPdf(view, { creationDate });
    const b = await renderDocumentPdf({ ...view, logo: null }, { creationDate });
    expect(b.equals(a)).toBe(true);
    expect(a.includes('/XObject')).toBe(false);
    expect(a.includes('/ProcSet [/PDF /Text]')).toBe(true);
  });

  it('is deterministic and draws the image once, at the top', async () => {
    const logo = makePng({ width: 40, height: 20, colorType: 6 });
    const a = await withLogo(logo);
    expect((await withLogo(logo)).equals(a)).toBe(true);
    expect(a.toString('latin1').match(/\/Subtype \/Image/g)).toHaveLength(2); // the image and its mask
    expect(a.includes('/Interpolate')).toBe(false);
  });

  itNeeds(['pdfimages', 'qpdf'], 'pdfimages reads every kind back; qpdf --check is clean', async () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      ['rgb', makePng({ width: 60, height: 20 }), /image\s+60\s+20\s+rgb\s+3\s+8\s+image/],
      ['gray', makePng({ width: 30, height: 30, colorType: 0 }), /image\s+30\s+30\s+gray\s+1\s+8\s+image/],
      ['palette', makePng({ width: 30, height: 10, colorType: 3 }), /image\s+30\s+10\s+rgb\s+3\s+8/],
      ['rgba', makePng({ width: 40, height: 20, colorType: 6 }), /smask\s+40\s+20\s+gray\s+1\s+8/],
      ['interlaced', makePng({ width: 37, height: 23, interlaced: true }), /image\s+37\s+23\s+rgb\s+3\s+8/],
      ['jpeg', makeJpeg(64, 32), /image\s+64\s+32\s+rgb\s+3\s+8\s+jpeg/],
    ];
    for (const [name, logo, expected] of cases) {
      const pdf = await withLogo(logo);
      expect(run('pdfimages', ['-list'], pdf, `${name}.pdf`), name).toMatch(expected);
      const check = run('qpdf', ['--check'], pdf, `${name}-check.pdf`);
      expect(check, name).toContain('No syntax or stream encoding errors found');
      expect(check, name).not.toMatch(/warning/i);
    }
  });
});

describe('a signed Factur-X hybrid with a logo', () => {
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

  itNeeds(['qpdf', 'pdfsig'], 'keeps qpdf --check clean and the signature valid', async () => {
    const xml = generateEinvoiceUtf8(scenarios()[0]!.model, 'factur-x');
    const pdf = await renderDocumentPdf(
      { ...sampleDocumentView({ seed: 3 }), logo: makePng({ width: 40, height: 20, colorType: 6 }) },
      { creationDate, attachment: { name: 'factur-x.xml', xml }, signer: signer() },
    );
    expect(pdf.includes('/GTS_PDFA1')).toBe(true);
    expect(pdf.includes('/SMask')).toBe(true);
    const check = run('qpdf', ['--check'], pdf, 'hybrid.pdf');
    expect(check).toContain('No syntax or stream encoding errors found');
    expect(check).not.toMatch(/warning/i);
    const sig = run('pdfsig', [], pdf, 'hybrid-sig.pdf');
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Total document signed');
  });
});
