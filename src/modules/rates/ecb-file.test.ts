// The ECB reference-rate files as downloaded (test/fixtures/ecb, written in the ECB's formats):
// every shape parses to the same figures, and a broken line is named by its number.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ecbDate, parseEcbFile, type EcbParse } from './ecb-file.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/ecb/${name}`, import.meta.url));
const days = (r: EcbParse) => {
  if (!r.ok) throw new Error(`line ${r.line}: ${r.reason}`);
  return r.days.map((d) => ({ date: d.date, ...Object.fromEntries(d.perEur) }));
};

describe('ECB reference-rate files', () => {
  it('reads the daily CSV (long date, CRLF, trailing separators)', () => {
    expect(days(parseEcbFile(fixture('eurofxref.csv')))).toEqual([
      { date: '2026-06-17', USD: '1.0823', JPY: '163.45', GBP: '0.8512', CHF: '0.9412' },
    ]);
  });

  it('reads the historic CSV and leaves out N/A figures', () => {
    const d = days(parseEcbFile(fixture('eurofxref-hist.csv')));
    expect(d).toHaveLength(4);
    expect(d[0]).toEqual({ date: '2026-06-17', USD: '1.0823', JPY: '163.45', GBP: '0.8512', CHF: '0.9412' });
    expect(d[3]).toEqual({
      date: '2007-12-31',
      USD: '1.4721',
      JPY: '166.26',
      GBP: '0.73335',
      CHF: '1.6547',
      CYP: '0.585274',
    });
  });

  it('reads the daily and historic XML', () => {
    expect(days(parseEcbFile(fixture('eurofxref-daily.xml')))).toEqual(days(parseEcbFile(fixture('eurofxref.csv'))));
    const r = parseEcbFile(fixture('eurofxref-hist.xml'));
    expect(r.ok && r.format).toBe('xml');
    expect(days(r).map((d) => d.date)).toEqual(['2026-06-17', '2026-06-16']);
  });

  it.each([
    ['Day,USD\n2026-06-17,1.08\n', 1, 'header'],
    ['Date,USD,usd\n', 1, 'not a currency code'],
    ['Date,USD,USD\n2026-06-17,1,1\n', 1, 'twice'],
    ['Date,USD,JPY,\n2026-06-17,1.0823,163.45,\n2026-06-16,1.0801,\n', 3, '2 cells'],
    ['Date,USD,\n2026-06-17,1.0823,\n2026-02-30,1.07,\n', 3, 'not a date'],
    ['Date,USD,\n2026-06-17,1.0823,\n2026-06-16,1,0801,\n', 3, 'cells'],
    ['Date,USD,\n2026-06-17,abc,\n', 2, 'not a rate'],
    ['Date,USD,\n2026-06-17,-1.2,\n', 2, 'not a rate'],
    ['Date,USD,\n2026-06-17,0,\n', 2, 'not a rate'],
    ['Date,USD,\n2026-06-17,1.08,\n2026-06-17,1.09,\n', 3, 'twice'],
    ['Date,USD,\n', 2, 'no rates'],
  ])('refuses a broken CSV with its line (%#)', (csv, line, reason) => {
    const r = parseEcbFile(Buffer.from(csv));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.line).toBe(line);
      expect(r.reason).toContain(reason);
    }
  });

  const xml = (cubes: string) =>
    `<?xml version="1.0"?>\n<gesmes:Envelope xmlns:gesmes="g" xmlns="e">\n<Cube>\n${cubes}\n</Cube>\n</gesmes:Envelope>\n`;
  it.each([
    [xml(`<Cube time="2026-06-17">\n<Cube currency="USD" rate="1,08"/>\n</Cube>`), 5, 'not a rate'],
    [xml(`<Cube time="17.06.2026">\n<Cube currency="USD" rate="1.08"/>\n</Cube>`), 4, 'not a date'],
    [xml(`<Cube time="2026-06-17">\n<Cube currency="US" rate="1.08"/>\n</Cube>`), 5, 'currency code'],
    [xml(`<Cube time="2026-06-17">\n<Cube currency="USD" rate="1.08">\n</Cube>`), 8, ''], // not well-formed
    [xml(''), 7, 'no rates'],
    ['<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<gesmes:Envelope/>', 2, 'DOCTYPE'],
    ['<?xml version="1.0"?>\n<html><Cube/></html>', 2, 'gesmes:Envelope'],
  ])('refuses a broken XML with its line (%#)', (text, line, reason) => {
    const r = parseEcbFile(Buffer.from(text));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.line).toBe(line);
      expect(r.reason).toContain(reason);
    }
  });

  it('reads dates in both ECB spellings and only real ones', () => {
    expect(ecbDate('04 April 2024')).toBe('2024-04-04');
    expect(ecbDate('4 april 2024')).toBe('2024-04-04');
    expect(ecbDate('2024-02-29')).toBe('2024-02-29');
    expect(ecbDate('2023-02-29')).toBeNull();
    expect(ecbDate('31 Juni 2024')).toBeNull();
  });

  it('parses a 27-year, 30-currency historic file quickly', () => {
    const currencies = Array.from(
      { length: 30 },
      (_, i) => `C${String.fromCharCode(65 + (i % 26))}${i < 26 ? 'A' : 'B'}`,
    );
    const rows = [`Date,${currencies.join(',')},`];
    for (let i = 0; i < 7000; i++) {
      const d = new Date(Date.UTC(2026, 5, 17) - i * 86_400_000).toISOString().slice(0, 10);
      rows.push(`${d},${currencies.map((_, j) => (1 + j / 7 + i / 10_000).toFixed(4)).join(',')},`);
    }
    const started = performance.now();
    const r = parseEcbFile(Buffer.from(rows.join('\n')));
    expect(r.ok && r.days.length).toBe(7000);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
