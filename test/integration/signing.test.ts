// Signing at issue, checked with independent tools: poppler's pdfsig validates the PAdES signature
// and rejects the file after a one-byte edit; OpenSSL verifies the CMS and the RFC 3161 token;
// node:crypto verifies the Ed25519 document signature with the key published at the well-known URL.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFor, expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { staffSession } from '../helpers/session.ts';
import { describeNeeds, itNeeds, usable } from '../helpers/tools.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';
import { createTsaClient, TsaError } from '../../src/platform/crypto/tsa.ts';
import { keysCommand } from '../../src/main/cli/keys.commands.ts';

const IBAN = 'DE89370400440532013000';
const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-signing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pdfsig(pdf: Buffer, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, pdf);
  const r = spawnSync('pdfsig', [file], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

/** The detached CMS and the signed bytes, cut out of the file along its /ByteRange. */
function cmsOf(pdf: Buffer): { cms: Buffer; signed: Buffer } {
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.toString('latin1'))!;
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  const hex = pdf.subarray(a + b + 1, c - 1).toString('latin1');
  const der = Buffer.from(hex, 'hex');
  // Trailing zero padding after the DER SEQUENCE: cut at the encoded length.
  const len =
    der[1]! & 0x80
      ? der.subarray(2, 2 + (der[1]! & 0x7f)).reduce((n, x) => n * 256 + x, 0) + 2 + (der[1]! & 0x7f)
      : der[1]! + 2;
  return { cms: der.subarray(0, len), signed: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]) };
}

const tokenOf = (pdf: Buffer): string => /\/verify\/([A-Za-z0-9_-]{22})/.exec(pdf.toString('latin1'))![1]!;

async function issueInvoice(api: Api, total = 12_000): Promise<{ id: string; number: string; pdf: Buffer }> {
  const client = await api.ok('POST', '/api/v1/clients', {
    name: 'Client GmbH',
    email: `billing${Math.random().toString(36).slice(2, 7)}@client.test`,
  });
  const draft = await api.ok('POST', '/api/v1/invoices', {
    clientId: client.id,
    lines: [{ description: 'Work', quantity: '1', unitPrice: total }],
  });
  const issued = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
  const res = await api.req('GET', `/api/v1/invoices/${draft.id}/pdf`);
  expect(res.statusCode).toBe(200);
  return { id: draft.id, number: issued.number, pdf: res.rawPayload };
}

