// Mail that was not sent must not be shown as sent (issue #10 §22). With no SMTP relay configured
// every message is a file in the outbox and reaches nobody: the sending's status and its signed
// evidence say "saved_to_outbox" (never "relayed"), the document is not marked sent, the evidence
// certificate (JSON and PDF) names it so, and the test email reports it instead of "ok".
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { staffSession } from '../helpers/session.ts';
import { verifyEvidenceCertificate } from '../../src/modules/delivery/evidence.chain.ts';

describeEachDb('no SMTP: saved to the outbox, not sent', (dialect) => {
  let t: TestInstance;
  let api: Api;

  beforeAll(async () => {
    t = await createTestInstance(dialect); // no SEALBILL_SMTP_URL: the outbox
    api = await setupOrg(t.app, 'Outbox Ltd');
  });
  afterAll(() => t?.close());

  it('records saved_to_outbox for every recipient, never relayed, and leaves the document unsent', async () => {
    expect(t.container.mailer.transport).toBe('outbox');
    const { invoice } = await clientWithInvoice(api, { email: 'zoe@zeta.test' });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'notice-only' }, 201);
    for (const x of [d, ...d.alsoDelivered]) {
      expect(x.status).toBe('saved_to_outbox');
      expect(x.events.map((e: { type: string }) => e.type)).toEqual(['submitted', 'saved_to_outbox']);
      expect(x.events[1].data).toMatchObject({
        transport: 'outbox',
        sent: false,
        note: expect.stringMatching(/not sent: configure SMTP/),
      });
      expect(JSON.stringify(x)).not.toContain('relayed');
    }
    expect(d.alsoDelivered.map((x: { recipient: string }) => x.recipient)).toEqual(['accounts@zeta.test']);
    expect((await api.ok('GET', `/api/v1/invoices/${invoice.id}`)).status).toBe('issued');

    const history = (await api.ok('GET', `/api/v1/invoices/${invoice.id}/deliveries`)).items;
    expect(history.map((h: { status: string }) => h.status)).toEqual(['saved_to_outbox', 'saved_to_outbox']);
    const cert = await api.ok('GET', `/api/v1/deliveries/${d.id}/certificate.json`);
    const keys = await t.app.inject({ method: 'GET', url: `/api/v1/public/orgs/${api.orgId}/delivery-keys` });
    expect(verifyEvidenceCertificate(cert, keys.json().evidence.publicKeyPem)).toMatchObject({
      ok: true,
      types: ['submitted', 'saved_to_outbox'],
    });
    const pdf = await api.req('GET', `/api/v1/deliveries/${d.id}/certificate.pdf`);
    expect(pdf.statusCode).toBe(200);
    const audit = (await api.ok('GET', '/api/v1/audit-events?action=delivery.saved_to_outbox')).items;
    expect(audit.length).toBe(2);
  });

  it('the test email says saved to the outbox, not sent', async () => {
    const owner = await staffSession(t, api.orgId, api.userId);
    const r = await owner.req('POST', '/api/v1/security/email/test', {});
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ ok: false, outcome: 'saved_to_outbox', error: expect.stringMatching(/not sent/) });
  });
});
