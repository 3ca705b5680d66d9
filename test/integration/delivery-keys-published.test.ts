// An organization's delivery keys are published before its first delivery, so clients can pin
// them in advance (issue #10 item 16). They used to be created only by the first sending: the
// public key endpoint answered 404 for a new organization. Now its first read creates them (once:
// concurrent first readers agree), and the first delivery signs with exactly the keys pinned.
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyEvidenceCertificate } from '../../src/modules/delivery/evidence.chain.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

type Published = {
  evidence: { keyId: string; publicKeyPem: string };
  openpgp: { fingerprint: string; armored: string };
};

describeEachDb('delivery keys published before the first delivery', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'Acme Billing <billing@acme.test>' },
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const published = async (orgId: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1/public/orgs/${orgId}/delivery-keys` });

  it('a brand-new organization publishes both keys at once, the same on every read, and 404 stays for unknown ones', async () => {
    const api = await setupOrg(t.app, 'Fresh Pin Ltd');
    const reads = await Promise.all([published(api.orgId), published(api.orgId), published(api.orgId)]);
    for (const r of reads) expect(r.statusCode, r.body).toBe(200);
    const first = reads[0]!.json() as Published;
    expect(first.evidence.keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(first.openpgp.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    for (const r of reads) expect(r.json()).toEqual(first);
    expect((await published(api.orgId)).json()).toEqual(first);
    const rows = await t.container.db
      .selectFrom('delivery_keys')
      .select('purpose')
      .where('org_id', '=', api.orgId)
      .execute();
    expect(rows.map((r) => r.purpose).sort()).toEqual(['evidence', 'openpgp']);
    const generated = await t.container.db
      .selectFrom('audit_events')
      .select('object_id')
      .where('org_id', '=', api.orgId)
      .where('action', '=', 'delivery_key.generated')
      .execute();
    expect(generated.map((g) => g.object_id).sort()).toEqual(['evidence', 'openpgp']);
    expect((await published('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('the first deliveries use exactly the keys pinned beforehand', async () => {
    const api: Api = await setupOrg(t.app, 'Pinned Ltd');
    const pinned = (await published(api.orgId)).json() as Published;

    // Evidence: the first certificate is signed by the pinned key and verifies with it alone.
    const { invoice } = await clientWithInvoice(api, { email: 'pin-notice@zeta.test' });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'notice-only' }, 201);
    const cert = (await api.req('GET', `/api/v1/deliveries/${d.id}/certificate.json`)).json();
    expect(cert.key.keyId).toBe(pinned.evidence.keyId);
    expect(verifyEvidenceCertificate(cert, pinned.evidence.publicKeyPem)).toMatchObject({ ok: true });

    // OpenPGP: the first encrypted mail is signed by the pinned key.
    const clientKey = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Zoe', email: 'pin-pgp@zeta.test' }],
      date: new Date(Date.now() - 86_400_000),
      format: 'armored',
    });
    const { client, invoice: second } = await clientWithInvoice(api, { email: 'pin-pgp@zeta.test' });
    await api.ok('PUT', `/api/v1/clients/${client.id}/keys`, { openpgpPublicKey: clientKey.publicKey });
    const sent = await api.ok('POST', `/api/v1/invoices/${second.id}/send`, { mode: 'openpgp' }, 201);
    expect(sent.status).toBe('relayed');
    const mail = await smtp.waitFor((m) => m.to.includes('pin-pgp@zeta.test'));
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(mail.raw.toString('utf8'))![0];
    const { data, signatures } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: armored }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: clientKey.privateKey }),
      verificationKeys: await openpgp.readKey({ armoredKey: pinned.openpgp.armored }),
      expectSigned: true,
    });
    expect(await signatures[0]!.verified).toBe(true);
    expect(String(data)).toContain('application/pdf');
    expect((await published(api.orgId)).json()).toEqual(pinned);
  });
});
