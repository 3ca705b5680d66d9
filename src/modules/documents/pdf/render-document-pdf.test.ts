import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import QRCode from 'qrcode';
import { afterAll, describe, expect, it } from 'vitest';
import { getFonts } from './pdf-fonts.ts';
import { qrMatrix } from './pdf-qr.ts';
import { sampleDocumentView, sampleLines } from './pdf-sample.ts';
import { DocFont, splitWords } from './pdf-writer.ts';
import { paperForLocale, renderDocumentPdf, type PdfDocumentView } from './render-document-pdf.ts';
import { itNeeds, usable } from '../../../../test/helpers/tools.ts';

const creationDate = new Date('2025-03-01T10:00:00Z');
const render = (v: PdfDocumentView, d = creationDate): Promise<Buffer> => renderDocumentPdf(v, { creationDate: d });
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------- helpers ---

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

/** Minimal parser for the writer's output; also validates the xref table. */
function parsePdf(buf: Buffer): {
  objects: Map<number, PdfObject>;
  trailer: string;
  pages: Array<{ mediaBox: number[]; content: string; annots: string[] }>;
} {
  const s = buf.toString('latin1');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(s)?.[1]);
  expect(s.slice(startxref, startxref + 5)).toBe('xref\n');
  const xref = s.slice(startxref).split('\n');
  const count = Number(xref[1]!.split(' ')[1]);
  const objects = new Map<number, PdfObject>();
  for (let id = 1; id < count; id++) {
    const line = xref[2 + id]!;
    expect(line).toMatch(/^\d{10} 00000 n $/);
    const off = Number(line.slice(0, 10));
    const head = `${id} 0 obj\n`;
    expect(s.slice(off, off + head.length)).toBe(head);
    const start = off + head.length;
    const streamAt = s.indexOf('\nstream\n', start);
    const endobj = s.indexOf('\nendobj\n', start);
    if (streamAt >= 0 && streamAt < endobj) {
      const dict = s.slice(start, streamAt);
      const len = Number(/\/Length (\d+)/.exec(dict)![1]);
      const raw = buf.subarray(streamAt + 8, streamAt + 8 + len);
      expect(s.slice(streamAt + 8 + len, streamAt + 8 + len + 10)).toBe('\nendstream');
      objects.set(id, { dict, stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw });
    } else {
      objects.set(id, { dict: s.slice(start, endobj), stream: null });
    }
  }
  const trailer = s.slice(s.indexOf('trailer\n', startxref));
  const ref = (d: string, key: string): number => Number(new RegExp(`/${key} (\\d+) 0 R`).exec(d)![1]);
  const root = objects.get(ref(trailer, 'Root'))!.dict;
  const kids = /\/Kids \[([^\]]*)\]/
    .exec(objects.get(ref(root, 'Pages'))!.dict)![1]!
    .match(/\d+(?= 0 R)/g)!
    .map(Number);
  const pages = kids.map((k) => {
    const d = objects.get(k)!.dict;
    const mediaBox = /\/MediaBox \[([^\]]*)\]/.exec(d)![1]!.split(' ').map(Number);
    const content = objects.get(ref(d, 'Contents'))!.stream!.toString('latin1');
    const annots = (/\/Annots \[([^\]]*)\]/.exec(d)?.[1]?.match(/\d+(?= 0 R)/g) ?? []).map(
      (a) => objects.get(Number(a))!.dict,
    );
    return { mediaBox, content, annots };
  });
  return { objects, trailer, pages };
}

/** The TJ array the renderer emits for `text` (glyph ids are the font's own). */
function tjOf(text: string, weight: 'regular' | 'bold' = 'regular'): string {
  return `[${new DocFont(getFonts()[weight], 'X').tj(text)}] TJ`;
}

/** Baselines (PDF y) of all text positioned with an absolute Tm. */
function baselines(content: string): number[] {
  return [...content.matchAll(/1 0 0 1 (-?[\d.]+) (-?[\d.]+) Tm/g)].map((m) => Number(m[2]));
}

