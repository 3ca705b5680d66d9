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
  gids: number[];
  /** code points each glyph stands for (ToUnicode) */
  codePoints: number[][];
  /** pen advance per glyph (includes kerning) */
  xAdvance: number[];
  /** glyph's own advance width (the PDF W entry) */
  advanceWidth: number[];
  /** x/y offsets per glyph (mark positioning), null when all zero */
  offsets: number[] | null;
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
  /** Shapes a word (memoised; composed from pair layouts when possible). */
  shape(word: string): ShapedWord;
  /** Full fontkit layout, bypassing every cache (tests/diagnostics). */
  shapeFull(word: string): ShapedWord;
}

const require = createRequire(import.meta.url);

function fontDir(): string {
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

/** fontkit (the font engine pdfkit is built on) parses and shapes the TrueType fonts. */
function loadFontkit(): FontkitModule {
  return require('fontkit') as FontkitModule;
}

// per generation (a cache holds at most two generations)
const SHAPE_CACHE_MAX = 5_000;
const PAIR_CACHE_MAX = 20_000;
let shapeHits = 0;
let shapeComposed = 0;
let shapeFull = 0;

/**
 * Characters whose shaping (for Latin/Greek/Cyrillic fonts like DejaVu) is
 * fully described by per-character glyphs plus pairwise adjustments: no marks
 * to attach, no complex-script reordering. Words made only of these are
 * composed from memoised single-character and pair layouts (exact for GPOS
 * pair kerning; any pair that substitutes glyphs — e.g. the "fi" ligature —
 * makes the word fall back to a full fontkit layout).
 */
const COMPOSABLE =
  /^[\u0020-\u007e\u00a0-\u024f\u0370-\u03ff\u0400-\u0482\u048a-\u04ff\u2010-\u2027\u2030-\u205e\u20a0-\u20cf\u2212]+$/u;

const HAS_DIGIT = /[0-9]/;

interface CharShape {
  gid: number;
  codePoints: number[];
  xAdvance: number;
  advanceWidth: number;
}

/** Two-generation cache: cheap approximate LRU (no reordering on hit). */
class GenCache<V> {
  private cur = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  get(k: string): V | undefined {
    const v = this.cur.get(k);
    if (v !== undefined) return v;
    const o = this.old.get(k);
    if (o !== undefined) this.set(k, o);
    return o;
  }
  set(k: string, v: V): void {
    if (this.cur.size >= this.max) {
      this.old = this.cur;
      this.cur = new Map();
    }
    this.cur.set(k, v);
  }
}

function makeSource(fontkit: FontkitModule, file: string, key: FontSource['key']): FontSource {
  const bytes = readFileSync(file);
  const font = fontkit.create(bytes);
  const upm = font.unitsPerEm;
  const scale = 1000 / upm;
  const cache = new GenCache<ShapedWord>(SHAPE_CACHE_MAX);
  // null = "not composable" (multi-glyph or offset result)
  const chars = new Map<string, CharShape | null>();
  const pairs = new GenCache<number | null>(PAIR_CACHE_MAX);

  const shapeUncached = (word: string): ShapedWord => {
    const run = font.layout(word);
    const n = run.glyphs.length;
    const gids: number[] = [];
    const codePoints: number[][] = [];
    const xAdvance: number[] = [];
    const advanceWidth: number[] = [];
    let offsets: number[] | null = null;
    let width = 0;
    for (let i = 0; i < n; i++) {
      const g = run.glyphs[i]!;
      const p = run.positions[i]!;
      gids.push(g.id);
      codePoints.push(g.codePoints);
      xAdvance.push(p.xAdvance);
      advanceWidth.push(g.advanceWidth);
      width += p.xAdvance;
      if (p.xOffset !== 0 || p.yOffset !== 0) {
        offsets ??= new Array<number>(n * 2).fill(0);
        offsets[i * 2] = p.xOffset;
        offsets[i * 2 + 1] = p.yOffset;
      }
    }
    return { gids, codePoints, xAdvance, advanceWidth, offsets, width };
  };

  const charShape = (c: string): CharShape | null => {
    let cs = chars.get(c);
    if (cs === undefined) {
      const run = font.layout(c);
      const g = run.glyphs[0];
      const p = run.positions[0];
      cs =
        run.glyphs.length === 1 && g && p && p.xOffset === 0 && p.yOffset === 0
          ? { gid: g.id, codePoints: g.codePoints, xAdvance: p.xAdvance, advanceWidth: g.advanceWidth }
          : null;
      chars.set(c, cs);
    }
    return cs;
  };

  /** xAdvance of `a` when followed by `b`, or null if the pair is not plain. */
  const pairAdvance = (a: string, b: string, ca: CharShape, cb: CharShape): number | null => {
    const k = a + b;
    let v = pairs.get(k);
    if (v === undefined) {
      const run = font.layout(k);
      const [g0, g1] = run.glyphs;
      const [p0, p1] = run.positions;
      v =
        run.glyphs.length === 2 &&
        g0?.id === ca.gid &&
        g1?.id === cb.gid &&
        p0 &&
        p1 &&
        p0.xOffset === 0 &&
        p0.yOffset === 0 &&
        p1.xOffset === 0 &&
        p1.yOffset === 0 &&
        p1.xAdvance === cb.xAdvance
          ? p0.xAdvance
          : null;
      pairs.set(k, v);
    }
    return v;
  };

  const compose = (word: string): ShapedWord | null => {
    if (!COMPOSABLE.test(word)) return null;
    const cps = Array.from(word);
    const n = cps.length;
    const shapes: CharShape[] = new Array<CharShape>(n);
    for (let i = 0; i < n; i++) {
      const cs = charShape(cps[i]!);
      if (cs === null) return null;
      shapes[i] = cs;
    }
    const gids: number[] = [];
    const codePoints: number[][] = [];
    const xAdvance: number[] = [];
    const advanceWidth: number[] = [];
    let width = 0;
    for (let i = 0; i < n; i++) {
      const cs = shapes[i]!;
      let adv = cs.xAdvance;
      if (i + 1 < n) {
        const pa = pairAdvance(cps[i]!, cps[i + 1]!, cs, shapes[i + 1]!);
        if (pa === null) return null;
        adv = pa;
      }
      gids.push(cs.gid);
      codePoints.push(cs.codePoints);
      xAdvance.push(adv);
      advanceWidth.push(cs.advanceWidth);
      width += adv;
    }
    return { gids, codePoints, xAdvance, advanceWidth, offsets: null, width };
  };

  return {
    key,
    postscriptName: font.postscriptName.replace(/[^\x21-\x7e]|[()<>[\]{}/%#]/g, ''),
    unitsPerEm: upm,
    ascent: font.ascent * scale,
    descent: font.descent * scale,
    bbox: [font.bbox.minX * scale, font.bbox.minY * scale, font.bbox.maxX * scale, font.bbox.maxY * scale],
    italicAngle: font.italicAngle,
    // Hinting is dropped from the embedded subsets: for DejaVu it is ~40% of
    // the glyph data (one-page invoice: ~16 KiB instead of ~28 KiB, and
    // faster to deflate). Anti-aliased viewers and print-resolution output
    // look the same; only non-anti-aliased low-resolution rasterising
    // (e.g. Ghostscript bitmap output at 70 dpi) shows thin-stroke dropouts.
    subset: new TrueTypeSubsetSource(bytes, { stripHinting: true }),
    shape(word: string): ShapedWord {
      const hit = cache.get(word);
      if (hit !== undefined) {
        shapeHits++;
        return hit;
      }
      let shaped = compose(word);
      if (shaped !== null) {
        shapeComposed++;
        // Numbers, amounts, dates and references are mostly unique per
        // document: recomposing them is cheap, memoising them would only
        // churn the cache.
        if (HAS_DIGIT.test(word)) return shaped;
      } else {
        shapeFull++;
        shaped = shapeUncached(word);
      }
      cache.set(word, shaped);
      return shaped;
    },
    shapeFull: shapeUncached,
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

export function fontCacheStats(): { shapeHits: number; shapeComposed: number; shapeFull: number } {
  return { shapeHits, shapeComposed, shapeFull };
}
