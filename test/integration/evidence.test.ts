// Certified delivery evidence: the exported certificate verifies offline with only the org's
// published key; tampering with, dropping or reordering events breaks it; the relayed event holds
// the relay's reply; a rejected recipient and a later bounce are recorded as signed evidence.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/modules/audit/audit.chain.ts';
import { verifyEvidenceCertificate, type EvidenceCertificate } from '../../src/modules/delivery/evidence.chain.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice, run, scratchDir } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { describeNeeds, itNeeds, usable } from '../helpers/tools.ts';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describeEachDb('delivery evidence', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let cert: EvidenceCertificate;
  let publicKeyPem: string;
  let deliveryId: string;
  const tmp = scratchDir('evidence');

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, { env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app);
    const { invoice } = await clientWithInvoice(api, { email: 'evidence@zeta.test' });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'notice-only' }, 201);
    deliveryId = d.id;
    await api.ok('POST', `/api/v1/deliveries/${deliveryId}/bounce`, { diagnostic: '550 5.1.1 mailbox full' });
    const res = await api.req('GET', `/api/v1/deliveries/${deliveryId}/certificate.json`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment/);
    cert = res.json();
    const keys = await t.app.inject({ method: 'GET', url: `/api/v1/public/orgs/${api.orgId}/delivery-keys` });
    publicKeyPem = keys.json().evidence.publicKeyPem;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    tmp.cleanup();
  });

  it('verifies offline with only the published key', () => {
    const check = verifyEvidenceCertificate(clone(cert), publicKeyPem);
    expect(check).toMatchObject({ ok: true, events: 3, types: ['submitted', 'relayed', 'bounced'] });
    const [submitted, relayed, bounced] = cert.events;
    expect(submitted!.content.data).toMatchObject({
      documentSha256: cert.delivery.documentSha256,
      recipient: 'evidence@zeta.test',
      mode: 'notice-only',
    });
    expect(relayed!.content.data.relayResponse).toMatch(/^250 .*queued as TEST\d+/);
    expect(relayed!.content.data.queueId).toMatch(/^TEST\d+$/);
    expect(bounced!.content.data.diagnostic).toBe('550 5.1.1 mailbox full');
  });

  itNeeds(['openssl'], 'each event signature also verifies with openssl (Ed25519, raw input)', () => {
    writeFileSync(tmp.file('pub.pem'), publicKeyPem);
    for (const e of cert.events) {
      writeFileSync(tmp.file('event.json'), canonicalJson(e.content));
      writeFileSync(tmp.file('event.sig'), Buffer.from(e.signature, 'base64url'));
      const r = run('openssl', [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        tmp.file('pub.pem'),
        '-rawin',
        '-in',
        tmp.file('event.json'),
        '-sigfile',
        tmp.file('event.sig'),
      ]);
      expect(r.status, r.stderr.toString() + r.stdout.toString()).toBe(0);
    }
  });

  it('`sealbill evidence-verify` checks a certificate file offline', () => {
    writeFileSync(tmp.file('cert.json'), JSON.stringify(cert));
    writeFileSync(tmp.file('key.pem'), publicKeyPem);
    const env = { SEALBILL_DATA_DIR: tmp.dir, SEALBILL_LOG_LEVEL: 'silent' };
    const ok = run(
      'node',
      ['bin/sealbill.js', 'evidence-verify', tmp.file('cert.json'), '--key', tmp.file('key.pem')],
      { env },
    );
    expect(ok.status, ok.stderr.toString()).toBe(0);
    expect(ok.stdout.toString()).toMatch(/^OK: delivery .* 3 signed events \(submitted, relayed, bounced\)/);
    const bad = clone(cert);
    bad.events[1]!.content.at = '2000-01-01T00:00:00.000Z';
    writeFileSync(tmp.file('bad.json'), JSON.stringify(bad));
    const no = run('node', ['bin/sealbill.js', 'evidence-verify', tmp.file('bad.json'), '--key', tmp.file('key.pem')], {
      env,
    });
    expect(no.status).not.toBe(0);
    expect(no.stderr.toString()).toMatch(/INVALID .*event 2/);
  });

  it('tampering, dropping, reordering or another key breaks verification', () => {
    const edited = clone(cert);
    edited.events[0]!.content.data.recipient = 'someone-else@evil.test';
    expect(verifyEvidenceCertificate(edited, publicKeyPem)).toMatchObject({ ok: false, seq: 1 });

    // Re-hashing the edited event does not help: the signature no longer matches.
    const rehashed = clone(edited);
    rehashed.events[0]!.hash = createHash('sha256').update(canonicalJson(rehashed.events[0]!.content)).digest('hex');
    expect(verifyEvidenceCertificate(rehashed, publicKeyPem).ok).toBe(false);

    const dropped = clone(cert);
    dropped.events.splice(1, 1);
    expect(verifyEvidenceCertificate(dropped, publicKeyPem).ok).toBe(false);

    const reordered = clone(cert);
    reordered.events.reverse();
    expect(verifyEvidenceCertificate(reordered, publicKeyPem).ok).toBe(false);

    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyEvidenceCertificate(clone(cert), other)).toMatchObject({ ok: false });

    const docSwap = clone(cert);
    docSwap.delivery.documentSha256 = '0'.repeat(64);
    expect(verifyEvidenceCertificate(docSwap, publicKeyPem).ok).toBe(false);
  });

  it('tampering with a stored event is detected when the chain is read back', async () => {
    const row = await t.container.db
      .selectFrom('delivery_events')
      .selectAll()
      .where('delivery_id', '=', deliveryId)
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    const flipped = row.hash.slice(0, -1) + (row.hash.endsWith('0') ? '1' : '0');
    await t.container.db.updateTable('delivery_events').set({ hash: flipped }).where('id', '=', row.id).execute();
    const res = await api.req('GET', `/api/v1/deliveries/${deliveryId}/certificate.json`);
    expect(verifyEvidenceCertificate(res.json(), publicKeyPem)).toMatchObject({ ok: false, seq: 2 });
    await t.container.db.updateTable('delivery_events').set({ hash: row.hash }).where('id', '=', row.id).execute();
  });

  it('exports a signed PDF certificate that embeds the JSON', async () => {
    const res = await api.req('GET', `/api/v1/deliveries/${deliveryId}/certificate.pdf`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="delivery-/);
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    writeFileSync(tmp.file('cert.pdf'), pdf);
    if (usable(['pdfdetach'], 'the certificate JSON extracted with pdfdetach')) {
      const out = tmp.file('embedded.json');
      expect(run('pdfdetach', ['-savefile', 'delivery-certificate.json', '-o', out, tmp.file('cert.pdf')]).status).toBe(
        0,
      );
      const embedded = JSON.parse(readFileSync(out, 'utf8'));
      expect(verifyEvidenceCertificate(embedded, publicKeyPem).ok).toBe(true);
    }
    if (usable(['pdfsig'], 'the certificate PDF checked with pdfsig')) {
      const sig = run('pdfsig', [tmp.file('cert.pdf')]);
      expect(sig.stdout.toString()).toMatch(/Signature Validation: Signature is Valid/);
    }
  });
});