describeEachDb('signing at issue', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let inv: { id: string; number: string; pdf: Buffer };

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock: new FixedClock('2026-01-01T09:00:00Z') });
    api = await setupOrg(t.app, 'Signer AG');
    await seedPayout(t, api.orgId, { accountHolder: 'Signer AG', iban: IBAN, bic: 'COBADEFFXXX' });
    inv = await issueInvoice(api);
  });
  afterAll(() => t.close());

  itNeeds(['pdfsig'], 'produces a PAdES signature that pdfsig reports valid', () => {
    const out = pdfsig(inv.pdf, `${dialect}-valid.pdf`);
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('ETSI.CAdES.detached');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Signer AG document signing');
  });

  itNeeds(['pdfsig'], 'fails pdfsig after any one-byte change (start, middle, end of the signed ranges)', () => {
    const { signed } = cmsOf(inv.pdf);
    const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(inv.pdf.toString('latin1'))!;
    const c = Number(m[3]);
    for (const at of [20, Math.floor(Number(m[2]) / 2), c + 5]) {
      const tampered = Buffer.from(inv.pdf);
      tampered[at] = tampered[at]! ^ 0x01;
      const out = pdfsig(tampered, `${dialect}-tampered-${at}.pdf`);
      expect(out, `byte ${at}`).not.toContain('Signature is Valid.');
    }
    expect(signed.length).toBeGreaterThan(1000);
  });

  itNeeds(
    ['openssl'],
    'carries a CMS that OpenSSL verifies, with signing-certificate-v2 and no signing-time (PAdES)',
    () => {
      const { cms, signed } = cmsOf(inv.pdf);
      writeFileSync(path.join(dir, `${dialect}.p7s`), cms);
      writeFileSync(path.join(dir, `${dialect}.bin`), signed);
      const r = spawnSync(
        'openssl',
        [
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          `${dialect}.p7s`,
          '-content',
          `${dialect}.bin`,
          '-noverify',
          '-out',
          '/dev/null',
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(r.stderr).toContain('Verification successful');
      const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', `${dialect}.p7s`], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(printed).toMatch(/signingCertificateV2/i);
      expect(printed).toContain('messageDigest');
      expect(printed).not.toMatch(/signingTime/);
    },
  );

  it('signs the essential fields with Ed25519; the published key verifies them (node:crypto)', async () => {
    const v = await api.ok('GET', `/api/v1/verify/${tokenOf(inv.pdf)}`);
    expect(v.authentic).toBe(true);
    const sig = v.signature;
    const keys = (await apiFor(t.app, '').ok('GET', `/.well-known/sealbill/keys?org=${api.orgId}`)).keys;
    const k = keys.find((x: { keyId: string }) => x.keyId === sig.keyId);
    expect(k).toMatchObject({ algorithm: 'Ed25519', orgId: api.orgId, status: 'active' });
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.publicKey }, format: 'jwk' });
    expect(verify(null, Buffer.from(sig.payload), pub, Buffer.from(sig.value, 'base64url'))).toBe(true);
    const payload = JSON.parse(sig.payload);
    expect(payload).toMatchObject({
      issuer: { orgId: api.orgId, name: 'Signer AG' },
      document: { kind: 'invoice', number: inv.number },
      totals: { total: 12_000, currency: 'EUR' },
    });
    expect(payload.payee.iban).toBe(IBAN);
    // One changed field and the signature no longer verifies.
    const forged = sig.payload.replace(IBAN, 'GB82WEST12345698765432');
    expect(verify(null, Buffer.from(forged), pub, Buffer.from(sig.value, 'base64url'))).toBe(false);
    // The X.509 certificate is published too, with the fingerprint of the one in the PDF.
    const x = keys.find((y: { algorithm: string }) => y.algorithm === 'X.509');
    if (usable(['openssl'], 'the certificate fingerprint checked with openssl')) {
      const printed = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], {
        input: x.certificatePem,
        encoding: 'utf8',
      });
      expect(
        printed
          .replace(/[^0-9A-F=]/gi, '')
          .split('=')[1]!
          .toLowerCase(),
      ).toBe(x.certificateSha256);
    }
  });

  itNeeds(['pdftotext'], 'prints the QR link, the fingerprint and "unchanged since" on the PDF', () => {
    const file = path.join(dir, `${dialect}-text.pdf`);
    writeFileSync(file, inv.pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const token = tokenOf(inv.pdf);
    expect(text.replace(/\s+/g, '')).toContain(`/verify/${token}`);
    expect(text).toMatch(/[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}/);
    // "unchanged since", written like the document's dates (its client's language, de-DE here).
    expect(text).toMatch(/Unverändert seit\s+01\.01\.2026/);
  });

  it('answers the QR token route, and the same for a wrong or malformed token', async () => {
    const anon = apiFor(t.app, '');
    const ok = await anon.ok('GET', `/api/v1/verify/${tokenOf(inv.pdf)}`);
    expect(ok).toMatchObject({
      authentic: true,
      reason: 'verified',
      unaltered: null,
      status: { voided: false, credited: false },
      bankDetails: { onDocumentAreCurrent: true },
    });
    expect(ok.document).toMatchObject({ number: inv.number, total: 12_000, currency: 'EUR', issuerName: 'Signer AG' });
    const wrong = await anon.ok('GET', `/api/v1/verify/${'A'.repeat(22)}`);
    const malformed = await anon.ok('GET', '/api/v1/verify/not-a-token');
    expect(wrong).toEqual(malformed);
    expect(wrong).toEqual({
      authentic: false,
      reason: 'no_match',
      unaltered: null,
      document: null,
      status: null,
      bankDetails: null,
      signature: null,
    });
    // The QR token is random per document: it is not derived from the document id.
    expect(tokenOf(inv.pdf)).not.toContain(inv.id.replace(/-/g, '').slice(0, 8));
  });

  it('signs quotes and credit notes too', async () => {
    const client = await api.ok('POST', '/api/v1/clients', { name: 'Quote Client' });
    const q = await api.ok('POST', '/api/v1/quotes', {
      clientId: client.id,
      lines: [{ description: 'Offer', quantity: '1', unitPrice: 500 }],
    });
    await api.ok('POST', `/api/v1/quotes/${q.id}/issue`);
    const pdf = (await api.req('GET', `/api/v1/quotes/${q.id}/pdf`)).rawPayload;
    if (usable(['pdfsig'], 'the quote checked with pdfsig'))
      expect(pdfsig(pdf, `${dialect}-quote.pdf`)).toContain('Signature is Valid.');
    const v = await apiFor(t.app, '').ok('GET', `/api/v1/verify/${tokenOf(pdf)}`);
    expect(v.document.kind).toBe('quote');
  });

  itNeeds(
    ['openssl', 'pdfsig'],
    'imports a CA-issued PKCS#12 identity only after a step-up; later PDFs are signed with it',
    async () => {
      const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      run([
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        '-days',
        '30',
        '-subj',
        '/CN=Test Issuing CA',
      ]);
      run([
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'leaf.key',
        '-out',
        'leaf.csr',
        '-subj',
        '/O=Signer AG/CN=Signer AG (CA issued)',
      ]);
      writeFileSync(
        path.join(dir, 'ext.cnf'),
        'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n',
      );
      run([
        'x509',
        '-req',
        '-in',
        'leaf.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'leaf.crt',
        '-days',
        '20',
        '-extfile',
        'ext.cnf',
      ]);
      run([
        'pkcs12',
        '-export',
        '-in',
        'leaf.crt',
        '-inkey',
        'leaf.key',
        '-certfile',
        'ca.crt',
        '-out',
        `${dialect}.p12`,
        '-passout',
        'pass:correct horse',
      ]);
      const body = {
        pkcs12: readFileSync(path.join(dir, `${dialect}.p12`)).toString('base64'),
        password: 'correct horse',
      };

      expectProblem(await api.req('POST', '/api/v1/org/signing-identity/pkcs12', body), 401, 'step_up_required');
      const owner = await staffSession(t, api.orgId, api.userId);
      expectProblem(
        await owner.req('POST', '/api/v1/org/signing-identity/pkcs12', { ...body, password: 'wrong' }),
        422,
        'unprocessable',
      );
      const imported = (await owner.req('POST', '/api/v1/org/signing-identity/pkcs12', body)).json();
      expect(imported).toMatchObject({ source: 'imported', chainPem: [expect.stringContaining('BEGIN CERTIFICATE')] });

      const next = await issueInvoice(api, 3_000);
      const out = pdfsig(next.pdf, `${dialect}-imported.pdf`);
      expect(out).toContain('Signature is Valid.');
      expect(out).toContain('Signer AG (CA issued)');
      // Both identities stay published: documents signed before the import still verify.
      const keys = (await apiFor(t.app, '').ok('GET', `/.well-known/sealbill/keys?org=${api.orgId}`)).keys;
      expect(
        keys
          .filter((k: { algorithm: string }) => k.algorithm === 'X.509')
          .map((k: { status: string }) => k.status)
          .sort(),
      ).toEqual(['active', 'retired']);
      expect(pdfsig(inv.pdf, `${dialect}-old.pdf`)).toContain('Signature is Valid.');
    },
  );

  it('lists keys instance-wide without certificates (which name their organization)', async () => {
    const all = (await apiFor(t.app, '').ok('GET', '/.well-known/sealbill/keys')).keys;
    expect(all.length).toBeGreaterThan(0);
    for (const k of all) expect(k.certificatePem).toBeNull();
    expect(JSON.stringify(all)).not.toContain('Signer AG');
  });

  it('stores signing keys and signed payloads encrypted', async () => {
    const rows = await t.container.db.selectFrom('signing_identities').select('private_key_enc').execute();
    for (const r of rows) expect(r.private_key_enc).toMatch(/^v1\./);
    const sigs = await t.container.db.selectFrom('document_signatures').select('payload_enc').execute();
    for (const s of sigs) expect(s.payload_enc).not.toContain(IBAN);
  });
});

