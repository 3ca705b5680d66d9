// The e-invoice scenario matrix (issue #12, item 3): each scenario is what a Sealbill document
// would hold (a SealbillDocument, mapped with toEinvoice) or, where Sealbill has no such input
// yet (document-level charges, card and direct-debit details), an EN 16931 model built directly.
// Every scenario is complete for all four formats: buyer reference (BR-DE-15 / PEPPOL R003),
// seller contact (BR-DE-2..7), electronic addresses (PEPPOL R010/R020), payment means (BR-DE-1).
import {
  toEinvoice,
  type SealbillDocument,
  type SealbillLine,
  type SealbillParty,
} from '../../src/modules/einvoice/einvoice.mapping.ts';
import type { EinvoiceModel } from '../../src/modules/einvoice/einvoice.model.ts';
import { completeModel } from '../../src/modules/einvoice/einvoice.totals.ts';

export const SELLER: SealbillParty = {
  name: 'Nordlicht Software GmbH',
  tradingName: 'Nordlicht',
  addressLines: ['Hafenstraße 12', '2. OG'],
  city: 'Hamburg',
  postalCode: '20457',
  country: 'DE',
  vatId: 'DE123456789',
  taxRegistration: '22/815/08150',
  legalRegistration: { id: 'HRB 123456' },
  legalInfo: 'Amtsgericht Hamburg HRB 123456, Geschäftsführerin: Jana Ost',
  electronicAddress: { id: 'DE123456789', scheme: '9930' },
  contact: { name: 'Jana Ost', phone: '+49 40 1234567', email: 'jana.ost@nordlicht.example' },
};

export const DOMESTIC_BUYER: SealbillParty = {
  name: 'Bäckerei Müller & Söhne KG',
  addressLines: ['Lindenallee 5'],
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
  vatId: 'DE987654321',
  electronicAddress: { id: 'DE987654321', scheme: '9930' },
};

const PAYOUT = {
  accountHolder: 'Nordlicht Software GmbH',
  iban: 'DE75512108001245126199',
  bic: 'SOGEDEFFXXX',
  accountNumber: null,
};

function line(
  description: string,
  quantity: string,
  unitPrice: number,
  taxRateBp: number,
  category: SealbillLine['tax']['category'],
  extra: Partial<SealbillLine> = {},
): SealbillLine {
  return {
    description,
    quantity,
    unit: 'h',
    unitPrice,
    taxRateBp,
    taxInclusive: false,
    discount: null,
    tax: { category },
    ...extra,
  };
}

function base(overrides: Partial<SealbillDocument> = {}): SealbillDocument {
  return {
    kind: 'invoice',
    number: 'RE-2026-0042',
    issueDate: '2026-03-02',
    dueDate: '2026-04-01',
    currency: 'EUR',
    lines: [line('Consulting', '10', 12000, 1900, 'S')],
    discount: null,
    notes: 'Thank you for your business.',
    terms: 'Payable within 30 days without deduction.',
    org: SELLER,
    client: DOMESTIC_BUYER,
    payout: PAYOUT,
    ...overrides,
    einvoice: { buyerReference: 'PO-7781', supplyDate: '2026-02-27', ...overrides.einvoice },
  };
}

export interface Scenario {
  name: string;
  /** The Sealbill-level input, when the scenario comes from one. */
  input?: SealbillDocument;
  model: EinvoiceModel;
}

function fromInput(name: string, input: SealbillDocument): Scenario {
  return { name, input, model: toEinvoice(input) };
}

const EU_BUYER: SealbillParty = {
  name: 'Atelier Lumière SARL',
  addressLines: ['18 rue des Fleurs'],
  city: 'Lyon',
  postalCode: '69002',
  country: 'FR',
  vatId: 'FR40303265045',
  electronicAddress: { id: 'FR40303265045', scheme: '9957' },
};

