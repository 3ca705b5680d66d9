/**
 * A PNG or JPEG as a PDF image XObject (ISO 32000-1 §8.9.5), for the organization's logo.
 *
 * - JPEG: passed through as DCTDecode; width, height and the number of components come from the
 *   frame header (gray → DeviceGray, 3 components → DeviceRGB). CMYK is refused at upload.
 * - PNG, 8-bit gray or RGB, not interlaced, without tRNS: the IDAT stream passed through as
 *   FlateDecode with the PNG predictors (/Predictor 15 /Colors /BitsPerComponent /Columns), so the
 *   file is not decompressed at all.
 * - Any other PNG (palette, alpha, 1/2/4/16-bit, interlaced, tRNS): decoded by pngjs to 8-bit RGBA,
 *   then written as RGB samples and, when any pixel is not opaque, a DeviceGray soft mask (/SMask).
 *   PDF/A-2 and -3 allow soft masks (ISO 19005-2 §6.4 forbids only /Alternates, /OPI and
 *   /Interpolate true, none of which is written); the document's sRGB OutputIntent covers the
 *   DeviceRGB and DeviceGray spaces.
 * The result depends only on the bytes, so the same logo gives the same PDF bytes.
 */
import { PNG } from 'pngjs';
import { readImage } from '../../../shared/image/image.ts';
import { deflate } from './pdf-deflate.ts';

export interface PdfImage {
  width: number;
  height: number;
  colorSpace: 'DeviceGray' | 'DeviceRGB';
  filter: 'DCTDecode' | 'FlateDecode';
  /** The stream's bytes, already encoded with `filter`. */
  data: Buffer;
  /** /DecodeParms body for a PNG passed through, else null. */
  decodeParms: string | null;
  /** The soft mask (deflated 8-bit gray alpha), or null for an opaque image. */
  smask: Buffer | null;
}

export function pdfImage(bytes: Buffer): PdfImage {
  const info = readImage(bytes);
  if (info.format === 'jpeg') {
    return {
      width: info.width,
      height: info.height,
      colorSpace: info.components === 1 ? 'DeviceGray' : 'DeviceRGB',
      filter: 'DCTDecode',
      data: bytes,
      decodeParms: null,
      smask: null,
    };
  }
  if (!info.interlaced && info.bitDepth === 8 && (info.colorType === 0 || info.colorType === 2) && !info.transparency) {
    const colors = info.colorType === 0 ? 1 : 3;
    return {
      width: info.width,
      height: info.height,
      colorSpace: colors === 1 ? 'DeviceGray' : 'DeviceRGB',
      filter: 'FlateDecode',
      data: info.idat,
      decodeParms: `/Predictor 15 /Colors ${colors} /BitsPerComponent 8 /Columns ${info.width}`,
      smask: null,
    };
  }
  const png = PNG.sync.read(bytes);
  const n = png.width * png.height;
  const rgb = Buffer.allocUnsafe(n * 3);
  const alpha = Buffer.allocUnsafe(n);
  let opaque = true;
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = png.data[i * 4]!;
    rgb[i * 3 + 1] = png.data[i * 4 + 1]!;
    rgb[i * 3 + 2] = png.data[i * 4 + 2]!;
    const a = png.data[i * 4 + 3]!;
    alpha[i] = a;
    if (a !== 255) opaque = false;
  }
  return {
    width: png.width,
    height: png.height,
    colorSpace: 'DeviceRGB',
    filter: 'FlateDecode',
    data: Buffer.from(deflate(rgb, 6)),
    decodeParms: null,
    smask: opaque ? null : Buffer.from(deflate(alpha, 6)),
  };
}
