// Designed-broken variants of the matrix scenarios: each breaks one rule on purpose and names
// the rule id and the Sealbill field the pre-issue checks must report. `official` says which
// official rule id must fire too (undefined where the rule has no offline official counterpart:
// Peppol's own rule files are not available here, and SB-* rules are Sealbill's).
import type { EinvoiceFormat } from '../../src/modules/einvoice/einvoice.formats.ts';
import type { EinvoiceModel } from '../../src/modules/einvoice/einvoice.model.ts';
import { type Scenario, scenarios } from './scenarios.ts';

export interface BrokenVariant {
  name: string;
  format: EinvoiceFormat;
  model: EinvoiceModel;
  ruleId: string;
  field: string;
  official?: string;
}

function pick(list: Scenario[], name: string): EinvoiceModel {
  const s = list.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  return structuredClone(s.model);
}

function variant(
  name: string,
  format: EinvoiceFormat,
  from: string,
  mutate: (m: EinvoiceModel) => void,
  ruleId: string,
  field: string,
  official?: string,
): (list: Scenario[]) => BrokenVariant {
  return (list) => {
    const model = pick(list, from);
    mutate(model);
    return official === undefined
      ? { name, format, model, ruleId, field }
      : { name, format, model, ruleId, field, official };
  };
}

const DOMESTIC = 'domestic standard and reduced rate';

