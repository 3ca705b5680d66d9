// A tiny XML writer for the e-invoice syntaxes: elements are plain data, serialization is one
// pure function, so the same tree always gives the same bytes (UTF-8 text, LF line ends, two-space
// indent, attributes in the order given, no timestamps, no XML comments).
//
// Empty elements are dropped, recursively: PEPPOL-EN16931-R008 (merged into XRechnung too)
// forbids them, and an element whose value is missing is exactly an element that must not be
// written. A schema-required container that may legitimately be empty is marked `keep`.

export type XmlChild = XmlElement | string | null | undefined | false;

const ELEMENT: unique symbol = Symbol('xml element');

export interface XmlElement {
  readonly [ELEMENT]: true;
  readonly name: string;
  readonly attrs: ReadonlyArray<readonly [string, string]>;
  readonly children: readonly XmlChild[];
  readonly keep: boolean;
}

type Attrs = { readonly [ELEMENT]?: never } & Record<string, string | null | undefined>;

function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && ELEMENT in value;
}

const NO_ATTRS: ReadonlyArray<readonly [string, string]> = [];

/** An element: `el(name, child…)` or `el(name, { attr: value }, child…)`; null/undefined attributes are left out. */
export function el(name: string, first?: Attrs | XmlChild, ...rest: XmlChild[]): XmlElement {
  if (first === null || first === undefined || first === false || typeof first === 'string' || isElement(first))
    return { [ELEMENT]: true, name, attrs: NO_ATTRS, children: [first, ...rest], keep: false };
  const attrs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(first)) if (typeof v === 'string') attrs.push([k, v]);
  return { [ELEMENT]: true, name, attrs, children: rest, keep: false };
}

/** A container the schema requires even when it has nothing to say (CII ApplicableHeaderTradeDelivery). */
export function required(element: XmlElement): XmlElement {
  return { ...element, keep: true };
}

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

const PADS = Array.from({ length: 16 }, (_, i) => '  '.repeat(i));

// Start and end tags per element name, made once per process: the writers use a fixed vocabulary.
interface Tags {
  open: string;
  close: string;
  /** The same as UTF-8 bytes in a Latin-1 string (see serializeUtf8); identical for ASCII names. */
  openUtf8: string;
  closeUtf8: string;
}
const TAGS = new Map<string, Tags>();
function tagsOf(name: string): Tags {
  let t = TAGS.get(name);
  if (t === undefined) {
    const open = `<${name}`;
    const close = `</${name}>`;
    t = { open, close, openUtf8: utf8InLatin1(open), closeUtf8: utf8InLatin1(close) };
    if (TAGS.size < 4096) TAGS.set(name, t);
  }
  return t;
}

const ASCII = /^[\x00-\x7f]*$/;
// Text that is ASCII and needs no escaping: written as it is in either encoding (one test, not two).
const PLAIN_ASCII_TEXT = /^[\x09\x0A\x20-\x25\x27-\x3B\x3D\x3F-\x7E]*$/;
/** `s`'s UTF-8 bytes as a Latin-1 string (one char per byte): `s` itself when it is ASCII. */
function utf8InLatin1(s: string): string {
  return ASCII.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

/**
 * `element` written at `depth` (its lines joined by LF, no final LF), or null when it has nothing
 * to say (no text, no child that wrote anything) and is not `keep`. One pass over the tree, the
 * text built by concatenation (cheaper than collecting lines and joining them: issue #12 item 9).
 */
function write(element: XmlElement, depth: number, utf8: boolean): string | null {
  const pad = PADS[depth] ?? '  '.repeat(depth);
  let attrs = '';
  for (const [k, v] of element.attrs) attrs += ` ${k}="${escapeAttr(v)}"`;
  if (utf8 && attrs !== '') attrs = utf8InLatin1(attrs);
  let text = '';
  let hasText = false;
  let inner = '';
  for (const child of element.children) {
    if (child === null || child === undefined || child === false) continue;
    if (typeof child === 'string') {
      if (child.length > 0) {
        text += PLAIN_ASCII_TEXT.test(child) ? child : utf8 ? utf8InLatin1(escapeText(child)) : escapeText(child);
        hasText = true;
      }
    } else {
      const written = write(child, depth + 1, utf8);
      if (written !== null) inner += '\n' + written;
    }
  }
  if (hasText && inner !== '') throw new Error(`mixed content in <${element.name}> is not supported`);
  if (!hasText && inner === '' && !element.keep) return null;
  const tags = tagsOf(element.name);
  const open = utf8 ? tags.openUtf8 : tags.open;
  const close = utf8 ? tags.closeUtf8 : tags.close;
  if (inner !== '') return pad + open + attrs + '>' + inner + '\n' + pad + close;
  if (hasText) return pad + open + attrs + '>' + text + close;
  return pad + open + attrs + '/>';
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** The document as UTF-8 text with an XML declaration and a final LF. */
export function serialize(root: XmlElement): string {
  const body = write(root, 0, false) ?? write({ ...root, keep: true }, 0, false);
  return DECLARATION + body + '\n';
}

/**
 * `Buffer.from(serialize(root), 'utf8')`, without encoding the whole text: each piece that is not
 * ASCII is encoded on its own and the document is built as a one-byte string, copied out as
 * Latin-1. Encoding a whole invoice whose text has one character beyond Latin-1 (a Greek name, an
 * em dash) costs about as much as writing it (issue #12 item 9); xml.test in einvoice.units.test.ts
 * holds both to the same bytes.
 */
export function serializeUtf8(root: XmlElement): Buffer {
  const body = write(root, 0, true) ?? write({ ...root, keep: true }, 0, true);
  return Buffer.from(DECLARATION + body + '\n', 'latin1');
}
