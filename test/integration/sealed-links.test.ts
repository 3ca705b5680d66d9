// Sealed links: the server holds only ciphertext; the key lives in the URL fragment. A reference
// decryption with WebCrypto (globalThis.crypto.subtle, as in a browser) proves the format; then
// expiry, download limits, revocation and the emailed one-time code gate are attacked. The link
// carries the client's language (?lang=, read by the page before anything is fetched) and the code
// email speaks it (issue #15 item 4).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

/** What the browser does: fetch /api/v1/sealed/:id, take the key from location.hash, decrypt. */
async function browserDecrypt(payload: { ciphertext: string; aad: string }, keyB64url: string): Promise<Buffer> {
  const subtle = globalThis.crypto.subtle;
  const blob = Buffer.from(payload.ciphertext, 'base64url');
  const key = await subtle.importKey('raw', Buffer.from(keyB64url, 'base64url'), { name: 'AES-GCM' }, false, [
    'decrypt',
  ]);
  const plain = await subtle.decrypt(
    {
      name: 'AES-GCM',
      iv: blob.subarray(0, 12),
      additionalData: new TextEncoder().encode(payload.aad),
      tagLength: 128,
    },
    key,
    blob.subarray(12),
  );
  return Buffer.from(plain);
}

function parseLink(url: string): { id: string; lang: string; key: string } {
  const m = /\/s\/([0-9a-f-]{36})\?lang=([A-Za-z0-9-]+)#k=([A-Za-z0-9_-]{43})$/.exec(url);
  if (!m) throw new Error(`not a sealed link: ${url}`);
  return { id: m[1]!, lang: m[2]!, key: m[3]! };
}

