// Document numbers from a per-org pattern such as "INV-{YYYY}-{SEQ:5}". The sequence restarts
// each period the pattern names ({YYYY} → yearly, {YYYY}{MM} → monthly), which is what most tax
// authorities accept as gapless ("no gaps within a series").
const TOKEN = /\{(YYYY|YY|MM|SEQ(?::(\d{1,2}))?)\}/g;

export function validatePattern(pattern: string): string | null {
  if (pattern.length === 0 || pattern.length > 60) return 'must be 1–60 characters';
  const seqs = [...pattern.matchAll(/\{SEQ(?::(\d{1,2}))?\}/g)];
  if (seqs.length !== 1) return 'must contain {SEQ} or {SEQ:n} exactly once';
  const width = Number(seqs[0]![1] ?? 1);
  if (width < 1 || width > 12) return '{SEQ:n} width must be 1–12';
  const rest = pattern.replace(TOKEN, '');
  if (/[{}]/.test(rest)) return 'unknown placeholder; use {YYYY}, {YY}, {MM}, {SEQ:n}';
  if (!/^[\p{L}\p{N} ._\-/#]*$/u.test(rest)) return 'may contain letters, digits, spaces and . _ - / # only';
  return null;
}

/** The series a number belongs to: the sequence counter is kept per (org, kind, period). */
export function periodOf(pattern: string, issueDate: string): string {
  const [y, m] = issueDate.split('-');
  const yearly = /\{YYYY\}|\{YY\}/.test(pattern);
  const monthly = yearly && pattern.includes('{MM}');
  return monthly ? `${y}-${m}` : yearly ? `${y}` : '';
}

export function formatNumber(pattern: string, issueDate: string, seq: number): string {
  const [y, m] = issueDate.split('-') as [string, string];
  return pattern.replace(TOKEN, (_all, token: string, width?: string) => {
    if (token === 'YYYY') return y;
    if (token === 'YY') return y.slice(2);
    if (token === 'MM') return m;
    return String(seq).padStart(Number(width ?? 1), '0');
  });
}

/**
 * The counter period and value a number would have under a pattern, or null when the number does
 * not follow it (an imported number checked against the series Sealbill continues).
 */
export function sequenceOf(pattern: string, number: string): { period: string; value: number } | null {
  const groups: string[] = [];
  let source = '';
  let last = 0;
  for (const m of pattern.matchAll(TOKEN)) {
    source += pattern.slice(last, m.index).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    const token = m[1]!;
    groups.push(token.startsWith('SEQ') ? 'SEQ' : token);
    source += token === 'YYYY' ? '(\\d{4})' : token === 'YY' || token === 'MM' ? '(\\d{2})' : '(\\d+)';
    last = m.index + m[0].length;
  }
  source += pattern.slice(last).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  const match = new RegExp(`^${source}$`).exec(number);
  if (!match) return null;
  const at = (t: string): string | undefined => (groups.includes(t) ? match[groups.indexOf(t) + 1] : undefined);
  const year = at('YYYY') ?? (at('YY') !== undefined ? `20${at('YY')}` : undefined);
  const month = at('MM');
  const period = periodOf(pattern, `${year ?? '2000'}-${month ?? '01'}-01`);
  return { period, value: Number(at('SEQ')) };
}
