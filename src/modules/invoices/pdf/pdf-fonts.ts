/**
 * Process-wide font state for the invoice PDF renderer.
 *
 * Parsing a TTF and shaping text with fontkit is by far the most expensive
 * part of rendering a small document, so everything that does not depend on
 * the document is done once per process and shared:
 *   - the fontkit font objects (DejaVu Sans / DejaVu Sans Bold),
 *   - a TrueType subset source that memoises per-glyph data (pdf-ttf-subset),
 *   - an LRU memo of shaped words (GSUB ligatures, GPOS/kern pairs).
 * Per document only the glyph-id mapping / widths / ToUnicode data are built
 * (see DocFont in pdf-writer.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TrueTypeSubsetSource } from './pdf-ttf-subset.ts';

/** Minimal structural view of the fontkit objects we use. */
interface FontkitGlyph {
  id: number;
  codePoints: number[];
  advanceWidth: number;
}
interface FontkitGlyphRun {
  glyphs: FontkitGlyph[];
  positions: Array<{ xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }>;
}
interface FontkitFont {
  postscriptName: string;
  unitsPerEm: number;
  ascent: number;
  descent: number;
  italicAngle: number;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
  layout(text: string): FontkitGlyphRun;
}
interface FontkitModule {
  create(buffer: Uint8Array): FontkitFont;
}

/** A shaped run of text (one word plus its trailing space), in font units. */
export interface ShapedWord {
  /** original glyph ids */
  gids: Uint16Array;
  /** code points each glyph stands for (ToUnicode) */
  codePoints: number[][];
  /** pen advance per glyph (includes kerning) */
  xAdvance: Float64Array;
  /** glyph's own advance width (the PDF W entry) */
  advanceWidth: Float64Array;
  /** x/y offsets per glyph (mark positioning), null when all zero */
  offsets: Float64Array | null;
  /** sum of xAdvance */
  width: number;
}

export interface FontSource {
  readonly key: 'regular' | 'bold';
  readonly postscriptName: string;
  readonly unitsPerEm: number;
  /** metrics in 1/1000 em (PDF glyph space) */
  readonly ascent: number;
  readonly descent: number;
  readonly bbox: [number, number, number, number];
  readonly italicAngle: number;
  readonly subset: TrueTypeSubsetSource;
  shape(word: string): ShapedWord;
}

const require = createRequire(import.meta.url);

function fontDir(): string {
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

/**
 * fontkit is pdfkit's dependency (it is not a direct dependency of ours), so
 * resolve it from pdfkit's location.
 */
function loadFontkit(): FontkitModule {
  return createRequire(require.resolve('pdfkit'))('fontkit') as FontkitModule;
}

const SHAPE_CACHE_MAX = 20_000;
let shapeHits = 0;
let shapeMisses = 0;

function makeSource(fontkit: FontkitModule, file: string, key: FontSource['key']): FontSource {
  const bytes = readFileSync(file);
  const font = fontkit.create(bytes);
  const upm = font.unitsPerEm;
  const scale = 1000 / upm;
  const cache = new Map<string, ShapedWord>();

  const shapeUncached = (word: string): ShapedWord => {
    const run = font.layout(word);
    const n = run.glyphs.length;
    const gids = new Uint16Array(n);
    const codePoints: number[][] = new Array<number[]>(n);
    const xAdvance = new Float64Array(n);
    const advanceWidth = new Float64Array(n);
    let offsets: Float64Array | null = null;
    let width = 0;
    for (let i = 0; i < n; i++) {
      const g = run.glyphs[i]!;
      const p = run.positions[i]!;
      gids[i] = g.id;
      codePoints[i] = g.codePoints;
      xAdvance[i] = p.xAdvance;
      advanceWidth[i] = g.advanceWidth;
      width += p.xAdvance;
      if (p.xOffset !== 0 || p.yOffset !== 0) {
        offsets ??= new Float64Array(n * 2);
        offsets[i * 2] = p.xOffset;
        offsets[i * 2 + 1] = p.yOffset;
      }
    }
    return { gids, codePoints, xAdvance, advanceWidth, offsets, width };
  };

  return {
    key,
    postscriptName: font.postscriptName.replace(/[^\x21-\x7e]|[()<>[\]{}/%#]/g, ''),
    unitsPerEm: upm,
    ascent: font.ascent * scale,
    descent: font.descent * scale,
    bbox: [font.bbox.minX * scale, font.bbox.minY * scale, font.bbox.maxX * scale, font.bbox.maxY * scale],
    italicAngle: font.italicAngle,
    subset: new TrueTypeSubsetSource(bytes, { stripHinting: true }),
    shape(word: string): ShapedWord {
      const hit = cache.get(word);
      if (hit !== undefined) {
        shapeHits++;
        cache.delete(word); // refresh LRU position
        cache.set(word, hit);
        return hit;
      }
      shapeMisses++;
      const shaped = shapeUncached(word);
      cache.set(word, shaped);
      if (cache.size > SHAPE_CACHE_MAX) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return shaped;
    },
  };
}

export interface LoadedFonts {
  regular: FontSource;
  bold: FontSource;
}

let loaded: LoadedFonts | null = null;

/** Parsed fonts, created once per process. */
export function getFonts(): LoadedFonts {
  if (loaded === null) {
    const fontkit = loadFontkit();
    const dir = fontDir();
    loaded = {
      regular: makeSource(fontkit, join(dir, 'DejaVuSans.ttf'), 'regular'),
      bold: makeSource(fontkit, join(dir, 'DejaVuSans-Bold.ttf'), 'bold'),
    };
  }
  return loaded;
}

export function fontCacheStats(): { shapeHits: number; shapeMisses: number } {
  return { shapeHits, shapeMisses };
}
