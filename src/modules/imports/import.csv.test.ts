import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { detectDelimiter, MAX_CSV_ROWS, parseCsv } from './import.csv.ts';

describe('parseCsv', () => {
  it.each([
    ['comma', 'Name,Email\nAcme,a@acme.test\n', ','],
    ['semicolon (Excel, German locale)', 'Name;Email;Betrag\nAcme;a@acme.test;1,50\n', ';'],
    ['tab', 'Name\tEmail\nAcme\ta@acme.test\n', '\t'],
    ['quoted delimiters do not count', '"Name;x";Email,Phone,Street\nA;b,c,d\n', ','],
  ])('detects the %s delimiter', (_what, text, expected) => {
    expect(detectDelimiter(text)).toBe(expected);
  });

  it('drops a byte-order mark and trims values', () => {
    const csv = parseCsv('\uFEFFName;Email\n  Acme GmbH ; a@acme.test\n');
    expect(csv.headers).toEqual(['Name', 'Email']);
    expect(csv.rows).toEqual([{ line: 2, values: { Name: 'Acme GmbH', Email: 'a@acme.test' } }]);
  });

  it('follows RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes', () => {
    const csv = parseCsv('Name,Notes,Amount\r\n"Smith, Jones & Co","He said ""hi""\nsecond line","1,234.50"\r\n');
    expect(csv.delimiter).toBe(',');
    expect(csv.rows[0]!.values).toEqual({
      Name: 'Smith, Jones & Co',
      Notes: 'He said "hi"\nsecond line',
      Amount: '1,234.50',
    });
  });

  it('skips empty lines and fills missing trailing columns', () => {
    const csv = parseCsv('a,b,c\n1,2\n\n,,\n4,5,6\n');
    expect(csv.rows.map((r) => r.values)).toEqual([
      { a: '1', b: '2', c: '' },
      { a: '4', b: '5', c: '6' },
    ]);
  });

  it.each([
    ['an empty file', '\uFEFF  \n', /empty/],
    ['a duplicated header', 'Name,name\nx,y\n', /appears twice/],
    ['an unclosed quote', 'Name,Email\n"Acme,a@acme.test\n', /not valid CSV/],
  ])('refuses %s with a clear message', (_what, text, message) => {
    expect(() => parseCsv(text)).toThrow(message);
  });

  it('refuses more rows than the limit, and a file over the size limit', () => {
    const rows = 'x\n'.repeat(MAX_CSV_ROWS + 1);
    expect(() => parseCsv(`Name\n${rows}`)).toThrow(/more than 5000 rows/);
    expect(parseCsv(`Name\n${'x\n'.repeat(MAX_CSV_ROWS)}`).rows).toHaveLength(MAX_CSV_ROWS);
    try {
      parseCsv('a'.repeat(2_000_001));
      expect.unreachable();
    } catch (err) {
      expect((err as AppError).code).toBe('payload_too_large');
    }
  });
});
