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

/** An element: `el(name, child…)` or `el(name, { attr: value }, child…)`; null/undefined attributes are left out. */
export function el(name: string, first?: Attrs | XmlChild, ...rest: XmlChild[]): XmlElement {
  let attrs: Array<[string, string]> = [];
  let children: XmlChild[];
  if (first === null || first === undefined || first === false || typeof first === 'string' || isElement(first)) {
    children = [first, ...rest];
  } else {
    attrs = Object.entries(first).filter((e): e is [string, string] => typeof e[1] === 'string');
    children = rest;
  }
  return { [ELEMENT]: true, name, attrs, children, keep: false };
}

/** A container the schema requires even when it has nothing to say (CII ApplicableHeaderTradeDelivery). */
export function required(element: XmlElement): XmlElement {
  return { ...element, keep: true };
}

// XML 1.0 Char production: text outside it cannot be written at all, so it is refused rather than
// silently dropped (the pre-issue checks never let such text reach a writer).
const NOT_XML_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const TEXT_SPECIAL = /[&<>\r]/;

export function escapeText(text: string): string {
  if (NOT_XML_CHAR.test(text)) throw new RangeError('text contains a character XML 1.0 cannot carry');
  // Most values (amounts, dates, codes, ids) need no escaping: skip the four replacements.
  if (!TEXT_SPECIAL.test(text)) return text;
  // \r would be normalised to \n by any parser; writing it as a reference keeps the value exact.
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

export function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

const PADS = Array.from({ length: 16 }, (_, i) => '  '.repeat(i));

/**
 * Writes `element` at `depth` and says whether it wrote anything: an element with nothing to say
 * (no text, no child that wrote anything) is left out unless it is `keep`. One pass over the tree.
 */
function write(element: XmlElement, depth: number, out: string[]): boolean {
  const pad = PADS[depth] ?? '  '.repeat(depth);
  let attrs = '';
  for (const [k, v] of element.attrs) attrs += ` ${k}="${escapeAttr(v)}"`;
  const start = out.length;
  out.push(''); // the start tag, once we know the element is not empty
  let text = '';
  let hasText = false;
  let hasChild = false;
  for (const child of element.children) {
    if (child === null || child === undefined || child === false) continue;
    if (typeof child === 'string') {
      if (child.length > 0) {
        text += escapeText(child);
        hasText = true;
      }
    } else if (write(child, depth + 1, out)) hasChild = true;
  }
  if (hasText && hasChild) throw new Error(`mixed content in <${element.name}> is not supported`);
  if (hasChild) {
    out[start] = `${pad}<${element.name}${attrs}>`;
    out.push(`${pad}</${element.name}>`);
    return true;
  }
  out.length = start;
  if (hasText) out.push(`${pad}<${element.name}${attrs}>${text}</${element.name}>`);
  else if (element.keep) out.push(`${pad}<${element.name}${attrs}/>`);
  else return false;
  return true;
}

/** The document as UTF-8 text with an XML declaration and a final LF. */
export function serialize(root: XmlElement): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  if (!write(root, 0, out)) write({ ...root, keep: true }, 0, out);
  return `${out.join('\n')}\n`;
}