const VARIANTS = [
  variant(
    'reverse charge without the buyer VAT id',
    'factur-x',
    'reverse charge to an EU business',
    (m) => {
      m.buyer.vatId = undefined;
    },
    'BR-AE-02',
    'client.vatId',
    'BR-AE-02',
  ),
  variant(
    'reverse charge without exemption wording',
    'peppol-bis',
    'reverse charge to an EU business',
    (m) => {
      m.vatBreakdown.forEach((v) => {
        v.exemptionReason = undefined;
        v.exemptionCode = undefined;
      });
    },
    'BR-AE-10',
    'taxRates[AE].exemptionReason',
    'BR-AE-10',
  ),
  variant(
    'XRechnung without buyer reference',
    'xrechnung-ubl',
    DOMESTIC,
    (m) => {
      m.buyerReference = undefined;
    },
    'BR-DE-15',
    'invoice.buyerReference',
    'BR-DE-15',
  ),
  variant(
    'XRechnung CII without buyer reference',
    'xrechnung-cii',
    DOMESTIC,
    (m) => {
      m.buyerReference = undefined;
    },
    'BR-DE-15',
    'invoice.buyerReference',
    'BR-DE-15',
  ),
  variant(
    'XRechnung without seller contact email',
    'xrechnung-ubl',
    DOMESTIC,
    (m) => {
      if (m.seller.contact) m.seller.contact.email = undefined;
    },
    'BR-DE-7',
    'org.contactEmail',
    'BR-DE-7',
  ),
  variant(
    'XRechnung without seller contact',
    'xrechnung-cii',
    DOMESTIC,
    (m) => {
      m.seller.contact = undefined;
    },
    'BR-DE-2',
    'org.contactName',
    'BR-DE-2',
  ),
  variant(
    'XRechnung without seller post code',
    'xrechnung-ubl',
    DOMESTIC,
    (m) => {
      m.seller.address.postalCode = undefined;
    },
    'BR-DE-4',
    'org.postalCode',
    'BR-DE-4',
  ),
  variant(
    'XRechnung without payment means',
    'xrechnung-ubl',
    DOMESTIC,
    (m) => {
      m.paymentMeans = [];
    },
    'BR-DE-1',
    'invoice.paymentMeans',
    'BR-DE-1',
  ),
  variant(
    'SEPA transfer with a wrong IBAN check digit',
    'xrechnung-ubl',
    DOMESTIC,
    (m) => {
      const a = m.paymentMeans[0]?.account;
      if (a) a.id = 'DE76512108001245126199';
    },
    'BR-DE-19',
    'payout.iban',
    'BR-DE-19',
  ),
  variant(
    'malformed Skonto line in the payment terms',
    'xrechnung-cii',
    DOMESTIC,
    (m) => {
      m.paymentTerms = '#SKONTO#TAGE=14#PROZENT=2#\n';
    },
    'BR-DE-18',
    'invoice.terms',
    'BR-DE-18',
  ),
  variant(
    'exempt without a reason',
    'xrechnung-cii',
    'exempt with reason',
    (m) => {
      m.vatBreakdown.forEach((v) => {
        v.exemptionReason = undefined;
        v.exemptionCode = undefined;
      });
    },
    'BR-E-10',
    'taxRates[E].exemptionReason',
    'BR-E-10',
  ),
  variant(
    'intra-community supply without deliver-to country',
    'factur-x',
    'intra-community supply of goods',
    (m) => {
      m.delivery = { date: m.delivery?.date };
    },
    'BR-IC-12',
    'invoice.deliveryAddress.country',
    'BR-IC-12',
  ),
  variant(
    'intra-community supply without the buyer VAT id',
    'peppol-bis',
    'intra-community supply of goods',
    (m) => {
      m.buyer.vatId = undefined;
    },
    'BR-IC-02',
    'client.vatId',
    'BR-IC-02',
  ),
  variant(
    'export without the seller VAT id',
    'factur-x',
    'export outside the EU',
    (m) => {
      m.seller.vatId = undefined;
    },
    'BR-G-02',
    'org.vatId',
    'BR-G-02',
  ),
  variant(
    'outside scope stating the seller VAT id',
    'factur-x',
    'not subject to VAT (outside scope)',
    (m) => {
      m.seller.vatId = 'DE123456789';
    },
    'BR-O-02',
    'org.vatId',
    'BR-O-02',
  ),
  variant(
    'small business without any seller identifier',
    'xrechnung-ubl',
    'German small business (§19 UStG)',
    (m) => {
      m.seller.identifier = undefined;
    },
    'BR-CO-26',
    'org.vatId',
    'BR-CO-26',
  ),
  variant(
    'amount due one cent off',
    'peppol-bis',
    DOMESTIC,
    (m) => {
      m.totals.payable += 1;
    },
    'BR-CO-16',
    'invoice.totals',
    'BR-CO-16',
  ),
  variant(
    'VAT amount two euros off',
    'factur-x',
    DOMESTIC,
    (m) => {
      const v = m.vatBreakdown[0];
      if (v) v.tax += 200;
      m.totals.tax += 200;
      m.totals.taxInclusive += 200;
      m.totals.payable += 200;
    },
    'BR-CO-17',
    'invoice.totals',
    'BR-S-09',
  ),
  variant(
    'standard rate at 0 %',
    'factur-x',
    DOMESTIC,
    (m) => {
      m.lines.forEach((l) => {
        l.vatRateBp = 0;
      });
    },
    'BR-S-05',
    'lines[0].taxRate',
    'BR-S-05',
  ),
  variant(
    'country written out',
    'xrechnung-ubl',
    DOMESTIC,
    (m) => {
      m.buyer.address.country = 'Germany';
    },
    'BR-CL-14',
    'client.country',
    'BR-CL-14',
  ),
  variant(
    'unknown unit code',
    'factur-x',
    DOMESTIC,
    (m) => {
      const l = m.lines[0];
      if (l) l.unitCode = 'hours';
    },
    'BR-CL-23',
    'lines[0].unit',
    'BR-CL-23',
  ),
  variant(
    'VAT id without country prefix',
    'peppol-bis',
    DOMESTIC,
    (m) => {
      m.seller.vatId = '123456789';
    },
    'BR-CO-09',
    'org.vatId',
    'BR-CO-09',
  ),
  variant(
    'line net amount not quantity × price',
    'xrechnung-ubl',
    DOMESTIC,
    (m) => {
      const l = m.lines[0];
      if (l) l.netPrice = '1000.00';
    },
    'PEPPOL-EN16931-R120',
    'lines[0].amount',
  ),
  variant(
    'Peppol buyer without electronic address',
    'peppol-bis',
    DOMESTIC,
    (m) => {
      m.buyer.electronicAddress = undefined;
    },
    'PEPPOL-EN16931-R010',
    'client.electronicAddress',
  ),
  variant(
    'Peppol with an email endpoint',
    'peppol-bis',
    DOMESTIC,
    (m) => {
      m.seller.electronicAddress = { id: 'billing@nordlicht.example', scheme: 'EM' };
    },
    'PEPPOL-EN16931-CL008',
    'org.electronicAddressScheme',
  ),
  variant(
    'Peppol with a GLN whose check digit is wrong',
    'peppol-bis',
    'foreign buyer without a VAT id',
    (m) => {
      if (m.buyer.electronicAddress) m.buyer.electronicAddress.id = '3012345000018';
    },
    'PEPPOL-COMMON-R040',
    'client.electronicAddress',
  ),
  variant(
    'Peppol without buyer or order reference',
    'peppol-bis',
    DOMESTIC,
    (m) => {
      m.buyerReference = undefined;
    },
    'PEPPOL-EN16931-R003',
    'invoice.buyerReference',
  ),
  variant(
    'XRechnung CII without supply date (empty delivery block)',
    'xrechnung-cii',
    DOMESTIC,
    (m) => {
      m.delivery = undefined;
    },
    'PEPPOL-EN16931-R008',
    'invoice.supplyDate',
  ),
  variant(
    'direct debit without creditor id',
    'xrechnung-ubl',
    'SEPA direct debit',
    (m) => {
      const d = m.paymentMeans[0]?.directDebit;
      if (d) d.creditorId = '';
    },
    'BR-DE-30',
    'org.sepaCreditorId',
    'BR-DE-30',
  ),
  variant(
    'card payment with a full card number',
    'factur-x',
    'paid by credit card',
    (m) => {
      const c = m.paymentMeans[0]?.card;
      if (c) c.pan = '4242424242424242';
    },
    'BR-51',
    'invoice.paymentMeans.card.lastDigits',
  ),
  variant(
    'three-decimal currency',
    'factur-x',
    DOMESTIC,
    (m) => {
      m.currency = 'BHD';
    },
    'SB-CUR-01',
    'invoice.currency',
  ),
  variant(
    'fractional minor units',
    'factur-x',
    DOMESTIC,
    (m) => {
      const l = m.lines[0];
      if (l) l.netAmount += 0.5;
    },
    'SB-AMT-01',
    'lines[0].amount',
  ),
  variant(
    'control character in an item name',
    'factur-x',
    DOMESTIC,
    (m) => {
      const l = m.lines[0];
      if (l) l.itemName = 'Licence\u0007';
    },
    'SB-TEXT-01',
    'lines[0].description',
  ),
] as const;

export function brokenVariants(): BrokenVariant[] {
  const list = scenarios();
  return VARIANTS.map((make) => make(list));
}
