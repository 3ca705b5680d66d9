// Proves the validation harness itself before anything relies on it: the official example
// invoices of CEN/TC 434 pass the EN 16931 rules (and the CII ones the D16B XSD), KoSIT's own
// XRechnung unit-test instances get KoSIT's expected verdicts, and deliberately broken documents
// FAIL with the expected rule ids. A harness that cannot fail would make every other e-invoice
// test worthless.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { itNeeds, missing } from '../helpers/tools.ts';
import { generateEinvoice } from '../../src/modules/einvoice/einvoice.generate.ts';
import { isValidIban } from '../../src/modules/einvoice/iban.ts';
import { scenarios } from './scenarios.ts';
import {
  EINVOICE_NEEDS,
  SHARED_EINVOICE,
  describeFailures,
  fatalOnly,
  runCiiXsd,
  runSchematron,
  sefPath,
} from '../helpers/einvoice-rules.ts';

const ready = () => missing(EINVOICE_NEEDS).length === 0;
const examples = (syntax: 'ubl' | 'cii') =>
  ready() ? readdirSync(path.join(SHARED_EINVOICE, `en16931/${syntax}/examples`)).sort() : [];
const read = (syntax: 'ubl' | 'cii', file: string) =>
  readFileSync(path.join(SHARED_EINVOICE, `en16931/${syntax}/examples`, file), 'utf8');
const ids = (failures: ReturnType<typeof runSchematron>) => new Set(fatalOnly(failures).map((f) => f.id));

let kosit = '';

beforeAll(() => {
  if (!ready()) return;
  for (const set of ['en16931-ubl', 'en16931-cii', 'xrechnung-ubl', 'xrechnung-cii'] as const) sefPath(set); // compiled once per machine
  kosit = mkdtempSync(path.join(tmpdir(), 'sealbill-kosit-'));
  const r = spawnSync('tar', ['-xJf', path.join(SHARED_EINVOICE, 'xrechnung/test-instances.tar.xz'), '-C', kosit]);
  if (r.status !== 0) throw new Error(`cannot unpack KoSIT test instances: ${r.stderr}`);
}, 900_000);

describe('official EN 16931 examples pass the harness', () => {
  itNeeds(
    EINVOICE_NEEDS,
    'every UBL example: zero fatal EN 16931 failures',
    () => {
      const files = examples('ubl');
      expect(files.length).toBeGreaterThanOrEqual(18);
      for (const file of files) {
        const fatal = fatalOnly(runSchematron('en16931-ubl', read('ubl', file)));
        expect(fatal, `${file}\n${describeFailures(fatal)}`).toEqual([]);
      }
    },
    120_000,
  );

  itNeeds(
    EINVOICE_NEEDS,
    'every CII example: zero fatal EN 16931 failures and valid against the D16B XSD',
    () => {
      const files = examples('cii');
      expect(files.length).toBeGreaterThanOrEqual(15);
      for (const file of files) {
        const xml = read('cii', file);
        const fatal = [...fatalOnly(runSchematron('en16931-cii', xml)), ...runCiiXsd(xml)];
        expect(fatal, `${file}\n${describeFailures(fatal)}`).toEqual([]);
      }
    },
    120_000,
  );
});

describe('broken documents fail the harness', () => {
  itNeeds(
    EINVOICE_NEEDS,
    'UBL: a wrong amount due fails BR-CO-16, a missing seller name fails BR-06',
    () => {
      const xml = read('ubl', 'ubl-tc434-example1.xml');
      const wrongTotal = xml.replace(/(<cbc:PayableAmount[^>]*>)[^<]*/, '$19999.99');
      expect(wrongTotal).not.toBe(xml);
      expect(ids(runSchematron('en16931-ubl', wrongTotal))).toContain('BR-CO-16');
      const noName = xml.replace(/<cbc:RegistrationName>[^<]*<\/cbc:RegistrationName>/, '');
      expect(ids(runSchematron('en16931-ubl', noName))).toContain('BR-06');
    },
    60_000,
  );

  itNeeds(
    EINVOICE_NEEDS,
    'CII: a wrong VAT amount fails BR-CO-14, a misplaced element fails the XSD',
    () => {
      const xml = read('cii', 'CII_example1.xml');
      expect(runCiiXsd(xml)).toEqual([]);
      const wrongVat = xml.replace(/(<ram:CalculatedAmount>)[^<]*/, '$1123456.78');
      expect(wrongVat).not.toBe(xml);
      expect(ids(runSchematron('en16931-cii', wrongVat))).toContain('BR-CO-14');
      const misplaced = xml.replace('<ram:InvoiceCurrencyCode>', '<ram:Bogus>x</ram:Bogus><ram:InvoiceCurrencyCode>');
      expect(runCiiXsd(misplaced).length).toBeGreaterThan(0);
    },
    60_000,
  );

  itNeeds(
    EINVOICE_NEEDS,
    'XRechnung (KoSIT instances): BR-DE-15 holds as shipped and fires once the buyer reference is removed',
    () => {
      for (const [file, set, element] of [
        [
          'test/instances/ubl-inv/ubl-inv-br-de-15-test.xml',
          'xrechnung-ubl',
          /<cbc:BuyerReference>[^<]*<\/cbc:BuyerReference>/,
        ],
        [
          'test/instances/cii/cii-br-de-15-test.xml',
          'xrechnung-cii',
          /<ram:BuyerReference>[^<]*<\/ram:BuyerReference>/,
        ],
      ] as const) {
        const xml = readFileSync(path.join(kosit, file), 'utf8');
        expect(ids(runSchematron(set, xml)), file).not.toContain('BR-DE-15');
        const removed = xml.replace(element, '');
        expect(removed).not.toBe(xml);
        expect(ids(runSchematron(set, removed)), file).toContain('BR-DE-15');
      }
    },
    60_000,
  );

  itNeeds(
    EINVOICE_NEEDS,
    'XRechnung: removing the payment means fires BR-DE-1, removing the seller contact fires BR-DE-2',
    () => {
      const xml = readFileSync(path.join(kosit, 'test/instances/ubl-inv/ubl-inv-br-de-15-test.xml'), 'utf8');
      const noPayment = xml.replace(/<cac:PaymentMeans>[\s\S]*?<\/cac:PaymentMeans>/, '');
      expect(ids(runSchematron('xrechnung-ubl', noPayment))).toContain('BR-DE-1');
      const noContact = xml.replace(
        /(<cac:AccountingSupplierParty>[\s\S]*?)<cac:Contact>[\s\S]*?<\/cac:Contact>/,
        '$1',
      );
      expect(ids(runSchematron('xrechnung-ubl', noContact))).toContain('BR-DE-2');
    },
    60_000,
  );

  itNeeds(
    EINVOICE_NEEDS,
    'README caveat: SaxonJS flags a valid IBAN under BR-DE-19, so the harness checks it in JavaScript',
    () => {
      const model = scenarios()[0]!.model;
      const iban = model.paymentMeans[0]?.account?.id ?? '';
      expect(isValidIban(iban)).toBe(true);
      const raw = runSchematron('xrechnung-ubl', generateEinvoice(model, 'xrechnung-ubl')).map((f) => f.id);
      // If this starts failing, SaxonJS computes `mod` right: the JavaScript stand-in can go.
      expect(raw).toContain('BR-DE-19');
    },
    60_000,
  );
});
