// Public verification: every input path (file upload raw and multipart, typed details, QR token),
// voided and credited documents, wrong and changed bank details, and what the answers do NOT say.
// Attacks performed: a one-byte edit, an appended incremental update (shadow attack), a swapped
// IBAN, guessing numbers and amounts, another tenant's id, an oversized upload, request floods.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiFor, expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { NO_MATCH } from '../../src/modules/verification/verification.service.ts';

const IBAN = 'DE89370400440532013000';
const OTHER_IBAN = 'GB82WEST12345698765432';
const tokenOf = (pdf: Buffer): string => /\/verify\/([A-Za-z0-9_-]{22})/.exec(pdf.toString('latin1'))![1]!;

function multipart(pdf: Buffer, boundary = 'sealbilltestboundary'): { body: Buffer; headers: Record<string, string> } {
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="invoice.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    pdf,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describeEachDb('public verification', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;
  let anon: Api;
  let inv: { id: string; number: string; pdf: Buffer; fingerprint: string };
  let clientId: string;

  const verifyPdf = (pdf: Buffer) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/verify/pdf',
      headers: { 'content-type': 'application/pdf' },
      payload: pdf,
    });

  async function issue(total: number): Promise<{ id: string; number: string; pdf: Buffer; fingerprint: string }> {
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Audit work', quantity: '1', unitPrice: total }],
    });
    const issued = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    const pdf = (await api.req('GET', `/api/v1/invoices/${draft.id}/pdf`)).rawPayload;
    const v = await anon.ok('GET', `/api/v1/verify/${tokenOf(pdf)}`);
    return { id: draft.id, number: issued.number, pdf, fingerprint: v.document.fingerprint };
  }

  beforeAll(async () => {
    // The flood test below uses its own instance; this suite makes many calls from one address.
    t = await createTestInstance(dialect, {
      clock: new FixedClock('2026-01-01T09:00:00Z'),
      env: { SEALBILL_VERIFY_RATE_LIMIT: '1000' },
    });
    api = await setupOrg(t.app, 'Verify GmbH');
    other = await setupOrg(t.app, 'Other Tenant SA');
    anon = apiFor(t.app, '');
    await seedPayout(t, api.orgId, { accountHolder: 'Verify GmbH', iban: IBAN, bic: 'COBADEFFXXX' });
    clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Payer Ltd', email: 'ap@payer.test' })).id;
    inv = await issue(148_095);
  });
  afterAll(() => t.close());

  it('recognises the exact PDF (raw body and multipart upload)', async () => {
    for (const res of [
      await verifyPdf(inv.pdf),
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/verify/pdf',
        ...(() => {
          const m = multipart(inv.pdf);
          return { payload: m.body, headers: m.headers };
        })(),
      }),
    ]) {
      expect(res.statusCode, res.body).toBe(200);
      const v = res.json();
      expect(v).toMatchObject({
        authentic: true,
        reason: 'verified',
        unaltered: true,
        status: { voided: false, credited: false },
      });
      expect(v.document).toMatchObject({
        kind: 'invoice',
        number: inv.number,
        total: 148_095,
        currency: 'EUR',
        issuerName: 'Verify GmbH',
      });
      expect(v.bankDetails).toEqual({
        onDocumentAreCurrent: true,
        providedMatchDocument: null,
        providedAreCurrent: null,
      });
    }
  });

  it('says "altered" after a one-byte edit or an appended incremental update, and reveals nothing else', async () => {
    const edited = Buffer.from(inv.pdf);
    const at = edited.indexOf('148');
    edited[at > 0 ? at : 500] = 0x39;
    const appended = Buffer.concat([
      inv.pdf,
      Buffer.from(
        '\n1 0 obj\n<< /Type /Annot /Subtype /FreeText /Contents (IBAN GB82WEST12345698765432) >>\nendobj\n%%EOF\n',
      ),
    ]);
    for (const pdf of [edited, appended]) {
      const v = (await verifyPdf(pdf)).json();
      expect(v).toEqual({ ...NO_MATCH, reason: 'altered', unaltered: false });
    }
  });

  it('answers no_match for an unrelated PDF, and refuses oversized or non-PDF bodies', async () => {
    const foreign = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    expect((await verifyPdf(foreign)).json()).toEqual(NO_MATCH);
    expectProblem(await verifyPdf(Buffer.alloc(10 * 1024 * 1024 + 1, 0x20)), 413);
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/verify/pdf',
        headers: { 'content-type': 'text/plain' },
        payload: 'hello',
      }),
      400,
      'validation_failed',
    );
  });

  it('verifies typed-in details (org id or printed fingerprint + number + amount + IBAN)', async () => {
    const byOrg = await anon.ok('POST', '/api/v1/verify/details', {
      orgId: api.orgId,
      number: inv.number,
      amount: '1480.95',
      iban: 'DE89 3704 0044 0532 0130 00',
    });
    expect(byOrg).toMatchObject({ authentic: true, reason: 'verified', unaltered: null, signature: null });
    expect(byOrg.bankDetails).toEqual({
      onDocumentAreCurrent: true,
      providedMatchDocument: true,
      providedAreCurrent: true,
    });
    const byFingerprint = await anon.ok('POST', '/api/v1/verify/details', {
      fingerprint: inv.fingerprint.toLowerCase().replace(/-/g, ' '),
      number: inv.number,
      amount: '1.480,95',
      iban: IBAN,
    });
    expect(byFingerprint.document.number).toBe(inv.number);
    expectProblem(
      await anon.req('POST', '/api/v1/verify/details', { number: inv.number, amount: '1', iban: IBAN }),
      400,
      'validation_failed',
    );
  });

  it('answers identically for an unknown number, a wrong amount, another tenant and a garbled fingerprint', async () => {
    const base = { orgId: api.orgId, number: inv.number, amount: '1480.95', iban: IBAN };
    const answers = await Promise.all(
      [
        { ...base, number: 'INV-2026-99999' },
        { ...base, amount: '1480.96' },
        { ...base, amount: '148095' },
        { ...base, orgId: other.orgId },
        { ...base, orgId: 'not-an-id' },
        { fingerprint: 'AAAA-AAAA-AAAA-AAAA', number: inv.number, amount: '1480.95', iban: IBAN },
        { ...base, currency: 'USD' },
      ].map(async (body) => {
        const res = await anon.req('POST', '/api/v1/verify/details', body);
        expect(res.statusCode).toBe(200);
        return res.body;
      }),
    );
    for (const a of answers) expect(JSON.parse(a)).toEqual(NO_MATCH);
    expect(new Set(answers).size).toBe(1);
  });

  it('flags bank details that differ from the document, without revealing the real ones', async () => {
    const res = await anon.req('POST', '/api/v1/verify/details', {
      orgId: api.orgId,
      number: inv.number,
      amount: '1480.95',
      iban: OTHER_IBAN,
    });
    const v = res.json();
    expect(v).toMatchObject({ authentic: false, reason: 'bank_details_differ', document: null, signature: null });
    expect(v.bankDetails).toEqual({
      onDocumentAreCurrent: null,
      providedMatchDocument: false,
      providedAreCurrent: false,
    });
    expect(res.body).not.toContain(IBAN);
    expect(res.body).not.toContain(IBAN.slice(-4));
    expect(res.body).not.toContain('Verify GmbH');
  });

  it('reports voided and credited documents', async () => {
    const toVoid = await issue(10_000);
    await api.ok('POST', `/api/v1/invoices/${toVoid.id}/void`, { reason: 'Wrong client' });
    const voided = await anon.ok('GET', `/api/v1/verify/${tokenOf(toVoid.pdf)}`);
    expect(voided).toMatchObject({ authentic: true, status: { voided: true, credited: true } });

    const toCredit = await issue(20_000);
    const cn = await api.ok('POST', '/api/v1/credit-notes', {
      clientId,
      relatedDocumentId: toCredit.id,
      lines: [{ description: 'Discount', quantity: '1', unitPrice: 5_000 }],
    });
    await api.ok('POST', `/api/v1/credit-notes/${cn.id}/issue`);
    const credited = (await verifyPdf(toCredit.pdf)).json();
    expect(credited).toMatchObject({ authentic: true, unaltered: true, status: { voided: false, credited: true } });
    const cnPdf = (await api.req('GET', `/api/v1/credit-notes/${cn.id}/pdf`)).rawPayload;
    expect((await verifyPdf(cnPdf)).json().document.kind).toBe('credit_note');
  });

  it('tells whether the bank details on a document are still the current ones', async () => {
    const before = await issue(7_700);
    await seedPayout(t, api.orgId, { accountHolder: 'Verify GmbH', iban: OTHER_IBAN });
    const old = await anon.ok('GET', `/api/v1/verify/${tokenOf(before.pdf)}`);
    expect(old.authentic).toBe(true);
    expect(old.bankDetails.onDocumentAreCurrent).toBe(false);
    // Someone pays attention to an old invoice's IBAN: it matches the document but is no longer current.
    const typed = await anon.ok('POST', '/api/v1/verify/details', {
      orgId: api.orgId,
      number: before.number,
      amount: '77.00',
      iban: IBAN,
    });
    expect(typed.bankDetails).toEqual({
      onDocumentAreCurrent: false,
      providedMatchDocument: true,
      providedAreCurrent: false,
    });
    // The new account typed against the old invoice: not on the document, but it is the current one.
    const newOne = await anon.ok('POST', '/api/v1/verify/details', {
      orgId: api.orgId,
      number: before.number,
      amount: '77.00',
      iban: OTHER_IBAN,
    });
    expect(newOne).toMatchObject({ reason: 'bank_details_differ', bankDetails: { providedAreCurrent: true } });
    const after = await issue(8_800);
    expect((await anon.ok('GET', `/api/v1/verify/${tokenOf(after.pdf)}`)).bankDetails.onDocumentAreCurrent).toBe(true);
    await seedPayout(t, api.orgId, { accountHolder: 'Verify GmbH', iban: IBAN, bic: 'COBADEFFXXX' });
  });

  it('needs no login, and answers with no-store', async () => {
    const res = await anon.req('GET', `/api/v1/verify/${tokenOf(inv.pdf)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describeEachDb('verification rate limit', (dialect) => {
  let t: TestInstance;
  beforeAll(async () => {
    t = await createTestInstance(dialect, { env: { SEALBILL_VERIFY_RATE_LIMIT: '3' } });
  });
  afterAll(() => t.close());

  it('throttles a flood of verification requests per client address, and only those routes', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await t.app.inject({ method: 'GET', url: `/api/v1/verify/${'B'.repeat(21)}${i}` })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const limited = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify/details',
      payload: { orgId: 'x', number: '1', amount: '1', iban: 'DE00' },
    });
    expectProblem(limited, 429, 'rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
    // Another client address has its own budget; other routes are not throttled by this limit.
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/verify/${'C'.repeat(22)}`, remoteAddress: '10.0.0.9' }))
        .statusCode,
    ).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
