// The OASIS UBL 2.1 XSD is not among the offline artefacts (../shared/einvoice README), and the
// EN 16931 schematron does not check element order. As a stand-in, this learns the sibling order
// of every element pair from the official documents (18 CEN examples, 206 KoSIT UBL instances)
// and asserts the generated UBL never puts a pair the other way round.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { generateEinvoice } from '../../src/modules/einvoice/einvoice.generate.ts';
import { EINVOICE_NEEDS, SHARED_EINVOICE } from '../helpers/einvoice-rules.ts';
import { itNeeds } from '../helpers/tools.ts';
import { scenarios } from './scenarios.ts';

// parent local name → set of "A<B" (A seen before B among that parent's children)
function learn(xml: string, order: Map<string, Set<string>>): void {
  const clean = xml
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  const stack: Array<{ name: string; kids: string[] }> = [{ name: '#document', kids: [] }];
  const close = () => {
    const { name, kids } = stack.pop() as { name: string; kids: string[] };
    const seen = order.get(name) ?? new Set<string>();
    for (let i = 0; i < kids.length; i++)
      for (let j = i + 1; j < kids.length; j++) if (kids[i] !== kids[j]) seen.add(`${kids[i]}<${kids[j]}`);
    order.set(name, seen);
  };
  for (const m of clean.matchAll(/<(\/?)([\w.-]+:)?([\w.-]+)[^>]*?(\/?)>/g)) {
    const [, end, , local, selfClosing] = m as unknown as [string, string, string | undefined, string, string];
    if (end) close();
    else {
      stack.at(-1)?.kids.push(local);
      stack.push({ name: local, kids: [] });
      if (selfClosing) close();
    }
  }
}

itNeeds(
  EINVOICE_NEEDS,
  'generated UBL keeps the element order of the official UBL documents',
  () => {
    const official = new Map<string, Set<string>>();
    const dir = path.join(SHARED_EINVOICE, 'en16931/ubl/examples');
    for (const f of readdirSync(dir)) learn(readFileSync(path.join(dir, f), 'utf8'), official);
    const kosit = mkdtempSync(path.join(tmpdir(), 'sealbill-kosit-order-'));
    expect(
      spawnSync('tar', ['-xJf', path.join(SHARED_EINVOICE, 'xrechnung/test-instances.tar.xz'), '-C', kosit]).status,
    ).toBe(0);
    for (const sub of ['ubl-inv', 'ubl-cn']) {
      const d = path.join(kosit, 'test/instances', sub);
      for (const f of readdirSync(d)) learn(readFileSync(path.join(d, f), 'utf8'), official);
    }
    const violations = (xml: string): string[] => {
      const ours = new Map<string, Set<string>>();
      learn(xml, ours);
      return [...ours].flatMap(([parent, pairs]) =>
        [...pairs]
          .filter((pair) => {
            const [a, b] = pair.split('<');
            return official.get(parent)?.has(`${b}<${a}`) && !official.get(parent)?.has(pair);
          })
          .map((pair) => `<${parent}> ${pair}`),
      );
    };
    // The check can fail: a due date written after the type code is caught.
    const sample = generateEinvoice(scenarios()[0]!.model, 'xrechnung-ubl');
    const swapped = sample.replace(/( *<cbc:DueDate>.*\n)( *<cbc:InvoiceTypeCode>.*\n)/, '$2$1');
    expect(swapped).not.toBe(sample);
    expect(violations(swapped)).toContain('<Invoice> InvoiceTypeCode<DueDate');
    let compared = 0;
    for (const s of scenarios()) {
      for (const format of ['xrechnung-ubl', 'peppol-bis'] as const) {
        const xml = generateEinvoice(s.model, format);
        compared += xml.split('\n').length;
        expect(violations(xml), `${s.name} ${format}`).toEqual([]);
      }
    }
    expect(compared).toBeGreaterThan(5000);
  },
  120_000,
);
