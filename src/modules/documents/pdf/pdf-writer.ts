/**
 * Minimal, deterministic PDF 1.7 writer for the invoice renderer.
 *
 * Supports exactly what invoices need: pages with text (embedded, subset
 * TrueType fonts as Type0/CIDFontType2 with Identity-H encoding and a
 * ToUnicode CMap, so text is extractable/searchable), lines, filled
 * rectangles, one constant-alpha graphics state, image XObjects (the logo: pdf-image.ts), URI
 * link annotations and the
 * document information dictionary, and an invisible signature field whose
 * byte range it reserves itself (pdf-signature.ts). Classic xref table,
 * Flate-compressed streams.
 *
 * Why not pdfkit's text API: pdfkit spends ~25–30 µs per `text()` call
 * (option handling, repeated measuring, array concatenation per word) and
 * re-encodes its own subset through fontkit — a one-page invoice cannot be
 * produced in the ~3 ms budget that way. Here text is shaped once per word
 * per process (pdf-fonts.ts) and written as TJ arrays directly.
 *
 * Determinism: no clocks or randomness; the file ID is a digest of the body,
 * the subset tag is derived from the subset's glyph list; object order is
 * fixed.
 *
 * With an attachment the file is a PDF/A-3b Factur-X hybrid (pdf-pdfa.ts): XMP metadata, an sRGB
 * OutputIntent, the invoice XML as an associated embedded file, printable link annotations. The
 * signature field is then still written in the only revision, so a PAdES signature keeps it
 * PDF/A-3 (no incremental update follows).
 */
import { deflate } from './pdf-deflate.ts';
import type { FontSource } from './pdf-fonts.ts';
import type { PdfImage } from './pdf-image.ts';
import { AF_RELATIONSHIP, OUTPUT_CONDITION, srgbIccProfile, xmpMetadata, type PdfAttachment } from './pdf-pdfa.ts';
import {
  fillByteRange,
  signatureDictionary,
  SIG_FLAGS,
  SIGNATURE_FIELD_NAME,
  SIGNATURE_WIDGET_FLAGS,
  type PreparedSignature,
  type SignatureField,
} from './pdf-signature.ts';
import { digest, hasher } from '../../../platform/crypto/hash.ts';

/** Formats a number for a content stream: ≤3 decimals, no exponent, no -0. */
export function num(n: number): string {
  const r = Math.round(n * 1000) / 1000;
  if (r === 0 || !Number.isFinite(r)) return '0';
  return String(r);
}

const HEX4: string[] = [];
function hex4(n: number): string {
  if (n < 4096) return (HEX4[n] ??= n.toString(16).padStart(4, '0'));
  return n.toString(16).padStart(4, '0');
}

/** PDF text string: literal for printable ASCII, UTF-16BE (with BOM) otherwise. */
export function pdfString(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return `(${s.replace(/[\\()]/g, (c) => '\\' + c)})`;
  let out = '<FEFF';
  for (let i = 0; i < s.length; i++) out += hex4(s.charCodeAt(i));
  return out + '>';
}

function pdfDate(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `(D:${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z)`;
}

/** Split after each space: "a b c" → ["a ", "b ", "c"] (shaping/memo units). */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const i = text.indexOf(' ', start);
    if (i < 0) {
      if (start < text.length) out.push(text.slice(start));
      return out;
    }
    out.push(text.slice(start, i + 1));
    start = i + 1;
  }
}

/** Width of `text` in points at `size`. */
export function measure(font: FontSource, text: string, size: number): number {
  let w = 0;
  for (const word of splitWords(text)) w += font.shape(word).width;
  return (w / font.unitsPerEm) * size;
}

interface UsedGlyph {
  /** advance width, 1/1000 em */
  w: number;
  /** code points as shaped (used for ligatures) */
  cps: number[];
}

/** Everything about an embedded subset that depends only on its glyph set. */
interface EmbeddedSubset {
  baseFont: string;
  fontFile: Buffer; // deflated
  length1: number;
  cidToGid: Buffer; // deflated
  toUnicode: Buffer; // deflated
  widths: string; // W array body
}

/**
 * Embedded subsets keyed by (font, sorted glyph ids). Glyph ids are used
 * directly as CIDs and the subset is built in canonical (sorted) order, so
 * the embedded bytes depend only on the *set* of glyphs a document uses —
 * documents of the same organisation mostly share it, which skips subsetting
 * and deflating the font (the single most expensive step) for them.
 */