export function scenarios(): Scenario[] {
  const list: Scenario[] = [
    fromInput(
      'domestic standard and reduced rate',
      base({
        lines: [
          line('Software licence', '1', 99900, 1900, 'S', { unit: 'pcs' }),
          line('Printed manual', '3', 1990, 700, 'S', { unit: 'pcs' }),
          line('Training', '2.5', 8000, 1900, 'S'),
        ],
      }),
    ),
    fromInput(
      'reverse charge to an EU business',
      base({
        client: EU_BUYER,
        lines: [line('Cloud integration service', '16', 11000, 0, 'AE')],
      }),
    ),
    fromInput(
      'intra-community supply of goods',
      base({
        client: {
          ...EU_BUYER,
          name: 'Wiener Werkzeug GmbH',
          addressLines: ['Mariahilfer Straße 1'],
          city: 'Wien',
          postalCode: '1060',
          country: 'AT',
          vatId: 'ATU12345678',
          electronicAddress: { id: 'ATU12345678', scheme: '9914' },
        },
        lines: [line('Industrial scanner', '4', 45000, 0, 'K', { unit: 'pcs' })],
      }),
    ),
    fromInput(
      'export outside the EU',
      base({
        client: {
          name: 'Maple Leaf Trading Ltd.',
          addressLines: ['200 Bay Street'],
          city: 'Toronto',
          postalCode: 'M5J 2J1',
          country: 'CA',
          electronicAddress: { id: '0754123000019', scheme: '0088' },
        },
        lines: [line('Hardware appliance', '2', 150000, 0, 'G', { unit: 'pcs' })],
      }),
    ),
    fromInput(
      'exempt with reason',
      base({
        lines: [
          line('Vocational training course', '1', 120000, 0, 'E', {
            unit: 'pcs',
            tax: {
              category: 'E',
              exemptionReason: 'Steuerfrei gemäß § 4 Nr. 21 UStG (Bildungsleistung)',
              exemptionCode: 'VATEX-EU-132-1I',
            },
          }),
        ],
      }),
    ),
    fromInput(
      'German small business (§19 UStG)',
      base({
        org: {
          ...SELLER,
          name: 'Grafikbüro Ost',
          tradingName: undefined,
          identifier: { id: 'KRED-30412' },
          electronicAddress: { id: '4280000000019', scheme: '0088' },
          vatId: undefined,
          legalRegistration: undefined,
          legalInfo: 'Kleinunternehmer gemäß § 19 UStG',
        },
        lines: [
          line('Logo design', '1', 45000, 0, 'E', {
            unit: 'pcs',
            tax: {
              category: 'E',
              exemptionReason: 'Kein Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG',
            },
          }),
        ],
      }),
    ),
    fromInput(
      'document-level discount',
      base({
        lines: [line('Development', '12', 9500, 1900, 'S'), line('Books', '5', 2490, 700, 'S', { unit: 'pcs' })],
        discount: { type: 'percent', basisPoints: 750 },
      }),
    ),
    fromInput(
      'line discounts',
      base({
        lines: [
          line('Workshop day', '2', 140000, 1900, 'S', {
            unit: 'day',
            discount: { type: 'percent', basisPoints: 1000 },
          }),
          line('Travel flat fee', '1', 25000, 1900, 'S', { unit: 'flat', discount: { type: 'amount', amount: 5000 } }),
          line('Goodwill credit', '1', -3333, 1900, 'S', { unit: 'pcs' }),
        ],
      }),
    ),
    fromInput(
      'credit note with preceding invoice',
      base({
        kind: 'credit_note',
        number: 'GS-2026-0007',
        dueDate: null,
        lines: [line('Refund: consulting hours not rendered', '3', 12000, 1900, 'S')],
        terms: 'The amount will be refunded to your account.',
        einvoice: {
          buyerReference: 'PO-7781',
          supplyDate: '2026-02-27',
          precedingInvoice: { number: 'RE-2026-0042', issueDate: '2026-03-02' },
        },
      }),
    ),
    fromInput(
      'USD invoice with the VAT total also in EUR',
      base({
        currency: 'USD',
        accounting: { currency: 'EUR', exchangeRate: '0.9213' },
        lines: [
          line('API usage', '125000', 2, 1900, 'S', { unit: 'C62' }),
          line('Support plan', '1', 49900, 1900, 'S', { unit: 'month' }),
        ],
      }),
    ),
    fromInput(
      'public-sector buyer with a Leitweg-ID',
      base({
        client: {
          name: 'Freie und Hansestadt Hamburg, Behörde für Schule',
          addressLines: ['Hamburger Straße 31'],
          city: 'Hamburg',
          postalCode: '22083',
          country: 'DE',
          electronicAddress: { id: '02000000-12345-67', scheme: '0204' },
        },
        lines: [line('Licence school platform', '120', 1500, 1900, 'S', { unit: 'pcs' })],
        einvoice: {
          buyerReference: '02000000-12345-67',
          purchaseOrderReference: 'BE-2026-113',
          contractReference: 'RV-2025-88',
          period: { start: '2026-01-01', end: '2026-12-31' },
          supplyDate: '2026-01-01',
        },
      }),
    ),
    fromInput(
      'foreign buyer without a VAT id',
      base({
        client: {
          name: 'Sophie Martin',
          addressLines: ['4 place Bellecour'],
          city: 'Lyon',
          postalCode: '69002',
          country: 'FR',
          electronicAddress: { id: '3012345000017', scheme: '0088' },
        },
        lines: [line('Online course', '1', 29900, 1900, 'S', { unit: 'pcs' })],
      }),
    ),
    fromInput(
      'not subject to VAT (outside scope)',
      base({
        org: {
          ...SELLER,
          name: 'Nordlicht Förderverein e.V.',
          vatId: undefined,
          taxRegistration: undefined,
          electronicAddress: { id: '4280000000026', scheme: '0088' },
        },
        client: { ...DOMESTIC_BUYER, vatId: undefined },
        lines: [line('Membership fee 2026', '1', 12000, 0, 'O', { unit: 'ANN' })],
      }),
    ),
    fromInput(
      'tax-inclusive prices with a document discount',
      base({
        lines: [
          line('Ticket (gross price)', '3', 11900, 1900, 'S', {
            unit: 'pcs',
            taxInclusive: true,
            discount: { type: 'percent', basisPoints: 500 },
          }),
          line('Snack (gross price)', '7', 349, 700, 'S', { unit: 'pcs', taxInclusive: true }),
          line('Service fee (net price)', '1', 2521, 1900, 'S', { unit: 'pcs' }),
        ],
        discount: { type: 'amount', amount: 1234 },
      }),
    ),
    fromInput(
      'zero-decimal currency (JPY)',
      base({
        currency: 'JPY',
        lines: [line('Localisation', '3', 45000, 1900, 'S'), line('Review', '1.5', 12001, 700, 'S')],
      }),
    ),
  ];
  list.push(chargeAndDiscountScenario(), cardAndDebitScenario('54'), cardAndDebitScenario('59'));
  return list;
}