describe('delivery evidence when the relay refuses', () => {
  it('records a failed event with the relay error', async () => {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        const err = Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 });
        callback(address.address.startsWith('nobody@') ? err : undefined);
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.server.address() as AddressInfo).port;
    const t = await createTestInstance('sqlite', {
      env: { SEALBILL_SMTP_URL: `smtp://127.0.0.1:${port}?starttls=never` },
    });
    try {
      const api = await setupOrg(t.app);
      const { invoice } = await clientWithInvoice(api, { email: 'nobody@zeta.test' });
      // Only the refused contact (the client's billing email, a second recipient, would be accepted).
      const d = await api.ok(
        'POST',
        `/api/v1/invoices/${invoice.id}/send`,
        { mode: 'notice-only', includeBillingEmail: false },
        201,
      );
      expect(d.status).toBe('failed');
      expect(d.error).toMatch(/550/);
      expect(d.events.map((e: { type: string }) => e.type)).toEqual(['submitted', 'failed']);
      expect(d.events[1].data).toMatchObject({ stage: 'relay', responseCode: 550 });
      expect((await api.ok('GET', `/api/v1/invoices/${invoice.id}`)).status).toBe('issued');
      const cert = await api.ok('GET', `/api/v1/deliveries/${d.id}/certificate.json`);
      const keys = await t.app.inject({ method: 'GET', url: `/api/v1/public/orgs/${api.orgId}/delivery-keys` });
      expect(verifyEvidenceCertificate(cert, keys.json().evidence.publicKeyPem).ok).toBe(true);
    } finally {
      await t.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describeNeeds(['openssl'], 'delivery evidence with RFC 3161 timestamps', () => {
  it('timestamps each event; openssl ts verifies the token over the event hash', async () => {
    const { startTestTsa } = await import('../helpers/tsa.ts');
    const tsa = await startTestTsa();
    const smtp = await startTestSmtp();
    const t = await createTestInstance('sqlite', {
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_TSA_URL: tsa.url, SEALBILL_EVIDENCE_TIMESTAMPS: 'true' },
    });
    const dir = scratchDir('evidence-tsa');
    try {
      const api = await setupOrg(t.app);
      const { invoice } = await clientWithInvoice(api, { email: 'tsa@zeta.test' });
      const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'notice-only' }, 201);
      expect(d.events.map((e: { timestamped: boolean }) => e.timestamped)).toEqual([true, true]);
      const cert: EvidenceCertificate = await api.ok('GET', `/api/v1/deliveries/${d.id}/certificate.json`);
      writeFileSync(dir.file('tsa.crt'), tsa.certPem);
      for (const e of cert.events) {
        writeFileSync(dir.file('token.der'), Buffer.from(e.timestampToken!, 'base64'));
        const r = run('openssl', [
          'ts',
          '-verify',
          '-digest',
          e.hash,
          '-in',
          dir.file('token.der'),
          '-token_in',
          '-CAfile',
          dir.file('tsa.crt'),
        ]);
        expect(r.status, r.stderr.toString() + r.stdout.toString()).toBe(0);
      }
    } finally {
      await t.close();
      await smtp.close();
      await tsa.close();
      dir.cleanup();
    }
  });
});
