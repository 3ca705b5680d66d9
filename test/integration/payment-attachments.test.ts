// Manual payments (cash, cheque, transfer received) recorded by an accountant, with attachments
// sealed at rest. Attacks: a file whose bytes are not what its type claims, a path-traversal file
// name, a file name whose extension differs from the verified type (a PDF named .html or .exe is
// stored and served as .pdf), a role without the permission, another tenant.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { addMember, type SessionClient } from '../helpers/session.ts';
import { dumpDatabase, issuedInvoice } from '../fakes/payments-fixture.ts';

const PDF = Buffer.from('%PDF-1.4\n% scanned cheque no. CHQ-SECRET-4471\n%%EOF\n');

describeEachDb('payments: manual payments with attachments', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;
  let accountant: SessionClient;
  let viewer: SessionClient;

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app, 'Ledger GmbH');
    other = await setupOrg(t.app, 'Elsewhere GmbH');
    accountant = await addMember(t, api.orgId, 'accountant', 'acc@ledger.test');
    viewer = await addMember(t, api.orgId, 'viewer', 'view@ledger.test');
  });
  afterAll(() => t?.close());

  it('records a cheque with a sealed scan, served back byte-identical', async () => {
    const inv = await issuedInvoice(api);
    const pay = await accountant.req('POST', `/api/v1/invoices/${inv.id}/payments`, {
      amount: inv.total,
      method: 'cheque',
      reference: 'Cheque 000123',
    });
    expect(pay.statusCode, pay.body).toBe(201);
    const paymentId = pay.json().id;

    const up = await accountant.req('POST', `/api/v1/payments/${paymentId}/attachments`, {
      filename: '../../etc/cheque scan "front".pdf',
      contentType: 'application/pdf',
      contentBase64: PDF.toString('base64'),
    });
    expect(up.statusCode, up.body).toBe(201);
    const a = up.json();
    expect(a).toMatchObject({
      paymentId,
      filename: 'cheque scan front.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
    });

    expect((await api.ok('GET', `/api/v1/payments/${paymentId}/attachments`)).items).toEqual([a]);
    const dl = await viewer.req('GET', `/api/v1/payments/${paymentId}/attachments/${a.id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(PDF)).toBe(true);
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename="cheque_scan_front\.pdf"/);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');

    const dump = await dumpDatabase(t);
    expect(dump).not.toContain('CHQ-SECRET-4471');
    expect(dump).not.toContain('cheque scan front');
  });

  it('stores and serves the extension of the verified type, never the uploaded one', async () => {
    const inv = await issuedInvoice(api);
    const paymentId = (await api.ok('POST', `/api/v1/invoices/${inv.id}/payments`, { amount: 100, method: 'cash' })).id;
    const PNG = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from('rest of a png'),
    ]);
    const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('rest of a jpeg')]);
    const cases: Array<[string, string, Buffer, string]> = [
      ['statement.html', 'application/pdf', PDF, 'statement.pdf'],
      ['payload.pdf.exe', 'application/pdf', PDF, 'payload.pdf.pdf'],
      ['logo.svg', 'image/png', PNG, 'logo.png'],
      ['photo.JPEG', 'image/jpeg', JPEG, 'photo.jpg'],
      ['no extension', 'image/jpeg', JPEG, 'no extension.jpg'],
      ['.htaccess', 'application/pdf', PDF, 'htaccess.pdf'],
    ];
    for (const [filename, contentType, bytes, expected] of cases) {
      const up = await accountant.req('POST', `/api/v1/payments/${paymentId}/attachments`, {
        filename,
        contentType,
        contentBase64: bytes.toString('base64'),
      });
      expect(up.statusCode, up.body).toBe(201);
      expect(up.json().filename, filename).toBe(expected);
      const dl = await api.req('GET', `/api/v1/payments/${paymentId}/attachments/${up.json().id}`);
      expect(dl.headers['content-type']).toContain(contentType);
      expect(dl.headers['content-disposition'], filename).toContain(`filename="${expected.replace(/[^\w.-]/g, '_')}"`);
      expect(dl.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(expected)}`);
    }
    const listed = (await api.ok('GET', `/api/v1/payments/${paymentId}/attachments`)).items.map(
      (a: { filename: string }) => a.filename,
    );
    expect(listed.sort()).toEqual(cases.map((c) => c[3]).sort());
  });

  it('refuses a file whose bytes do not match its type, a viewer, and another tenant', async () => {
    const inv = await issuedInvoice(api);
    const paymentId = (await api.ok('POST', `/api/v1/invoices/${inv.id}/payments`, { amount: 100, method: 'cash' })).id;
    const html = Buffer.from('<html><script>alert(1)</script></html>').toString('base64');
    expectProblem(
      await accountant.req('POST', `/api/v1/payments/${paymentId}/attachments`, {
        filename: 'x.pdf',
        contentType: 'application/pdf',
        contentBase64: html,
      }),
      422,
      'unprocessable',
    );
    expectProblem(
      await accountant.req('POST', `/api/v1/payments/${paymentId}/attachments`, {
        filename: 'x.svg',
        contentType: 'image/svg+xml',
        contentBase64: html,
      }),
      400,
    );
    expectProblem(
      await viewer.req('POST', `/api/v1/payments/${paymentId}/attachments`, {
        filename: 'x.pdf',
        contentType: 'application/pdf',
        contentBase64: PDF.toString('base64'),
      }),
      403,
      'forbidden',
    );
    expectProblem(await other.req('GET', `/api/v1/payments/${paymentId}/attachments`), 404);
    expectProblem(
      await other.req('POST', `/api/v1/payments/${paymentId}/attachments`, {
        filename: 'x.pdf',
        contentType: 'application/pdf',
        contentBase64: PDF.toString('base64'),
      }),
      404,
    );
  });
});
