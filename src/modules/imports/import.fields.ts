// What each import reads (issue #13 item 6) and the ready mappings from column headers to those
// fields. A preset lists, per field, the headers it accepts (compared without case, spaces or
// punctuation), so one preset reads the header variants of the program's versions.
//
// Invoice Ninja (v5): the assumption is its CSV exports as written by app/Export/CSV (ClientExport,
// ProductExport, InvoiceItemExport: one row per invoice line, the invoice's columns repeated on
// each). Their headers are the translated labels of the exported keys; the English labels of
// both the older form ("Number", "Client", "Unit Cost", "Notes") and the newer prefixed form
// ("Invoice Number", "Client Name", "Item Cost", "Item Notes") are listed. Another language of
// Invoice Ninja, or renamed columns: map the fields by hand.
export const IMPORT_KINDS = ['clients', 'items', 'invoices'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_PRESETS = ['generic', 'invoice-ninja'] as const;
export type ImportPreset = (typeof IMPORT_PRESETS)[number];

export const IMPORT_FIELDS = {
  clients: [
    'name',
    'email',
    'address1',
    'address2',
    'postalCode',
    'city',
    'country',
    'vatId',
    'taxId',
    'phone',
    'currency',
    'language',
    'notes',
  ],
  items: ['name', 'description', 'unit', 'unitPrice', 'currency', 'taxRate'],
  invoices: [
    'number',
    'status',
    'clientName',
    'clientEmail',
    'issueDate',
    'dueDate',
    'currency',
    'poNumber',
    'notes',
    'terms',
    'amountPaid',
    'item',
    'description',
    'quantity',
    'unit',
    'unitPrice',
    'taxRate',
  ],
} as const satisfies Record<ImportKind, readonly string[]>;
export type ImportField<K extends ImportKind = ImportKind> = (typeof IMPORT_FIELDS)[K][number];

/** Fields a mapping must name (invoices: clientName or clientEmail, and description or item, are checked per row). */
export const REQUIRED_FIELDS: Record<ImportKind, readonly string[]> = {
  clients: ['name'],
  items: ['name', 'unitPrice'],
  invoices: ['number', 'quantity', 'unitPrice'],
};

type Aliases = Partial<Record<string, readonly string[]>>;

const GENERIC: Record<ImportKind, Aliases> = {
  clients: {
    name: ['name', 'client', 'client name', 'company', 'customer', 'firma', 'kunde', 'nom', 'client nom', 'société'],
    email: ['email', 'e-mail', 'mail', 'courriel'],
    address1: ['address', 'address 1', 'address1', 'street', 'straße', 'strasse', 'adresse', 'rue'],
    address2: ['address 2', 'address2', 'adresszusatz', 'complément'],
    postalCode: ['postal code', 'postcode', 'zip', 'zip code', 'plz', 'postleitzahl', 'code postal'],
    city: ['city', 'town', 'ort', 'stadt', 'ville'],
    country: ['country', 'land', 'pays'],
    vatId: ['vat id', 'vat number', 'vat', 'ust-idnr', 'ustidnr', 'tva', 'numéro de tva'],
    taxId: ['tax id', 'tax number', 'steuernummer', 'siret'],
    phone: ['phone', 'telephone', 'telefon', 'téléphone'],
    currency: ['currency', 'währung', 'devise'],
    language: ['language', 'sprache', 'langue'],
    notes: ['notes', 'note', 'notizen', 'bemerkung', 'remarques'],
  },
  items: {
    name: ['name', 'item', 'product', 'service', 'artikel', 'produit', 'bezeichnung'],
    description: ['description', 'beschreibung', 'details'],
    unit: ['unit', 'einheit', 'unité'],
    unitPrice: ['price', 'unit price', 'preis', 'einzelpreis', 'prix', 'prix unitaire'],
    currency: ['currency', 'währung', 'devise'],
    taxRate: ['tax', 'tax rate', 'vat', 'vat rate', 'steuersatz', 'mwst', 'ust', 'tva', 'taux de tva'],
  },
  invoices: {
    number: ['number', 'invoice number', 'invoice', 'invoice no', 'rechnungsnummer', 'numéro', 'numéro de facture'],
    status: ['status', 'statut'],
    clientName: ['client', 'client name', 'customer', 'kunde', 'nom du client'],
    clientEmail: ['client email', 'email', 'e-mail'],
    issueDate: ['date', 'issue date', 'invoice date', 'rechnungsdatum', 'datum', 'date de facture'],
    dueDate: ['due date', 'due', 'fällig', 'fälligkeit', 'échéance'],
    currency: ['currency', 'währung', 'devise'],
    poNumber: ['po number', 'purchase order', 'bestellnummer', 'bon de commande'],
    notes: ['notes', 'invoice notes', 'bemerkung', 'remarques'],
    terms: ['terms', 'payment terms', 'zahlungsbedingungen', 'conditions'],
    amountPaid: ['paid', 'amount paid', 'bezahlt', 'payé'],
    item: ['item', 'product', 'artikel', 'produit'],
    description: ['description', 'line', 'beschreibung', 'leistung', 'désignation'],
    quantity: ['quantity', 'qty', 'menge', 'anzahl', 'quantité'],
    unit: ['unit', 'einheit', 'unité'],
    unitPrice: ['price', 'unit price', 'preis', 'einzelpreis', 'prix', 'prix unitaire'],
    taxRate: ['tax', 'tax rate', 'vat', 'vat rate', 'steuersatz', 'mwst', 'ust', 'tva', 'taux de tva'],
  },
};

const INVOICE_NINJA: Record<ImportKind, Aliases> = {
  clients: {
    name: ['Client Name', 'Name'],
    email: ['Contact Email', 'Email', 'Client Email'],
    address1: ['Client Address 1', 'Address 1', 'Street'],
    address2: ['Client Address 2', 'Address 2', 'Apt/Suite'],
    postalCode: ['Client Postal Code', 'Postal Code'],
    city: ['Client City', 'City'],
    country: ['Client Country', 'Country'],
    vatId: ['Client VAT Number', 'VAT Number'],
    taxId: ['Client ID Number', 'ID Number'],
    phone: ['Client Phone', 'Phone', 'Contact Phone'],
    currency: ['Client Currency', 'Currency'],
    notes: ['Client Private Notes', 'Private Notes'],
  },
  items: {
    name: ['Product Product', 'Product Key', 'Product', 'Item'],
    description: ['Product Notes', 'Notes', 'Description'],
    unitPrice: ['Product Price', 'Price', 'Product Cost', 'Cost'],
    taxRate: ['Product Tax Rate 1', 'Tax Rate 1', 'Tax Rate'],
  },
  invoices: {
    number: ['Invoice Number', 'Number'],
    status: ['Invoice Status', 'Status'],
    clientName: ['Client Name', 'Client'],
    clientEmail: ['Contact Email', 'Client Email'],
    issueDate: ['Invoice Date', 'Date'],
    dueDate: ['Invoice Due Date', 'Due Date'],
    currency: ['Invoice Currency', 'Currency'],
    poNumber: ['Invoice PO Number', 'PO Number'],
    notes: ['Invoice Public Notes', 'Public Notes'],
    terms: ['Invoice Terms', 'Terms'],
    amountPaid: ['Invoice Paid to Date', 'Paid to Date'],
    item: ['Item Product', 'Product'],
    description: ['Item Notes', 'Notes'],
    quantity: ['Item Quantity', 'Quantity'],
    unitPrice: ['Item Cost', 'Unit Cost', 'Cost'],
    taxRate: ['Item Tax Rate 1', 'Item Tax Rate', 'Tax Rate 1'],
  },
};

const PRESETS: Record<ImportPreset, Record<ImportKind, Aliases>> = { generic: GENERIC, 'invoice-ninja': INVOICE_NINJA };

const key = (header: string) => header.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

export type ImportMapping = { preset: ImportPreset } | { columns: Record<string, string> };

/**
 * The header each field is read from: a preset's first alias present in the file, or the columns
 * given. Returns the field→header map and what is wrong with it (a field or header unknown, a
 * required field unmapped).
 */
export function resolveMapping(
  kind: ImportKind,
  headers: string[],
  mapping: ImportMapping,
): { columns: Record<string, string | null>; problems: string[] } {
  const fields: readonly string[] = IMPORT_FIELDS[kind];
  const byKey = new Map(headers.map((h) => [key(h), h]));
  const columns: Record<string, string | null> = Object.fromEntries(fields.map((f) => [f, null]));
  const problems: string[] = [];
  if ('preset' in mapping) {
    const aliases = PRESETS[mapping.preset][kind];
    for (const f of fields) {
      const found = (aliases[f] ?? []).map((a) => byKey.get(key(a))).find((h) => h !== undefined);
      if (found) columns[f] = found;
    }
  } else {
    for (const [f, header] of Object.entries(mapping.columns)) {
      if (!fields.includes(f)) problems.push(`Unknown field "${f}"`);
      else if (header === '') continue;
      else if (!headers.includes(header)) problems.push(`The file has no column "${header}" (for ${f})`);
      else columns[f] = header;
    }
  }
  for (const f of REQUIRED_FIELDS[kind])
    if (!columns[f]) problems.push(`No column is mapped to the required field "${f}"`);
  return { columns, problems };
}