describeNeeds(['openssl'], 'RFC 3161 time-stamps from a local openssl ts responder', () => {
  let tsa: TestTsa;
  let t: TestInstance;
  let api: Api;

  beforeAll(async () => {
    tsa = await startTestTsa();
    t = await createTestInstance('sqlite', { env: { SEALBILL_TSA_URL: tsa.url } });
    api = await setupOrg(t.app, 'Stamped AG');
    await seedPayout(t, api.orgId, { accountHolder: 'Stamped AG', iban: IBAN });
  });
  afterAll(async () => {
    await t.close();
    await tsa.close();
  });

  it('time-stamps the signature value (PAdES B-T); the token verifies with openssl ts', async () => {
    const inv = await issueInvoice(api);
    expect(tsa.requests).toBe(1);
    if (usable(['pdfsig'], 'the stamped PDF checked with pdfsig'))
      expect(pdfsig(inv.pdf, 'stamped.pdf')).toContain('Signature is Valid.');
    const { cms } = cmsOf(inv.pdf);
    const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER'], {
      input: cms,
      encoding: 'utf8',
    });
    expect(printed).toMatch(/timeStampToken/i);

    const row = await t.container.db
      .selectFrom('document_signatures')
      .select('timestamp_token')
      .where('document_id', '=', inv.id)
      .executeTakeFirstOrThrow();
    const token = Buffer.from(row.timestamp_token!, 'base64');
    const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(cms).buffer).content });
    const signatureValue = Buffer.from(signedData.signerInfos[0]!.signature.valueBlock.valueHexView);
    writeFileSync(path.join(dir, 'token.der'), token);
    writeFileSync(path.join(dir, 'tsa.crt'), tsa.certPem);
    const digest = createHash('sha256').update(signatureValue).digest('hex');
    const r = spawnSync(
      'openssl',
      ['ts', '-verify', '-token_in', '-in', 'token.der', '-digest', digest, '-CAfile', 'tsa.crt'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(`${r.stdout}${r.stderr}`).toContain('Verification: OK');

    const v = await apiFor(t.app, '').ok('GET', `/api/v1/verify/${tokenOf(inv.pdf)}`);
    expect(Date.parse(v.document.timestampedAt)).toBeGreaterThan(0);
  });

  it('refuses a replayed answer, an answer for another digest, and garbage', async () => {
    let recorded = Buffer.alloc(0);
    const recorder: typeof fetch = async (url, init) => {
      recorded = Buffer.from(await (await fetch(url, init)).arrayBuffer());
      return new Response(recorded);
    };
    await createTsaClient(tsa.url, { fetchImpl: recorder }).timestamp(Buffer.from('first'));
    const replay: typeof fetch = async () => new Response(recorded);
    await expect(createTsaClient(tsa.url, { fetchImpl: replay }).timestamp(Buffer.from('first'))).rejects.toThrow(
      /nonce/,
    );
    await expect(createTsaClient(tsa.url, { fetchImpl: replay }).timestamp(Buffer.from('second'))).rejects.toThrow(
      /another digest/,
    );
    await expect(
      createTsaClient(tsa.url, { fetchImpl: async () => new Response('<html>') }).timestamp(Buffer.from('x')),
    ).rejects.toThrow(TsaError);
    await expect(
      createTsaClient(tsa.url, { fetchImpl: async () => new Response('', { status: 503 }) }).timestamp(
        Buffer.from('x'),
      ),
    ).rejects.toThrow(/503/);
  });

  it('still issues (without a time-stamp) when the authority is down', async () => {
    const down = await createTestInstance('sqlite', { env: { SEALBILL_TSA_URL: 'http://127.0.0.1:9/tsa' } });
    try {
      const a = await setupOrg(down.app, 'Unstamped AG');
      const inv = await issueInvoice(a);
      if (usable(['pdfsig'], 'the unstamped PDF checked with pdfsig'))
        expect(pdfsig(inv.pdf, 'unstamped.pdf')).toContain('Signature is Valid.');
      const v = await apiFor(down.app, '').ok('GET', `/api/v1/verify/${tokenOf(inv.pdf)}`);
      expect(v.document.timestampedAt).toBeNull();
    } finally {
      await down.close();
    }
  });
});