const SUBSET_CACHE_GEN = 64;
let subsetCur = new Map<string, EmbeddedSubset>();
let subsetOld = new Map<string, EmbeddedSubset>();
let subsetHits = 0;
let subsetMisses = 0;

function cachedSubset(key: string, build: () => EmbeddedSubset): EmbeddedSubset {
  let e = subsetCur.get(key);
  if (e === undefined) {
    e = subsetOld.get(key);
    if (e === undefined) {
      subsetMisses++;
      e = build();
    } else {
      subsetHits++;
    }
    if (subsetCur.size >= SUBSET_CACHE_GEN) {
      subsetOld = subsetCur;
      subsetCur = new Map();
    }
    subsetCur.set(key, e);
  } else {
    subsetHits++;
  }
  return e;
}

export function subsetCacheStats(): { hits: number; misses: number } {
  return { hits: subsetHits, misses: subsetMisses };
}

/**
 * Exact-size copy with its own backing store: zlib's result may be a view
 * into a larger chunk, and small Buffers share 8 KiB pool slabs — either would
 * make a long-lived cache entry pin much more memory than it uses.
 */
function ownCopy(b: Buffer): Buffer {
  const c = Buffer.allocUnsafeSlow(b.length);
  b.copy(c);
  return c;
}

function utf16hex(cps: readonly number[]): string {
  let u = '';
  for (const cp of cps) {
    if (cp > 0xffff) {
      const v = cp - 0x10000;
      u += hex4(0xd800 | (v >> 10)) + hex4(0xdc00 | (v & 0x3ff));
    } else {
      u += hex4(cp);
    }
  }
  return u;
}

/**
 * A font as used by one document. Content streams use the font's original
 * glyph ids as CIDs (Identity-H); a CIDToGIDMap maps them into the subset.
 */
export class DocFont {
  readonly src: FontSource;
  readonly resName: string;
  private readonly used = new Map<number, UsedGlyph>();

  constructor(src: FontSource, resName: string) {
    this.src = src;
    this.resName = resName;
  }

  get isUsed(): boolean {
    return this.used.size > 0;
  }

  private use(gid: number, advanceWidth: number, cps: number[]): void {
    if (!this.used.has(gid)) this.used.set(gid, { w: (advanceWidth * 1000) / this.src.unitsPerEm, cps });
  }

  /**
   * TJ operand for `text` (without brackets), with kerning adjustments.
   * Returns null if the text has glyphs with x/y offsets (combining marks),
   * which need the positioned slow path (glyphOps).
   */
  tj(text: string): string | null {
    const toPdf = 1000 / this.src.unitsPerEm;
    let out = '<';
    let open = true;
    for (const word of splitWords(text)) {
      const s = this.src.shape(word);
      if (s.offsets !== null) return null;
      for (let i = 0; i < s.gids.length; i++) {
        const gid = s.gids[i]!;
        this.use(gid, s.advanceWidth[i]!, s.codePoints[i]!);
        if (!open) {
          out += '<';
          open = true;
        }
        out += hex4(gid);
        const adj = s.xAdvance[i]! - s.advanceWidth[i]!;
        if (adj !== 0) {
          out += `> ${num(-adj * toPdf)} `;
          open = false;
        }
      }
    }
    if (open) out += '>';
    return out;
  }

  /** Per-glyph positioned drawing for runs with mark offsets. */
  glyphOps(text: string, x: number, y: number, size: number): string {
    const k = size / this.src.unitsPerEm;
    let ops = '';
    let pen = x;
    for (const word of splitWords(text)) {
      const s = this.src.shape(word);
      for (let i = 0; i < s.gids.length; i++) {
        const gid = s.gids[i]!;
        this.use(gid, s.advanceWidth[i]!, s.codePoints[i]!);
        const xo = s.offsets ? s.offsets[i * 2]! : 0;
        const yo = s.offsets ? s.offsets[i * 2 + 1]! : 0;
        ops += `1 0 0 1 ${num(pen + xo * k)} ${num(y + yo * k)} Tm <${hex4(gid)}> Tj\n`;
        pen += s.xAdvance[i]! * k;
      }
    }
    return ops;
  }

