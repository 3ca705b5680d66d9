// A third party verifies Sealbill's signatures with openssl alone, following docs/SECURITY.md
// ("Signatures: exact bytes"). The recipes are taken from the document itself and run as written
// in a shell, on values fetched from the public endpoints: a document field signature and an
// audit checkpoint. A changed byte must fail. The key-id table of the same section is checked
// against the keys the instance publishes, so code and documentation cannot drift apart again.
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, hkdfSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { itNeeds } from '../helpers/tools.ts';

const SECURITY_MD = readFileSync(path.resolve(import.meta.dirname, '../../docs/SECURITY.md'), 'utf8');

/** The shell block under `<!-- recipe: name -->` in docs/SECURITY.md. */
function recipe(name: string): string {
  const m = new RegExp(`<!-- recipe: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(SECURITY_MD);
  if (!m) throw new Error(`docs/SECURITY.md has no recipe "${name}"`);
  return m[1]!;
}

function runRecipe(name: string, dir: string): { status: number | null; out: string } {
  const r = spawnSync('sh', ['-e', '-c', recipe(name)], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();

describeEachDb('signatures verify with openssl alone', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let dir: string;
  const anon = (url: string) => t.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app);
    dir = mkdtempSync(path.join(tmpdir(), 'sealbill-openssl-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  itNeeds(['openssl'], 'a document field signature, with the documented recipe', async () => {
    const { invoice } = await clientWithInvoice(api);
    const pdf = (await api.req('GET', `/api/v1/invoices/${invoice.id}/pdf`)).rawPayload;
    const token = /\/verify\/([A-Za-z0-9_-]{22})/.exec(pdf.toString('latin1'))![1]!;
    const { signature } = (await anon(`/api/v1/verify/${token}`)).json() as {
      signature: { payload: string; value: string; keyId: string; orgId: string };
    };
    const published = (await anon(`/.well-known/sealbill/keys?org=${signature.orgId}`)).json() as {
      keys: Array<{ keyId: string; publicKey: string | null }>;
    };
    writeFileSync(path.join(dir, 'payload.json'), signature.payload);
    writeFileSync(path.join(dir, 'sig.b64url'), signature.value);
    writeFileSync(path.join(dir, 'key.b64url'), published.keys.find((k) => k.keyId === signature.keyId)!.publicKey!);
    const ok = runRecipe('document-signature', dir);
    expect(ok.status, ok.out).toBe(0);
    expect(ok.out).toContain('Signature Verified Successfully');

    writeFileSync(
      path.join(dir, 'payload.json'),
      signature.payload.replace(`"total":${invoice.total}`, `"total":${invoice.total + 1}`),
    );
    expect(readFileSync(path.join(dir, 'payload.json'), 'utf8')).not.toBe(signature.payload);
    const bad = runRecipe('document-signature', dir);
    expect(bad.status).not.toBe(0);
    expect(bad.out).toMatch(/Signature Verification Failure/);
  });

  itNeeds(['openssl'], 'an audit checkpoint, with the documented recipe', async () => {
    const cp = (await api.ok('POST', '/api/v1/audit-checkpoints', undefined, 201)) as {
      note: string;
      treeSize: number;
    };
    const { items } = (await api.ok('GET', '/api/v1/audit-checkpoint-keys')) as { items: Array<{ vkey: string }> };
    writeFileSync(path.join(dir, 'checkpoint.txt'), cp.note);
    writeFileSync(path.join(dir, 'vkey.txt'), `${items[0]!.vkey}\n`);
    const ok = runRecipe('checkpoint', dir);
    expect(ok.status, ok.out).toBe(0);
    expect(ok.out).toMatch(new RegExp(`key id ${items[0]!.vkey.split('+')[1]} matches`));
    expect(ok.out).toContain('Signature Verified Successfully');

    writeFileSync(path.join(dir, 'checkpoint.txt'), cp.note.replace(`\n${cp.treeSize}\n`, `\n${cp.treeSize - 1}\n`));
    const bad = runRecipe('checkpoint', dir);
    expect(bad.status).not.toBe(0);
  });

  it('key ids follow the documented derivation', async () => {
    const published = (await anon(`/.well-known/sealbill/keys?org=${api.orgId}`)).json() as {
      keys: Array<{
        keyId: string;
        algorithm: string;
        publicKey: string | null;
        certificatePem: string | null;
        certificateSha256: string | null;
      }>;
    };
    const doc = published.keys.find((k) => k.algorithm === 'Ed25519')!;
    expect(doc.keyId).toBe(`ed25519-${sha256(Buffer.from(doc.publicKey!, 'base64url')).toString('hex').slice(0, 16)}`);
    const x509 = published.keys.find((k) => k.algorithm === 'X.509')!;
    const der = new X509Certificate(x509.certificatePem!).raw;
    expect(x509.certificateSha256).toBe(sha256(der).toString('hex'));
    expect(x509.keyId).toBe(`x509-${sha256(der).toString('hex').slice(0, 16)}`);
    const delivery = (await anon(`/api/v1/public/orgs/${api.orgId}/delivery-keys`)).json() as {
      evidence: { keyId: string; publicKeyPem: string };
    };
    expect(delivery.evidence.keyId).toBe(
      sha256(createPublicKey(delivery.evidence.publicKeyPem).export({ type: 'spki', format: 'der' })).toString('hex'),
    );
    const { items } = (await api.ok('GET', '/api/v1/audit-checkpoint-keys')) as {
      items: Array<{ vkey: string; name: string; publicKey: string }>;
    };
    const k = items[0]!;
    expect(k.vkey.split('+')[1]).toBe(
      sha256(Buffer.concat([Buffer.from(`${k.name}\n`), Buffer.from([1]), Buffer.from(k.publicKey, 'base64')]))
        .subarray(0, 4)
        .toString('hex'),
    );
    const kek = t.container.keyring.currentMasterKey;
    expect(kek.id).toBe(
      `k${sha256(Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), 'sealbill/v1/token/kek-id', 32)))
        .toString('hex')
        .slice(0, 16)}`,
    );
  });
});
