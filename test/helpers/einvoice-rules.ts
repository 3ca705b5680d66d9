// Runs the OFFICIAL e-invoice rules on a document, for tests only: the EN 16931 schematron
// (UBL / CII, compiled XSLT 2.0 by CEN/TC 434), the XRechnung schematron (KoSIT) and the
// UN/CEFACT CII D16B XSD. The rule files live in ../shared/einvoice (read-only reference data,
// never copied into the project); tests needing them use `itNeeds(EINVOICE_NEEDS, …)`.
//
// SaxonJS/xslt3 are proprietary (Saxonica licence): devDependencies, imported from test/ only,
// never from src/ (docs/DECISIONS.md). The XSLTs are compiled to SEF once per machine into
// node_modules/.cache/sealbill-einvoice, keyed by the XSLT's SHA-256, under a directory lock so
// parallel test files never compile the same stylesheet twice (~15 s each).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SaxonJS from 'saxon-js';
import type { EinvoiceFormat } from '../../src/modules/einvoice/einvoice.formats.ts';
import { isValidIban } from '../../src/modules/einvoice/iban.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** ../shared/einvoice beside the project (CI, main checkout), or beside its parent (a worktree). */
export const SHARED_EINVOICE =
  process.env.SEALBILL_SHARED_EINVOICE ??
  [path.resolve(root, '../shared/einvoice'), path.resolve(root, '../../shared/einvoice')].find((p) => existsSync(p)) ??
  path.resolve(root, '../shared/einvoice');

export const EINVOICE_NEEDS = ['xmllint', SHARED_EINVOICE] as const;

const STYLESHEETS = {
  'en16931-ubl': 'en16931/ubl/xslt/EN16931-UBL-validation.xslt',
  'en16931-cii': 'en16931/cii/xslt/EN16931-CII-validation.xslt',
  'xrechnung-ubl': 'xrechnung/xslt/XRechnung-UBL-validation.xslt',
  'xrechnung-cii': 'xrechnung/xslt/XRechnung-CII-validation.xslt',
} as const;
export type RuleSet = keyof typeof STYLESHEETS;

