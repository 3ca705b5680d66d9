// Byte stability (issue #12 item 2: "the same document always yields the same bytes"): two runs, a
// model whose object keys were inserted in another order, and a separate process with another
// time zone and locale must all give identical bytes; and so must another release (one digest
// over every scenario in every format is pinned: XML already handed out must stay reproducible).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../../test/einvoice/scenarios.ts';
import { EINVOICE_FORMATS } from './einvoice.formats.ts';
import { generateEinvoice, generateEinvoiceUtf8 } from './einvoice.generate.ts';
import type { EinvoiceModel } from './einvoice.model.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// Rebuilds every object with its keys in reverse insertion order: the writers must not depend on it.
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  ) as T;
}

function allDocuments(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of scenarios())
    for (const f of EINVOICE_FORMATS) out[`${s.name} ${f}`] = sha256(generateEinvoice(s.model, f));
  return out;
}

describe('generated e-invoices are byte-stable', () => {
  it('same model, same bytes; key order does not matter', () => {
    for (const s of scenarios()) {
      for (const f of EINVOICE_FORMATS) {
        const first = generateEinvoice(s.model, f);
        expect(generateEinvoice(s.model, f), `${s.name} ${f}`).toBe(first);
        expect(generateEinvoice(reversedKeys(s.model) as EinvoiceModel, f), `${s.name} ${f}`).toBe(first);
      }
    }
  });

  it('gives the bytes earlier releases gave (pinned digest of every scenario in every format)', () => {
    const all = createHash('sha256');
    for (const s of scenarios())
      for (const f of EINVOICE_FORMATS) all.update(`${s.name} ${f}\n`).update(generateEinvoiceUtf8(s.model, f));
    // Changes only with a deliberate change of the output (then say so in docs/einvoice.md). The
    // tree-free writer of December 2026 gives the same digest as the element-tree writer before it.
    expect(all.digest('hex')).toBe('ecb109d7458f3e498971c4037fe3575b3995f48dc7906407213584279f381f54');
  });

  it('another process with another time zone and locale writes the same bytes', () => {
    const script = `
      import { scenarios } from ${JSON.stringify(path.resolve(import.meta.dirname, '../../../test/einvoice/scenarios.ts'))};
      import { generateEinvoice } from ${JSON.stringify(path.resolve(import.meta.dirname, 'einvoice.generate.ts'))};
      import { EINVOICE_FORMATS } from ${JSON.stringify(path.resolve(import.meta.dirname, 'einvoice.formats.ts'))};
      import { createHash } from 'node:crypto';
      const out = {};
      for (const s of scenarios()) for (const f of EINVOICE_FORMATS) out[s.name + ' ' + f] = createHash('sha256').update(generateEinvoice(s.model, f), 'utf8').digest('hex');
      process.stdout.write(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'Pacific/Kiritimati', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' },
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(allDocuments());
  }, 60_000);

  it('is UTF-8 text with LF line ends, one XML declaration, no empty elements', () => {
    for (const s of scenarios()) {
      for (const f of EINVOICE_FORMATS) {
        const xml = generateEinvoice(s.model, f);
        expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
        expect(xml).not.toContain('\r');
        expect(xml.endsWith('>\n')).toBe(true);
        // PEPPOL-EN16931-R008; the CII delivery block is the one schema-required container.
        const empties = [...xml.matchAll(/<([\w:]+)[^>]*\/>/g)].map((m) => m[1]);
        expect(
          empties.filter((e) => e !== 'ram:ApplicableHeaderTradeDelivery'),
          `${s.name} ${f}`,
        ).toEqual([]);
        expect(xml).not.toMatch(/<([\w:]+)[^>]*><\/\1>/);
      }
    }
  });
});
