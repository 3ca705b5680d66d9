// ISO 4217 List One: every active alphabetic code that has a numeric minor unit, mapped to that
// minor-unit exponent (digits after the decimal point). Amounts are stored as integers counting
// minor units, so the exponent is what turns "12.34 EUR" into 1234 and back.
//
// Deliberately left out:
// - codes whose minor unit ISO lists as "N.A." (XAU, XAG, XPD, XPT, XDR, XBA-XBD, XSU, XUA, XTS,
//   XXX): they have no minor unit, so they cannot be represented as integer minor units;
// - withdrawn codes (HRK, SLL, ZWL, ANG ...): a new document must not be issued in them.
// ISO is followed even where CLDR / Intl disagree (e.g. IQD 3, AFN 2, IRR 2, HUF 2), because
// EN 16931 (BT-5, "Invoice currency code") refers to ISO 4217, not to CLDR display rules.

const CODES_BY_EXPONENT: Readonly<Record<0 | 2 | 3 | 4, readonly string[]>> = {
  0: [
    'BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV',
    'XAF', 'XOF', 'XPF',
  ],
  2: [
    'AED', 'AFN', 'ALL', 'AMD', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BMD',
    'BND', 'BOB', 'BOV', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHE', 'CHF', 'CHW',
    'CNY', 'COP', 'COU', 'CRC', 'CUC', 'CUP', 'CVE', 'CZK', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB',
    'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF',
    'IDR', 'ILS', 'INR', 'IRR', 'JMD', 'KES', 'KGS', 'KHR', 'KPW', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR',
    'LRD', 'LSL', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN',
    'MXV', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR',
    'PLN', 'QAR', 'RON', 'RSD', 'RUB', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS',
    'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS',
    'UAH', 'USD', 'USN', 'UYU', 'UZS', 'VED', 'VES', 'WST', 'XCD', 'XCG', 'YER', 'ZAR', 'ZMW', 'ZWG',
  ],
  3: ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'],
  4: ['CLF', 'UYW'],
};

export const CURRENCY_EXPONENT: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(
    Object.entries(CODES_BY_EXPONENT).flatMap(([exponent, codes]) =>
      codes.map((code) => [code, Number(exponent)] as const),
    ),
  ),
);

// Object.hasOwn rather than `in` so that prototype keys ("toString", "__proto__") are not currencies.
export function isCurrency(code: string): boolean {
  return typeof code === 'string' && Object.hasOwn(CURRENCY_EXPONENT, code);
}

export function currencyExponent(code: string): number {
  if (!isCurrency(code)) {
    throw new RangeError(`unknown ISO 4217 currency code ${JSON.stringify(String(code)).slice(0, 40)}`);
  }
  return CURRENCY_EXPONENT[code] as number;
}
