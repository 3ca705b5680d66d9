// One entry point for the writers: the XML of a model in one of the four formats.
import { writeCii } from './cii.writer.ts';
import type { EinvoiceFormat } from './einvoice.formats.ts';
import type { EinvoiceModel } from './einvoice.model.ts';
import { writeUbl } from './ubl.writer.ts';

/** The e-invoice XML as UTF-8 bytes (LF line ends), byte-stable for a given model and format. */
export function generateEinvoiceUtf8(model: EinvoiceModel, format: EinvoiceFormat): Buffer {
  switch (format) {
    case 'xrechnung-ubl':
    case 'peppol-bis':
      return writeUbl(model, format);
    case 'xrechnung-cii':
    case 'factur-x':
      return writeCii(model, format);
  }
}

/** `generateEinvoiceUtf8` as text, for what reads XML as a string (the official-rule tests, schematron). */
export function generateEinvoice(model: EinvoiceModel, format: EinvoiceFormat): string {
  return generateEinvoiceUtf8(model, format).toString('utf8');
}
