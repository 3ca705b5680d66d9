// Every signed document Sealbill hands out is a well-formed PDF that an independent checker accepts
// without a single warning (issue #10: signed PDFs drew qpdf's "extraneous whitespace seen before
// xref" from the incremental signature update). Kinds: invoice, quote, credit note, payment
// receipt, delivery certificate (pdfkit); identities: the generated ECDSA one and CA-issued RSA
// and ECDSA ones imported as PKCS#12; and a time-stamped signature (PAdES B-T). Each is also
// checked valid with pdfsig and signed over the whole file (one revision).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { staffSession } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { itNeeds } from '../helpers/tools.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-signed-structure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** qpdf --check must succeed with no warning at all (exit 3 means "succeeded with warnings"), and pdfsig must call it valid. */
function expectCleanSignedPdf(pdf: Buffer, name: string, signer: string): void {
  const file = path.join(dir, name);
  writeFileSync(file, pdf);
  const check = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  const said = `${check.stdout}${check.stderr}`;
  expect(said, name).not.toMatch(/warning/i);
  expect(said, name).toContain('No syntax or stream encoding errors found');
  expect(check.status, `${name}: ${said}`).toBe(0);
  const sig = spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout;
  expect(sig, name).toContain('Signature is Valid.');
  expect(sig, name).toContain('Total document signed');
  expect(sig, name).toContain(signer);
  expect(pdf.toString('latin1').match(/%%EOF/g), `${name}: one revision`).toHaveLength(1);
}

