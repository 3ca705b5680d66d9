import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  creditorReference,
  epcQrPayload,
  formatCreditorReference,
  invoiceCreditorReference,
  isValidCreditorReference,
} from './bank-transfer.ts';

// Independent oracle: ISO 11649 check digits with one BigInt remainder (no digit-by-digit loop).
function oracleCheckDigits(ref: string): string {
  const numeric = `${ref}RF00`.toUpperCase().replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  return String(98n - (BigInt(numeric) % 97n)).padStart(2, '0');
}

describe('ISO 11649 RF creditor reference', () => {
  it.each([
    // Published example (ISO 11649 / EPC guidance): RF18 5390 0754 7034.
    ['539007547034', 'RF18539007547034'],
    ['INV202600001', 'RF76INV202600001'],
    ['A', `RF${oracleCheckDigits('A')}A`],
    ['0', `RF${oracleCheckDigits('0')}0`],
    ['ZZZZZZZZZZZZZZZZZZZZZ', `RF${oracleCheckDigits('ZZZZZZZZZZZZZZZZZZZZZ')}ZZZZZZZZZZZZZZZZZZZZZ`],
    ['inv 2026 7', `RF${oracleCheckDigits('INV20267')}INV20267`],
  ])('%s → %s', (base, rf) => {
    expect(creditorReference(base)).toBe(rf);
    expect(isValidCreditorReference(rf)).toBe(true);
  });

  it.each([
    ['RF18 5390 0754 7034', true],
    ['rf18539007547034', true],
    ['RF19 5390 0754 7034', false],
    ['RF18 5390 0754 7043', false],
    ['RF18', false],
    ['RF1853900754703412345678901', false],
    ['XX18539007547034', false],
    ['RF18-5390', false],
  ])('validates %s → %s', (rf, ok) => {
    expect(isValidCreditorReference(rf)).toBe(ok);
  });

  it('agrees with a BigInt oracle and catches every digit-for-digit or letter-for-letter typo', () => {
    const DIGITS = '0123456789';
    const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const alnum = fc.constantFrom(...(DIGITS + LETTERS).split(''));
    fc.assert(
      fc.property(fc.array(alnum, { minLength: 1, maxLength: 21 }), fc.nat(), fc.nat(), (chars, pos, pick) => {
        const base = chars.join('');
        const rf = creditorReference(base);
        expect(rf.slice(2, 4)).toBe(oracleCheckDigits(base));
        expect(isValidCreditorReference(rf)).toBe(true);
        // MOD 97-10 detects any substitution within the same class (the numeric expansion keeps its length).
        const i = 4 + (pos % base.length);
        const cls = DIGITS.includes(rf[i]!) ? DIGITS : LETTERS;
        const sub = cls[pick % cls.length]!;
        if (rf[i] !== sub) expect(isValidCreditorReference(rf.slice(0, i) + sub + rf.slice(i + 1))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses bases that cannot be an RF reference', () => {
    expect(() => creditorReference('')).toThrow(RangeError);
    expect(() => creditorReference('A'.repeat(22))).toThrow(RangeError);
    expect(() => creditorReference('INV/2026')).toThrow(RangeError);
  });

  it('derives an invoice reference from its number, or from its id when the number is too long', () => {
    expect(invoiceCreditorReference('INV-2026-00001', 'x')).toBe('RF76INV202600001');
    const long = invoiceCreditorReference('ACME-INVOICE-2026-000000001-EU', '0190c3a4-0000-7000-8000-000000000001');
    expect(isValidCreditorReference(long)).toBe(true);
    expect(long.length).toBe(25);
    expect(formatCreditorReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
  });
});

describe('EPC069-12 SEPA credit transfer QR payload', () => {
  const base = {
    name: 'Acme GmbH',
    iban: 'DE89 3704 0044 0532 0130 00',
    bic: 'COBADEFFXXX',
    amount: 148_095,
    reference: 'RF18539007547034',
  };

  it('has the fixed line order of version 002, UTF-8, no trailing line feed', () => {
    const lines = epcQrPayload(base).split('\n');
    expect(lines).toEqual([
      'BCD',
      '002',
      '1',
      'SCT',
      'COBADEFFXXX',
      'Acme GmbH',
      'DE89370400440532013000',
      'EUR1480.95',
      '',
      'RF18539007547034',
    ]);
  });

  it('leaves BIC and amount empty when absent or out of range, and uses free text only without a reference', () => {
    const lines = epcQrPayload({
      ...base,
      bic: null,
      amount: 100_000_000_000,
      reference: null,
      text: 'Invoice 7',
    }).split('\n');
    expect(lines[4]).toBe('');
    expect(lines[7]).toBe('');
    expect(lines[9]).toBe('');
    expect(lines[10]).toBe('Invoice 7');
    expect(epcQrPayload({ ...base, amount: 1 }).split('\n')[7]).toBe('EUR0.01');
  });

  it('caps the name at 70 characters and refuses what the standard does not allow', () => {
    expect(epcQrPayload({ ...base, name: 'N'.repeat(90) }).split('\n')[5]).toHaveLength(70);
    expect(() => epcQrPayload({ ...base, iban: '1234' })).toThrow(RangeError);
    expect(() => epcQrPayload({ ...base, name: '  ' })).toThrow(RangeError);
    expect(() => epcQrPayload({ ...base, reference: 'R'.repeat(36) })).toThrow(RangeError);
  });

  it('stays within 331 bytes: the longest ASCII fields fit, and free text gives way to a multi-byte name', () => {
    const ascii = epcQrPayload({
      name: 'N'.repeat(70),
      iban: 'LC55HEMM000100010012001200023015',
      bic: 'COBADEFFXXX',
      amount: 99_999_999_999,
      reference: null,
      text: 'x'.repeat(140),
    });
    expect(ascii.split('\n')[10]).toHaveLength(140);
    expect(Buffer.byteLength(ascii)).toBeLessThanOrEqual(331);
    const umlauts = epcQrPayload({
      name: 'Ä'.repeat(70),
      iban: 'LC55HEMM000100010012001200023015',
      bic: 'COBADEFFXXX',
      amount: 99_999_999_999,
      reference: null,
      text: 'x'.repeat(140),
    });
    expect(Buffer.byteLength(umlauts)).toBe(331);
    expect(umlauts.split('\n')[5]).toBe('Ä'.repeat(70));
  });
});
