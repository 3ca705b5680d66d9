// The part of pngjs (MIT; a dependency since the organization logo, issue #13) that Sealbill uses:
// the synchronous decoder, which answers 8-bit RGBA whatever the PNG's colour type, bit depth and
// interlacing.
declare module 'pngjs' {
  export interface DecodedPng {
    width: number;
    height: number;
    /** RGBA, 8 bits per sample, rows top to bottom. */
    data: Buffer;
  }
  export const PNG: {
    sync: { read(buffer: Buffer, options?: { checkCRC?: boolean }): DecodedPng };
  };
}
