// Verifying e-invoices (issue #12 item 6): a signed Factur-X hybrid is recognised with its XML
// agreeing with the signed fields; a hybrid whose factur-x.xml was changed (IBAN, total) and
// re-embedded is flagged with the fields that differ; a bare XML (CII or UBL) is checked against
// the signed fields, found by the organization + its number and total, or by a verification link
// in its text; hostile XML is refused with 422.
//
// Issuing does not embed the XML yet (the documents step wires E2's snapshot mapping into
// issuing); `issueHybrid` performs the issue-time steps that wiring will run, with the real issue
// hooks: sign the fields + the XML digest (payload v2), render the PDF/A-3 hybrid, PAdES-sign it,
// record its SHA-256.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiFor, expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { itNeeds } from '../helpers/tools.ts';
import { readBody } from '../../src/modules/documents/document.mapper.ts';
import type { DocumentBody, DocumentDto } from '../../src/modules/documents/document.schemas.ts';
import { buildDocumentView } from '../../src/modules/documents/pdf/document-view.ts';
import { renderDocumentPdf } from '../../src/modules/documents/pdf/render-document-pdf.ts';
import type { EinvoiceFormat } from '../../src/modules/einvoice/einvoice.formats.ts';
import { generateEinvoiceUtf8 } from '../../src/modules/einvoice/einvoice.generate.ts';
import { toEinvoice } from '../../src/modules/einvoice/einvoice.mapping.ts';
import { createDocumentSigningHooks } from '../../src/modules/verification/document-signing.service.ts';
import { NO_MATCH } from '../../src/modules/verification/verification.service.ts';

const IBAN = 'DE75512108001245126199';
const OTHER_IBAN = 'GB82WEST12345698765432';
const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-verify-einvoice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The XML of an issued document (the fields Sealbill does not store yet are fixed test values). */
function xmlOf(
  doc: DocumentDto,
  snapshot: NonNullable<DocumentBody['snapshot']>,
  format: EinvoiceFormat,
  note?: string,
): Buffer {
  const party = (p: typeof snapshot.org, city: string) => ({
    name: p.name,
    addressLines: p.addressLines.length ? p.addressLines : ['Hafenstraße 12'],
    city,
    postalCode: '20457',
    country: p.country ?? 'DE',
    ...(p.taxId ? { vatId: p.taxId } : {}),
    electronicAddress: { id: p.email ?? 'billing@example.test', scheme: 'EM' },
  });
  const model = toEinvoice({
    kind: doc.kind === 'credit_note' ? 'credit_note' : 'invoice',
    number: doc.number!,
    issueDate: doc.issueDate!,
    dueDate: doc.dueDate,
    currency: doc.currency,
    lines: doc.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      unitPrice: l.unitPrice,
      discount: l.discount,
      taxRateBp: l.taxRateBp,
      taxInclusive: l.taxInclusive,
      tax: { category: 'S' as const },
    })),
    discount: doc.discount,
    notes: note ?? doc.notes,
    terms: doc.terms,
    org: {
      ...party(snapshot.org, 'Hamburg'),
      vatId: snapshot.org.taxId ?? 'DE123456789',
      contact: { name: 'Jana Ost', phone: '+49 40 1234567', email: 'jana@nordlicht.test' },
    },
    client: party(snapshot.client, 'Berlin'),
    payout: snapshot.payout
      ? {
          accountHolder: snapshot.payout.accountHolder,
          iban: snapshot.payout.iban,
          bic: snapshot.payout.bic,
          accountNumber: snapshot.payout.accountNumber,
        }
      : null,
    einvoice: { buyerReference: 'PO-7781', supplyDate: doc.issueDate! },
  });
  return generateEinvoiceUtf8(model, format);
}

