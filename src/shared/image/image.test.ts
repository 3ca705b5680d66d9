// The logo reader: PNG and JPEG recognised by their bytes only; everything else, and every
// malformed or over-large image, refused with a reason.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeJpeg, makePng, pngChunk, type PngOptions } from '../../../test/helpers/images.ts';
import { ImageError, pngRawSize, readImage, sniffImage } from './image.ts';

const refused = (bytes: Buffer, reason: RegExp) => {
  expect(() => readImage(bytes, { maxWidth: 4000, maxHeight: 4000 })).toThrow(ImageError);
  expect(() => readImage(bytes, { maxWidth: 4000, maxHeight: 4000 })).toThrow(reason);
};

describe('readImage', () => {
  it.each([
    ['RGB', { width: 9, height: 5, colorType: 2 as const }],
    ['gray', { width: 3, height: 7, colorType: 0 as const }],
    ['palette', { width: 10, height: 3, colorType: 3 as const }],
    ['gray+alpha', { width: 4, height: 4, colorType: 4 as const }],
    ['RGBA', { width: 17, height: 2, colorType: 6 as const }],
    ['interlaced RGBA', { width: 13, height: 11, colorType: 6 as const, interlaced: true }],
  ] as Array<[string, PngOptions]>)('reads a %s PNG', (_name, o) => {
    const info = readImage(makePng(o));
    expect(info).toMatchObject({
      format: 'png',
      width: o.width,
      height: o.height,
      colorType: o.colorType,
      bitDepth: 8,
    });
    if (info.format === 'png') expect(info.interlaced).toBe(Boolean(o.interlaced));
  });

  it('reads a JPEG frame header (gray and colour)', () => {
    expect(readImage(makeJpeg(64, 32))).toEqual({
      format: 'jpeg',
      width: 64,
      height: 32,
      components: 3,
      progressive: false,
    });
    expect(readImage(makeJpeg(8, 8, 1))).toMatchObject({ components: 1 });
  });

  it('sniffs by the bytes, not by a name', () => {
    expect(sniffImage(makePng({ width: 1, height: 1 }))).toBe('png');
    expect(sniffImage(makeJpeg(8, 8))).toBe('jpeg');
    expect(sniffImage(Buffer.from('GIF89a'))).toBeNull();
  });

  it('refuses HTML, SVG, GIF and empty input', () => {
    refused(Buffer.from('<html><body>hi</body></html>'), /not a PNG or JPEG/);
    refused(Buffer.from('  <svg xmlns="http://www.w3.org/2000/svg"/>'), /SVG/);
    refused(Buffer.from('<?xml version="1.0"?><!-- x --><svg/>'), /SVG/);
    refused(Buffer.from('GIF89a\x01\x00\x01\x00'), /not a PNG or JPEG/);
    refused(Buffer.alloc(0), /not a PNG or JPEG/);
  });

  it('refuses broken PNGs: checksum, truncation, missing data, bad header, unknown critical chunk', () => {
    const png = makePng({ width: 4, height: 4 });
    const flipped = Buffer.from(png);
    flipped[20] = flipped[20]! ^ 1; // inside IHDR
    refused(flipped, /checksum/);
    refused(png.subarray(0, png.length - 8), /truncated/);
    const head = png.subarray(0, 33); // signature + IHDR
    refused(Buffer.concat([head, pngChunk('IEND', Buffer.alloc(0))]), /no image data/);
    const badDepth = Buffer.from(png.subarray(16, 29));
    badDepth[8] = 3; // bit depth 3 does not exist
    refused(Buffer.concat([png.subarray(0, 8), pngChunk('IHDR', badDepth), png.subarray(33)]), /header is invalid/);
    refused(Buffer.concat([head, pngChunk('ZZZZ', Buffer.alloc(1)), png.subarray(33)]), /unknown chunk ZZZZ/);
    refused(makePng({ width: 4, height: 4, colorType: 3 }).subarray(0, 0), /not a PNG/);
  });

  it('refuses image data that inflates beyond its header (a decompression bomb) or falls short', () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(10, 0);
    ihdr.writeUInt32BE(10, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const sig = makePng({ width: 1, height: 1 }).subarray(0, 8);
    const bomb = deflateSync(Buffer.alloc(8 * 1024 * 1024));
    const build = (idat: Buffer) =>
      Buffer.concat([sig, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
    expect(bomb.length).toBeLessThan(16 * 1024);
    refused(build(bomb), /larger than its header says|corrupt/);
    refused(build(deflateSync(Buffer.alloc(10))), /does not match its header/);
  });

  it('refuses CMYK, lossless and 12-bit JPEGs and a JPEG without frame', () => {
    refused(makeJpeg(8, 8, 4), /CMYK/);
    const lossless = makeJpeg(8, 8);
    lossless[lossless.indexOf(Buffer.from([0xff, 0xc0])) + 1] = 0xc3;
    refused(lossless, /lossless or arithmetic/);
    const deep = makeJpeg(8, 8);
    deep[deep.indexOf(Buffer.from([0xff, 0xc0])) + 4] = 12;
    refused(deep, /8-bit/);
    refused(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), /no image data/);
  });

  it('refuses an image over the pixel limit', () => {
    expect(() => readImage(makePng({ width: 30, height: 5 }), { maxWidth: 20, maxHeight: 20 })).toThrow(
      /30 × 5 pixels; at most 20 × 20/,
    );
  });

  it('knows the inflated size of interlaced images (Adam7)', () => {
    // 1×1: only pass 1 has a pixel; 8×8 RGB: passes of 1,1,2,4,8,16,32 pixels.
    expect(pngRawSize({ width: 1, height: 1, bitDepth: 8, colorType: 2, interlaced: true })).toBe(4);
    expect(pngRawSize({ width: 8, height: 8, bitDepth: 8, colorType: 2, interlaced: true })).toBe(
      8 * 8 * 3 + (1 + 1 + 1 + 2 + 2 + 4 + 4),
    );
  });
});
