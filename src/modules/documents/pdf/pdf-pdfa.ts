/**
 * What makes a document PDF/A-3b and a Factur-X / ZUGFeRD hybrid (ISO 19005-3, Factur-X 1.0 /
 * ZUGFeRD 2.x profile EN 16931): the XMP metadata packet, the sRGB OutputIntent profile and the
 * embedded invoice XML's file specification. pdf-writer.ts writes the objects; this file decides
 * their content. Everything is a pure function of its input (byte-stable output).
 *
 * Choices (docs/DECISIONS.md D10):
 * - Conformance level B (visual appearance): our writer has no structure tree (level A/U need one).
 * - AFRelationship /Alternative: the XML is an equivalent rendering of the invoice the PDF shows,
 *   which ZUGFeRD 2.x prescribes for profile EN 16931 (Factur-X also accepts /Data).
 * - The OutputIntent profile is the ICC's sRGB2014 (icc/README.md: source and licence); all our
 *   colours are DeviceRGB/DeviceGray, which an RGB OutputIntent makes device-independent.
 */
import { readFileSync } from 'node:fs';

/** The one attachment name Factur-X 1.0 / ZUGFeRD 2.1+ readers look for. */
export const FACTURX_FILE_NAME = 'factur-x.xml';

/** An e-invoice to embed. */
export interface PdfAttachment {
  name: typeof FACTURX_FILE_NAME;
  /** The CII XML, UTF-8 bytes exactly as they will be extracted. */
  xml: Buffer;
  /** fx:ConformanceLevel; Sealbill writes profile EN 16931 only. */
  conformanceLevel?: 'EN 16931';
}

export const AF_RELATIONSHIP = 'Alternative';
export const OUTPUT_CONDITION = 'sRGB IEC61966-2.1';

let icc: Buffer | null = null;
/** The sRGB ICC profile (read once per process). */
export function srgbIccProfile(): Buffer {
  return (icc ??= readFileSync(new URL('./icc/sRGB2014.icc', import.meta.url)));
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const xmlText = (s: string): string => s.replace(/[&<>"]/g, (c) => XML_ESCAPES[c]!);

/** XMP date: the same instant as the Info dictionary's `D:YYYYMMDDHHmmSSZ`. */
export const xmpDate = (d: Date): string => `${d.toISOString().slice(0, -5)}Z`; // drops the milliseconds

export interface XmpInfo {
  title: string;
  author: string;
  subject?: string;
  creator: string;
  producer: string;
  creationDate: Date;
}

const FX_NS = 'urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#';
const FX_PROPERTIES: ReadonlyArray<readonly [name: string, description: string]> = [
  ['DocumentFileName', 'The name of the embedded XML document'],
  ['DocumentType', 'The type of the hybrid document in capital letters, e.g. INVOICE or ORDER'],
  ['Version', 'The actual version of the standard applying to the embedded XML document'],
  ['ConformanceLevel', 'The conformance level of the embedded XML document'],
];

// The packet's parts that are the same in every document, encoded once per process: the packet
// header (its BOM makes the text two-byte, which is the slow case for UTF-8 encoding), the PDF/A
// identification, and the Factur-X extension schema with the rest of the packet (issue #12 item 9).
const XMP_HEAD = Buffer.from(
  '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n' +
    '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">' +
    '<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>\n' +
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">',
  'utf8',
);
const fxProperty = ([name, description]: readonly [string, string]) =>
  `<rdf:li rdf:parseType="Resource"><pdfaProperty:name>${name}</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType>` +
  `<pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>${description}</pdfaProperty:description></rdf:li>`;
const XMP_EXTENSION = Buffer.from(
  '<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"' +
    ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">' +
    '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">' +
    `<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema><pdfaSchema:namespaceURI>${FX_NS}</pdfaSchema:namespaceURI>` +
    `<pdfaSchema:prefix>fx</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>${FX_PROPERTIES.map(fxProperty).join('')}</rdf:Seq></pdfaSchema:property>` +
    '</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>\n' +
    `<rdf:Description rdf:about="" xmlns:fx="${FX_NS}">` +
    '<fx:DocumentType>INVOICE</fx:DocumentType>',
  'utf8',
);
const XMP_TAIL = Buffer.from('</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="r"?>', 'utf8');

/**
 * The XMP packet (UTF-8). Every Info dictionary entry has its XMP twin with the same value
 * (ISO 19005-3 §6.6.2.3): Title = dc:title, Author = dc:creator, Subject = dc:description,
 * Creator = xmp:CreatorTool, Producer = pdf:Producer, CreationDate/ModDate = xmp:CreateDate/ModifyDate.
 */
export function xmpMetadata(info: XmpInfo, attachment: PdfAttachment): Buffer {
  const date = xmpDate(info.creationDate);
  const alt = (v: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${xmlText(v)}</rdf:li></rdf:Alt>`;
  const described =
    `<dc:format>application/pdf</dc:format><dc:title>${alt(info.title)}</dc:title>` +
    `<dc:creator><rdf:Seq><rdf:li>${xmlText(info.author)}</rdf:li></rdf:Seq></dc:creator>` +
    (info.subject ? `<dc:description>${alt(info.subject)}</dc:description>` : '') +
    '</rdf:Description>\n' +
    '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">' +
    `<xmp:CreatorTool>${xmlText(info.creator)}</xmp:CreatorTool><xmp:CreateDate>${date}</xmp:CreateDate>` +
    `<xmp:ModifyDate>${date}</xmp:ModifyDate><xmp:MetadataDate>${date}</xmp:MetadataDate></rdf:Description>\n` +
    `<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><pdf:Producer>${xmlText(info.producer)}</pdf:Producer></rdf:Description>\n`;
  const fx =
    `<fx:DocumentFileName>${attachment.name}</fx:DocumentFileName>` +
    `<fx:Version>1.0</fx:Version><fx:ConformanceLevel>${attachment.conformanceLevel ?? 'EN 16931'}</fx:ConformanceLevel>`;
  return Buffer.concat([XMP_HEAD, Buffer.from(described, 'utf8'), XMP_EXTENSION, Buffer.from(fx, 'utf8'), XMP_TAIL]);
}