describeEachDb('verifying e-invoices and Factur-X hybrids', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let anon: Api;
  let clientId: string;
  let hybrid: {
    pdf: Buffer;
    xml: Buffer;
    doc: DocumentDto;
    snapshot: NonNullable<DocumentBody['snapshot']>;
    token: string;
  };

  const post = (url: string, body: Buffer, contentType: string) =>
    t.app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload: body });
  const verifyPdf = async (pdf: Buffer, org?: string) => {
    const res = await post(`/api/v1/verify/pdf${org ? `?org=${org}` : ''}`, pdf, 'application/pdf');
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const verifyXml = async (xml: Buffer | string, org?: string) => {
    const res = await post(`/api/v1/verify/einvoice${org ? `?org=${org}` : ''}`, Buffer.from(xml), 'application/xml');
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  async function issueHybrid(): Promise<typeof hybrid> {
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      lines: [
        { description: 'Consulting', quantity: '10', unit: 'h', unitPrice: 12_000, taxRateId: vat },
        { description: 'Manual', quantity: '3', unit: 'pcs', unitPrice: 1_990, taxRateId: reduced },
      ],
    });
    await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, {});
    const c = t.container;
    const row = await c.db.selectFrom('documents').selectAll().where('id', '=', draft.id).executeTakeFirstOrThrow();
    const snapshot = readBody(await c.keyring.forOrg(c.db, api.orgId), row).snapshot!;
    const doc = await c.services.documents.get(api.orgId, 'invoice', draft.id);
    const org = await c.services.orgs.getDetails(api.orgId);
    const xml = xmlOf(doc, snapshot, 'factur-x');
    const hooks = createDocumentSigningHooks({
      keyring: c.keyring,
      clock: c.clock,
      publicUrl: c.config.publicUrl,
      signing: c.services.signing,
      tsa: null,
      warn: () => {},
    });
    // Replace the plain issue's signature with the e-invoice issue's (same document, one row).
    await c.db.deleteFrom('document_signatures').where('document_id', '=', draft.id).execute();
    const verification = await hooks.verificationInTx(c.db, org, doc, snapshot, { format: 'factur-x', xml });
    const pdf = await renderDocumentPdf(buildDocumentView(doc, snapshot, { verification }), {
      creationDate: new Date(doc.issuedAt!),
      signer: await hooks.pdfSignerInTx(c.db, api.orgId),
      attachment: { name: 'factur-x.xml', xml },
    });
    await hooks.onIssuedInTx(c.db, api.orgId, doc, sha256(pdf), null);
    return { pdf, xml, doc, snapshot, token: /\/verify\/([A-Za-z0-9_-]{22})/.exec(verification!.url)![1]! };
  }

  let vat: string;
  let reduced: string;
  beforeAll(async () => {
    t = await createTestInstance(dialect, {
      clock: new FixedClock('2026-03-02T09:00:00Z'),
      env: { SEALBILL_VERIFY_RATE_LIMIT: '1000' },
    });
    api = await setupOrg(t.app, 'Nordlicht Software GmbH');
    anon = apiFor(t.app, '');
    await seedPayout(t, api.orgId, { accountHolder: 'Nordlicht Software GmbH', iban: IBAN, bic: 'SOGEDEFFXXX' });
    vat = (await api.ok('POST', '/api/v1/tax-rates', { name: 'USt', rateBp: 1900 })).id;
    reduced = (await api.ok('POST', '/api/v1/tax-rates', { name: 'USt ermäßigt', rateBp: 700 })).id;
    clientId = (
      await api.ok('POST', '/api/v1/clients', {
        name: 'Bäckerei Müller & Söhne KG',
        email: 'ap@mueller.test',
        country: 'DE',
      })
    ).id;
    hybrid = await issueHybrid();
  });
  afterAll(() => t.close());

  it('signs the VAT breakdown and the XML digest (payload v2)', async () => {
    const v = await anon.ok('GET', `/api/v1/verify/${hybrid.token}`);
    const payload = JSON.parse(v.signature.payload);
    expect(payload.v).toBe(2);
    expect(payload.taxes).toEqual(hybrid.doc.taxes);
    expect(payload.einvoice).toEqual({ format: 'factur-x', sha256: sha256(hybrid.xml) });
  });

  it('recognises the signed hybrid, its embedded XML agreeing with the signature', async () => {
    const v = await verifyPdf(hybrid.pdf);
    expect(v).toMatchObject({ authentic: true, reason: 'verified', unaltered: true });
    expect(v.einvoice).toEqual({
      syntax: 'cii',
      source: 'embedded',
      exact: true,
      agreesWithSignature: true,
      differences: [],
    });
  });

  itNeeds(['qpdf'], 'flags a hybrid whose factur-x.xml was changed and re-embedded (IBAN, total)', async () => {
    // qpdf --replace points /Names at the new file but leaves the catalog's /AF on the original,
    // so the re-saved file carries both: 'attachments' says so beside the changed field.
    const cases: Array<[string, Buffer, string[]]> = [
      ['iban', Buffer.from(hybrid.xml.toString().replaceAll(IBAN, OTHER_IBAN)), ['payee', 'attachments']],
      [
        'total',
        Buffer.from(hybrid.xml.toString().replace(/<ram:GrandTotalAmount>[^<]*</, '<ram:GrandTotalAmount>1.00<')),
        ['total', 'attachments'],
      ],
    ];
    const original = path.join(dir, `hybrid-${dialect}.pdf`);
    writeFileSync(original, hybrid.pdf);
    for (const [name, xml, differences] of cases) {
      const xmlFile = path.join(dir, 'factur-x.xml');
      writeFileSync(xmlFile, xml);
      const out = path.join(dir, `tampered-${name}-${dialect}.pdf`);
      const r = spawnSync(
        'qpdf',
        [original, '--add-attachment', xmlFile, '--key=factur-x.xml', '--replace', '--', out],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const tampered = readFileSync(out);
      const v = await verifyPdf(tampered);
      expect(v, name).toMatchObject({
        authentic: false,
        reason: 'altered',
        unaltered: false,
        document: null,
        signature: null,
      });
      expect(v.einvoice, name).toEqual({
        syntax: 'cii',
        source: 'embedded',
        exact: false,
        agreesWithSignature: false,
        differences,
      });
    }
    // A cleaner forgery: the original stream dropped, only the changed XML left (/AF and /Names both on it).
    const json = JSON.parse(spawnSync('qpdf', ['--json=2', '--json-key=qpdf', original], { encoding: 'utf8' }).stdout)
      .qpdf[1];
    const [embeddedId, embedded] = Object.entries(
      json as Record<string, { stream?: { dict: Record<string, unknown> } }>,
    ).find(([, o]) => o.stream?.dict['/Type'] === '/EmbeddedFile')!;
    const { '/Length': _l, '/Filter': _f, ...dict } = embedded.stream!.dict;
    const xmlFile = path.join(dir, 'changed.xml');
    writeFileSync(xmlFile, Buffer.from(hybrid.xml.toString().replaceAll(IBAN, OTHER_IBAN)));
    const update = { qpdf: [{ jsonversion: 2 }, { [embeddedId]: { stream: { dict, datafile: xmlFile } } }] };
    const updateFile = path.join(dir, 'update.json');
    writeFileSync(updateFile, JSON.stringify(update));
    const out = path.join(dir, `swapped-${dialect}.pdf`);
    const r = spawnSync('qpdf', [original, `--update-from-json=${updateFile}`, out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const swapped = await verifyPdf(readFileSync(out));
    expect(swapped).toMatchObject({ authentic: false, reason: 'altered' });
    expect(swapped.einvoice).toEqual({
      syntax: 'cii',
      source: 'embedded',
      exact: false,
      agreesWithSignature: false,
      differences: ['payee'],
    });
  });

  it('flags a second, different XML appended to the signed hybrid by an incremental update', async () => {
    const other = Buffer.from(hybrid.xml.toString().replaceAll(IBAN, OTHER_IBAN));
    const update = Buffer.concat([
      Buffer.from(
        `\n900 0 obj\n<< /Type /EmbeddedFile /Subtype /text#2Fxml /Length ${other.length} >>\nstream\n`,
        'latin1',
      ),
      other,
      Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1'),
    ]);
    const v = await verifyPdf(Buffer.concat([hybrid.pdf, update]));
    expect(v).toMatchObject({ authentic: false, reason: 'altered' });
    expect(v.einvoice.differences).toEqual(['payee', 'attachments']);
  });

  it('checks the bare XML: exact with the organization, flagged when its IBAN differs, unknown when its total differs', async () => {
    const exact = await verifyXml(hybrid.xml, api.orgId);
    expect(exact).toMatchObject({ authentic: true, reason: 'verified', unaltered: true, signature: null });
    expect(exact.document).toMatchObject({ number: hybrid.doc.number, total: hybrid.doc.total, currency: 'EUR' });
    expect(exact.einvoice).toEqual({
      syntax: 'cii',
      source: 'file',
      exact: true,
      agreesWithSignature: true,
      differences: [],
    });

    const iban = await verifyXml(hybrid.xml.toString().replaceAll(IBAN, OTHER_IBAN), api.orgId);
    expect(iban).toMatchObject({
      authentic: false,
      reason: 'einvoice_differs',
      document: null,
      signature: null,
      bankDetails: null,
    });
    expect(iban.einvoice.differences).toEqual(['payee']);

    // The total identifies the document (as in a typed-in check): another total is another document.
    expect(
      await verifyXml(
        hybrid.xml.toString().replace(/<ram:GrandTotalAmount>[^<]*</, '<ram:GrandTotalAmount>1.00<'),
        api.orgId,
      ),
    ).toEqual(NO_MATCH);
    // Without the organization and without a link in the XML nothing identifies it.
    expect(await verifyXml(hybrid.xml)).toEqual(NO_MATCH);
    expect(await verifyXml(hybrid.xml, '00000000-0000-4000-8000-000000000000')).toEqual(NO_MATCH);
  });

  it('checks another format of the same document by its fields (UBL, found through the link in its note)', async () => {
    const link = `${t.container.config.publicUrl}/verify/${hybrid.token}`;
    const ubl = xmlOf(hybrid.doc, hybrid.snapshot, 'xrechnung-ubl', `Verify this invoice at ${link}`);
    const v = await verifyXml(ubl);
    expect(v).toMatchObject({ authentic: true, reason: 'verified', unaltered: null });
    expect(v.signature.payload).toContain(hybrid.doc.number);
    expect(v.einvoice).toEqual({
      syntax: 'ubl',
      source: 'file',
      exact: null,
      agreesWithSignature: true,
      differences: [],
    });
    const changed = await verifyXml(ubl.toString().replaceAll(IBAN, OTHER_IBAN));
    expect(changed).toMatchObject({
      authentic: false,
      reason: 'einvoice_differs',
      einvoice: { differences: ['payee'] },
    });
  });

  it('refuses hostile or foreign XML with 422, and oversized uploads with 413', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
    const bad = await post('/api/v1/verify/einvoice', Buffer.from(xxe), 'application/xml');
    expectProblem(bad, 422, 'unprocessable');
    expect(bad.body).not.toContain('root:');
    expectProblem(
      await post('/api/v1/verify/einvoice', Buffer.from('<Order xmlns="urn:x"/>'), 'text/xml'),
      422,
      'unprocessable',
    );
    expectProblem(
      await post('/api/v1/verify/einvoice', Buffer.from('not xml at all'), 'application/xml'),
      422,
      'unprocessable',
    );
    const big = await post('/api/v1/verify/einvoice', Buffer.alloc(3 * 1024 * 1024, 0x20), 'application/xml');
    expect(big.statusCode).toBe(413);
  });

  it('answers a plain (non-hybrid) PDF as before, with no e-invoice', async () => {
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Audit', quantity: '1', unitPrice: 50_000 }],
    });
    await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, {});
    const pdf = (await api.req('GET', `/api/v1/invoices/${draft.id}/pdf`)).rawPayload;
    const v = await verifyPdf(pdf);
    expect(v).toMatchObject({ authentic: true, reason: 'verified', unaltered: true });
    expect(v.einvoice).toBeUndefined();
    expect(JSON.parse(v.signature.payload)).toMatchObject({
      v: 2,
      taxes: [{ rateBp: 0, inclusive: false, taxable: 50_000, tax: 0 }],
    });
    expect(JSON.parse(v.signature.payload).einvoice).toBeUndefined();
  });
});
