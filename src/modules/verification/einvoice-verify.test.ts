// Reading uploaded e-invoices for verification: every scenario of the e-invoice matrix, in all four
// formats, states exactly the signed fields (no false alarm); a changed IBAN, total, VAT breakdown,
// party or date is named; hostile XML (DTDs, entity expansion, external entities, size, depth) and
// hostile PDFs (inflation bombs) are refused; the embedded XML of a hybrid is found, also after a
// re-save or an incremental update that adds a second one.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../../test/einvoice/scenarios.ts';
import { computeTotals } from '../../shared/money/money.ts';
import { EINVOICE_FORMATS } from '../einvoice/einvoice.formats.ts';
import { generateEinvoice, generateEinvoiceUtf8 } from '../einvoice/einvoice.generate.ts';
import type { SealbillDocument } from '../einvoice/einvoice.mapping.ts';
import { sampleDocumentView } from '../documents/pdf/pdf-sample.ts';
import { renderDocumentPdf } from '../documents/pdf/render-document-pdf.ts';
import { einvoiceDifferences } from './einvoice-compare.ts';
import { embeddedFiles, MAX_XML_BYTES, parseXml, readEinvoice, XmlRefused } from './einvoice-read.ts';
import { serializePayload, type SignedPayload } from './signed-payload.ts';

/** The v2 payload issuing would sign for a scenario (computeTotals is what documents use). */
function payloadOf(input: SealbillDocument): Extract<SignedPayload, { v: 2 }> {
  const t = computeTotals(input.lines, input.discount);
  return {
    v: 2,
    alg: 'Ed25519',
    keyId: 'ed25519-test',
    issuer: { orgId: 'org', name: input.org.name, taxId: input.org.vatId ?? null, country: input.org.country },
    document: { kind: input.kind, number: input.number, issueDate: input.issueDate, dueDate: input.dueDate ?? null },
    client: { name: input.client.name, taxId: input.client.vatId ?? null, country: input.client.country },
    totals: {
      currency: input.currency,
      subtotal: t.subtotal,
      discountTotal: t.discountTotal,
      taxTotal: t.taxTotal,
      total: t.total,
    },
    taxes: t.taxes,
    payee: input.payout
      ? {
          accountHolder: input.payout.accountHolder,
          bankName: null,
          iban: input.payout.iban,
          bic: input.payout.bic,
          accountNumber: null,
          routingNumber: null,
        }
      : null,
    signedAt: '2026-03-02T10:00:00.000Z',
  };
}

const withInput = scenarios().filter((s) => s.input !== undefined);
const domestic = withInput[0]!;
const xmlOf = (format: (typeof EINVOICE_FORMATS)[number]) => generateEinvoiceUtf8(domestic.model, format);
const stated = (xml: Buffer | string) => readEinvoice(Buffer.from(xml))!;

describe('e-invoice XML against the signed fields', () => {
  it(`finds no difference for any of the ${withInput.length} scenarios in any format`, () => {
    expect(withInput.length).toBeGreaterThanOrEqual(12);
    for (const s of withInput) {
      const payload = payloadOf(s.input!);
      for (const format of EINVOICE_FORMATS) {
        const read = stated(generateEinvoice(s.model, format));
        expect(read.syntax, format).toBe(format.endsWith('ubl') || format === 'peppol-bis' ? 'ubl' : 'cii');
        expect(einvoiceDifferences(read, payload), `${s.name} / ${format}`).toEqual([]);
      }
    }
  });

  it('names each changed field (IBAN, totals, VAT breakdown, parties, dates, number) in CII and UBL', () => {
    const payload = payloadOf(domestic.input!);
    const cases: Array<[RegExp, string, string]> = [
      [/DE75512108001245126199/g, 'GB82WEST12345698765432', 'payee'],
      [/1490\.69/g, '1409.69', 'total'],
      [/231\.99/g, '213.99', 'taxTotal'],
      [/227\.81/g, '227.80', 'taxes'],
      [/Nordlicht Software GmbH/g, 'Nordlicht Softwarе GmbH', 'issuer'], // Cyrillic е
      [/DE987654321/g, 'DE987654322', 'client'],
      [/RE-2026-0042/g, 'RE-2026-0043', 'number'],
    ];
    for (const format of ['factur-x', 'xrechnung-ubl'] as const) {
      const xml = xmlOf(format).toString('utf8');
      for (const [from, to, field] of cases) {
        const changed = xml.replace(from, to);
        expect(changed, `${field} replaced`).not.toBe(xml);
        expect(einvoiceDifferences(stated(changed), payload), `${format}: ${field}`).toContain(field);
      }
    }
    // Dates: CII writes 20260302, UBL 2026-03-02.
    expect(
      einvoiceDifferences(stated(xmlOf('factur-x').toString().replace('>20260302<', '>20260303<')), payload),
    ).toEqual(['issueDate']);
    expect(
      einvoiceDifferences(stated(xmlOf('xrechnung-ubl').toString().replace('>2026-04-01<', '>2026-05-01<')), payload),
    ).toEqual(['dueDate']);
  });

  it('flags a second payee account added next to the signed one', () => {
    const xml = xmlOf('factur-x').toString();
    const means = /<ram:SpecifiedTradeSettlementPaymentMeans>[\s\S]*?<\/ram:SpecifiedTradeSettlementPaymentMeans>/.exec(
      xml,
    )![0];
    const twice = xml.replace(means, means + means.replace('DE75512108001245126199', 'GB82WEST12345698765432'));
    expect(einvoiceDifferences(stated(twice), payloadOf(domestic.input!))).toEqual(['payee']);
  });

  it('compares a v1 payload (signed before e-invoices) without the VAT breakdown it never had', () => {
    const { taxes: _t, ...rest } = payloadOf(domestic.input!);
    const v1 = { ...rest, v: 1 } as SignedPayload;
    expect(serializePayload(v1)).not.toContain('taxes');
    const changed = xmlOf('factur-x')
      .toString()
      .replace(/227\.81/g, '227.80');
    expect(einvoiceDifferences(stated(changed), v1)).toEqual([]);
    expect(einvoiceDifferences(stated(changed.replace(/1490\.69/g, '1490.68')), v1)).toEqual(['total']);
  });

  it('reads nothing from XML that is not a CII or UBL invoice', () => {
    expect(readEinvoice(Buffer.from('<?xml version="1.0"?><Order xmlns="urn:example"><ID>1</ID></Order>'))).toBeNull();
  });
});