  private buildSubset(gids: number[], key: string): EmbeddedSubset {
    const src = this.src;
    const subset = src.subset.createSubset();
    for (const g of gids) subset.includeGlyph(g);
    const fontFile = subset.encode();

    const maxCid = gids[gids.length - 1] ?? 0;
    const map = new Uint8Array((maxCid + 1) * 2);
    for (const g of gids) {
      const to = subset.mapping.get(g)!;
      map[g * 2] = to >> 8;
      map[g * 2 + 1] = to & 0xff;
    }

    // W: runs of consecutive CIDs → "c [w1 w2 …]"
    let widths = '';
    for (let i = 0; i < gids.length;) {
      let j = i;
      while (j + 1 < gids.length && gids[j + 1] === gids[j]! + 1) j++;
      const ws: string[] = [];
      for (let k = i; k <= j; k++) ws.push(num(this.used.get(gids[k]!)!.w));
      widths += `${widths ? ' ' : ''}${gids[i]} [${ws.join(' ')}]`;
      i = j + 1;
    }

    // ToUnicode: canonical cmap code point for ordinary glyphs (deterministic
    // even for glyphs shared by several code points); shaped sequence for
    // ligatures and glyphs the cmap does not reach.
    const entries: string[] = [];
    for (const g of gids) {
      const shaped = this.used.get(g)!.cps;
      const canon = src.subset.unicodeOf(g);
      const cps = shaped.length <= 1 && canon >= 0 ? [canon] : shaped;
      if (cps.length > 0) entries.push(`<${hex4(g)}> <${utf16hex(cps)}>`);
    }
    let body = '';
    for (let i = 0; i < entries.length; i += 100) {
      const chunk = entries.slice(i, i + 100);
      body += `${chunk.length} beginbfchar\n${chunk.join('\n')}\nendbfchar\n`;
    }
    const cmap =
      '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
      '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n' +
      '1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n' +
      body +
      'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n';

    // 6-letter subset tag derived from the glyph set (deterministic; different
    // subsets of the same font get different tags).
    const h = digest('md5', key);
    let tag = '';
    for (let i = 0; i < 6; i++) tag += String.fromCharCode(65 + (h[i]! % 26));

    return {
      baseFont: `${tag}+${src.postscriptName}`,
      fontFile: ownCopy(deflate(fontFile, 6)),
      length1: fontFile.length,
      cidToGid: ownCopy(deflate(map, 6)),
      toUnicode: ownCopy(deflate(cmap, 6)),
      widths,
    };
  }

  /** Serialises the font objects; returns the Type0 font object number. */
  write(w: ObjectWriter): number {
    const src = this.src;
    const gids = [...this.used.keys()].sort((a, b) => a - b);
    const key = `${src.key}:${gids.join(',')}`;
    const e = cachedSubset(key, () => this.buildSubset(gids, key));

    const fileObj = w.deflated(`/Length1 ${e.length1}`, e.fontFile, true);
    const [x0, y0, x1, y1] = src.bbox;
    const descriptor = w.obj(
      `<< /Type /FontDescriptor /FontName /${e.baseFont} /Flags 4 /FontBBox [${num(x0)} ${num(y0)} ${num(x1)} ${num(y1)}]` +
        ` /ItalicAngle ${num(src.italicAngle)} /Ascent ${num(src.ascent)} /Descent ${num(src.descent)}` +
        ` /CapHeight ${num(src.ascent)} /StemV 80 /FontFile2 ${fileObj} 0 R >>`,
    );
    const cidToGid = w.deflated('', e.cidToGid, true);
    const cid = w.obj(
      `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /${e.baseFont}` +
        ` /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>` +
        ` /FontDescriptor ${descriptor} 0 R /DW 1000 /W [${e.widths}] /CIDToGIDMap ${cidToGid} 0 R >>`,
    );
    const toUnicode = w.deflated('', e.toUnicode, true);
    return w.obj(
      `<< /Type /Font /Subtype /Type0 /BaseFont /${e.baseFont} /Encoding /Identity-H` +
        ` /DescendantFonts [${cid} 0 R] /ToUnicode ${toUnicode} 0 R >>`,
    );
  }
}

/** Sequential object serialiser with xref bookkeeping. */
class ObjectWriter {
  private readonly chunks: Buffer[] = [];
  private pos = 0;
  private readonly offsets: number[] = [];
  /** Stream payloads left out of the /ID digest (see `finish`). */
  private readonly derived = new Set<Buffer>();

