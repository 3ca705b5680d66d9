// Manual payments (cash, cheque, transfer received) recorded by staff, and their refunds.
// - A manual payment gets the same PAdES-signed receipt as a provider payment, in its booking
//   transaction: staff and the paying client (portal) download identical bytes, which poppler's
//   pdfsig reports valid (and invalid after a one-byte edit); another client gets 404.
// - Attack: refunding through the older invoice-level route (POST /api/v1/invoices/:id/refunds)
//   with an API token, or with a session that authenticated more than 5 minutes ago, is refused
//   with 401 step_up_required and books nothing; only a freshly authenticated session refunds.
// - Race: concurrent payments on one invoice all count (the invoice's row lock, on PostgreSQL).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { portalLogin, portalReq } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { addMember, staffSession } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { issuedInvoice, paymentsOf } from '../fakes/payments-fixture.ts';
import { itNeeds } from '../helpers/tools.ts';

function pdfsig(pdf: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sealbill-manual-receipt-')), 'receipt.pdf');
  writeFileSync(file, pdf);
  const r = spawnSync('pdfsig', [file], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

describeEachDb('payments: manual payments, receipts and refunds', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let smtp: TestSmtp;
  const clock = new FixedClock('2026-04-01T09:00:00Z');

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Cashbook GmbH');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  itNeeds(
    ['pdfsig', 'pdftotext'],
    'gives a manual payment the same signed receipt, for staff and in the portal',
    async () => {
      const inv = await issuedInvoice(api, { email: 'carol@cheque-payer.test' });
      const accountant = await addMember(t, api.orgId, 'accountant', 'acc@cashbook.test');
      const res = await accountant.req('POST', `/api/v1/invoices/${inv.id}/payments`, {
        amount: 50_000,
        method: 'cheque',
        reference: 'Cheque 000123',
      });
      expect(res.statusCode, res.body).toBe(201);
      const pay = res.json();
      expect(pay).toMatchObject({ kind: 'payment', method: 'cheque', provider: null, hasReceipt: true });

      const staffCopy = await api.req('GET', `/api/v1/payments/${pay.id}/receipt`);
      expect(staffCopy.statusCode).toBe(200);
      expect(staffCopy.headers['content-type']).toBe('application/pdf');
      expect(staffCopy.headers['content-disposition']).toMatch(/^attachment; filename="receipt-/);
      const out = pdfsig(staffCopy.rawPayload);
      expect(out).toMatch(/Signature #1/);
      expect(out).toMatch(/Signature Validation: Signature is Valid/);
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'sealbill-manual-receipt-')), 'r.pdf');
      writeFileSync(file, staffCopy.rawPayload);
      const text = execFileSync('pdftotext', [file, '-'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      // In the client's language (the org's de-DE by default), like its invoices.
      expect(text).toContain('Zahlungsbestätigung');
      expect(text).toContain('Cheque 000123');
      expect(text).toContain(`Zahlung zu Rechnung ${inv.number}`);

      // One byte changed inside the signed range: pdfsig no longer says valid.
      const tampered = Buffer.from(staffCopy.rawPayload);
      const at = tampered.indexOf('(Sealbill)') + 1;
      expect(at).toBeGreaterThan(0);
      tampered[at] = tampered[at]! ^ 0x01;
      expect(pdfsig(tampered)).not.toMatch(/Signature is Valid/);

      // The paying client sees it in the portal, byte-identical; another client of the org does not.
      const carol = await portalLogin(t.app, smtp, api.orgId, 'carol@cheque-payer.test');
      const listed = await portalReq(t.app, carol, 'GET', '/api/v1/portal/payments');
      expect(listed.json().items.find((p: { id: string }) => p.id === pay.id)).toMatchObject({
        hasReceipt: true,
        method: 'cheque',
      });
      const portalCopy = await portalReq(t.app, carol, 'GET', `/api/v1/portal/payments/${pay.id}/receipt`);
      expect(portalCopy.statusCode).toBe(200);
      expect(portalCopy.rawPayload.equals(staffCopy.rawPayload)).toBe(true);
      await issuedInvoice(api, { email: 'dave@other-payer.test' });
      const dave = await portalLogin(t.app, smtp, api.orgId, 'dave@other-payer.test');
      expectProblem(await portalReq(t.app, dave, 'GET', `/api/v1/portal/payments/${pay.id}/receipt`), 404);
    },
  );

  it('books concurrent payments on one invoice without losing one (the invoice row is locked)', async () => {
    // On PostgreSQL the requests run on separate connections: a read of the invoice that did not
    // wait for the other payments' lock would compute from a stale balance and lose an update.
    const inv = await issuedInvoice(api, { email: 'dora@many-payers.test' });
    const parts = 8;
    const share = Math.floor(inv.total / parts);
    const amounts = Array.from({ length: parts }, (_, i) =>
      i === parts - 1 ? inv.total - share * (parts - 1) : share,
    );
    const results = await Promise.all(
      amounts.map((amount) => api.req('POST', `/api/v1/invoices/${inv.id}/payments`, { amount, method: 'cash' })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(amounts.map(() => 201));
    const after = await api.ok('GET', `/api/v1/invoices/${inv.id}`);
    expect(after).toMatchObject({ status: 'paid', amountPaid: inv.total, amountDue: 0 });
  });

  it('refuses a manual refund by API token or stale session (step-up); a fresh session refunds once', async () => {
    const inv = await issuedInvoice(api);
    await api.ok('POST', `/api/v1/invoices/${inv.id}/payments`, { amount: inv.total, method: 'bank_transfer' });
    const url = `/api/v1/invoices/${inv.id}/refunds`;
    const stale = await staffSession(t, api.orgId, api.userId);

    // An API token can never step up, even the owner's with every scope.
    expectProblem(await api.req('POST', url, { amount: 10_000 }), 401, 'step_up_required');
    // A session whose sign-in is more than 5 minutes old (still within the 30-minute idle timeout).
    clock.advance(6 * 60_000);
    expect((await stale.req('GET', '/api/v1/auth/session')).statusCode).toBe(200);
    expectProblem(await stale.req('POST', url, { amount: 10_000 }), 401, 'step_up_required');
    // Nothing was booked by the refused attempts.
    expect((await paymentsOf(api, inv.id)).filter((p) => p.kind === 'refund')).toHaveLength(0);
    expect((await api.ok('GET', `/api/v1/invoices/${inv.id}`)).status).toBe('paid');

    const fresh = await staffSession(t, api.orgId, api.userId);
    const res = await fresh.req('POST', url, { amount: 10_000, method: 'bank_transfer', reference: 'Refund via SEPA' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'refund', amount: 10_000, appliedAmount: -10_000 });
    const after = await api.ok('GET', `/api/v1/invoices/${inv.id}`);
    expect([after.status, after.amountDue]).toEqual(['partially_paid', 10_000]);
    expect((await paymentsOf(api, inv.id)).filter((p) => p.kind === 'refund')).toHaveLength(1);
    const actions = (await api.ok('GET', '/api/v1/audit-events?limit=500')).items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions).toContain('payment.refunded');
  });
});
