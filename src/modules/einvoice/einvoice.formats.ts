// The four e-invoice formats Sealbill produces, and what each one declares about itself.
// BT-24 (specification identifier) and BT-23 (business process) are fixed per format, not data.

export const EINVOICE_FORMATS = ['xrechnung-ubl', 'xrechnung-cii', 'peppol-bis', 'factur-x'] as const;
export type EinvoiceFormat = (typeof EINVOICE_FORMATS)[number];

export interface FormatSpec {
  syntax: 'ubl' | 'cii';
  /** Which CIUS rule set applies on top of EN 16931. */
  cius: 'xrechnung' | 'peppol' | 'en16931';
  /** BT-24. */
  specificationId: string;
  /** BT-23; Factur-X EN 16931 does not require one. */
  businessProcess?: string;
  /** Name of the file when the XML travels on its own (or inside the Factur-X PDF). */
  fileSuffix: string;
}

const PEPPOL_PROCESS = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';
const XRECHNUNG_ID = 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0';

export const FORMATS: Readonly<Record<EinvoiceFormat, FormatSpec>> = {
  'xrechnung-ubl': {
    syntax: 'ubl',
    cius: 'xrechnung',
    specificationId: XRECHNUNG_ID,
    businessProcess: PEPPOL_PROCESS,
    fileSuffix: 'xrechnung.xml',
  },
  'xrechnung-cii': {
    syntax: 'cii',
    cius: 'xrechnung',
    specificationId: XRECHNUNG_ID,
    businessProcess: PEPPOL_PROCESS,
    fileSuffix: 'xrechnung-cii.xml',
  },
  'peppol-bis': {
    syntax: 'ubl',
    cius: 'peppol',
    specificationId: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0',
    businessProcess: PEPPOL_PROCESS,
    fileSuffix: 'peppol.xml',
  },
  // Factur-X / ZUGFeRD profile EN 16931 ("COMFORT"); embedded in the PDF as factur-x.xml.
  'factur-x': {
    syntax: 'cii',
    cius: 'en16931',
    specificationId: 'urn:cen.eu:en16931:2017',
    fileSuffix: 'factur-x.xml',
  },
};

export function isEinvoiceFormat(value: unknown): value is EinvoiceFormat {
  return typeof value === 'string' && (EINVOICE_FORMATS as readonly string[]).includes(value);
}
