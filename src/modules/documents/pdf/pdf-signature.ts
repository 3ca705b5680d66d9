/**
 * The PDF side of a signature (ISO 32000-1 §12.8): the signature field a writer reserves while it
 * writes the document, and the byte range a signer fills afterwards. No cryptography here: the
 * signer (verification/pades.ts) computes the CMS over the two ranges and hands it back.
 *
 * The field is written in the document's only revision, not appended as an incremental update,
 * so no second xref section or trailer follows the signed bytes (`qpdf --check` is clean) and the
 * signature covers the whole file except the /Contents hex string:
 *
 *   [0, b)  every byte before the '<' of /Contents
 *   [c, c+d) every byte after its '>' up to the end of the file (c + d = file length)
 *
 * /ByteRange is written first as a fixed-width placeholder and patched in place once the file
 * length is known; /Contents is a run of hex zeros the signer overwrites from its start (DER
 * lengths tell a verifier where the CMS ends; the zeros after it are padding).
 */

/** What the signature dictionary says; chosen by the signer before the document is written. */
export interface SignatureField {
  /** /Name: the signer as a reader should see it (informative; the certificate decides). */
  signerName: string;
  /** /Reason */
  reason: string;
  /** /Location (omitted when empty) */
  location?: string;
  /** /M: the claimed signing time (PAdES carries it here, not in a CMS signing-time attribute). */
  signingTime: Date;
  /** Room reserved for the DER CMS, in bytes (written as twice as many hex digits). */
  contentsBytes: number;
}

/** A written document whose signature field waits to be filled. */
export interface PreparedSignature {
  /** The whole file; the signer patches /Contents in place. */
  pdf: Buffer;
  /** [0, b, c, d]: the signed ranges [0, b) and [c, c + d). */
  byteRange: readonly [0, number, number, number];
}

/** A signed file and the RFC 3161 token its signature carries (PAdES B-T), or null when there is none. */
export interface SignedPdf {
  pdf: Buffer;
  timestampToken: Buffer | null;
}

export interface PdfSigner {
  readonly field: SignatureField;
  /** Signs the prepared file's byte range; `pdf` is the same buffer, patched. */
  sign(prepared: PreparedSignature): Promise<SignedPdf>;
}

/** Ten stars per number: fixed-width room for offsets up to 10^10 bytes (a PDF name, so the placeholder parses). */
const STARS = '**********';
export const BYTE_RANGE_PLACEHOLDER = `[0 /${STARS} /${STARS} /${STARS}]`;
/** The placeholder values as pdfkit objects (strings become names), for writers that build dictionaries as data. */
export const BYTE_RANGE_PLACEHOLDER_VALUES = [0, STARS, STARS, STARS] as const;
/** The field name used by every signature we write (pdfsig prints it). */
export const SIGNATURE_FIELD_NAME = 'Signature1';
/** Widget annotation flags: Print (PDF/A wants printable annotations; the widget has no area). */
export const SIGNATURE_WIDGET_FLAGS = 4;
/** AcroForm /SigFlags: SignaturesExist | AppendOnly. */
export const SIG_FLAGS = 3;

const zeros = new Map<number, string>();
/** `n` hex zero digits (cached: signers of one identity reserve the same room every time). */
function hexZeros(n: number): string {
  let z = zeros.get(n);
  if (z === undefined) {
    z = '0'.repeat(n);
    if (zeros.size > 32) zeros.clear();
    zeros.set(n, z);
  }
  return z;
}

/**
 * The signature dictionary with its two placeholders, and their offsets inside the text. The
 * text is ASCII (strings are escaped literals or UTF-16BE hex), so string offsets are byte offsets.
 * `str` and `date` are the writer's own encoders for PDF text strings and dates.
 */
export function signatureDictionary(
  field: SignatureField,
  str: (s: string) => string,
  date: (d: Date) => string,
): { text: string; byteRangeAt: number; contentsAt: number; contentsEnd: number } {
  if (!Number.isInteger(field.contentsBytes) || field.contentsBytes < 64)
    throw new RangeError('signature field: contentsBytes too small');
  const head = `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange `;
  const mid = `${BYTE_RANGE_PLACEHOLDER} /Contents `;
  const contents = `<${hexZeros(field.contentsBytes * 2)}>`;
  const tail =
    ` /M ${date(field.signingTime)} /Name ${str(field.signerName)} /Reason ${str(field.reason)}` +
    (field.location ? ` /Location ${str(field.location)}` : '') +
    ` /Prop_Build << /App << /Name /Sealbill >> >> >>`;
  const contentsAt = head.length + mid.length;
  return {
    text: head + mid + contents + tail,
    byteRangeAt: head.length,
    contentsAt,
    contentsEnd: contentsAt + contents.length,
  };
}

/**
 * Writes the final /ByteRange over its placeholder at `at` (padding with spaces after the closing
 * bracket keeps every other offset in the file unchanged) and returns the prepared signature.
 */
export function fillByteRange(pdf: Buffer, at: number, contentsAt: number, contentsEnd: number): PreparedSignature {
  if (pdf.toString('latin1', at, at + BYTE_RANGE_PLACEHOLDER.length) !== BYTE_RANGE_PLACEHOLDER)
    throw new Error('signature field: no /ByteRange placeholder at the given offset');
  if (pdf[contentsAt] !== 0x3c || pdf[contentsEnd - 1] !== 0x3e)
    throw new Error('signature field: /Contents is not where it was reserved');
  const byteRange = [0, contentsAt, contentsEnd, pdf.length - contentsEnd] as const;
  const text = `[${byteRange.join(' ')}]`;
  pdf.write(text.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), at, 'latin1');
  return { pdf, byteRange };
}

/**
 * Finds the one signature placeholder in a file written by another writer (pdfkit), which cannot
 * report offsets. Refuses a file with none or more than one, or whose /Contents is not all zeros.
 */
export function locateSignaturePlaceholder(pdf: Buffer): PreparedSignature {
  const at = pdf.indexOf(`/ByteRange ${BYTE_RANGE_PLACEHOLDER}`, 0, 'latin1');
  const byteRangeAt = at + '/ByteRange '.length;
  if (at < 0 || pdf.indexOf(BYTE_RANGE_PLACEHOLDER, byteRangeAt + 1, 'latin1') >= 0)
    throw new Error('signature field: expected exactly one /ByteRange placeholder');
  const key = pdf.indexOf('/Contents <', byteRangeAt, 'latin1');
  if (key < 0) throw new Error('signature field: no /Contents after /ByteRange');
  const contentsAt = key + '/Contents '.length;
  const close = pdf.indexOf(0x3e, contentsAt);
  if (close < 0) throw new Error('signature field: unterminated /Contents');
  for (let i = contentsAt + 1; i < close; i++)
    if (pdf[i] !== 0x30) throw new Error('signature field: /Contents placeholder is not blank');
  return fillByteRange(pdf, byteRangeAt, contentsAt, close + 1);
}

/** Writes the DER CMS into the reserved /Contents, as hex from its start; the remaining zeros pad it. */
export function fillContents(prepared: PreparedSignature, cms: Buffer): Buffer {
  const [, b, c] = prepared.byteRange;
  const room = (c - b - 2) / 2;
  if (cms.length > room)
    throw new Error(`signature field: the CMS (${cms.length} bytes) is larger than its reserved room (${room} bytes)`);
  prepared.pdf.write(cms.toString('hex'), b + 1, 'latin1');
  return prepared.pdf;
}
