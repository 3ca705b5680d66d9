// Paying by bank transfer: the pay page shows the org's current payout details, an ISO 11649 RF
// reference, the "unchanged since" date, and for EUR invoices an EPC069-12 QR code — decoded here
// by an independent reader (zbarimg) to prove a banking app would read the same transfer.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isValidCreditorReference } from '../../src/modules/payments/bank-transfer.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { IBAN, issuedInvoice, seedBankDetails } from '../fakes/payments-fixture.ts';
import { itNeeds } from '../helpers/tools.ts';

describeEachDb('bank transfer', (dialect) => {
  let t: TestInstance;
  let api: Api;
  const clock = new FixedClock('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock });
    api = await setupOrg(t.app, 'Transfer GmbH');
    await seedBankDetails(t, api.orgId);
  });
  afterAll(() => t?.close());

  async function viewOf(invoiceId: string): Promise<{ token: string; view: any }> {
    const link = await api.ok('POST', `/api/v1/invoices/${invoiceId}/pay-links`, {});
    const token = link.url.split('/pay/')[1];
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/pay/${token}` });
    expect(res.statusCode, res.body).toBe(200);
    return { token, view: res.json() };
  }

  it('shows the verified payout details, an RF reference and the EPC QR code for a EUR invoice', async () => {
    const inv = await issuedInvoice(api, { unitPrice: 148_095 });
    const { token, view } = await viewOf(inv.id);
    const bt = view.methods.bankTransfer;
    expect(bt).toMatchObject({
      accountHolder: 'Acme GmbH',
      iban: 'DE89 3704 0044 0532 0130 00',
      bic: 'COBADEFFXXX',
      bankName: 'Commerzbank',
      amount: inv.total,
      currency: 'EUR',
      unchangedSince: '2026-03-02T10:00:00.000Z',
    });
    expect(isValidCreditorReference(bt.reference)).toBe(true);
    expect(bt.reference.replace(/\s/g, '')).toMatch(new RegExp(`^RF\\d{2}${inv.number.replace(/\W/g, '')}$`));
    const lines = bt.qr.payload.split('\n');
    expect(lines.slice(0, 4)).toEqual(['BCD', '002', '1', 'SCT']);
    expect(lines[4]).toBe('COBADEFFXXX');
    expect(lines[5]).toBe('Acme GmbH');
    expect(lines[6]).toBe(IBAN);
    expect(lines[7]).toBe('EUR1480.95');
    expect(lines[9]).toBe(bt.reference.replace(/\s/g, ''));
    expect(bt.qr.svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

    const png = await t.app.inject({ method: 'GET', url: `/api/v1/pay/${token}/qr.png` });
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');

    const html = (await t.app.inject({ method: 'GET', url: `/pay/${token}` })).body;
    expect(html).toContain(`src="/api/v1/pay/${token}/qr.png"`);
    expect(html).toContain('data-copy="DE89370400440532013000"');
    // In the invoice's language (its client's: German, the org's default), dated as it writes dates.
    expect(html).toContain('Bankverbindung unverändert seit 02.03.2026.');
  });

  itNeeds(['zbarimg'], 'encodes exactly the EPC payload in the QR image (decoded by zbarimg)', async () => {
    const inv = await issuedInvoice(api, { unitPrice: 5_000 });
    const { token, view } = await viewOf(inv.id);
    const png = await t.app.inject({ method: 'GET', url: `/api/v1/pay/${token}/qr.png` });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sealbill-qr-')), 'qr.png');
    writeFileSync(file, png.rawPayload);
    const decoded = execFileSync('zbarimg', ['--raw', '-q', '-Sbinary', file], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString('utf8')
      .replace(/\n$/, '');
    expect(decoded).toBe(view.methods.bankTransfer.qr.payload);
  });

  it('gives no QR code for other currencies, and no bank block when transfers are switched off', async () => {
    const usd = await issuedInvoice(api, { currency: 'USD' });
    const { view } = await viewOf(usd.id);
    expect(view.methods.bankTransfer.qr).toBeNull();
    expect(view.methods.bankTransfer.currency).toBe('USD');

    await api.ok('PATCH', '/api/v1/payment-settings', { bankTransfer: false });
    try {
      const eur = await issuedInvoice(api);
      const { token, view: off } = await viewOf(eur.id);
      expect(off.methods.bankTransfer).toBeNull();
      expectProblem(await t.app.inject({ method: 'GET', url: `/api/v1/pay/${token}/qr.png` }), 404);
    } finally {
      await api.ok('PATCH', '/api/v1/payment-settings', { bankTransfer: true });
    }
  });

  it('shows the current details after a payout change, with the new "unchanged since" date', async () => {
    const inv = await issuedInvoice(api);
    clock.advance(3 * 86_400_000);
    await t.container.db.transaction().execute((tx) =>
      t.container.services.orgs.setPayoutInTx(
        tx,
        api.orgId,
        {
          accountHolder: 'Transfer GmbH',
          iban: 'GB29NWBK60161331926819',
          bic: 'NWBKGB2L',
          bankName: null,
          accountNumber: null,
          routingNumber: null,
        },
        { type: 'system', id: 'test' },
      ),
    );
    const { view } = await viewOf(inv.id);
    expect(view.methods.bankTransfer.iban).toBe('GB29 NWBK 6016 1331 9268 19');
    expect(view.methods.bankTransfer.unchangedSince).toBe('2026-03-05T10:00:00.000Z');
  });
});
