// The e-invoice formats as the web app names them (the server's list, type-only import).
import type { EinvoiceFormat } from '../../../../src/modules/einvoice/einvoice.formats.ts';
import type { EinvoicePreference } from '../../../../src/modules/einvoice/einvoice.schemas.ts';

export type { EinvoiceFormat, EinvoicePreference };

export const EINVOICE_FORMATS: readonly EinvoiceFormat[] = ['xrechnung-ubl', 'xrechnung-cii', 'peppol-bis', 'factur-x'];

export const EINVOICE_FORMAT_LABEL: Record<EinvoicePreference, string> = {
  none: 'None (signed PDF only)',
  'xrechnung-ubl': 'XRechnung (UBL)',
  'xrechnung-cii': 'XRechnung (CII)',
  'peppol-bis': 'Peppol BIS',
  'factur-x': 'Factur-X / ZUGFeRD',
};

export interface EinvoiceCheck {
  format: EinvoicePreference;
  issues: Array<{ ruleId: string; message: string; field: string }>;
  transport?: { configured: false; message: string } | { configured: true; accessPoint: string };
}