/** Document-level allowance and charge (BG-20 + BG-21) across two rates: a model fixture. */
function chargeAndDiscountScenario(): Scenario {
  const m = toEinvoice(
    base({
      lines: [
        line('Hardware', '3', 33333, 1900, 'S', { unit: 'pcs' }),
        line('Food hamper', '2', 4599, 700, 'S', { unit: 'pcs' }),
      ],
    }),
  );
  const { vatBreakdown: _v, totals: _t, ...rest } = m;
  const model = completeModel({
    ...rest,
    allowanceCharges: [
      {
        charge: false,
        amount: 5000,
        base: 99999,
        percentBp: 500,
        vatCategory: 'S',
        vatRateBp: 1900,
        reason: 'Loyalty discount',
        reasonCode: '95',
      },
      { charge: true, amount: 1490, vatCategory: 'S', vatRateBp: 1900, reason: 'Shipping', reasonCode: 'FC' },
      { charge: true, amount: 250, vatCategory: 'S', vatRateBp: 700, reason: 'Packaging', reasonCode: 'ABL' },
    ],
  });
  return { name: 'document-level discount and charge', model };
}

/** Card (BG-18) or SEPA direct debit (BG-19) instead of a credit transfer: model fixtures. */
function cardAndDebitScenario(code: '54' | '59'): Scenario {
  const m = toEinvoice(base());
  const paymentMeans =
    code === '54'
      ? [
          {
            code,
            text: 'Credit card',
            remittanceInfo: m.number,
            card: { pan: '4242', holder: 'Paul Müller', network: 'VISA' },
          } as const,
        ]
      : [
          {
            code,
            remittanceInfo: m.number,
            directDebit: {
              mandateReference: 'MANDATE-2025-17',
              creditorId: 'DE98ZZZ09999999999',
              debitedAccount: 'DE02120300000000202051',
            },
          } as const,
        ];
  return {
    name: code === '54' ? 'paid by credit card' : 'SEPA direct debit',
    model: { ...m, paymentMeans: [...paymentMeans] },
  };
}
