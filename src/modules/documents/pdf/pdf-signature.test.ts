// The signature field the writer reserves: its byte range covers the whole file except the
// /Contents hex string, the placeholder is found exactly once in a foreign writer's output, and a
// CMS larger than its room is refused rather than truncated.
import { describe, expect, it } from 'vitest';
import {
  BYTE_RANGE_PLACEHOLDER,
  fillContents,
  locateSignaturePlaceholder,
  type PdfSigner,
  type PreparedSignature,
  type SignatureField,
} from './pdf-signature.ts';
import { sampleDocumentView } from './pdf-sample.ts';
import { renderDocumentPdf } from './render-document-pdf.ts';

const field: SignatureField = {
  signerName: 'Zürich Signer AG',
  reason: 'Issued with Sealbill',
  signingTime: new Date('2026-01-02T03:04:05Z'),
  contentsBytes: 200,
};

/** A signer without cryptography: records what it was handed and writes a recognisable "CMS". */
function fakeSigner(cms = Buffer.from('3003020101', 'hex')): PdfSigner & { seen: PreparedSignature[] } {
  const seen: PreparedSignature[] = [];
  return {
    field,
    seen,
    async sign(prepared) {
      seen.push({ pdf: Buffer.from(prepared.pdf), byteRange: prepared.byteRange });
      return { pdf: fillContents(prepared, cms), timestampToken: null };
    },
  };
}

describe('signature field reserved by the writer', () => {
  it('covers every byte but the /Contents string, in one revision', async () => {
    const signer = fakeSigner();
    const pdf = await renderDocumentPdf(sampleDocumentView({ seed: 7 }), {
      creationDate: new Date('2026-01-02T00:00:00Z'),
      signer,
    });
    const [a, b, c, d] = signer.seen[0]!.byteRange;
    expect(a).toBe(0);
    expect(c + d).toBe(pdf.length);
    expect(pdf.toString('latin1', b, c)).toBe(`<3003020101${'0'.repeat(2 * field.contentsBytes - 10)}>`);
    const text = pdf.toString('latin1');
    expect(text).toContain(`/ByteRange [${[a, b, c, d].join(' ')}]`);
    expect(text).toContain('/SubFilter /ETSI.CAdES.detached');
    expect(text).toContain('/M (D:20260102030405Z)');
    expect(text).toMatch(/\/Name <FEFF005a00fc/i);
    expect(text).toMatch(/\/AcroForm << \/Fields \[\d+ 0 R\] \/SigFlags 3 >>/);
    // One revision: one xref table, one trailer, one %%EOF.
    expect(text.match(/\nxref\n/g)).toHaveLength(1);
    expect(text.match(/%%EOF/g)).toHaveLength(1);
    // The signer saw the final bytes outside /Contents (only the hex digits change afterwards).
    const before = signer.seen[0]!.pdf;
    expect(
      Buffer.concat([before.subarray(0, b), before.subarray(c)]).equals(
        Buffer.concat([pdf.subarray(0, b), pdf.subarray(c)]),
      ),
    ).toBe(true);
  });

  it('leaves unsigned output unchanged (no field, no AcroForm)', async () => {
    const pdf = await renderDocumentPdf(sampleDocumentView({ seed: 7 }), {
      creationDate: new Date('2026-01-02T00:00:00Z'),
    });
    expect(pdf.toString('latin1')).not.toMatch(/AcroForm|ByteRange/);
  });

  it('refuses a CMS larger than the reserved room', async () => {
    const signer = fakeSigner(Buffer.alloc(field.contentsBytes + 1, 1));
    await expect(renderDocumentPdf(sampleDocumentView(), { signer })).rejects.toThrow(/larger than its reserved room/);
  });

  it('finds exactly one blank placeholder in a foreign file, and refuses anything else', () => {
    const contents = `<${'0'.repeat(40)}>`;
    const file = (dict: string) => Buffer.from(`%PDF-1.3\n1 0 obj\n${dict}\nendobj\ntrailer\n%%EOF\n`, 'latin1');
    const one = file(`<< /Type /Sig\n/ByteRange ${BYTE_RANGE_PLACEHOLDER}\n/Contents ${contents}\n>>`);
    const prepared = locateSignaturePlaceholder(one);
    const [, b, c, d] = prepared.byteRange;
    expect(one.toString('latin1', b, c)).toBe(contents);
    expect(c + d).toBe(one.length);
    expect(one.toString('latin1')).toContain(`/ByteRange [0 ${b} ${c} ${d}]`);
    expect(one.length).toBe(
      file(`<< /Type /Sig\n/ByteRange ${BYTE_RANGE_PLACEHOLDER}\n/Contents ${contents}\n>>`).length,
    );

    expect(() => locateSignaturePlaceholder(file('<< /Type /Catalog >>'))).toThrow(/exactly one/);
    expect(() =>
      locateSignaturePlaceholder(
        file(`<< /ByteRange ${BYTE_RANGE_PLACEHOLDER} /Contents ${contents} /X ${BYTE_RANGE_PLACEHOLDER} >>`),
      ),
    ).toThrow(/exactly one/);
    expect(() =>
      locateSignaturePlaceholder(file(`<< /ByteRange ${BYTE_RANGE_PLACEHOLDER} /Contents <00ab00> >>`)),
    ).toThrow(/not blank/);
    expect(() => locateSignaturePlaceholder(file(`<< /ByteRange ${BYTE_RANGE_PLACEHOLDER} >>`))).toThrow(
      /no \/Contents/,
    );
  });
});