  constructor() {
    // header + binary marker comment
    this.raw(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'));
  }

  private raw(b: Buffer): void {
    this.chunks.push(b);
    this.pos += b.length;
  }

  /** Reserves an object number (to be written later with `obj(…, id)`). */
  reserve(): number {
    this.offsets.push(-1);
    return this.offsets.length;
  }

  obj(body: string, id = this.reserve()): number {
    this.objAt(body, id);
    return id;
  }

  /** Writes an object and returns the file offset of its body (where `body` starts). */
  objAt(body: string, id = this.reserve()): number {
    this.offsets[id - 1] = this.pos;
    const head = `${id} 0 obj\n`;
    this.raw(Buffer.from(`${head}${body}\nendobj\n`, 'latin1'));
    return this.offsets[id - 1]! + head.length;
  }

  /**
   * `level`: zlib level; page content (highly repetitive operator text)
   * compresses nearly as well at level 1 in a third of the time.
   */
  stream(extraDict: string, data: Uint8Array | string, level = 6): number {
    return this.deflated(extraDict, deflate(data, level));
  }

  /**
   * Writes an unfiltered stream (the XMP metadata, where PDF/A forbids filters; the embedded XML).
   * `derived`: the payload is left out of the /ID digest (see `finish`).
   */
  plain(extraDict: string, data: Buffer, derived = false): number {
    const id = this.reserve();
    this.offsets[id - 1] = this.pos;
    this.raw(
      Buffer.from(`${id} 0 obj\n<< /Length ${data.length}${extraDict ? ' ' + extraDict : ''} >>\nstream\n`, 'latin1'),
    );
    this.payload(data, derived);
    this.raw(Buffer.from('\nendstream\nendobj\n', 'latin1'));
    return id;
  }

  /** Writes an already Flate-compressed stream; `derived` as for `plain`. */
  deflated(extraDict: string, payload: Buffer, derived = false): number {
    const id = this.reserve();
    this.offsets[id - 1] = this.pos;
    this.raw(
      Buffer.from(
        `${id} 0 obj\n<< /Length ${payload.length} /Filter /FlateDecode${extraDict ? ' ' + extraDict : ''} >>\nstream\n`,
        'latin1',
      ),
    );
    this.payload(payload, derived);
    this.raw(Buffer.from('\nendstream\nendobj\n', 'latin1'));
    return id;
  }

  private payload(data: Buffer, derived: boolean): void {
    this.raw(data);
    if (derived) this.derived.add(data);
  }

  finish(rootId: number, infoId: number): Buffer {
    // The file identifier: 16 bytes of a SHA-256 of the body (not the customary MD5: with the CPU's
    // SHA instructions it is about twice as fast). It identifies the file; the signature, not the
    // /ID, protects its bytes. So the body's derived stream payloads stay out of it: font programs
    // (a function of the font and the glyphs the page uses), the colour profile (the same in every
    // file) and the embedded e-invoice XML (the invoice the pages show). Their dictionaries, with
    // /Length, are in it (issue #12 item 9: hashing the XML for the /ID cost ~10 µs a file).
    const body = hasher('sha256');
    for (const c of this.chunks) if (!this.derived.has(c)) body.update(c);
    const id = body.digest('hex').slice(0, 32);
    const xrefPos = this.pos;
    let xref = `xref\n0 ${this.offsets.length + 1}\n0000000000 65535 f \n`;
    for (const off of this.offsets) {
      if (off < 0) throw new Error('pdf-writer: reserved object never written');
      xref += `${String(off).padStart(10, '0')} 00000 n \n`;
    }
    xref +=
      `trailer\n<< /Size ${this.offsets.length + 1} /Root ${rootId} 0 R /Info ${infoId} 0 R /ID [<${id}> <${id}>] >>\n` +
      `startxref\n${xrefPos}\n%%EOF\n`;
    this.chunks.push(Buffer.from(xref, 'latin1'));
    return Buffer.concat(this.chunks);
  }
}

/**
 * Writes an image XObject (and its soft mask); returns its object number. Nothing PDF/A forbids
 * (ISO 19005-2 §6.2.8): no /Interpolate, /Alternates or /OPI.
 */
function writeImage(w: ObjectWriter, img: PdfImage): number {
  const head = `/Type /XObject /Subtype /Image /Width ${img.width} /Height ${img.height}`;
  const smask = img.smask ? w.deflated(`${head} /ColorSpace /DeviceGray /BitsPerComponent 8`, img.smask) : 0;
  const dict =
    `${head} /ColorSpace /${img.colorSpace} /BitsPerComponent 8` +
    (img.decodeParms ? ` /DecodeParms << ${img.decodeParms} >>` : '') +
    (smask ? ` /SMask ${smask} 0 R` : '');
  return img.filter === 'DCTDecode' ? w.plain(`/Filter /DCTDecode ${dict}`, img.data) : w.deflated(dict, img.data);
}

/** The OutputIntent's ICC profile, compressed once per process. */
let iccDeflated: Buffer | null = null;

export interface PdfInfo {
  title: string;
  author: string;
  subject?: string;
  creator: string;
  producer: string;
  creationDate: Date;
}

export interface PdfPage {
  readonly width: number;
  readonly height: number;
  /** content stream operators */
  ops: string[];
  links: Array<{ x: number; y: number; w: number; h: number; uri: string }>;
}

export class PdfWriter {
  readonly pages: PdfPage[] = [];
  readonly fonts: DocFont[] = [];
  /** constant fill alpha values used via /GSn gs */
  readonly alphas: number[] = [];
  /** image XObjects used via /Imn Do (the organization's logo) */
  readonly images: PdfImage[] = [];