async function issued(
  api: Api,
  kind: 'invoices' | 'quotes' | 'credit-notes',
  body: Record<string, unknown>,
): Promise<{ id: string; pdf: Buffer }> {
  const draft = await api.ok('POST', `/api/v1/${kind}`, body);
  await api.ok('POST', `/api/v1/${kind}/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
  const res = await api.req('GET', `/api/v1/${kind}/${draft.id}/pdf`);
  expect(res.statusCode, res.body).toBe(200);
  return { id: draft.id, pdf: res.rawPayload };
}

describeEachDb('signed PDFs pass qpdf --check without warnings', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let clientId: string;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, { env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Structure AG');
    await seedPayout(t, api.orgId, {
      accountHolder: 'Structure AG',
      iban: 'DE89370400440532013000',
      bic: 'COBADEFFXXX',
    });
    clientId = (
      await api.ok('POST', '/api/v1/clients', {
        name: 'Klient GmbH',
        email: 'ap@klient.test',
        contacts: [{ name: 'Kim', email: 'kim@klient.test', isPrimary: true }],
      })
    ).id;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const line = (unitPrice: number) => [{ description: 'Beratung', quantity: '1', unitPrice }];
  const SIGNER = 'Structure AG document signing';

  itNeeds(['qpdf', 'pdfsig'], 'invoices, quotes and credit notes', async () => {
    const invoice = await issued(api, 'invoices', { clientId, lines: line(50_000) });
    expectCleanSignedPdf(invoice.pdf, `${dialect}-invoice.pdf`, SIGNER);
    expectCleanSignedPdf(
      (await issued(api, 'quotes', { clientId, lines: line(7_000) })).pdf,
      `${dialect}-quote.pdf`,
      SIGNER,
    );
    expectCleanSignedPdf(
      (await issued(api, 'credit-notes', { clientId, relatedDocumentId: invoice.id, lines: line(1_000) })).pdf,
      `${dialect}-credit-note.pdf`,
      SIGNER,
    );
  });

  itNeeds(['qpdf', 'pdfsig'], 'payment receipts', async () => {
    const invoice = await issued(api, 'invoices', { clientId, lines: line(20_000) });
    const pay = await api.ok(
      'POST',
      `/api/v1/invoices/${invoice.id}/payments`,
      { amount: 20_000, method: 'bank_transfer', reference: 'Kontoauszug 7' },
      201,
    );
    const receipt = await api.req('GET', `/api/v1/payments/${pay.id}/receipt`);
    expect(receipt.statusCode, receipt.body).toBe(200);
    expectCleanSignedPdf(receipt.rawPayload, `${dialect}-receipt.pdf`, SIGNER);
  });

  itNeeds(['qpdf', 'pdfsig'], 'delivery certificates (pdfkit)', async () => {
    const invoice = await issued(api, 'invoices', { clientId, lines: line(30_000) });
    const delivery = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'notice-only' }, 201);
    const cert = await api.req('GET', `/api/v1/deliveries/${delivery.id}/certificate.pdf`);
    expect(cert.statusCode, cert.body).toBe(200);
    expectCleanSignedPdf(cert.rawPayload, `${dialect}-delivery-certificate.pdf`, SIGNER);
  });

  itNeeds(
    ['qpdf', 'pdfsig', 'openssl'],
    'documents signed with imported PKCS#12 identities (RSA and ECDSA, CA-issued with a chain)',
    async () => {
      const owner = await staffSession(t, api.orgId, api.userId);
      const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      run([
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        `${dialect}-ca.key`,
        '-out',
        `${dialect}-ca.crt`,
        '-days',
        '30',
        '-subj',
        '/CN=Structure Test CA',
      ]);
      writeFileSync(
        path.join(dir, 'ext.cnf'),
        'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n',
      );
      for (const [alg, keyArgs] of [
        ['rsa', ['-newkey', 'rsa:2048']],
        ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384']],
      ] as const) {
        const base = `${dialect}-${alg}`;
        run([
          'req',
          ...keyArgs,
          '-nodes',
          '-keyout',
          `${base}.key`,
          '-out',
          `${base}.csr`,
          '-subj',
          `/O=Structure AG/CN=Structure AG ${alg.toUpperCase()} (CA issued)`,
        ]);
        run([
          'x509',
          '-req',
          '-in',
          `${base}.csr`,
          '-CA',
          `${dialect}-ca.crt`,
          '-CAkey',
          `${dialect}-ca.key`,
          '-CAcreateserial',
          '-out',
          `${base}.crt`,
          '-days',
          '20',
          '-extfile',
          'ext.cnf',
        ]);
        run([
          'pkcs12',
          '-export',
          '-in',
          `${base}.crt`,
          '-inkey',
          `${base}.key`,
          '-certfile',
          `${dialect}-ca.crt`,
          '-out',
          `${base}.p12`,
          '-passout',
          'pass:structure',
        ]);
        const pkcs12 = execFileSync('base64', ['-w0', `${base}.p12`], { cwd: dir, encoding: 'utf8' });
        const res = await owner.req('POST', '/api/v1/org/signing-identity/pkcs12', { pkcs12, password: 'structure' });
        expect(res.statusCode, res.body).toBe(201);
        const invoice = await issued(api, 'invoices', { clientId, lines: line(9_000) });
        expectCleanSignedPdf(invoice.pdf, `${base}-invoice.pdf`, `Structure AG ${alg.toUpperCase()} (CA issued)`);
      }
    },
  );
});

describe('time-stamped signatures (PAdES B-T) pass qpdf --check without warnings', () => {
  let tsa: TestTsa;
  let t: TestInstance;
  let api: Api;

  beforeAll(async () => {
    tsa = await startTestTsa();
    t = await createTestInstance('sqlite', { env: { SEALBILL_TSA_URL: tsa.url } });
    api = await setupOrg(t.app, 'Stamped Structure AG');
  });
  afterAll(async () => {
    await t?.close();
    await tsa?.close();
  });

  itNeeds(['qpdf', 'pdfsig', 'openssl'], 'a time-stamped invoice', async () => {
    const client = await api.ok('POST', '/api/v1/clients', { name: 'Klient GmbH' });
    const { pdf } = await issued(api, 'invoices', {
      clientId: client.id,
      lines: [{ description: 'Beratung', quantity: '1', unitPrice: 1_000 }],
    });
    expect(tsa.requests).toBe(1);
    expect(pdf.toString('latin1')).toMatch(/\/ByteRange \[0 \d+ \d+ \d+\]/);
    expectCleanSignedPdf(pdf, 'stamped-invoice.pdf', 'Stamped Structure AG document signing');
  });
});