describeEachDb('sealed links', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let clock: FixedClock;
  let invoiceId: string;
  let contactId: string;
  let pdf: Buffer;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock(new Date());
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app);
    const r = await clientWithInvoice(api, { email: 'sealed@zeta.test' });
    invoiceId = r.invoice.id;
    contactId = r.contactId;
    pdf = (await api.req('GET', `/api/v1/invoices/${invoiceId}/pdf`)).rawPayload;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  const open = (id: string) => t.app.inject({ method: 'GET', url: `/api/v1/sealed/${id}` });

  it('decrypts in the browser with the fragment key; the server never stores the key', async () => {
    const link = await api.ok('POST', `/api/v1/invoices/${invoiceId}/sealed-links`, { maxDownloads: 2 }, 201);
    const { id, key } = parseLink(link.url);
    expect(link.url.startsWith(`${t.config.publicUrl}/s/`)).toBe(true);

    const res = await open(id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const payload = res.json();
    expect(payload.format).toBe('sealbill-sealed-link-v1');
    expect(payload.downloadsLeft).toBe(1);
    expect((await browserDecrypt(payload, key)).equals(pdf)).toBe(true);

    // A wrong key, or this ciphertext presented as another link's, fails authentication.
    await expect(browserDecrypt(payload, Buffer.alloc(32, 7).toString('base64url'))).rejects.toThrow();
    await expect(browserDecrypt({ ...payload, aad: 'sealbill-sealed-link-v1|other' }, key)).rejects.toThrow();

    // Nowhere in the database: not in the link row, evidence, deliveries or the audit log.
    const db = t.container.db;
    const dump = JSON.stringify([
      await db.selectFrom('sealed_links').selectAll().execute(),
      await db.selectFrom('delivery_events').selectAll().execute(),
      await db.selectFrom('deliveries').selectAll().execute(),
      await db.selectFrom('audit_events').selectAll().execute(),
      await api.ok('GET', `/api/v1/deliveries/${link.deliveryId}`),
    ]);
    const rawKey = Buffer.from(key, 'base64url');
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(rawKey.toString('hex'));
    expect(dump).not.toContain(rawKey.toString('base64'));

    // Second download allowed, the third is over the limit.
    expect((await open(id)).statusCode).toBe(200);
    expectProblem(await open(id), 404, 'not_found');
    const d = await api.ok('GET', `/api/v1/deliveries/${link.deliveryId}`);
    expect(d.events.map((e: { type: string }) => e.type)).toEqual(['submitted', 'accessed', 'accessed']);
    expect(d.events[1].data).toMatchObject({ via: 'sealed-link', linkId: id, download: 1, codeVerified: false });
  });

  it('expires and can be revoked', async () => {
    const a = parseLink(
      (await api.ok('POST', `/api/v1/invoices/${invoiceId}/sealed-links`, { expiresInHours: 1 }, 201)).url,
    );
    const b = await api.ok('POST', `/api/v1/invoices/${invoiceId}/sealed-links`, {}, 201);
    await api.ok('POST', `/api/v1/deliveries/${b.deliveryId}/revoke`);
    expectProblem(await open(parseLink(b.url).id), 404);
    const now = clock.now();
    clock.advance(3_600_000 + 1);
    expectProblem(await open(a.id), 404);
    clock.set(now);
    expectProblem(await open('01900000-0000-7000-8000-000000000000'), 404);
  });

  it('one-time code gate: ciphertext only after the emailed code; wrong or reused codes refused', async () => {
    expectProblem(await api.req('POST', `/api/v1/invoices/${invoiceId}/sealed-links`, { requireCode: true }), 422);
    const link = await api.ok(
      'POST',
      `/api/v1/invoices/${invoiceId}/sealed-links`,
      { requireCode: true, contactId },
      201,
    );
    const { id, key } = parseLink(link.url);
    const first = await open(id);
    expect(first.statusCode).toBe(200);
    expect(first.json().codeRequired).toBe(true);
    expect(first.json().ciphertext).toBeUndefined();

    const before = smtp.messages.length;
    const ch = await t.app.inject({ method: 'POST', url: `/api/v1/sealed/${id}/code` });
    expect(ch.statusCode, ch.body).toBe(202);
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes('sealed@zeta.test'));
    const code = /\b(\d{6})\b/.exec(mail.parsed.text ?? '')![1]!;
    const wrong = code === '000000' ? '000001' : '000000';
    const openWith = (c: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/sealed/${id}/open`,
        payload: { challengeId: ch.json().challengeId, code: c },
      });
    expectProblem(await openWith(wrong), 401, 'unauthenticated');
    const ok = await openWith(code);
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await browserDecrypt(ok.json(), key)).equals(pdf)).toBe(true);
    expectProblem(await openWith(code), 401);
    const d = await api.ok('GET', `/api/v1/deliveries/${link.deliveryId}`);
    expect(d.events.at(-1).data).toMatchObject({ via: 'sealed-link', codeVerified: true, contactId });
  });

  it('emails a sealed link in sealed-link mode', async () => {
    const d = await api.ok(
      'POST',
      `/api/v1/invoices/${invoiceId}/send`,
      { mode: 'sealed-link', sealedLink: { maxDownloads: 1 } },
      201,
    );
    expect(d.status).toBe('relayed');
    const mail = await smtp.waitFor((m) => m.to.includes('sealed@zeta.test') && /\/s\//.test(m.parsed.text ?? ''));
    expect(mail.parsed.attachments).toHaveLength(0);
    const url = /(https?:\/\/\S+\/s\/\S+)/.exec(mail.parsed.text ?? '')![1]!;
    const { id, key } = parseLink(url);
    expect((await browserDecrypt((await open(id)).json(), key)).equals(pdf)).toBe(true);
    expectProblem(await open(id), 404);
  });
  it("the link and its code email speak the client's language: German for a German client, English for an English one", async () => {
    // setupOrg's organization is German (de-DE), and so are its clients unless they say otherwise.
    const link = await api.ok(
      'POST',
      `/api/v1/invoices/${invoiceId}/sealed-links`,
      { requireCode: true, contactId },
      201,
    );
    const { id, lang } = parseLink(link.url);
    expect(lang).toBe('de-DE');
    const before = smtp.messages.length;
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/sealed/${id}/code` })).statusCode).toBe(202);
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes('sealed@zeta.test'));
    expect(mail.parsed.subject).toMatch(/^Ihr Code zum Öffnen des Dokuments von /);
    expect(mail.parsed.text).toMatch(/^Ihr Einmalcode lautet \d{6}\n\nEr ist 10 Minuten gültig\./);
    expect(mail.parsed.text).not.toMatch(/code is|valid for/);

    const en = await clientWithInvoice(api, { email: 'english@zeta.test', language: 'en-GB' });
    const enLink = await api.ok(
      'POST',
      `/api/v1/invoices/${en.invoice.id}/sealed-links`,
      { requireCode: true, contactId: en.contactId },
      201,
    );
    const parsed = parseLink(enLink.url);
    expect(parsed.lang).toBe('en-GB');
    const mark = smtp.messages.length;
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/sealed/${parsed.id}/code` })).statusCode).toBe(202);
    const enMail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= mark && m.to.includes('english@zeta.test'));
    expect(enMail.parsed.subject).toMatch(/^Your code to open the document from /);
    expect(enMail.parsed.text).toMatch(/^Your one-time code is \d{6}\n/);
  });
});
