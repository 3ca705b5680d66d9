// Raster images an organization may print on its documents (its logo): PNG and JPEG only, read
// from their own bytes — the signature, the header chunks or markers, and the dimensions — never
// from a file name or a client's Content-Type. Anything else (SVG, HTML named .png, GIF, WebP,
// a truncated or corrupt file) is refused with a reason a person can act on. SVG in particular is
// never accepted: it is a document format that can carry script and external references.
//
// PNG (ISO/IEC 15948, W3C PNG 2nd ed.): every chunk's CRC is checked, IHDR must come first with a
// legal (colour type, bit depth) pair, IDAT chunks are consecutive, IEND ends the file, and the
// image data must inflate to exactly the size its header announces (inflated with a cap, so a
// small file cannot expand into a large allocation). JPEG (ITU-T T.81): SOI, then markers up to a
// baseline, extended or progressive frame header (SOF0/1/2) with 8-bit samples and 1 (gray) or 3
// (colour) components; CMYK and arithmetic-coded or lossless JPEGs are refused (PDF/A-3 with an
// sRGB output intent allows no DeviceCMYK, and few readers decode the others).
import { crc32, inflateSync } from 'node:zlib';

export type ImageFormat = 'png' | 'jpeg';

export interface PngInfo {
  format: 'png';
  width: number;
  height: number;
  bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGB+alpha */
  colorType: number;
  interlaced: boolean;
  /** A tRNS chunk is present (transparency without an alpha channel). */
  transparency: boolean;
  /** The concatenated IDAT payload (one zlib stream). */
  idat: Buffer;
}

export interface JpegInfo {
  format: 'jpeg';
  width: number;
  height: number;
  /** 1 gray, 3 YCbCr/RGB */
  components: number;
  progressive: boolean;
}

export type ImageInfo = PngInfo | JpegInfo;

export const IMAGE_CONTENT_TYPE: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg' };

/** Why an image was refused, for the person who uploaded it. */
export class ImageError extends Error {
  override name = 'ImageError';
}

export interface ImageLimits {
  maxWidth: number;
  maxHeight: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** What the first bytes say the file is; null for anything that is neither PNG nor JPEG. */
export function sniffImage(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** Reads and checks a PNG or JPEG; throws ImageError naming what is wrong. */
export function readImage(bytes: Buffer, limits?: ImageLimits): ImageInfo {
  const format = sniffImage(bytes);
  if (format === null) {
    const head = bytes.subarray(0, 256).toString('latin1').trimStart().toLowerCase();
    if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg')))
      throw new ImageError('SVG images are not accepted: upload the logo as PNG or JPEG');
    throw new ImageError('The file is not a PNG or JPEG image');
  }
  const info = format === 'png' ? readPng(bytes) : readJpeg(bytes);
  if (info.width < 1 || info.height < 1) throw new ImageError('The image has no pixels');
  if (limits && (info.width > limits.maxWidth || info.height > limits.maxHeight))
    throw new ImageError(
      `The image is ${info.width} × ${info.height} pixels; at most ${limits.maxWidth} × ${limits.maxHeight} is accepted`,
    );
  return info;
}

function readPng(bytes: Buffer): PngInfo {
  let pos = 8;
  let header: Omit<PngInfo, 'idat' | 'transparency'> | null = null;
  let transparency = false;
  let palette = false;
  const idat: Buffer[] = [];
  let idatDone = false;
  let ended = false;
  while (!ended) {
    if (pos + 12 > bytes.length) throw new ImageError('The PNG file is truncated');
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    if (length > 0x7fffffff || pos + 12 + length > bytes.length) throw new ImageError('The PNG file is truncated');
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== bytes.readUInt32BE(pos + 8 + length))
      throw new ImageError(`The PNG file is corrupt (checksum of its ${JSON.stringify(type)} chunk)`);
    pos += 12 + length;
    if (header === null && type !== 'IHDR') throw new ImageError('The PNG file does not start with its header');
    if (type !== 'IDAT' && idat.length > 0) idatDone = true;
    switch (type) {
      case 'IHDR': {
        if (header !== null || length !== 13) throw new ImageError('The PNG header is invalid');
        const [bitDepth, colorType, compression, filter, interlace] = [
          data[8]!,
          data[9]!,
          data[10]!,
          data[11]!,
          data[12]!,
        ];
        if (!PNG_DEPTHS[colorType]?.includes(bitDepth) || compression !== 0 || filter !== 0 || interlace > 1)
          throw new ImageError('The PNG header is invalid');
        header = {
          format: 'png',
          width: data.readUInt32BE(0),
          height: data.readUInt32BE(4),
          bitDepth,
          colorType,
          interlaced: interlace === 1,
        };
        break;
      }
      case 'PLTE':
        palette = true;
        break;
      case 'tRNS':
        transparency = true;
        break;
      case 'IDAT':
        if (idatDone) throw new ImageError('The PNG file is invalid (its image data is not in one run)');
        idat.push(data);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Ancillary chunks (lower-case first letter) may be skipped; an unknown critical one may not.
        if ((type.charCodeAt(0) & 0x20) === 0) throw new ImageError(`The PNG file has an unknown chunk ${type}`);
    }
  }
  if (header === null || idat.length === 0) throw new ImageError('The PNG file has no image data');
  if (header.colorType === 3 && !palette) throw new ImageError('The PNG file has no palette');
  const info: PngInfo = { ...header, transparency, idat: Buffer.concat(idat) };
  checkInflatedSize(info);
  return info;
}

/** The bytes the scanlines take after inflating (a filter byte per row, per Adam7 pass when interlaced). */
export function pngRawSize(info: Pick<PngInfo, 'width' | 'height' | 'bitDepth' | 'colorType' | 'interlaced'>): number {
  const bits = PNG_CHANNELS[info.colorType]! * info.bitDepth;
  const size = (w: number, h: number) => (w === 0 || h === 0 ? 0 : (Math.ceil((w * bits) / 8) + 1) * h);
  if (!info.interlaced) return size(info.width, info.height);
  // Adam7: [x0, y0, dx, dy] per pass.
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ] as const;
  let total = 0;
  for (const [x0, y0, dx, dy] of passes)
    total += size(Math.ceil((info.width - x0) / dx), Math.ceil((info.height - y0) / dy));
  return total;
}

