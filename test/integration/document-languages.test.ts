// Documents in the client's language (issue #15 item 4): a German client's invoice says
// "Rechnung" with German dates, amounts and the German reverse-charge wording, a French client's
// "Facture" and "Autoliquidation", an English client's the English it always said. The language is
// fixed at issue: changing the client's language afterwards changes neither the stored (signed)
// PDF nor the e-invoice XML derived from the snapshot, whose default free texts (exemption reason,
// payment terms) are written in the document's language too.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readBody } from '../../src/modules/documents/document.mapper.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { SELLER_PROFILE } from '../helpers/einvoice-seed.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { pdfText } from '../helpers/pdf-tools.ts';
import { itNeeds } from '../helpers/tools.ts';

describeEachDb('documents in the client’s language', (dialect) => {
  let t: TestInstance;
  let a: Api;
  let reverseCharge: string;
  const issued = new Map<string, { id: string; clientId: string; pdf: Buffer }>();

  async function issueFor(language: string, country: string, vatId: string) {
    const client = await a.ok('POST', '/api/v1/clients', {
      name: `Client ${language}`,
      addressLines: ['1 Example Street'],
      city: 'Exampletown',
      postalCode: '12345',
      country,
      vatId,
      language,
    });
    const draft = await a.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      issueDate: '2026-12-05',
      dueDate: '2027-01-04',
      lines: [
        { description: 'Consulting', quantity: '1.5', unitPrice: 82_304, taxRateId: reverseCharge },
        { description: 'Travel', quantity: '1', unitPrice: 100 },
      ],
    });
    const inv = await a.ok('POST', `/api/v1/invoices/${draft.id}/issue`);
    const pdf = (await a.req('GET', `/api/v1/invoices/${inv.id}/pdf`)).rawPayload;
    issued.set(language, { id: inv.id, clientId: client.id, pdf });
    return inv;
  }

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock: new FixedClock('2026-12-05T09:00:00Z') });
    a = await setupOrg(t.app, 'Muster Software GmbH', { profile: SELLER_PROFILE });
    await seedPayout(t, a.orgId, { accountHolder: 'Muster Software GmbH', iban: 'DE89 3704 0044 0532 0130 00' });
    reverseCharge = (
      await a.ok('POST', '/api/v1/tax-rates', { name: 'RC', rateBp: 0, category: 'AE', exemptionCode: 'VATEX-EU-AE' })
    ).id;
    // 1.5 × 823.04 + 1.00 = 1,235.56: a thousands separator and decimals in every locale.
    for (const [language, country, vatId] of [
      ['de-DE', 'DE', 'DE811907980'],
      ['fr-FR', 'FR', 'FR40303265045'],
      ['en-GB', 'GB', 'GB980780684'],
    ] as const)
      await issueFor(language, country, vatId);
  });
  afterAll(() => t.close());

  it('freezes the language and its locale in the snapshot at issue', async () => {
    const snapshotOf = async (id: string) => {
      const row = await t.container.db
        .selectFrom('documents')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return readBody(await t.container.keyring.forOrg(t.container.db, a.orgId), row).snapshot!;
    };
    expect(await snapshotOf(issued.get('de-DE')!.id)).toMatchObject({
      locale: 'de-DE',
      language: 'de',
      formatLocale: 'de-DE',
    });
    expect(await snapshotOf(issued.get('fr-FR')!.id)).toMatchObject({ language: 'fr', formatLocale: 'fr-FR' });
    expect(await snapshotOf(issued.get('en-GB')!.id)).toMatchObject({ language: 'en', formatLocale: 'en-GB' });
  });

  itNeeds(['pdftotext'], 'a German client’s invoice is German: words, dates, amounts, reverse charge', () => {
    const text = pdfText(issued.get('de-DE')!.pdf);
    writeFileSync('/tmp/de.txt', text);
    writeFileSync('/tmp/fr.txt', pdfText(issued.get('fr-FR')!.pdf));
    expect(text).toMatch(/^\s*Rechnung\n/);
    expect(text).toMatch(/Datum\s+05\.12\.2026/);
    expect(text).toMatch(/Fällig am\s+04\.01\.2027/);
    expect(text).toMatch(/Von\s+Kunde\n/);
    expect(text).toMatch(/Beschreibung\s+Menge\s+Einzelpreis\s+USt\.\s+Betrag/);
    expect(text).toMatch(/Consulting\s+1,5\s+823,04\s€/);
    expect(text).toMatch(/Gesamtbetrag\s+1\.235,56\s€/);
    expect(text).toMatch(/Offener Betrag\s+1\.235,56\s€/);
    expect(text).toContain('Steuerschuldnerschaft des Leistungsempfängers');
    expect(text).toContain('Zahlungsinformationen');
    expect(text).toMatch(/Fingerabdruck: [A-Z2-7]{4}-/);
    expect(text).toMatch(/Seite 1 \/ 1/);
    expect(text).not.toMatch(/Invoice|Amount due|Reverse charge:/);
  });

  itNeeds(['pdftotext'], 'a French client’s invoice is French: "Facture", "Autoliquidation", French formats', () => {
    const text = pdfText(issued.get('fr-FR')!.pdf);
    expect(text).toMatch(/^\s*Facture\n/);
    expect(text).toMatch(/Date d’émission\s+5 déc\. 2026/);
    expect(text).toMatch(/Émetteur\s+Client\n/);
    expect(text).toMatch(/Consulting\s+1,5\s+823,04\s€/);
    expect(text).toMatch(/Total TTC\s+1\s235,56\s€/);
    expect(text).toContain('Autoliquidation : la TVA est due par le preneur');
    expect(text).toContain('N° TVA: FR40303265045');
    expect(text).not.toMatch(/Invoice|Rechnung/);
  });

  itNeeds(['pdftotext'], 'an English client’s invoice says what it always said', () => {
    const text = pdfText(issued.get('en-GB')!.pdf);
    expect(text).toMatch(/^\s*Invoice\n/);
    expect(text).toMatch(/Issue date\s+5 Dec 2026/);
    expect(text).toMatch(/Consulting\s+1\.5\s+€823\.04/);
    expect(text).toMatch(/Amount due\s+€1,235\.56/);
    expect(text).toContain('Reverse charge: the recipient is liable for the VAT (Art. 196 Directive 2006/112/EC).');
    expect(text).toMatch(/Page 1 \/ 1/);
  });

  it('writes the e-invoice’s default free texts in the document’s language', async () => {
    const xml = async (language: string) =>
      (await a.req('GET', `/api/v1/invoices/${issued.get(language)!.id}/einvoice?format=factur-x`)).body;
    const de = await xml('de-DE');
    expect(de).toContain('<ram:ExemptionReason>Steuerschuldnerschaft des Leistungsempfängers</ram:ExemptionReason>');
    expect(de).toContain('<ram:Description>Zahlbar bis zum 04.01.2027.</ram:Description>');
    const fr = await xml('fr-FR');
    expect(fr).toContain('<ram:ExemptionReason>Autoliquidation</ram:ExemptionReason>');
    expect(fr).toContain('<ram:Description>Paiement à effectuer au plus tard le 4 janv. 2027.</ram:Description>');
    const en = await xml('en-GB');
    expect(en).toContain('<ram:ExemptionReason>Reverse charge</ram:ExemptionReason>');
    expect(en).toContain('<ram:ExemptionReasonCode>VATEX-EU-AE</ram:ExemptionReasonCode>');
    expect(en).toContain('<ram:Description>Payment due by 4 Jan 2027.</ram:Description>');
  });

  it('the note Sealbill writes on a voiding credit note is in its client’s language', async () => {
    const fr = issued.get('fr-FR')!;
    const inv = await a.ok('GET', `/api/v1/invoices/${fr.id}`);
    const voided = await a.ok('POST', `/api/v1/invoices/${fr.id}/void`, { reason: 'Erreur de saisie' });
    expect(voided.creditNote.notes).toBe(`Annule la facture ${inv.number}. Erreur de saisie`);
  });

  it('changing the client’s language after issue changes neither the issued PDF nor its XML', async () => {
    const de = issued.get('de-DE')!;
    const xmlBefore = (await a.req('GET', `/api/v1/invoices/${de.id}/einvoice?format=factur-x`)).body;
    await a.ok('PATCH', `/api/v1/clients/${de.clientId}`, { language: 'fr-FR' });
    const pdfAfter = (await a.req('GET', `/api/v1/invoices/${de.id}/pdf`)).rawPayload;
    expect(pdfAfter.equals(de.pdf)).toBe(true);
    expect((await a.req('GET', `/api/v1/invoices/${de.id}/einvoice?format=factur-x`)).body).toBe(xmlBefore);
    // The client's next invoice is French.
    const next = await a.ok('POST', '/api/v1/invoices', {
      clientId: de.clientId,
      lines: [{ description: 'More', quantity: '1', unitPrice: 100 }],
    });
    await a.ok('POST', `/api/v1/invoices/${next.id}/issue`);
    const xmlNext = (await a.req('GET', `/api/v1/invoices/${next.id}/einvoice?format=factur-x`)).body;
    expect(xmlNext).toContain('Paiement à effectuer');
  });

  itNeeds(['pdftotext'], 'a payment receipt is in its client’s language at payment time', async () => {
    const receiptText = async (invoiceId: string) => {
      const pay = await a.ok(
        'POST',
        `/api/v1/invoices/${invoiceId}/payments`,
        { amount: 10_000, method: 'cheque', reference: 'CHQ 42' },
        201,
      );
      return pdfText((await a.req('GET', `/api/v1/payments/${pay.id}/receipt`)).rawPayload);
    };
    // The German client switched to French above: its receipt is French.
    const fr = await receiptText(issued.get('de-DE')!.id);
    expect(fr).toContain('Reçu de paiement');
    expect(fr).toMatch(/Reçu\s+100,00\s€/);
    expect(fr).toContain('Chèque');
    const en = await receiptText(issued.get('en-GB')!.id);
    expect(en).toContain('Payment receipt');
    expect(en).toMatch(/Received\s+€100\.00/);
    expect(en).toMatch(/Method\s+Cheque/);
  });
});