  addFont(src: FontSource): DocFont {
    const f = new DocFont(src, `F${this.fonts.length + 1}`);
    this.fonts.push(f);
    return f;
  }

  addPage(width: number, height: number): PdfPage {
    const page: PdfPage = { width, height, ops: [], links: [] };
    this.pages.push(page);
    return page;
  }

  /** Resource name of an ExtGState with fill alpha `a`. */
  alpha(a: number): string {
    let i = this.alphas.indexOf(a);
    if (i < 0) {
      this.alphas.push(a);
      i = this.alphas.length - 1;
    }
    return `GS${i + 1}`;
  }

  /** Resource name of an image XObject for `image` (one object per image however often it is drawn). */
  image(image: PdfImage): string {
    let i = this.images.indexOf(image);
    if (i < 0) {
      this.images.push(image);
      i = this.images.length - 1;
    }
    return `Im${i + 1}`;
  }

  /** The finished, unsigned document; with an attachment, a PDF/A-3b Factur-X hybrid. */
  finish(info: PdfInfo, attachment: PdfAttachment | null = null): Buffer {
    return this.write(info, null, attachment).pdf;
  }

  /**
   * The finished document with an invisible signature field on its first page whose /ByteRange is
   * final and whose /Contents is blank, ready for a signer (no re-parsing: the writer knows where
   * it put both).
   */
  finishForSigning(info: PdfInfo, field: SignatureField, attachment: PdfAttachment | null = null): PreparedSignature {
    const { pdf, signature } = this.write(info, field, attachment);
    return fillByteRange(pdf, signature!.byteRangeAt, signature!.contentsAt, signature!.contentsEnd);
  }

