// CSV cells: RFC 4180 quoting, and spreadsheet formula neutralization (OWASP "CSV injection").
import { describe, expect, it } from 'vitest';
import { csvCell, csvText } from './export.csv.ts';

describe('csv cells', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['', ''],
  ])('quotes %j as %j', (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+49 30 1234', "'+49 30 1234"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTAB', "'\tTAB"],
    ['=HYPERLINK("http://evil.test","x")', `"'=HYPERLINK(""http://evil.test"",""x"")"`],
    ['Acme = good', 'Acme = good'],
    [null, ''],
  ])('neutralizes text %j as %j', (input, output) => {
    expect(csvText(input)).toBe(output);
  });
});
