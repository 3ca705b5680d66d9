// Each delivery mode end to end through a real SMTP server on loopback, checked from the outside:
// what arrives is parsed (mailparser); PGP/MIME is opened with GnuPG and S/MIME with `openssl cms`,
// never with our own code, and the wrong recipient key must fail.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice, openssl, portalLogin, portalReq, run, scratchDir } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { itNeeds, usable } from '../helpers/tools.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const armoredBlock = (raw: Buffer) =>
  /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(raw.toString('utf8'))![0];

describeEachDb('delivery modes', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let clock: FixedClock;
  const tmp = scratchDir('delivery');

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock(new Date());
    t = await createTestInstance(dialect, {
      clock,
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'Acme Billing <billing@acme.test>' },
    });
    api = await setupOrg(t.app);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    tmp.cleanup();
  });

  it('notice-only: number, amount and fingerprint only; no attachment, link, or client data', async () => {
    const { invoice } = await clientWithInvoice(api, { email: 'notice@zeta.test' });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'notice-only' }, 201);
    expect(d.status).toBe('relayed');
    expect(d.mode).toBe('notice-only');
    const mail = await smtp.waitFor((m) => m.to.includes('notice@zeta.test'));
    const text = mail.parsed.text ?? '';
    expect(mail.parsed.attachments).toHaveLength(0);
    expect(mail.parsed.html).toBeFalsy();
    expect(text).toContain(invoice.number);
    expect(text).toMatch(/1[.,]234[.,]56/);
    // The fingerprint printed on the PDF (verification module), not a second value of its own,
    // under the PDF's own label in the client's language (German, the org's default).
    expect(text).toMatch(/Fingerabdruck: [A-Z2-7]{4}(-[A-Z2-7]{4}){3}\n/);
    for (const secret of ['Zeta Consulting', 'Secret Street', 'Hiddenville', 'Confidential consulting', 'http', 'Zoe'])
      expect(mail.raw.toString()).not.toContain(secret);
    // The relayed event carries the relay's acceptance reply and queue id.
    const relayed = d.events.find((e: { type: string }) => e.type === 'relayed');
    expect(relayed.data.relayResponse).toMatch(/^250 .*queued as TEST\d+/);
    expect(relayed.data.queueId).toMatch(/^TEST\d+$/);
    expect((await api.ok('GET', `/api/v1/invoices/${invoice.id}`)).status).toBe('sent');
  });

  it('one fingerprint per document: the notice, the PDF, the verification API and the portal agree', async () => {
    const { invoice } = await clientWithInvoice(api, { email: 'same@zeta.test' });
    await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'notice-only' }, 201);
    const mail = await smtp.waitFor(
      (m) => m.to.includes('same@zeta.test') && /Fingerabdruck/.test(m.parsed.text ?? ''),
    );
    const fingerprint = /Fingerabdruck: (\S+)/.exec(mail.parsed.text ?? '')![1]!;
    const pdf = (await api.req('GET', `/api/v1/invoices/${invoice.id}/pdf`)).rawPayload;
    const verified = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify/pdf',
      headers: { 'content-type': 'application/pdf' },
      payload: pdf,
    });
    expect(verified.json()).toMatchObject({ authentic: true, unaltered: true });
    expect(verified.json().document.fingerprint).toBe(fingerprint);
    if (usable(['pdftotext'], 'the fingerprint read from the PDF with pdftotext')) {
      writeFileSync(tmp.file('same.pdf'), pdf);
      // The PDF is in its client's language (the org's de-DE here), the mail in English.
      expect(run('pdftotext', [tmp.file('same.pdf'), '-']).stdout.toString()).toContain(
        `Fingerabdruck: ${fingerprint}`,
      );
    }
    const s = await portalLogin(t.app, smtp, api.orgId, 'same@zeta.test');
    expect((await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${invoice.id}`)).json().fingerprint).toBe(
      fingerprint,
    );
  });

  it('portal link: single use, expiring, revocable', async () => {
    const { invoice } = await clientWithInvoice(api, { email: 'link@zeta.test' });
    const token = async () => {
      const before = smtp.messages.length;
      const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'portal-link' }, 201);
      const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes('link@zeta.test'));
      expect(mail.parsed.attachments).toHaveLength(0);
      const m = /\/portal\/open#t=([A-Za-z0-9_-]{43})/.exec(mail.parsed.text ?? '');
      expect(m).not.toBeNull();
      return { deliveryId: d.id as string, token: m![1]! };
    };
    const exchange = (tok: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/portal/auth/link', payload: { token: tok } });

    const first = await token();
    const ok = await exchange(first.token);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().documentId).toBe(invoice.id);
    expectProblem(await exchange(first.token), 401, 'unauthenticated');
    const after = await api.ok('GET', `/api/v1/deliveries/${first.deliveryId}`);
    expect(after.events.map((e: { type: string }) => e.type)).toEqual(['submitted', 'relayed', 'accessed']);

    const revoked = await token();
    const r = await api.ok('POST', `/api/v1/deliveries/${revoked.deliveryId}/revoke`);
    expect(r.status).toBe('revoked');
    expectProblem(await exchange(revoked.token), 401);

    const expiring = await token();
    const now = clock.now();
    clock.advance(7 * 24 * 3_600_000 + 1000);
    expectProblem(await exchange(expiring.token), 401);
    clock.set(now);
  });

  itNeeds(['gpg'], 'OpenPGP: GnuPG decrypts and reports a good signature; another key cannot decrypt', async () => {
    const { client, invoice } = await clientWithInvoice(api, { email: 'pgp@zeta.test' });
    const past = new Date(clock.now().getTime() - 86_400_000);
    const clientKey = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Zoe', email: 'pgp@zeta.test' }],
      date: past,
      format: 'armored',
    });
    expectProblem(
      await api.req('PUT', `/api/v1/clients/${client.id}/keys`, { openpgpPublicKey: clientKey.privateKey }),
      422,
    );
    const keys = await api.ok('PUT', `/api/v1/clients/${client.id}/keys`, { openpgpPublicKey: clientKey.publicKey });
    expect(keys.openpgp.usable).toBe(true);

    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'openpgp' }, 201);
    expect(d.status, JSON.stringify(d.events)).toBe('relayed');
    const mail = await smtp.waitFor((m) => m.to.includes('pgp@zeta.test'));
    expect(mail.raw.toString()).toMatch(/Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted"/);
    expect(mail.raw.toString()).not.toContain(invoice.number);
    const published = await t.app.inject({ method: 'GET', url: `/api/v1/public/orgs/${api.orgId}/delivery-keys` });
    writeFileSync(tmp.file('org.asc'), published.json().openpgp.armored);
    writeFileSync(tmp.file('client.asc'), clientKey.privateKey);
    writeFileSync(tmp.file('msg.asc'), armoredBlock(mail.raw));

    const home = scratchDir('gnupg');
    const env = { GNUPGHOME: home.dir };
    const imported = run('gpg', ['--batch', '--import', tmp.file('client.asc'), tmp.file('org.asc')], { env });
    expect(imported.status, imported.stderr.toString()).toBe(0);
    const dec = run('gpg', ['--batch', '--status-fd', '2', '--decrypt', tmp.file('msg.asc')], { env });
    const status = dec.stderr.toString();
    expect(dec.status, status).toBe(0);
    expect(status).toContain('[GNUPG:] GOODSIG');
    expect(status).toContain('Good signature from "Acme GmbH <billing@acme.test>"');
    expect(status).toContain('[GNUPG:] DECRYPTION_OKAY');
    const inner = await simpleParser(dec.stdout);
    const pdf = inner.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(sha256(pdf.content)).toBe(d.documentSha256);
    expect(inner.text).toContain(invoice.number);
    home.cleanup();

    const other = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Mallory', email: 'mallory@evil.test' }],
      date: past,
      format: 'armored',
    });
    const home2 = scratchDir('gnupg2');
    writeFileSync(tmp.file('other.asc'), other.privateKey);
    run('gpg', ['--batch', '--import', tmp.file('other.asc')], { env: { GNUPGHOME: home2.dir } });
    const bad = run('gpg', ['--batch', '--status-fd', '2', '--decrypt', tmp.file('msg.asc')], {
      env: { GNUPGHOME: home2.dir },
    });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.toString()).not.toContain('DECRYPTION_OKAY');
    home2.cleanup();
  });

  itNeeds(['openssl'], 'S/MIME: openssl cms decrypts and verifies; another key cannot decrypt', async () => {
    const { client, invoice } = await clientWithInvoice(api, { email: 'smime@zeta.test' });
    for (const who of ['client', 'other']) {
      openssl([
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        tmp.file(`${who}.key`),
        '-out',
        tmp.file(`${who}.crt`),
        '-subj',
        `/CN=${who}/emailAddress=${who}@zeta.test`,
        '-days',
        '30',
      ]);
    }
    const { readFileSync } = await import('node:fs');
    await api.ok('PUT', `/api/v1/clients/${client.id}/keys`, {
      smimeCertificatePem: readFileSync(tmp.file('client.crt'), 'utf8'),
    });
    const d = await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'smime' }, 201);
    expect(d.status, JSON.stringify(d.events)).toBe('relayed');
    const mail = await smtp.waitFor((m) => m.to.includes('smime@zeta.test'));
    expect(mail.raw.toString()).toMatch(/application\/pkcs7-mime; smime-type=enveloped-data/);
    writeFileSync(tmp.file('mail.eml'), mail.raw);
    const identity = await t.container.services.signing.describe(api.orgId);
    writeFileSync(tmp.file('org.crt'), identity.certificatePem);

    const dec = run('openssl', [
      'cms',
      '-decrypt',
      '-in',
      tmp.file('mail.eml'),
      '-recip',
      tmp.file('client.crt'),
      '-inkey',
      tmp.file('client.key'),
      '-out',
      tmp.file('signed.eml'),
    ]);
    expect(dec.status, dec.stderr.toString()).toBe(0);
    const ver = run('openssl', [
      'cms',
      '-verify',
      '-in',
      tmp.file('signed.eml'),
      '-CAfile',
      tmp.file('org.crt'),
      '-out',
      tmp.file('content.eml'),
    ]);
    expect(ver.status, ver.stderr.toString()).toBe(0);
    expect(ver.stderr.toString()).toContain('Verification successful');
    const inner = await simpleParser(readFileSync(tmp.file('content.eml')));
    expect(sha256(inner.attachments.find((a) => a.contentType === 'application/pdf')!.content)).toBe(d.documentSha256);

    const bad = run('openssl', [
      'cms',
      '-decrypt',
      '-in',
      tmp.file('mail.eml'),
      '-recip',
      tmp.file('other.crt'),
      '-inkey',
      tmp.file('other.key'),
      '-out',
      tmp.file('x.eml'),
    ]);
    expect(bad.status).not.toBe(0);
  });

  it('refuses modes the client is not set up for, and drafts', async () => {
    const { invoice } = await clientWithInvoice(api, { email: 'nokeys@zeta.test' });
    expectProblem(await api.req('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'openpgp' }), 422);
    expectProblem(await api.req('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'smime' }), 422);
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: invoice.clientId,
      lines: [{ description: 'x', quantity: '1', unitPrice: 100 }],
    });
    expectProblem(await api.req('POST', `/api/v1/invoices/${draft.id}/send`, {}), 422);
  });
});

describe('mime helpers', () => {
  it('keeps signed part bytes intact inside multipart', async () => {
    const { multipartEntity } = await import('../../src/modules/delivery/mime.ts');
    const part = Buffer.from('Content-Type: text/plain\r\n\r\nhello\r\n');
    const whole = multipartEntity('signed', [part, Buffer.from('Content-Type: text/plain\r\n\r\nsig\r\n')], {}, 'B');
    expect(whole.toString()).toContain(`--B\r\n${part.toString()}\r\n--B\r\n`);
  });
});

describe('DKIM', () => {
  it('signs every outgoing delivery when a DKIM key is configured, raw PGP/MIME included', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const dir = scratchDir('dkim');
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    writeFileSync(dir.file('dkim.pem'), key);
    const smtp = await startTestSmtp();
    const t = await createTestInstance('sqlite', {
      env: {
        SEALBILL_SMTP_URL: smtp.url,
        SEALBILL_MAIL_FROM: 'Acme <billing@acme.test>',
        SEALBILL_DKIM_DOMAIN: 'acme.test',
        SEALBILL_DKIM_SELECTOR: 'mail2026',
        SEALBILL_DKIM_PRIVATE_KEY_FILE: dir.file('dkim.pem'),
      },
    });
    try {
      const api = await setupOrg(t.app);
      const { client, invoice } = await clientWithInvoice(api, { email: 'dkim@zeta.test' });
      await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'notice-only' }, 201);
      const k = await openpgp.generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ email: 'dkim@zeta.test' }],
        date: new Date(Date.now() - 60_000),
        format: 'armored',
      });
      await api.ok('PUT', `/api/v1/clients/${client.id}/keys`, { openpgpPublicKey: k.publicKey });
      await api.ok('POST', `/api/v1/invoices/${invoice.id}/send`, { mode: 'openpgp' }, 201);
      await smtp.waitFor(() => smtp.messages.length >= 2);
      for (const m of smtp.messages) {
        const header = /^DKIM-Signature: ([\s\S]+?)\r\n(?!\s)/m.exec(m.raw.toString())?.[1] ?? '';
        expect(header).toMatch(/d=acme\.test/);
        expect(header).toMatch(/s=mail2026/);
        expect(header).toMatch(/bh=[A-Za-z0-9+/=]+/);
      }
    } finally {
      await t.close();
      await smtp.close();
      dir.cleanup();
    }
  });
});
