/**
 * Font loading for the invoice PDF renderer.
 *
 * pdfkit parses a TTF with fontkit every time `doc.font(buffer)` is called on a
 * new document, which dominates the cost of rendering a small invoice. pdfkit
 * also accepts an already-parsed fontkit font object (anything with a
 * `layout()` method, see PDFFontFactory.open), so we parse DejaVu Sans /
 * DejaVu Sans Bold once per process and hand the same fontkit font to every
 * document. Each document still gets its own EmbeddedFont + subset (glyph ids
 * are per document), so the output stays correct and self-contained.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TrueTypeSubsetSource, type TrueTypeSubset } from './pdf-ttf-subset.ts';

/** Minimal structural view of the fontkit objects we touch. */
export interface FontkitGlyph {
  id: number;
  codePoints: number[];
  advanceWidth: number;
}
export interface FontkitGlyphRun {
  glyphs: FontkitGlyph[];
  positions: Array<{ xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }>;
  advanceWidth: number;
}
export interface FontkitFont {
  postscriptName: string;
  unitsPerEm: number;
  layout(text: string, features?: unknown): FontkitGlyphRun;
  createSubset(): TrueTypeSubset;
  glyphForCodePoint(codePoint: number): FontkitGlyph;
}
interface FontkitModule {
  create(buffer: Uint8Array, postscriptName?: string): FontkitFont;
}

export const FONT_REGULAR = 'SealbillSans';
export const FONT_BOLD = 'SealbillSansBold';

const require = createRequire(import.meta.url);

function fontDir(): string {
  const pkg = require.resolve('dejavu-fonts-ttf/package.json');
  return join(dirname(pkg), 'ttf');
}

/**
 * fontkit is pdfkit's own dependency; resolve it from pdfkit's location so we
 * always get the copy pdfkit itself would use.
 */
function loadFontkit(): FontkitModule {
  const pdfkitRequire = createRequire(require.resolve('pdfkit'));
  return pdfkitRequire('fontkit') as FontkitModule;
}

export interface LoadedFonts {
  regular: FontkitFont;
  bold: FontkitFont;
}

let loaded: LoadedFonts | null = null;

/**
 * Cross-document memo of fontkit's text shaping (GSUB/GPOS/kerning), which is
 * the single most expensive step when rendering a small document. pdfkit
 * splits text into words and calls `font.layout(word)`; invoices repeat the
 * same words constantly. pdfkit scales the returned positions in place, so
 * every call gets fresh position objects; glyph objects are fontkit's own
 * per-font cached instances and are shared (pdfkit only reads them).
 */
const LAYOUT_CACHE_MAX = 20_000;
interface CachedRun {
  glyphs: FontkitGlyph[];
  /** xAdvance, yAdvance, xOffset, yOffset per glyph */
  pos: Float64Array;
}
let layoutHits = 0;
let layoutMisses = 0;

function makeRun(cached: CachedRun): FontkitGlyphRun {
  const n = cached.glyphs.length;
  const positions: FontkitGlyphRun['positions'] = new Array(n);
  const p = cached.pos;
  for (let i = 0; i < n; i++) {
    positions[i] = { xAdvance: p[i * 4]!, yAdvance: p[i * 4 + 1]!, xOffset: p[i * 4 + 2]!, yOffset: p[i * 4 + 3]! };
  }
  return {
    glyphs: cached.glyphs.slice(),
    positions,
    // same semantics as fontkit's GlyphRun#advanceWidth (computed lazily, so
    // it reflects pdfkit's in-place scaling of the positions)
    get advanceWidth() {
      let w = 0;
      for (const q of positions) w += q.xAdvance;
      return w;
    },
  };
}

function memoizeLayout(font: FontkitFont): void {
  const original = font.layout.bind(font);
  const cache = new Map<string, CachedRun>();
  font.layout = (text: string, features?: unknown, ...rest: unknown[]): FontkitGlyphRun => {
    if (features !== undefined || rest.length > 0 || typeof text !== 'string') {
      return (original as (...a: unknown[]) => FontkitGlyphRun)(text, features, ...rest);
    }
    let cached = cache.get(text);
    if (cached !== undefined) {
      layoutHits++;
      cache.delete(text); // refresh LRU position
      cache.set(text, cached);
      return makeRun(cached);
    }
    layoutMisses++;
    const run = original(text);
    const n = run.glyphs.length;
    const pos = new Float64Array(n * 4);
    for (let i = 0; i < n; i++) {
      const q = run.positions[i]!;
      pos[i * 4] = q.xAdvance;
      pos[i * 4 + 1] = q.yAdvance;
      pos[i * 4 + 2] = q.xOffset;
      pos[i * 4 + 3] = q.yOffset;
    }
    cached = { glyphs: run.glyphs.slice(), pos };
    cache.set(text, cached);
    if (cache.size > LAYOUT_CACHE_MAX) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return run;
  };
}

function prepare(fontkit: FontkitModule, file: string): FontkitFont {
  const bytes = readFileSync(file);
  const font = fontkit.create(bytes);
  // Same glyph ids as fontkit (same file); see pdf-ttf-subset.ts.
  const source = new TrueTypeSubsetSource(bytes);
  font.createSubset = () => source.createSubset();
  memoizeLayout(font);
  return font;
}

/** Parsed fonts, created once per process. */
export function getFonts(): LoadedFonts {
  if (loaded === null) {
    const fontkit = loadFontkit();
    const dir = fontDir();
    loaded = {
      regular: prepare(fontkit, join(dir, 'DejaVuSans.ttf')),
      bold: prepare(fontkit, join(dir, 'DejaVuSans-Bold.ttf')),
    };
  }
  return loaded;
}

export function fontCacheStats(): { layoutHits: number; layoutMisses: number } {
  return { layoutHits, layoutMisses };
}