describeEachDb('document-signing key rotation', (dialect) => {
  let t: TestInstance;
  let api: Api;

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock: new FixedClock('2026-01-01T09:00:00Z') });
    api = await setupOrg(t.app, 'Rotator AG');
    await seedPayout(t, api.orgId, { accountHolder: 'Rotator AG', iban: IBAN });
  });
  afterAll(() => t.close());

  const verifyPdf = (pdf: Buffer) =>
    t.app
      .inject({
        method: 'POST',
        url: '/api/v1/verify/pdf',
        headers: { 'content-type': 'application/pdf' },
        payload: pdf,
      })
      .then((r) => r.json());

  it('signs later documents with the new key; earlier ones still verify by QR token and by PDF upload', async () => {
    const a = await issueInvoice(api, 1_000);
    const out: string[] = [];
    await keysCommand.run({
      config: t.config,
      argv: ['rotate-signing', '--org', api.orgId],
      container: async () => t.container,
      out: (s) => out.push(s),
    });
    const b = await issueInvoice(api, 2_000);

    const anon = apiFor(t.app, '');
    const va = await anon.ok('GET', `/api/v1/verify/${tokenOf(a.pdf)}`);
    const vb = await anon.ok('GET', `/api/v1/verify/${tokenOf(b.pdf)}`);
    expect(va).toMatchObject({ authentic: true, reason: 'verified', document: { number: a.number } });
    expect(vb).toMatchObject({ authentic: true, reason: 'verified', document: { number: b.number } });
    expect(await verifyPdf(a.pdf)).toMatchObject({ authentic: true, unaltered: true, document: { number: a.number } });
    expect(await verifyPdf(b.pdf)).toMatchObject({ authentic: true, unaltered: true, document: { number: b.number } });

    const oldKeyId: string = va.signature.keyId;
    const newKeyId: string = vb.signature.keyId;
    expect(newKeyId).not.toBe(oldKeyId);
    expect(out.join('')).toContain(`New document-signing key ${newKeyId}`);
    expect(out.join('')).toContain(`retired ${oldKeyId}`);

    const keys = (await anon.ok('GET', `/.well-known/sealbill/keys?org=${api.orgId}`)).keys.filter(
      (k: { algorithm: string }) => k.algorithm === 'Ed25519',
    );
    expect(keys).toHaveLength(2);
    expect(keys.find((k: { keyId: string }) => k.keyId === oldKeyId)).toMatchObject({ status: 'retired' });
    expect(keys.find((k: { keyId: string }) => k.keyId === newKeyId)).toMatchObject({ status: 'active' });
    // Each signature verifies independently against its own published key, and not against the other.
    for (const [v, own, other] of [
      [va, oldKeyId, newKeyId],
      [vb, newKeyId, oldKeyId],
    ] as const) {
      const pub = (id: string) =>
        createPublicKey({
          key: { kty: 'OKP', crv: 'Ed25519', x: keys.find((k: { keyId: string }) => k.keyId === id).publicKey },
          format: 'jwk',
        });
      expect(
        verify(null, Buffer.from(v.signature.payload), pub(own), Buffer.from(v.signature.value, 'base64url')),
      ).toBe(true);
      expect(
        verify(null, Buffer.from(v.signature.payload), pub(other), Buffer.from(v.signature.value, 'base64url')),
      ).toBe(false);
    }

    const audit = await t.container.db
      .selectFrom('audit_events')
      .select(['action', 'actor_type'])
      .where('org_id', '=', api.orgId)
      .where('action', '=', 'document_key.rotated')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('refuses an unknown organization and changes nothing', async () => {
    const before = await t.container.db.selectFrom('document_signing_keys').select('key_id').execute();
    await expect(
      t.container.services.signing.rotateDocumentKey('00000000-0000-4000-8000-000000000000', {
        type: 'system',
        id: 'cli',
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await t.container.db.selectFrom('document_signing_keys').select('key_id').execute()).toEqual(before);
  });
});

describe('sealbill keys rotate-signing (child process) [sqlite]', { timeout: 120_000 }, () => {
  const BIN = path.resolve(import.meta.dirname, '../../bin/sealbill.js');
  const data = mkdtempSync(path.join(tmpdir(), 'sealbill-cli-rotate-'));
  afterAll(() => rmSync(data, { recursive: true, force: true }));
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: data, SEALBILL_DATA_DIR: data, SEALBILL_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('rotates the only organization’s key, twice, each time retiring the previous one', () => {
    expect(run(['init', '--org', 'Rotate CLI Ltd', '--email', 'owner@rotate.test', '--name', 'Rita']).code).toBe(0);
    const first = run(['keys', 'rotate-signing']);
    expect(first.code, first.err).toBe(0);
    const firstId = /New document-signing key (ed25519-[0-9a-f]{16})/.exec(first.out)![1];
    const second = run(['keys', 'rotate-signing']);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain(`retired ${firstId} (still published`);
  });
});