const scratch = mkdtempSync(join(tmpdir(), 'sealbill-pdf-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
function toolOutput(cmd: string, args: string[], pdf: Buffer): string {
  const file = join(scratch, `${sha256(pdf).slice(0, 16)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync(cmd, [...args, file, '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

// ------------------------------------------------------------------ tests ---

describe('renderDocumentPdf', () => {
  it('renders an A4 invoice with embedded fonts and metadata', async () => {
    const pdf = await render(sampleDocumentView({ paper: 'A4' }));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdf.toString('latin1');
    expect(text).toContain('/FontFile2');
    expect(text).toContain('/ToUnicode');
    const { pages, objects, trailer } = parsePdf(pdf);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.mediaBox).toEqual([0, 0, 595.28, 841.89]);
    const info = objects.get(Number(/\/Info (\d+) 0 R/.exec(trailer)![1]))!.dict;
    expect(info).toContain('/Title (Invoice INV-2025-01000)');
    expect(info).toContain('/Author (Sealbill Demo GmbH)');
    expect(info).toContain('/Creator (Sealbill)');
    expect(info).toContain('/CreationDate (D:20250301100000Z)');
    expect(trailer).toMatch(/\/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]/);
    // both fonts are subset-embedded TrueType
    expect(text.match(/\/Subtype \/CIDFontType2/g)).toHaveLength(2);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans /);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold /);
  });

  it('renders Letter paper', async () => {
    const { pages } = parsePdf(await render(sampleDocumentView({ paper: 'LETTER' })));
    expect(pages[0]!.mediaBox).toEqual([0, 0, 612, 792]);
  });

  it('embedded subsets are valid TrueType fonts with the original outlines and widths', async () => {
    type Glyph = { path: { toSVG(): string }; advanceWidth: number };
    type Font = { numGlyphs: number; unitsPerEm: number; getGlyph(id: number): Glyph };
    const fontkit = createRequire(import.meta.url)('fontkit') as { create(b: Buffer): Font };
    const ttfDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const v = sampleDocumentView();
    v.notes = 'Ωμέγα ООО Ромашка Zürich Straße office ǅ Ǻ';
    const { objects } = parsePdf(await render(v));
    const ref = (d: string, key: string): PdfObject =>
      objects.get(Number(new RegExp(`/${key} (\\d+) 0 R`).exec(d)![1]))!;
    const cidFonts = [...objects.values()].filter((o) => o.dict.includes('/Subtype /CIDFontType2'));
    expect(cidFonts).toHaveLength(2);
    for (const cf of cidFonts) {
      const bold = cf.dict.includes('DejaVuSans-Bold');
      const original = fontkit.create(readFileSync(join(ttfDir, bold ? 'DejaVuSans-Bold.ttf' : 'DejaVuSans.ttf')));
      const file = ref(ref(cf.dict, 'FontDescriptor').dict, 'FontFile2');
      expect(Number(/\/Length1 (\d+)/.exec(file.dict)![1])).toBe(file.stream!.length);
      const subset = fontkit.create(file.stream!);
      const map = ref(cf.dict, 'CIDToGIDMap').stream!;
      // W: "cid [w w …] cid [w …]"
      const w = /\/W \[(.*)\] \/CIDToGIDMap/.exec(cf.dict)![1]!;
      let checked = 0;
      for (const m of w.matchAll(/(\d+) \[([^\]]*)\]/g)) {
        m[2]!.split(' ').forEach((width, k) => {
          const cid = Number(m[1]) + k;
          const gid = map.readUInt16BE(cid * 2);
          expect(gid).toBeGreaterThan(0);
          expect(gid).toBeLessThan(subset.numGlyphs);
          expect(subset.getGlyph(gid).path.toSVG()).toBe(original.getGlyph(cid).path.toSVG());
          expect(Number(width)).toBeCloseTo((original.getGlyph(cid).advanceWidth * 1000) / original.unitsPerEm, 2);
          checked++;
        });
      }
      expect(checked).toBeGreaterThan(20);
    }
  });

  it('renders Greek, Cyrillic and German names', async () => {
    const v = sampleDocumentView();
    v.org = { name: 'Ωμέγα ΑΕ', addressLines: ['Λεωφόρος Αθηνών 5', '104 31 Αθήνα'], taxId: 'ΑΦΜ 094259216' };
    v.client = { name: 'ООО Ромашка', addressLines: ['ул. Ленина, д. 1', 'Москва'], taxId: 'ИНН 7707083893' };
    v.lines[0]!.description = 'Zürich Straße — консультация, υπηρεσίες';
    const pdf = await render(v);
    expect(pdf.toString('latin1')).toContain('/FontFile2');
    // Author is a UTF-16BE text string
    expect(pdf.toString('latin1')).toContain('/Author <FEFF03a903bc03ad03b303b1002003910395>');
    if (usable(['pdftotext'], 'the Unicode text read back with pdftotext')) {
      const txt = toolOutput('pdftotext', ['-layout'], pdf);
      for (const s of [
        'Ωμέγα ΑΕ',
        'ООО Ромашка',
        'Zürich Straße — консультация,',
        'υπηρεσίες',
        'Λεωφόρος Αθηνών 5',
        'ИНН 7707083893',
      ]) {
        expect(txt).toContain(s);
      }
    }
  });

  itNeeds(['pdftotext'], 'text is extractable (ToUnicode), including ligatures and kerned pairs', async () => {
    const v = sampleDocumentView();
    v.notes = 'Office affine fluffy — AVATAR Yacht 1 234,56 €';
    const txt = toolOutput('pdftotext', ['-layout'], await render(v));
    expect(txt).toContain('Office affine fluffy — AVATAR Yacht 1 234,56 €');
    expect(txt).toContain('Invoice INV-2025-01000');
    expect(txt).toContain('Page 1 / 1');
  });

  it('flows a 120-line invoice over several pages, repeating the table header and numbering pages', async () => {
    const v = sampleDocumentView({ lines: 120 });
    const { pages } = parsePdf(await render(v));
    expect(pages.length).toBeGreaterThan(1);
    const n = pages.length;
    const header = tjOf('Description', 'bold');
    pages.forEach((p, i) => {
      expect(p.content).toContain(tjOf(`Page ${i + 1} / ${n}`));
      // every page that carries table rows starts with the table header
      if (p.content.includes(tjOf('VAT 20%'))) expect(p.content).toContain(header);
    });
    // all 120 amounts are somewhere
    const all = pages.map((p) => p.content).join('\n');
    for (const line of v.lines) expect(all).toContain(tjOf(line.amount));
  });

  it('never draws content into the footer zone; totals and payment blocks stay together', async () => {
    // line counts chosen so the totals / payment blocks land near page ends
    for (let lines = 1; lines <= 70; lines += 3) {
      const v = sampleDocumentView({ lines, seed: lines });
      const { pages } = parsePdf(await render(v));
      for (const p of pages) {
        for (const y of baselines(p.content)) {
          // content baselines are above the 44 pt footer zone; the footer
          // line itself sits at ~20.6 pt
          expect(y > 44 || Math.abs(y - 20.57) < 0.2).toBe(true);
        }
      }
      const pageOf = (tj: string): number[] => pages.flatMap((p, i) => (p.content.includes(tj) ? [i] : []));
      const totals = [...new Set(v.totals.flatMap((t) => pageOf(tjOf(t.label, t.strong ? 'bold' : 'regular'))))];
      expect(totals).toHaveLength(1);
      const payment = [...new Set(v.payment!.lines.flatMap((l) => pageOf(tjOf(l.label))))];
      expect(payment).toHaveLength(1);
    }
  });

  it('wraps long descriptions and splits rows taller than a page', async () => {
    const v = sampleDocumentView({ lines: 3 });
    v.lines[1]!.description = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(' ');
    v.lines[2]!.description = 'X'.repeat(400); // one unbreakable token
    v.notes = Array.from({ length: 150 }, (_, i) => `Note line ${i}`).join('\n');
    v.org.addressLines = Array.from({ length: 40 }, (_, i) => `Address line ${i}`);
    const { pages } = parsePdf(await render(v));
    expect(pages.length).toBeGreaterThan(3);
    for (const p of pages) for (const y of baselines(p.content)) expect(y > 44 || Math.abs(y - 20.57) < 0.2).toBe(true);
    const all = pages.map((p) => p.content).join('\n');
    expect(all).toContain(tjOf('word1499'));
    expect(all).toContain(tjOf('Note line 149'));
  });

  it('is byte-for-byte deterministic for the same input and creation date', async () => {
    const v = sampleDocumentView({ lines: 40, number: null });
    const a = await render(v);
    await render(sampleDocumentView({ seed: 7 })); // unrelated work in between
    const b = await render(structuredClone(v));
    expect(sha256(a)).toBe(sha256(b));
    const c = await render(v, new Date('2025-03-02T10:00:00Z'));
    expect(sha256(c)).not.toBe(sha256(a));
  });

  it('gives every file its own /ID, also when only its pages differ (font programs stay out of the digest)', async () => {
    const id = (pdf: Buffer) => /\/ID \[<([0-9a-f]{32})>/.exec(pdf.toString('latin1'))![1];
    const v = sampleDocumentView({ seed: 3 });
    const same = structuredClone(v);
    const otherText = structuredClone(v);
    otherText.notes = `${v.notes ?? ''} paid`; // the same letters: the same font subsets
    expect(id(await render(v))).toBe(id(await render(same)));
    expect(id(await render(otherText))).not.toBe(id(await render(v)));
    expect(id(await render(sampleDocumentView({ seed: 4 })))).not.toBe(id(await render(v)));
  });

  it('is deterministic across processes with different histories (shared-glyph ToUnicode)', () => {
    const mod = pathToFileURL(join(import.meta.dirname, 'render-document-pdf.ts')).href;
    const sample = pathToFileURL(join(import.meta.dirname, 'pdf-sample.ts')).href;
    const script = (warmup: string): string => `
      import { renderDocumentPdf } from ${JSON.stringify(mod)};
      import { sampleDocumentView } from ${JSON.stringify(sample)};
      import { createHash } from 'node:crypto';
      const d = new Date('2025-03-01T10:00:00Z');
      const warm = sampleDocumentView({ seed: 3 });
      warm.notes = ${JSON.stringify(warmup)};
      await renderDocumentPdf(warm, { creationDate: d });
      const v = sampleDocumentView({ seed: 1 });
      v.notes = 'a\\u00a0b c\\u202fd µ μ Ω Ω – −';
      process.stdout.write(createHash('sha256').update(await renderDocumentPdf(v, { creationDate: d })).digest('hex'));`;
    const run = (warmup: string): string =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script(warmup)], { encoding: 'utf8' });
    const h1 = run('plain words only');
    const h2 = run('\u00a0\u202fμ Ω − first');
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(h2).toBe(h1);
  });

  it('draws the verification QR code as vector rectangles with a link', async () => {
    const withQr = await render(sampleDocumentView());
    const without = await render(sampleDocumentView({ verification: false }));
    const p = parsePdf(withQr).pages[0]!;
    expect(p.content).toMatch(/ cm\n(\d+ \d+ \d+ 1 re\n){50,}/);
    expect(p.annots).toHaveLength(1);
    expect(p.annots[0]).toContain('/URI (https://bills.example.com/v/0abc)');
    expect(withQr.toString('latin1')).not.toContain('/Subtype /Image');
    expect(parsePdf(without).pages[0]!.annots).toHaveLength(0);
    expect(withQr.length).toBeGreaterThan(without.length);
  });

  it('fast QR mask selection matches qrcode.create() exactly (all masks, versions 3–13)', () => {
    const utf8 = new TextEncoder();
    const masks = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const url = `https://bills.example.com/v/${((i * 2654435761) >>> 0).toString(36)}${'xYz-_é'.repeat(i % 40)}`;
      const ref = QRCode.create([{ data: utf8.encode(url), mode: 'byte' }], { errorCorrectionLevel: 'M' });
      masks.add(ref.maskPattern as number);
      const mine = qrMatrix(url);
      expect(mine.size).toBe(ref.modules.size);
      expect(Buffer.from(mine.data).equals(Buffer.from(ref.modules.data))).toBe(true);
    }
    expect(masks.size).toBe(8);
  });

  itNeeds(['zbarimg', 'pdftoppm'], 'the QR code decodes to the verification URL', async () => {
    const v = sampleDocumentView();
    v.verification = { url: 'https://bills.example.com/v/Zx9-kq_Q2f', fingerprint: 'ab'.repeat(32) };
    const pdf = await render(v);
    const file = join(scratch, 'qr.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', file, join(scratch, 'qr')]);
    const out = execFileSync('zbarimg', ['-q', '--raw', join(scratch, 'qr.png')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(out.trim()).toBe('https://bills.example.com/v/Zx9-kq_Q2f');
  });

  it('only turns http(s) verification URLs into links', async () => {
    const v = sampleDocumentView();
    v.verification = { url: 'javascript:alert(1)', fingerprint: 'x' };
    expect(parsePdf(await render(v)).pages[0]!.annots).toHaveLength(0);
  });

  it('marks drafts with a DRAFT label and watermark on every page', async () => {
    const { pages, objects } = parsePdf(await render(sampleDocumentView({ number: null, lines: 60 })));
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) expect(p.content).toMatch(/\/GS1 gs .* cm BT \/F2 /);
    expect([...objects.values()].some((o) => o.dict.includes('/ExtGState') || o.dict.includes('/ca 0.07'))).toBe(true);
  });

  it('renders credit notes, quotes and sparse documents', async () => {
    const credit: PdfDocumentView = {
      ...sampleDocumentView({ lines: 2 }),
      kind: 'credit_note',
      title: 'Credit note',
      relatedNumber: 'INV-2025-00042',
      dueDate: null,
      payment: null,
      verification: null,
      notes: null,
      terms: null,
    };
    expect(parsePdf(await render(credit)).pages).toHaveLength(1);
    const empty: PdfDocumentView = {
      ...credit,
      kind: 'quote',
      title: 'Quote',
      lines: [],
      taxes: [],
      totals: [],
      issueDate: null,
      relatedNumber: null,
    };
    empty.client = { name: '', addressLines: [] };
    expect(parsePdf(await render(empty)).pages).toHaveLength(1);
  });

  it('survives arbitrary text (controls, combining marks, emoji, RTL, lone surrogates)', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(text, text, text, fc.array(text, { maxLength: 4 }), async (name, desc, notes, addr) => {
        const v = sampleDocumentView({ lines: 2 });
        v.org = { name, addressLines: addr };
        v.lines[0]!.description = desc;
        v.lines[1]!.amount = desc.slice(0, 12);
        v.notes = notes;
        v.labels = { ...v.labels, page: name.slice(0, 5) };
        const pdf = await render(v);
        parsePdf(pdf); // structurally valid, xref consistent
      }),
      { numRuns: 60, seed: 42 },
    );
  });

  it('shaping memo / pair composition matches a full fontkit layout', () => {
    const corpus =
      'Consulting — architecture review AVATAR Twain Yacht LTA Wolf Ta Te To Tr Ty Vo Ya P. F. "Quote" office affine fluffy ' +
      'Zürich Straße Ωμέγα ΑΕ ООО Ромашка Λεωφόρος Αθηνών ул. Ленина €4,210.00 1 234,56 € 12.03.2025 INV-2025-01000 ' +
      'Łódź Kraków Ærø façade naïve Ğ Ş İ ı Γιάννης Τ.Κ. «ёлка» „Anführungszeichen“ 50 % ‰ № ™ AWAY LY PA FA yv VA Wa KO';
    for (const weight of ['regular', 'bold'] as const) {
      const f = getFonts()[weight];
      for (const w of splitWords(corpus)) {
        const a = f.shape(w);
        const b = f.shapeFull(w);
        expect([a.gids, a.xAdvance, a.width]).toEqual([b.gids, b.xAdvance, b.width]);
      }
    }
  });
});

describe('paperForLocale', () => {
  it.each([
    ['en-US', 'LETTER'],
    ['en-CA', 'LETTER'],
    ['fr-CA', 'LETTER'],
    ['es-MX', 'LETTER'],
    ['en-PH', 'LETTER'],
    ['es-CL', 'LETTER'],
    ['es-CO', 'LETTER'],
    ['en_US', 'LETTER'],
    ['en', 'LETTER'],
    ['en-GB', 'A4'],
    ['de-DE', 'A4'],
    ['de-CH', 'A4'],
    ['fr-FR', 'A4'],
    ['fr', 'A4'],
    ['es-ES', 'A4'],
    ['ru-RU', 'A4'],
    ['el-GR', 'A4'],
    ['ja-JP', 'A4'],
    ['en-AU', 'A4'],
    ['es-419', 'A4'],
    ['not a locale!', 'A4'],
    ['', 'A4'],
  ] as const)('%s → %s', (locale, paper) => {
    expect(paperForLocale(locale)).toBe(paper);
  });
});

describe('pdf-sample', () => {
  it('produces the requested number of lines', () => {
    expect(sampleLines(7)).toHaveLength(7);
  });
});
