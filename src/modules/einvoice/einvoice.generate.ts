// One entry point for the writers: the XML of a model in one of the four formats.
import { writeCii, writeCiiUtf8 } from './cii.writer.ts';
import type { EinvoiceFormat } from './einvoice.formats.ts';
import type { EinvoiceModel } from './einvoice.model.ts';
import { writeUbl } from './ubl.writer.ts';

/** The e-invoice XML (UTF-8 text, LF line ends), byte-stable for a given model and format. */
export function generateEinvoice(model: EinvoiceModel, format: EinvoiceFormat): string {
  switch (format) {
    case 'xrechnung-ubl':
    case 'peppol-bis':
      return writeUbl(model, format);
    case 'xrechnung-cii':
    case 'factur-x':
      return writeCii(model, format);
  }
}

/** `generateEinvoice` as UTF-8 bytes, the same bytes (the CII formats are written as bytes directly). */
export function generateEinvoiceUtf8(model: EinvoiceModel, format: EinvoiceFormat): Buffer {
  switch (format) {
    case 'xrechnung-ubl':
    case 'peppol-bis':
      return Buffer.from(writeUbl(model, format), 'utf8');
    case 'xrechnung-cii':
    case 'factur-x':
      return writeCiiUtf8(model, format);
  }
}
