import { describe, expect, it } from 'vitest';
import { findPaymentDetails, findUnsafeText, lineText, multilineText } from './text-guard.ts';

describe('findUnsafeText', () => {
  it.each([
    ['plain', 'Acme GmbH'],
    ['RTL and marks', 'شركة ‏עברית‎'],
    ['emoji and ZWJ', '👩🏽‍💻 🚀'],
    ['combining', 'e\u0301'],
    ['tab, LF, CR', 'a\tb\nc\r\n'],
  ])('accepts %s', (_name, s) => {
    expect(findUnsafeText({ s }, '/body')).toEqual([]);
  });

  it.each([
    ['NUL', 'a\u0000b', 'control'],
    ['BEL', '\u0007', 'control'],
    ['ESC (terminal escapes)', '\u001b[31m', 'control'],
    ['DEL', '\u007f', 'control'],
    ['C1 NEL', '\u0085', 'control'],
    ['lone high surrogate', '\ud800x', 'Unicode'],
    ['lone low surrogate', 'x\udc00', 'Unicode'],
  ])('refuses %s', (_name, s, kind) => {
    expect(findUnsafeText({ a: [{ b: s }] }, '/body')).toEqual([
      { path: '/body/a/0/b', message: expect.stringContaining(kind) },
    ]);
  });

  it('checks keys, escapes JSON pointers, caps nesting and skips non-plain objects', () => {
    expect(findUnsafeText({ 'k\u0000': 1 }, '/body')[0]!.message).toMatch(/^key /);
    expect(findUnsafeText({ 'a/b~': '\u0000' }, '/body')).toEqual([
      { path: '/body/a~1b~0', message: expect.any(String) },
    ]);
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(findUnsafeText(deep, '/body')[0]!.message).toMatch(/nested/);
    expect(findUnsafeText(Buffer.from([0]), '/body')).toEqual([]);
    expect(findUnsafeText(new Map([['a', '\u0000']]), '/body')).toEqual([]);
    const query = Object.assign(Object.create(null) as Record<string, string>, { number: 'INV\u0000' });
    expect(findUnsafeText(query, '/query')).toHaveLength(1);
  });
});

describe('field classes: lineText and printed text', () => {
  it.each([
    [
      'IBAN with spaces',
      'Our bank account changed, please pay to IBAN DE89 3704 0044 0532 0130 00 from now on.',
      'IBAN',
    ],
    ['IBAN compact, lower case', 'pay to gb82west12345698765432 thanks', 'IBAN'],
    ['IBAN with dashes', 'NL91-ABNA-0417-1643-00', 'IBAN'],
    ['IBAN without the word', 'Neue Bankverbindung: DE89370400440532013000', 'IBAN'],
    ['account number', 'Please pay to account 12345678, routing 021000021', 'account number'],
    ['Kontonummer', 'Kontonummer 0532013000 BLZ 37040044', 'account number'],
    ['grouped account number', 'Acct: 1234 5678 90', 'account number'],
    ['sort code', 'Sort code 12-34-56', 'sort code'],
    ['BIC', 'SWIFT COBADEFFXXX', 'BIC'],
    ['rekening', 'Rekeningnummer 417164300', 'account number'],
  ])('refuses %s in printed text', (_name, text, kind) => {
    expect(findPaymentDetails(text)).toContain(kind);
    const r = multilineText(4000, { printed: true }).safeParse(text);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain('protected payout details');
  });

  it.each([
    ['a plain note', 'Thank you for your business. Payment within 14 days.'],
    ['a phone number after "account"', 'Your account manager: Jane Doe, +49 30 1234 5678'],
    ['a VAT id', 'VAT DE123456789'],
    ['a German tax number', 'Steuernummer 12/345/67890'],
    ['a postcode and street', 'Deutsche Bank Tower, Taunusanlage 12, 60325 Frankfurt'],
    ['a PO number without a bank word', 'PO 4500012345, project 778899'],
    ['a date after "bank"', 'Closed on the bank holiday 2026-05-01'],
    ['an invalid IBAN-like code', 'Ref DE00 3704 0044 0532 0130 00'],
    ['bank transfer terms', 'Payable by bank transfer within 30 days.'],
  ])('accepts %s', (_name, text) => {
    expect(findPaymentDetails(text)).toBeNull();
    expect(multilineText(4000, { printed: true }).safeParse(text).success).toBe(true);
  });

  it('refuses line breaks in single-line fields (CR, LF, Unicode separators), and trims', () => {
    for (const s of ['Acme\r\nBcc: x@evil.test', 'Acme\nLtd', 'Acme\rLtd', 'Acme\u2028Ltd', 'Acme\u0085Ltd']) {
      const r = lineText(200).safeParse(s);
      expect(r.success, JSON.stringify(s)).toBe(false);
      expect(r.error!.issues[0]!.message).toBe('must be a single line (no line breaks)');
    }
    expect(lineText(200).parse('  Acme Ltd \n')).toBe('Acme Ltd');
    expect(multilineText(4000).parse('line one\nline two')).toBe('line one\nline two');
    expect(lineText(200, { printed: true }).safeParse('Acme, IBAN DE89370400440532013000').success).toBe(false);
  });
});