  private write(
    info: PdfInfo,
    field: SignatureField | null,
    attachment: PdfAttachment | null,
  ): { pdf: Buffer; signature: { byteRangeAt: number; contentsAt: number; contentsEnd: number } | null } {
    const w = new ObjectWriter();
    const catalogId = w.reserve();
    const pagesId = w.reserve();
    const pageIds = this.pages.map(() => w.reserve());
    // Signature field = widget annotation merged with its field (ISO 32000-1 §12.7.3.1), on page 1.
    const widgetId = field ? w.reserve() : 0;

    const fontRes: string[] = [];
    for (const f of this.fonts) {
      if (!f.isUsed) continue;
      fontRes.push(`/${f.resName} ${f.write(w)} 0 R`);
    }
    const gsRes = this.alphas.map(
      (a, i) => `/GS${i + 1} ${w.obj(`<< /Type /ExtGState /ca ${num(a)} /CA ${num(a)} >>`)} 0 R`,
    );
    const imageRes = this.images.map((img, i) => `/Im${i + 1} ${writeImage(w, img)} 0 R`);
    // Without an image the resources (and so the bytes) are exactly what they were before images.
    let resources = imageRes.length ? `/ProcSet [/PDF /Text /ImageB /ImageC]` : `/ProcSet [/PDF /Text]`;
    if (fontRes.length) resources += ` /Font << ${fontRes.join(' ')} >>`;
    if (gsRes.length) resources += ` /ExtGState << ${gsRes.join(' ')} >>`;
    if (imageRes.length) resources += ` /XObject << ${imageRes.join(' ')} >>`;
    const resId = w.obj(`<< ${resources} >>`);

    this.pages.forEach((page, i) => {
      const contentId = w.stream('', page.ops.join('\n'), 1);
      const annots = page.links.map((l) => {
        const rect = `${num(l.x)} ${num(page.height - l.y - l.h)} ${num(l.x + l.w)} ${num(page.height - l.y)}`;
        // PDF/A: every annotation carries /F with Print set (kept out of plain PDFs: same bytes as before).
        const flags = attachment ? ' /F 4' : '';
        return w.obj(
          `<< /Type /Annot /Subtype /Link /Rect [${rect}]${flags} /Border [0 0 0] /A << /S /URI /URI ${pdfString(l.uri)} >> >>`,
        );
      });
      if (i === 0 && field) annots.push(widgetId);
      const annotStr = annots.length ? ` /Annots [${annots.map((a) => `${a} 0 R`).join(' ')}]` : '';
      w.obj(
        `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 ${num(page.width)} ${num(page.height)}]` +
          ` /Resources ${resId} 0 R /Contents ${contentId} 0 R${annotStr} >>`,
        pageIds[i],
      );
    });
    w.obj(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`, pagesId);
    // Catalog entries as a list: PDF/A-3 (Factur-X) adds /Metadata, /AF and /Names here.
    const catalog = [`/Type /Catalog`, `/Pages ${pagesId} 0 R`, `/ViewerPreferences << /DisplayDocTitle true >>`];
    let signature: { byteRangeAt: number; contentsAt: number; contentsEnd: number } | null = null;
    if (field) {
      const dict = signatureDictionary(field, pdfString, pdfDate);
      const sigId = w.reserve();
      const at = w.objAt(dict.text, sigId);
      signature = {
        byteRangeAt: at + dict.byteRangeAt,
        contentsAt: at + dict.contentsAt,
        contentsEnd: at + dict.contentsEnd,
      };
      w.obj(
        `<< /Type /Annot /Subtype /Widget /FT /Sig /T ${pdfString(SIGNATURE_FIELD_NAME)} /V ${sigId} 0 R /Rect [0 0 0 0] /F ${SIGNATURE_WIDGET_FLAGS} /P ${pageIds[0]} 0 R >>`,
        widgetId,
      );
      catalog.push(`/AcroForm << /Fields [${widgetId} 0 R] /SigFlags ${SIG_FLAGS} >>`);
    }
    const date = pdfDate(info.creationDate);
    if (attachment) {
      const metadata = w.plain('/Type /Metadata /Subtype /XML', xmpMetadata(info, attachment));
      const profile = w.deflated('/N 3', (iccDeflated ??= ownCopy(deflate(srgbIccProfile(), 6))), true);
      const intent = w.obj(
        `<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier ${pdfString(OUTPUT_CONDITION)} /Info ${pdfString(OUTPUT_CONDITION)}` +
          ` /RegistryName (http://www.color.org) /DestOutputProfile ${profile} 0 R >>`,
      );
      // Unfiltered: deflating the XML costs more than hashing its bytes for the signature (the /ID
      // leaves them out; docs/DECISIONS.md D10, issue #12 item 9).
      const file = w.plain(
        `/Type /EmbeddedFile /Subtype /text#2Fxml /Params << /ModDate ${date} /Size ${attachment.xml.length} >>`,
        attachment.xml,
        true,
      );
      const name = pdfString(attachment.name);
      const spec = w.obj(
        `<< /Type /Filespec /F ${name} /UF ${name} /EF << /F ${file} 0 R /UF ${file} 0 R >>` +
          ` /Desc (Factur-X invoice) /AFRelationship /${AF_RELATIONSHIP} >>`,
      );
      catalog.push(
        `/Metadata ${metadata} 0 R`,
        `/OutputIntents [${intent} 0 R]`,
        `/Names << /EmbeddedFiles << /Names [${name} ${spec} 0 R] >> >>`,
        `/AF [${spec} 0 R]`,
      );
    }
    w.obj(`<< ${catalog.join(' ')} >>`, catalogId);
    const infoId = w.obj(
      `<< /Title ${pdfString(info.title)} /Author ${pdfString(info.author)}` +
        (info.subject ? ` /Subject ${pdfString(info.subject)}` : '') +
        ` /Creator ${pdfString(info.creator)} /Producer ${pdfString(info.producer)}` +
        ` /CreationDate ${date} /ModDate ${date} >>`,
    );
    return { pdf: w.finish(catalogId, infoId), signature };
  }
}
