// CSV cells: RFC 4180 quoting, and spreadsheet formula neutralization (OWASP "CSV injection") on
// every part a spreadsheet could split a cell into: Excel in DE/FR/NL splits on ';', importers on tab.
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
    ['plain', '"plain"'],
    ['=1+1', `"'=1+1"`],
    ['+49 30 1234', `"'+49 30 1234"`],
    ['-2', `"'-2"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tTAB', `"'\tTAB"`],
    ['\r=1', `"'\r=1"`],
    ['=HYPERLINK("http://evil.test","x")', `"'=HYPERLINK(""http://evil.test"",""x"")"`],
    ['Acme = good', '"Acme = good"'],
    [null, '""'],
    // Split on ';' (Excel DE/FR/NL), ',' and tab: every part that would start a formula.
    ['Globex;=1+1;', `"Globex;'=1+1;"`],
    ['Globex; =1+1', `"Globex;' =1+1"`],
    ['Globex,+cmd|x', `"Globex,'+cmd|x"`],
    ['Globex\t@SUM(A1)', `"Globex\t'@SUM(A1)"`],
    ['a;b;-3;c', `"a;b;'-3;c"`],
    ['line\n=1', `"line\n'=1"`],
    // Full-width forms, which some spreadsheets normalise to ASCII before evaluating.
    ['\uff1d1+1', `"'\uff1d1+1"`],
    ['x;\uff0bcmd', `"x;'\uff0bcmd"`],
    ['Acme; Ltd', '"Acme; Ltd"'],
  ])('neutralizes text %j as %j', (input, output) => {
    expect(csvText(input)).toBe(output);
  });

  it('leaves no part of any text cell starting with a formula trigger', () => {
    const triggers = ['=', '+', '-', '@', '\t', '\r', '\uff1d', '\uff0b', '\uff0d', '\uff20'];
    const separators = [',', ';', '\t', '\n', '\r'];
    for (const t of triggers) {
      for (const s of separators) {
        const cell = csvText(`Globex${s}${t}1+1${s} ${t}2`).slice(1, -1).replace(/""/g, '"');
        for (const part of cell.split(/[,;\t\r\n]/)) {
          expect(part.trimStart()[0] ?? '', JSON.stringify({ t, s, part })).not.toMatch(
            /^[=+\-@\uff1d\uff0b\uff0d\uff20]$/,
          );
        }
      }
    }
  });
});