export const CII_XSD = 'en16931/cii/schema/D16B-uncoupled/data/standard/CrossIndustryInvoice_100pD16B.xsd';
const CACHE = path.join(root, 'node_modules/.cache/sealbill-einvoice');
const LOCK_STALE_MS = 10 * 60_000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The compiled SEF of a rule set, compiling it first if this machine has not yet. */
export function sefPath(ruleSet: RuleSet): string {
  const xslt = path.join(SHARED_EINVOICE, STYLESHEETS[ruleSet]);
  const hash = createHash('sha256').update(readFileSync(xslt)).digest('hex').slice(0, 16);
  const target = path.join(CACHE, `${ruleSet}-${hash}.sef.json`);
  const lock = `${target}.lock`;
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (existsSync(target)) return target;
    try {
      mkdirSync(lock); // atomic: exactly one process compiles
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* the holder just released it */
      }
      sleep(500);
      continue;
    }
    try {
      if (existsSync(target)) return target;
      const tmp = `${target}.${process.pid}.tmp`;
      const r = spawnSync(
        process.execPath,
        [path.join(root, 'node_modules/xslt3/xslt3.js'), `-xsl:${xslt}`, `-export:${tmp}`, '-nogo', '-relocate:on'],
        {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      if (r.status !== 0) throw new Error(`xslt3 failed to compile ${xslt}: ${r.stderr}`);
      renameSync(tmp, target);
      return target;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

const loaded = new Map<RuleSet, unknown>();
function stylesheet(ruleSet: RuleSet): unknown {
  let sef = loaded.get(ruleSet);
  if (sef === undefined) {
    sef = JSON.parse(readFileSync(sefPath(ruleSet), 'utf8'));
    loaded.set(ruleSet, sef);
  }
  return sef;
}

export interface RuleFailure {
  ruleSet: RuleSet | 'xsd' | 'iban';
  id: string;
  flag: string;
  location: string;
  text: string;
}

/** Every failed assert (fatal, warning, information) of one rule set on `xml`. */
export function runSchematron(ruleSet: RuleSet, xml: string): RuleFailure[] {
  const svrl = SaxonJS.transform(
    { stylesheetInternal: stylesheet(ruleSet), sourceText: xml, destination: 'document' },
    'sync',
  ).principalResult;
  const failed = SaxonJS.XPath.evaluate('//*:failed-assert', svrl, { resultForm: 'array' }) as Array<{
    getAttribute(n: string): string | null;
    textContent: string | null;
  }>;
  return failed.map((f) => ({
    ruleSet,
    id: f.getAttribute('id') ?? '?',
    flag: f.getAttribute('flag') ?? 'fatal',
    location: f.getAttribute('location') ?? '',
    text: (f.textContent ?? '').replace(/\s+/g, ' ').trim(),
  }));
}

/** xmllint against the CII D16B XSD: the error lines (empty when valid). */
export function runCiiXsd(xml: string): RuleFailure[] {
  const r = spawnSync('xmllint', ['--noout', '--schema', path.join(SHARED_EINVOICE, CII_XSD), '-'], {
    input: xml,
    encoding: 'utf8',
  });
  if (r.status === 0) return [];
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/validates$|fails to validate$/.test(l));
  return (lines.length > 0 ? lines : [`xmllint exit ${r.status}`]).map((text) => ({
    ruleSet: 'xsd',
    id: 'XSD',
    flag: 'fatal',
    location: '',
    text,
  }));
}

// SaxonJS evaluates `xs:integer(…) mod 97` on a double (README caveat): its BR-DE-19/20 verdicts
// (and Peppol's DE-R-019/020) are dropped and the IBAN rule is checked here as the rule states it.
const IBAN_RULES = new Set(['BR-DE-19', 'BR-DE-20', 'DE-R-019', 'DE-R-020']);

function ibanFailures(xml: string): RuleFailure[] {
  const out: RuleFailure[] = [];
  const blocks = xml.match(/<(cac:PaymentMeans|ram:SpecifiedTradeSettlementPaymentMeans)>[\s\S]*?<\/\1>/g) ?? [];
  for (const block of blocks) {
    const code = /<(?:cbc:PaymentMeansCode|ram:TypeCode)[^>]*>([^<]*)</.exec(block)?.[1];
    const payee =
      /<(?:cac:PayeeFinancialAccount>\s*<cbc:ID|ram:PayeePartyCreditorFinancialAccount>\s*<ram:IBANID)>([^<]*)</.exec(
        block,
      )?.[1];
    const payer =
      /<(?:cac:PayerFinancialAccount>\s*<cbc:ID|ram:PayerPartyDebtorFinancialAccount>\s*<ram:IBANID)>([^<]*)</.exec(
        block,
      )?.[1];
    if (code === '58' && payee !== undefined && !isValidIban(payee)) {
      out.push({
        ruleSet: 'iban',
        id: 'BR-DE-19',
        flag: 'fatal',
        location: '',
        text: `BT-84 is not a valid IBAN: ${payee}`,
      });
    }
    if (code === '59' && payer !== undefined && !isValidIban(payer)) {
      out.push({
        ruleSet: 'iban',
        id: 'BR-DE-20',
        flag: 'fatal',
        location: '',
        text: `BT-91 is not a valid IBAN: ${payer}`,
      });
    }
  }
  return out;
}

/** The rule sets an official validation of `format` runs. */
export function ruleSetsFor(format: EinvoiceFormat): RuleSet[] {
  switch (format) {
    case 'xrechnung-ubl':
      return ['en16931-ubl', 'xrechnung-ubl'];
    case 'peppol-bis':
      return ['en16931-ubl'];
    case 'xrechnung-cii':
      return ['en16931-cii', 'xrechnung-cii'];
    case 'factur-x':
      return ['en16931-cii'];
  }
}

/** Every failure the official artefacts report on a document of `format` (all flags). */
export function validateOfficially(xml: string, format: EinvoiceFormat): RuleFailure[] {
  const failures = ruleSetsFor(format)
    .flatMap((set) => runSchematron(set, xml))
    .filter((f) => !IBAN_RULES.has(f.id));
  if (format.startsWith('xrechnung')) failures.push(...ibanFailures(xml));
  if (format === 'xrechnung-cii' || format === 'factur-x') failures.push(...runCiiXsd(xml));
  return failures;
}

/** Only what makes a document invalid: fatal asserts, XSD errors, bad IBANs. */
export function fatalOnly(failures: readonly RuleFailure[]): RuleFailure[] {
  return failures.filter((f) => f.flag === 'fatal');
}

/** For failure messages: one line per failure. */
export function describeFailures(failures: readonly RuleFailure[]): string {
  return failures.map((f) => `${f.ruleSet}:${f.id} [${f.flag}] ${f.text.slice(0, 200)} @ ${f.location}`).join('\n');
}

/** Writes a document somewhere a human can open it when a validation fails (test-artifacts/). */
export function keepArtifact(name: string, xml: string): string {
  const dir = path.join(root, 'test-artifacts/einvoice');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, xml);
  return file;
}
