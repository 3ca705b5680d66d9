// The ECB euro foreign exchange reference rates, as the files a user downloads from
// https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/
// (pure: bytes in, days out). Four shapes, all "1 EUR = x <currency>":
//   eurofxref.csv       "Date, USD, JPY, …," then one row "17 June 2026, 1.0823, 163.45, …,"
//   eurofxref-hist.csv  "Date,USD,JPY,…," then one row per day "2026-06-17,1.0823,163.45,N/A,…,"
//   eurofxref-daily.xml / eurofxref-hist.xml / eurofxref-hist-90d.xml:
//     <gesmes:Envelope …><Cube><Cube time="2026-06-17"><Cube currency="USD" rate="1.0823"/>…
// Input is untrusted: any line that does not fit is refused with its line number (the caller
// writes nothing then), the XML parser never reads a DTD or an entity (a DOCTYPE is refused), and
// the counts of days and currencies are bounded.
import { SaxesParser } from 'saxes';

/** One ECB day: currency → how many units of it 1 EUR buys, as the ECB printed it. */
export interface EcbDay {
  date: string;
  perEur: Map<string, string>;
}
export type EcbParse =
  { ok: true; format: 'csv' | 'xml'; days: EcbDay[] } | { ok: false; line: number; reason: string };

const MAX_DAYS = 40_000; // > 100 years of business days
const MAX_CURRENCIES = 200;
const CURRENCY = /^[A-Z]{3}$/;
/** The ECB prints up to 4–6 decimals; anything a document's rate can hold is accepted. */
const FIGURE = /^\d{1,9}(\.\d{1,10})?$/;
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** "2026-06-17" or the daily file's "17 June 2026" → ISO date; null if not a real calendar date. */
export function ecbDate(text: string): string | null {
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const long = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(text);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (long) [d, m, y] = [Number(long[1]), MONTHS.indexOf(long[2]!.toLowerCase()) + 1, Number(long[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

const positive = (figure: string) => FIGURE.test(figure) && /[1-9]/.test(figure);

export function parseEcbFile(bytes: Buffer): EcbParse {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.includes('\uFFFD')) return { ok: false, line: 1, reason: 'the file is not UTF-8 text' };
  return text.trimStart().startsWith('<') ? parseXml(text) : parseCsv(text);
}

function parseCsv(text: string): EcbParse {
  const lines = text.split(/\r?\n/);
  // Every ECB line ends with a separator: a last empty cell is dropped, on the header and the rows alike.
  const cells = (line: string) => {
    const c = line.split(',').map((s) => s.trim());
    if (c.length > 1 && c.at(-1) === '') c.pop();
    return c;
  };
  const header = cells(lines[0] ?? '');
  if (header[0] !== 'Date' || header.length < 2)
    return { ok: false, line: 1, reason: 'the header must be "Date, USD, JPY, …" (an ECB eurofxref CSV file)' };
  const currencies = header.slice(1);
  if (currencies.length > MAX_CURRENCIES) return { ok: false, line: 1, reason: 'too many currencies' };
  for (const [i, c] of currencies.entries()) {
    if (!CURRENCY.test(c)) return { ok: false, line: 1, reason: `column ${i + 2}: "${c}" is not a currency code` };
    if (currencies.indexOf(c) !== i) return { ok: false, line: 1, reason: `column ${i + 2}: ${c} appears twice` };
  }
  const days: EcbDay[] = [];
  const seen = new Set<string>();
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const row = cells(line);
    const lineNo = n + 1;
    if (row.length !== header.length)
      return { ok: false, line: lineNo, reason: `${row.length} cells where the header has ${header.length}` };
    const date = ecbDate(row[0]!);
    if (!date) return { ok: false, line: lineNo, reason: `"${row[0]}" is not a date` };
    if (seen.has(date)) return { ok: false, line: lineNo, reason: `${date} appears twice` };
    seen.add(date);
    if (days.length >= MAX_DAYS) return { ok: false, line: lineNo, reason: 'too many days' };
    const perEur = new Map<string, string>();
    for (const [i, c] of currencies.entries()) {
      const figure = row[i + 1]!;
      if (figure === 'N/A' || figure === '') continue; // not quoted that day (a currency before or after its time)
      if (!positive(figure)) return { ok: false, line: lineNo, reason: `${c}: "${figure}" is not a rate` };
      perEur.set(c, figure);
    }
    days.push({ date, perEur });
  }
  if (days.length === 0) return { ok: false, line: lines.length, reason: 'the file has no rates' };
  return { ok: true, format: 'csv', days };
}

function parseXml(text: string): EcbParse {
  const parser = new SaxesParser({ xmlns: false, position: true });
  let refused: { line: number; reason: string } | null = null;
  const refuse = (reason: string) => {
    refused ??= { line: parser.line, reason };
  };
  const days: EcbDay[] = [];
  const seen = new Set<string>();
  // Cube depth: 1 the outer Cube, 2 a day (time=…), 3 a rate (currency=… rate=…).
  let cubes = 0;
  let day: EcbDay | null = null;
  let root = true;
  parser.on('error', (err) => refuse(err.message.replace(/^\d+:\d+: /, '')));
  parser.on('doctype', () => refuse('a DOCTYPE is not accepted'));
  parser.on('opentag', (tag) => {
    if (refused) return;
    const local = tag.name.replace(/^.*:/, '');
    if (root) {
      root = false;
      if (local !== 'Envelope') return refuse(`<${tag.name}> is not an ECB gesmes:Envelope`);
      return;
    }
    if (local !== 'Cube') return;
    cubes++;
    const a = tag.attributes as Record<string, string>;
    if (cubes === 2) {
      const date = ecbDate(a.time ?? '');
      if (!date) return refuse(`Cube time="${a.time ?? ''}" is not a date`);
      if (seen.has(date)) return refuse(`${date} appears twice`);
      if (days.length >= MAX_DAYS) return refuse('too many days');
      seen.add(date);
      day = { date, perEur: new Map() };
      days.push(day);
    } else if (cubes === 3) {
      const currency = a.currency ?? '';
      const rate = a.rate ?? '';
      if (!day) return refuse('a rate outside a day');
      if (!CURRENCY.test(currency)) return refuse(`currency="${currency}" is not a currency code`);
      if (!positive(rate)) return refuse(`${currency}: rate="${rate}" is not a rate`);
      if (day.perEur.has(currency)) return refuse(`${currency} appears twice on ${day.date}`);
      if (day.perEur.size >= MAX_CURRENCIES) return refuse('too many currencies');
      day.perEur.set(currency, rate);
    } else if (cubes > 3) refuse('Cube elements nested too deeply');
  });
  parser.on('closetag', (tag) => {
    if (tag.name.replace(/^.*:/, '') !== 'Cube') return;
    if (cubes === 2) day = null;
    cubes--;
  });
  let lastLine = 1;
  try {
    parser.write(text);
    lastLine = parser.line;
    parser.close();
  } catch (err) {
    refuse((err as Error).message.replace(/^\d+:\d+: /, ''));
  }
  if (refused) return { ok: false, ...(refused as { line: number; reason: string }) };
  if (days.length === 0) return { ok: false, line: lastLine, reason: 'the file has no rates' };
  return { ok: true, format: 'xml', days };
}
