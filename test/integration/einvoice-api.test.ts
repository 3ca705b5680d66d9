// E-invoicing through the API (issue #12 items 1, 2 and 4): the org, client, tax rate and document
// fields are validated at the edge and stored; an issued invoice or credit note downloads as
// XRechnung (UBL and CII), Peppol BIS and Factur-X XML, byte-stable, and every file passes the
// OFFICIAL EN 16931 (+ XRechnung) rules; issuing for a client with a preferred format refuses
// (422, rule ids and fields) what the format's rules would refuse, before a number is drawn; the
// editor's check shows the same; drafts have no e-invoice (409); reading needs invoice:read.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EINVOICE_FORMATS, type EinvoiceFormat } from '../../src/modules/einvoice/einvoice.formats.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { EINVOICE_NEEDS, describeFailures, fatalOnly, validateOfficially } from '../helpers/einvoice-rules.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { SELLER_PROFILE } from '../helpers/einvoice-seed.ts';
import { seedPayout } from '../helpers/payout.ts';
import { addMember, staffSession } from '../helpers/session.ts';
import { pdfText } from '../helpers/pdf-tools.ts';
import { describeNeeds, itNeeds, usable } from '../helpers/tools.ts';

describeEachDb('e-invoices through the API', (dialect) => {
  let t: TestInstance;
  let a: Api;
  let standard: string;
  let reduced: string;
  let reverseCharge: string;
  let publicBody: string;
  let invoiceId: string;
  let number: string;
  const downloads = new Map<EinvoiceFormat, string>();

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock: new FixedClock('2026-03-02T09:00:00Z') });
    a = await setupOrg(t.app, 'Muster Software GmbH', { profile: SELLER_PROFILE });
    await seedPayout(t, a.orgId, {
      accountHolder: 'Muster Software GmbH',
      iban: 'DE89 3704 0044 0532 0130 00',
      bic: 'COBADEFFXXX',
    });
  });
  afterAll(() => t.close());

  it('stores the seller fields in the (sealed) org profile, normalized', async () => {
    const org = await a.ok('GET', '/api/v1/org');
    expect(org.profile).toMatchObject({
      vatId: 'DE123456789',
      city: 'Berlin',
      electronicAddressScheme: '9930',
      contactName: 'Erika Muster',
    });
  });

  it('tax rates carry a VAT category (S above 0 %, Z at 0 % by default) and an exemption reason where needed', async () => {
    const s = await a.ok('POST', '/api/v1/tax-rates', { name: 'USt 19 %', rateBp: 1900 });
    expect(s).toMatchObject({ category: 'S', exemptionReason: null });
    standard = s.id;
    reduced = (await a.ok('POST', '/api/v1/tax-rates', { name: 'USt 7 %', rateBp: 700, category: 'S' })).id;
    expect(await a.ok('POST', '/api/v1/tax-rates', { name: 'Zero', rateBp: 0 })).toMatchObject({ category: 'Z' });
    const rc = await a.ok('POST', '/api/v1/tax-rates', {
      name: 'Reverse charge',
      rateBp: 0,
      category: 'AE',
      exemptionCode: 'vatex-eu-ae',
    });
    expect(rc).toMatchObject({ category: 'AE', exemptionCode: 'VATEX-EU-AE' });
    reverseCharge = rc.id;
    // § 19 UStG: exempt (E) with its reason; E without a reason, or E at 19 %, is refused at the edge.
    expect(
      await a.ok('POST', '/api/v1/tax-rates', {
        name: '§ 19 UStG',
        rateBp: 0,
        category: 'E',
        exemptionReason: 'Kleinunternehmer gemäß § 19 UStG',
      }),
    ).toMatchObject({ category: 'E', exemptionReason: 'Kleinunternehmer gemäß § 19 UStG' });
    const noReason = expectProblem(
      await a.req('POST', '/api/v1/tax-rates', { name: 'Exempt', rateBp: 0, category: 'E' }),
      400,
    );
    expect(JSON.stringify(noReason.errors)).toContain('exemptionReason');
    const wrongRate = expectProblem(
      await a.req('POST', '/api/v1/tax-rates', { name: 'RC 19', rateBp: 1900, category: 'AE' }),
      400,
    );
    expect(JSON.stringify(wrongRate.errors)).toContain('rateBp');
    expectProblem(await a.req('POST', '/api/v1/tax-rates', { name: 'Bad', rateBp: 0, category: 'X' }), 400);
    expectProblem(
      await a.req('POST', '/api/v1/tax-rates', { name: 'Bad', rateBp: 0, category: 'AE', exemptionCode: 'VATEX-NOPE' }),
      400,
    );
  });

  it('clients carry the buyer fields and a preferred format, validated (country ISO 3166-1, EAS scheme, format)', async () => {
    const c = await a.ok('POST', '/api/v1/clients', {
      name: 'Bundesamt für Beispiele',
      addressLines: ['Amtsweg 5'],
      city: 'Bonn',
      postalCode: '53113',
      country: 'DE',
      electronicAddress: '04011000-12345-03',
      electronicAddressScheme: '0204',
      buyerReference: '04011000-12345-03',
      einvoiceFormat: 'xrechnung-ubl',
    });
    expect(c).toMatchObject({
      einvoiceFormat: 'xrechnung-ubl',
      buyerReference: '04011000-12345-03',
      electronicAddressScheme: '0204',
      vatId: null,
    });
    publicBody = c.id;
    const plain = await a.ok('POST', '/api/v1/clients', { name: 'Plain Client' });
    expect(plain.einvoiceFormat).toBe('none');
    for (const bad of [
      { country: 'XX' },
      { country: 'de' },
      { electronicAddressScheme: 'ZZZZ' },
      { einvoiceFormat: 'pdf' },
      { vatId: '12' },
    ]) {
      const p = expectProblem(await a.req('POST', '/api/v1/clients', { name: 'Bad', ...bad }), 400);
      expect(JSON.stringify(p.errors), JSON.stringify(bad)).toContain(Object.keys(bad)[0]);
    }
    expectProblem(await a.req('PATCH', `/api/v1/clients/${plain.id}`, { einvoiceFormat: 'ubl' }), 400);
    expect(
      await a.ok('PATCH', `/api/v1/clients/${plain.id}`, { einvoiceFormat: 'peppol-bis', vatId: 'BE0123456749' }),
    ).toMatchObject({ einvoiceFormat: 'peppol-bis', vatId: 'BE0123456749' });
  });

  it('a draft keeps its e-invoice fields; it has no e-invoice yet (409) but the editor check passes', async () => {
    const draft = await a.ok('POST', '/api/v1/invoices', {
      clientId: publicBody,
      lines: [
        { description: 'Beratung', quantity: '10', unit: 'h', unitPrice: 12_000, taxRateId: standard },
        { description: 'Fachbuch', quantity: '2', unitPrice: 3_990, taxRateId: reduced },
      ],
      periodStart: '2026-02-01',
      periodEnd: '2026-02-28',
      supplyDate: '2026-02-28', // the CII formats need a delivery date (PEPPOL-EN16931-R008)
      purchaseOrderReference: 'PO-4711',
      contractReference: 'RV-2026-01',
      paymentMeans: '58',
      terms: 'Zahlbar innerhalb von 14 Tagen ohne Abzug.',
    });
    invoiceId = draft.id;
    expect(draft.einvoice).toMatchObject({
      periodStart: '2026-02-01',
      purchaseOrderReference: 'PO-4711',
      paymentMeans: '58',
      buyerReference: null,
    });
    expect(draft.lines[0]).toMatchObject({ taxCategory: 'S' });
    expectProblem(await a.req('GET', `/api/v1/invoices/${invoiceId}/einvoice?format=xrechnung-ubl`), 409, 'conflict');
    expect(await a.ok('GET', `/api/v1/invoices/${invoiceId}/einvoice/check`)).toEqual({
      format: 'xrechnung-ubl',
      issues: [],
    });
    // A PATCH changes what it names and nothing else (zod 4 applied defaults to absent fields).
    const patched = await a.ok('PATCH', `/api/v1/invoices/${invoiceId}`, { contractReference: 'RV-2026-02' });
    expect(patched).toMatchObject({
      terms: 'Zahlbar innerhalb von 14 Tagen ohne Abzug.',
      einvoice: {
        contractReference: 'RV-2026-02',
        purchaseOrderReference: 'PO-4711',
        supplyDate: '2026-02-28',
        paymentMeans: '58',
      },
    });
    await a.ok('PATCH', `/api/v1/invoices/${invoiceId}`, { contractReference: 'RV-2026-01' });
    // The period is checked at the edge too.
    expectProblem(await a.req('PATCH', `/api/v1/invoices/${invoiceId}`, { periodEnd: '2026-01-01' }), 422);
    expectProblem(await a.req('PATCH', `/api/v1/invoices/${invoiceId}`, { paymentMeans: '99' }), 400);
  });

  it('issues, and downloads every format byte-stable with a meaningful file name', async () => {
    const issued = await a.ok('POST', `/api/v1/invoices/${invoiceId}/issue`);
    number = issued.number;
    expect(issued.einvoice.buyerReference).toBeNull(); // the document's own field; the client default is frozen in the snapshot
    for (const format of EINVOICE_FORMATS) {
      const res = await a.req('GET', `/api/v1/invoices/${invoiceId}/einvoice?format=${format}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/xml/);
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="${number}-${format === 'xrechnung-ubl' ? 'xrechnung' : format === 'peppol-bis' ? 'peppol' : format}.xml"`,
      );
      expect(res.body).toContain(number);
      expect(res.body).toContain('04011000-12345-03'); // the client's default buyer reference (BT-10)
      expect(res.body).toContain('PO-4711');
      expect((await a.req('GET', `/api/v1/invoices/${invoiceId}/einvoice?format=${format}`)).body).toBe(res.body);
      downloads.set(format, res.body);
    }
    expectProblem(await a.req('GET', `/api/v1/invoices/${invoiceId}/einvoice?format=pdf`), 400);
    // Issued: the XML comes from the frozen snapshot; a later client change does not alter it.
    await a.ok('PATCH', `/api/v1/clients/${publicBody}`, { buyerReference: '99999999-99999-99' });
    expect((await a.req('GET', `/api/v1/invoices/${invoiceId}/einvoice?format=xrechnung-ubl`)).body).toBe(
      downloads.get('xrechnung-ubl'),
    );
    await a.ok('PATCH', `/api/v1/clients/${publicBody}`, { buyerReference: '04011000-12345-03' });
  });

  itNeeds(
    ['pdftotext'],
    'the PDF is a complete EU VAT invoice: period and supply date, labeled VAT ids, the tax table by category, references, payment means',
    async () => {
      const text = pdfText((await a.req('GET', `/api/v1/invoices/${invoiceId}/pdf`)).rawPayload);
      // A German client (its language defaults to the org's de-DE): the invoice is in German.
      expect(text).toMatch(/Leistungsdatum\s+28\.02\.2026/);
      expect(text).toMatch(/Leistungszeitraum\s+01\.02\.2026 – 28\.02\.2026/);
      expect(text).toMatch(/Ihre Referenz\s+04011000-12345-03/);
      expect(text).toMatch(/Bestellnr\.\s+PO-4711/);
      expect(text).toContain('USt-IdNr.: DE123456789');
      expect(text).toContain('Steuernr.: 30/123/45678');
      expect(text).toContain('10115 Berlin');
      expect(text).toMatch(/USt\.-Kategorie\s+Satz\s+Nettobetrag\s+USt\./);
      expect(text).toMatch(/S\s+19\s?%\s+1\.200,00 €\s+228,00 €/);
      expect(text).toMatch(/S\s+7\s?%\s+79,80 €\s+5,59 €/);
      expect(text).toMatch(/Zahlungsart\s+SEPA-Überweisung \(58\)/);
    },
  );

  describeNeeds(EINVOICE_NEEDS, 'the downloads against the official rules', () => {
    for (const format of EINVOICE_FORMATS) {
      it(`${format}: zero fatal failures (EN 16931${format.startsWith('xrechnung') ? ' + XRechnung' : ''}${format.endsWith('cii') || format === 'factur-x' ? ' + CII XSD' : ''})`, () => {
        const xml = downloads.get(format);
        expect(xml, 'downloaded above').toBeDefined();
        const fatal = fatalOnly(validateOfficially(xml!, format));
        expect(fatal, describeFailures(fatal)).toEqual([]);
      }, 600_000);
    }
  });

  it('refuses to issue (422, rule ids and fields) what the client’s format refuses, before drawing a number', async () => {
    const rc = await a.ok('POST', '/api/v1/clients', {
      name: 'EU Buyer SARL',
      addressLines: ['1 rue Exemple'],
      city: 'Paris',
      postalCode: '75001',
      country: 'FR',
      einvoiceFormat: 'xrechnung-cii',
      electronicAddress: 'ap@buyer.test',
      electronicAddressScheme: 'EM',
      language: 'fr-FR',
    });
    const draft = await a.ok('POST', '/api/v1/invoices', {
      clientId: rc.id,
      supplyDate: '2026-02-27',
      lines: [{ description: 'Lizenz', quantity: '1', unitPrice: 50_000, taxRateId: reverseCharge }],
    });
    const check = await a.ok('GET', `/api/v1/invoices/${draft.id}/einvoice/check`);
    expect(check.format).toBe('xrechnung-cii');
    const rules = check.issues.map((i: { ruleId: string }) => i.ruleId);
    expect(rules).toContain('BR-DE-15'); // no buyer reference
    expect(
      check.issues.some(
        (i: { ruleId: string; field: string }) => i.ruleId.startsWith('BR-AE') && i.field === 'client.vatId',
      ),
    ).toBe(true);
    const p = expectProblem(await a.req('POST', `/api/v1/invoices/${draft.id}/issue`), 422, 'unprocessable');
    expect(p.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'client.vatId', message: expect.stringMatching(/^BR-AE-\d+: /) }),
        expect.objectContaining({ path: 'invoice.buyerReference', message: expect.stringMatching(/^BR-DE-15: /) }),
      ]),
    );
    expect(await a.ok('GET', `/api/v1/invoices/${draft.id}`)).toMatchObject({ status: 'draft', number: null });
    // Another format can be asked for explicitly (what the editor shows for a choice).
    const peppol = await a.ok('GET', `/api/v1/invoices/${draft.id}/einvoice/check?format=peppol-bis`);
    expect(peppol.transport).toEqual({
      configured: false,
      message: expect.stringContaining('no Peppol access point is configured'),
    });
    const factur = await a.ok('GET', `/api/v1/invoices/${draft.id}/einvoice/check?format=factur-x`);
    expect(factur.issues.map((i: { ruleId: string }) => i.ruleId)).not.toContain('BR-DE-15');
    // Fixed: the buyer's VAT id and a buyer reference; it issues with the next number (no gap).
    await a.ok('PATCH', `/api/v1/clients/${rc.id}`, { vatId: 'FR40303265045' });
    await a.ok('PATCH', `/api/v1/invoices/${draft.id}`, { buyerReference: 'Einkauf 12' });
    expect((await a.ok('GET', `/api/v1/invoices/${draft.id}/einvoice/check`)).issues).toEqual([]);
    const issued = await a.ok('POST', `/api/v1/invoices/${draft.id}/issue`);
    expect(Number(issued.number.slice(-5))).toBe(Number(number.slice(-5)) + 1);
    if (usable(['pdftotext'], 'reverse-charge wording on the PDF')) {
      const text = pdfText((await a.req('GET', `/api/v1/invoices/${draft.id}/pdf`)).rawPayload);
      // A French client: the French reverse-charge wording (autoliquidation) and labels.
      expect(text).toContain('Autoliquidation : la TVA est due par le preneur');
      expect(text).toContain('N° TVA: FR40303265045');
      expect(text).toMatch(/AE\s+0\s?%\s+500,00\s€\s+0,00\s€/);
    }
  });

  it('a credit note states the invoice it corrects (BT-25/26) and downloads on its own route', async () => {
    const { creditNote } = await a.ok('POST', `/api/v1/invoices/${invoiceId}/void`, { reason: 'Falsche Menge' });
    const res = await a.req('GET', `/api/v1/credit-notes/${creditNote.id}/einvoice?format=xrechnung-ubl`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('<CreditNote');
    expect(res.body).toMatch(
      new RegExp(`<cac:BillingReference>\\s*<cac:InvoiceDocumentReference>\\s*<cbc:ID>${number}</cbc:ID>`),
    );
    expect(res.headers['content-disposition']).toContain(creditNote.number);
    expectProblem(
      await a.req('GET', `/api/v1/invoices/${creditNote.id}/einvoice?format=xrechnung-ubl`),
      404,
      'not_found',
    );
    downloads.set('xrechnung-ubl', res.body);
  });

  describeNeeds(EINVOICE_NEEDS, 'the credit note against the official rules', () => {
    it('xrechnung-ubl credit note: zero fatal failures', () => {
      const fatal = fatalOnly(validateOfficially(downloads.get('xrechnung-ubl')!, 'xrechnung-ubl'));
      expect(fatal, describeFailures(fatal)).toEqual([]);
    }, 600_000);
  });

  it('needs invoice:read (403 otherwise); another organization gets 404', async () => {
    const owner = await staffSession(t, a.orgId, a.userId);
    const put = await owner.req('PUT', '/api/v1/org/roles/nobody', { name: 'Nobody', permissions: ['org:read'] });
    expect(put.statusCode, put.body).toBe(200);
    const nobody = await addMember(t, a.orgId, 'custom:nobody', 'nobody@einvoice.test');
    expectProblem(
      await nobody.req('GET', `/api/v1/invoices/${invoiceId}/einvoice?format=xrechnung-ubl`),
      403,
      'forbidden',
    );
    expectProblem(await nobody.req('GET', `/api/v1/invoices/${invoiceId}/einvoice/check`), 403, 'forbidden');
    const b = await setupOrg(t.app, 'Other Tenant AG');
    expectProblem(await b.req('GET', `/api/v1/invoices/${invoiceId}/einvoice?format=xrechnung-ubl`), 404, 'not_found');
  });

  itNeeds(
    ['pdfsig', 'pdfdetach'],
    'a client who takes Factur-X gets the signed PDF/A-3 hybrid: the issued PDF carries factur-x.xml and is the download',
    async () => {
      const fc = await a.ok('POST', '/api/v1/clients', {
        name: 'Hybrid GmbH',
        addressLines: ['Domkloster 4'],
        city: 'Köln',
        postalCode: '50667',
        country: 'DE',
        einvoiceFormat: 'factur-x',
        vatId: 'DE811907980',
      });
      const draft = await a.ok('POST', '/api/v1/invoices', {
        clientId: fc.id,
        supplyDate: '2026-02-27',
        lines: [{ description: 'Beratung', quantity: '2', unitPrice: 10_000, taxRateId: standard }],
      });
      const issued = await a.ok('POST', `/api/v1/invoices/${draft.id}/issue`);
      const pdf = (await a.req('GET', `/api/v1/invoices/${draft.id}/pdf`)).rawPayload;
      const res = await a.req('GET', `/api/v1/invoices/${draft.id}/einvoice?format=factur-x`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/pdf/);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${issued.number}-factur-x.pdf"`);
      expect(res.rawPayload.equals(pdf)).toBe(true);
      const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-facturx-'));
      try {
        writeFileSync(path.join(dir, 'doc.pdf'), pdf);
        expect(execFileSync('pdfsig', [path.join(dir, 'doc.pdf')], { encoding: 'utf8' })).toContain(
          'Signature is Valid.',
        );
        execFileSync('pdfdetach', ['-saveall', '-o', dir, path.join(dir, 'doc.pdf')]);
        const xml = readFileSync(path.join(dir, 'factur-x.xml'), 'utf8');
        expect(xml).toContain(`<ram:ID>${issued.number}</ram:ID>`);
        if (usable(EINVOICE_NEEDS, 'the embedded XML against the official rules')) {
          const fatal = fatalOnly(validateOfficially(xml, 'factur-x'));
          expect(fatal, describeFailures(fatal)).toEqual([]);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    600_000,
  );
});
