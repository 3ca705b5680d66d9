// A tiny XML writer for the e-invoice syntaxes. The writers call it in document order and it
// writes as it goes, so the same calls always give the same bytes (UTF-8, LF line ends, two-space
// indent, attributes in the order given, no timestamps, no XML comments). There is no element
// tree: building one and walking it cost about as much as the rest of the e-invoice work together
// (issue #12 item 9).
//
// Empty elements are dropped, recursively: PEPPOL-EN16931-R008 (merged into XRechnung too)
// forbids them, and an element whose value is missing is exactly an element that must not be
// written. A start tag is therefore held back until something is written inside it; a
// schema-required container that may legitimately be empty is written with `required`.

/** Attribute values in the order written; null/undefined ones are left out. */
export type XmlAttrs = Record<string, string | null | undefined>;

// XML 1.0 Char production: text outside it cannot be written at all, so it is refused rather than
// silently dropped (the pre-issue checks never let such text reach a writer).
const NOT_XML_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const TEXT_SPECIAL = /[&<>\r]/;
// The common case in one test: only characters that are both XML Chars and need no escaping
// (tab, LF, printable BMP text but & < >, no surrogates). Anything else takes the full path below.
const PLAIN_TEXT = /^[\x09\x0A\x20-\x25\x27-\x3B\x3D\x3F-\uD7FF\uE000-\uFFFD]*$/;

export function escapeText(text: string): string {
  if (PLAIN_TEXT.test(text)) return text;
  if (NOT_XML_CHAR.test(text)) throw new RangeError('text contains a character XML 1.0 cannot carry');
  // Most values (amounts, dates, codes, ids) need no escaping: skip the four replacements.
  if (!TEXT_SPECIAL.test(text)) return text;
  // \r would be normalised to \n by any parser; writing it as a reference keeps the value exact.
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

// An attribute value that is ASCII and needs no escaping at all (the common case: codes and ids).
const PLAIN_ASCII_ATTR = /^[\x20\x21\x23-\x25\x27-\x3B\x3D\x3F-\x7E]*$/;

export function escapeAttr(text: string): string {
  if (PLAIN_ASCII_ATTR.test(text)) return text;
  return escapeText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

// Text that is ASCII and needs no escaping: its UTF-8 bytes are its characters (one test, not two).
const PLAIN_ASCII_TEXT = /^[\x09\x0A\x20-\x25\x27-\x3B\x3D\x3F-\x7E]*$/;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * `s`'s UTF-8 bytes as a Latin-1 string (one char per byte): `s` itself when it is ASCII. The
 * document is built this way and copied out as Latin-1: encoding a whole invoice whose text has
 * one character beyond Latin-1 (a Greek name, an em dash) costs about as much as writing it.
 */
function utf8InLatin1(s: string): string {
  return ASCII.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

function textBytes(text: string): string {
  return PLAIN_ASCII_TEXT.test(text) ? text : utf8InLatin1(escapeText(text));
}

const indent = (depth: number): string => '\n' + '  '.repeat(depth);

// Per element name, made once per process (the writers use a fixed vocabulary), as UTF-8 in
// Latin-1: the start tag's beginning (`<name`, for attributes to follow), and per depth the line
// of a start tag without attributes (`\n  <name>`) and of an end tag (`\n  </name>`). Writing a
// line as one cached string instead of four pieces keeps the text built from fewer, larger parts.
class Tag {
  readonly open: string;
  readonly close: string;
  readonly #starts: string[] = [];
  readonly #ends: string[] = [];
  constructor(name: string) {
    this.open = utf8InLatin1(`<${name}`);
    this.close = utf8InLatin1(`</${name}>`);
  }
  /** `\n`, the indent of `depth`, and the start tag without attributes. */
  startLine(depth: number): string {
    return (this.#starts[depth] ??= `${indent(depth)}${this.open}>`);
  }
  /** `\n`, the indent of `depth`, and the end tag. */
  endLine(depth: number): string {
    return (this.#ends[depth] ??= indent(depth) + this.close);
  }
}
const TAGS = new Map<string, Tag>();
function tagOf(name: string): Tag {
  let t = TAGS.get(name);
  if (t === undefined) {
    t = new Tag(name);
    if (TAGS.size < 4096) TAGS.set(name, t);
  }
  return t;
}

/** `\n`, the indent, and the start tag with the attributes that have a value (without its closing `>`). */
function startWithAttrs(tag: Tag, depth: number, attrs: XmlAttrs): string {
  let text = '';
  for (const k in attrs) {
    const v = attrs[k];
    if (typeof v === 'string') text += ` ${k}="${escapeAttr(v)}"`;
  }
  return indent(depth) + tag.open + utf8InLatin1(text);
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * The document under construction. Every element, the root included, is written as a line break,
 * its indent and its tags, so the text is the declaration, the root and a final LF.
 */
export class XmlWriter {
  #out = DECLARATION;
  /** The elements open, outermost first, and the start line of those with attributes (else null). */
  readonly #tags: Tag[] = [];
  readonly #attrLines: Array<string | null> = [];
  /** How many of the open elements have their start tag written (the rest wait for content). */
  #written = 0;

  /** An element holding other elements, written only if `body` writes something inside it. */
  el(name: string, body: () => void): void {
    this.#element(name, undefined, body, false);
  }

  /** A container the schema requires even when it has nothing to say (CII ApplicableHeaderTradeDelivery). */
  required(name: string, body: () => void): void {
    this.#element(name, undefined, body, true);
  }

  /** An element holding text; nothing is written for a missing or empty value. */
  leaf(name: string, text: string | null | undefined, attrs?: XmlAttrs): void {
    if (text === undefined || text === null || text === '') return;
    const depth = this.#tags.length;
    if (this.#written < depth) this.#flush(depth);
    const tag = tagOf(name);
    const start = attrs === undefined ? tag.startLine(depth) : startWithAttrs(tag, depth, attrs) + '>';
    this.#out += start + textBytes(text) + tag.close;
  }

  #element(name: string, attrs: XmlAttrs | undefined, body: () => void, keep: boolean): void {
    const depth = this.#tags.length;
    const tag = tagOf(name);
    this.#tags.push(tag);
    this.#attrLines.push(attrs === undefined ? null : startWithAttrs(tag, depth, attrs));
    body();
    this.#tags.pop();
    const attrLine = this.#attrLines.pop()!;
    if (this.#written > depth) {
      this.#out += tag.endLine(depth);
      this.#written = depth;
    } else if (keep) {
      this.#flush(depth);
      this.#out += (attrLine ?? indent(depth) + tag.open) + '/>';
    }
  }

  /** Writes the start tags still held back, up to (not including) depth `upTo`. */
  #flush(upTo: number): void {
    for (; this.#written < upTo; this.#written++) {
      const attrLine = this.#attrLines[this.#written];
      this.#out += attrLine == null ? this.#tags[this.#written]!.startLine(this.#written) : attrLine + '>';
    }
  }

  /** The XML document with root element `root`, as UTF-8 bytes: `body` writes what is inside the root. */
  static document(root: string, attrs: XmlAttrs, body: (x: XmlWriter) => void): Buffer {
    const x = new XmlWriter();
    x.#element(root, attrs, () => body(x), true);
    return Buffer.from(x.#out + '\n', 'latin1');
  }
}