describe('hostile XML is refused', () => {
  const refused = (xml: string) => expect(() => parseXml(Buffer.from(xml))).toThrow(XmlRefused);

  it('refuses DTDs, entity expansion and external entities', () => {
    refused('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><r>&b;</r>');
    refused('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>');
    refused('<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:1/evil.dtd"><r/>');
    refused('<r>&undefined;</r>');
  });

  it('refuses malformed, oversized and absurdly deep documents', () => {
    refused('<r><a></r>');
    refused('');
    refused(`<r>${'x'.repeat(MAX_XML_BYTES)}</r>`);
    refused(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`);
  });

  it('keeps the predefined entities and character references', () => {
    const el = parseXml(Buffer.from('<r>A &amp; B &#x263A; <![CDATA[<c>]]></r>'));
    expect(el.text).toBe('A & B ☺ <c>');
  });
});

describe('embedded files of a PDF', () => {
  const creationDate = new Date('2026-03-02T10:00:00Z');
  const xml = xmlOf('factur-x');

  it('finds the factur-x.xml of a hybrid byte for byte, and none in a plain PDF', async () => {
    const hybrid = await renderDocumentPdf(sampleDocumentView(), {
      creationDate,
      attachment: { name: 'factur-x.xml', xml },
    });
    expect(embeddedFiles(hybrid)).toEqual({ files: [xml], unreadable: 0 });
    expect(embeddedFiles(await renderDocumentPdf(sampleDocumentView(), { creationDate }))).toEqual({
      files: [],
      unreadable: 0,
    });
  });

  it('finds a second XML appended by an incremental update, and an uncompressed one with an indirect length', async () => {
    const hybrid = await renderDocumentPdf(sampleDocumentView(), {
      creationDate,
      attachment: { name: 'factur-x.xml', xml },
    });
    const other = Buffer.from(xml.toString().replace('DE75512108001245126199', 'GB82WEST12345698765432'));
    const update = Buffer.concat([
      Buffer.from(`\n90 0 obj\n<< /Type /EmbeddedFile /Subtype /text#2Fxml /Length 91 0 R >>\nstream\n`, 'latin1'),
      other,
      Buffer.from(`\nendstream\nendobj\n91 0 obj\n${other.length}\nendobj\n%%EOF\n`, 'latin1'),
    ]);
    expect(embeddedFiles(Buffer.concat([hybrid, update])).files).toEqual([xml, other]);
  });

  it('does not inflate a compression bomb past the XML size limit', () => {
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x41));
    const pdf = Buffer.concat([
      Buffer.from(
        `%PDF-1.7\n1 0 obj\n<< /Type /EmbeddedFile /Length ${bomb.length} /Filter /FlateDecode >>\nstream\n`,
        'latin1',
      ),
      bomb,
      Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1'),
    ]);
    expect(embeddedFiles(pdf)).toEqual({ files: [], unreadable: 1 });
  });
});