function checkInflatedSize(info: PngInfo): void {
  const expected = pngRawSize(info);
  let inflated: Buffer;
  try {
    inflated = inflateSync(info.idat, { maxOutputLength: expected + 1 });
  } catch {
    throw new ImageError('The PNG image data is corrupt or larger than its header says');
  }
  if (inflated.length !== expected) throw new ImageError('The PNG image data does not match its header');
}

function readJpeg(bytes: Buffer): JpegInfo {
  let pos = 2;
  let frame: JpegInfo | null = null;
  for (;;) {
    if (pos >= bytes.length) throw new ImageError('The JPEG file is truncated');
    if (bytes[pos] !== 0xff) throw new ImageError('The JPEG file is corrupt');
    while (bytes[pos] === 0xff) pos++; // fill bytes
    const marker = bytes[pos++];
    if (marker === undefined) throw new ImageError('The JPEG file is truncated');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (marker === 0xd9) throw new ImageError('The JPEG file has no image data');
    if (pos + 2 > bytes.length) throw new ImageError('The JPEG file is truncated');
    const length = bytes.readUInt16BE(pos);
    if (length < 2 || pos + length > bytes.length) throw new ImageError('The JPEG file is truncated');
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (frame !== null) throw new ImageError('The JPEG file has more than one frame');
      if (marker > 0xc2)
        throw new ImageError(
          'This kind of JPEG (lossless or arithmetic-coded) is not supported: save it as a standard JPEG',
        );
      if (length < 8) throw new ImageError('The JPEG frame header is invalid');
      const precision = bytes[pos + 2]!;
      const height = bytes.readUInt16BE(pos + 3);
      const width = bytes.readUInt16BE(pos + 5);
      const components = bytes[pos + 7]!;
      if (precision !== 8) throw new ImageError('Only 8-bit JPEG images are supported');
      if (height === 0) throw new ImageError('The JPEG frame header has no height');
      if (components === 4)
        throw new ImageError('CMYK JPEG images are not supported: save the logo as an RGB JPEG or a PNG');
      if (components !== 1 && components !== 3) throw new ImageError('The JPEG image has an unsupported colour layout');
      if (length !== 8 + 3 * components) throw new ImageError('The JPEG frame header is invalid');
      frame = { format: 'jpeg', width, height, components, progressive: marker === 0xc2 };
    }
    if (marker === 0xda) {
      if (frame === null) throw new ImageError('The JPEG file has image data before its frame header');
      return frame;
    }
    pos += length;
  }
}
