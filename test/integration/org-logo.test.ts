// The organization's logo (issue #13 item 7). Attacks and properties:
// - Upload something that is not a PNG or JPEG under an image's name or Content-Type: HTML named
//   logo.png, an SVG (script-capable), an oversized file, a truncated PNG, a CMYK JPEG, a huge
//   pixel size. Each is refused with 400 and a reason; nothing is stored, nothing is audited.
// - A member without the organization-settings permission cannot set or remove it.
// - The logo is served only with the type its bytes proved, nosniff, and never as SVG; the portal
//   serves the signed-in contact's own organization's logo, the pay page the link's.
// - Issued documents print it (an /Image XObject that pdfimages lists, qpdf --check clean), the
//   signature stays valid (pdfsig), the snapshot records its SHA-256, and a later change of logo
//   changes no issued PDF. Without a logo the PDF has no image at all.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { portalLogin, portalReq } from '../helpers/delivery.ts';
import { makeJpeg, makePng } from '../helpers/images.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { pdfsig } from '../helpers/pdf-tools.ts';
import { addMember } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { itNeeds } from '../helpers/tools.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-logo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tool(cmd: string, args: string[], pdf: Buffer, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, pdf);
  const r = spawnSync(cmd, [...args, file], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

describeEachDb('organization logo', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;
  let smtp: TestSmtp;
  let clientId: string;
  const png = makePng({ width: 120, height: 40, colorType: 6 });
  const jpeg = makeJpeg(64, 32);

  const put = (body: Buffer, type = 'image/png', as: Api = api) =>
    as.req('PUT', '/api/v1/org/logo', body, { 'content-type': type });
  const auditActions = async () =>
    (
      await t.container.db
        .selectFrom('audit_events')
        .select('action')
        .where('org_id', '=', api.orgId)
        .where('action', 'like', 'org.logo.%')
        .execute()
    ).map((r) => r.action);
  const logoFiles = async () =>
    (
      await t.container.db
        .selectFrom('stored_files')
        .select('id')
        .where('org_id', '=', api.orgId)
        .where('purpose', '=', 'org.logo')
        .execute()
    ).length;

  async function issue(kind: 'invoices' | 'quotes' = 'invoices'): Promise<{ id: string; pdf: Buffer }> {
    const draft = await api.ok('POST', `/api/v1/${kind}`, {
      clientId,
      lines: [{ description: 'Logo work', quantity: '1', unitPrice: 10_000 }],
    });
    await api.ok('POST', `/api/v1/${kind}/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    const res = await api.req('GET', `/api/v1/${kind}/${draft.id}/pdf`);
    expect(res.statusCode, res.body).toBe(200);
    return { id: draft.id, pdf: res.rawPayload };
  }

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock: new FixedClock('2026-04-01T09:00:00Z'),
      env: { SEALBILL_SMTP_URL: smtp.url },
    });
    api = await setupOrg(t.app, 'Logo Works GmbH');
    other = await setupOrg(t.app, 'Other Tenant AG');
    clientId = (
      await api.ok('POST', '/api/v1/clients', {
        name: 'Logo Client AG',
        email: 'ap@logo-client.test',
        contacts: [{ name: 'AP', email: 'ap@logo-client.test', isPrimary: true }],
      })
    ).id;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('without a logo, documents carry no image and the logo routes answer 404', async () => {
    expect((await api.ok('GET', '/api/v1/org')).logo).toBeNull();
    expectProblem(await api.req('GET', '/api/v1/org/logo'), 404);
    const { pdf } = await issue();
    expect(pdf.includes('/Subtype /Image')).toBe(false);
    expect(pdf.includes('/XObject')).toBe(false);
  });

  it('refuses what is not a PNG or JPEG, whatever its name or type, storing and auditing nothing', async () => {
    const html = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const xmlSvg = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>');
    const truncated = png.subarray(0, png.length - 20);
    const cmyk = makeJpeg(16, 16, 4);
    const huge = makePng({ width: 1, height: 1 });
    huge.writeUInt32BE(5000, 16); // IHDR width, CRC left wrong: refused either way
    const oversize = Buffer.concat([png, Buffer.alloc(600 * 1024)]);
    const cases: Array<[string, Buffer, string, RegExp]> = [
      ['HTML named logo.png', html, 'image/png', /not a PNG or JPEG/],
      ['SVG', svg, 'image/svg+xml', /SVG images are not accepted/],
      ['SVG with an XML declaration', xmlSvg, 'image/png', /SVG images are not accepted/],
      ['truncated PNG', truncated, 'image/png', /truncated|corrupt/],
      ['CMYK JPEG', cmyk, 'image/jpeg', /CMYK/],
      ['PNG with a broken header', huge, 'image/png', /corrupt/],
      ['over 512 KB', oversize, 'image/png', /at most 512 KB/],
      ['empty body', Buffer.alloc(0), 'application/octet-stream', /no image/],
    ];
    for (const [what, body, type, reason] of cases) {
      const problem = expectProblem(await put(body, type), 400, 'validation_failed');
      expect(problem.detail, what).toMatch(reason);
    }
    // Far over the limit: the body parser's own limit.
    expect((await put(Buffer.alloc(2 * 1024 * 1024), 'image/png')).statusCode).toBe(413);
    expect(await logoFiles()).toBe(0);
    expect(await auditActions()).toEqual([]);
    expect((await api.ok('GET', '/api/v1/org')).logo).toBeNull();
  });

  it('refuses a member without the organization-settings permission', async () => {
    const sales = await addMember(t, api.orgId, 'sales', 'sales@logo.test');
    const res = await sales.req('PUT', '/api/v1/org/logo', png, { 'content-type': 'image/png' });
    expect(res.statusCode).toBe(403);
    expect((await sales.req('DELETE', '/api/v1/org/logo')).statusCode).toBe(403);
    expect(await logoFiles()).toBe(0);
  });

  it('accepts a PNG by its bytes, stores it sealed, audits it and serves it as image/png with nosniff', async () => {
    // Sent as application/octet-stream: the type comes from the bytes.
    const res = await put(png, 'application/octet-stream');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      sha256: sha256(png),
      contentType: 'image/png',
      width: 120,
      height: 40,
      size: png.length,
      updatedAt: '2026-04-01T09:00:00.000Z',
    });
    expect((await api.ok('GET', '/api/v1/org')).logo).toMatchObject({ sha256: sha256(png), contentType: 'image/png' });
    const served = await api.req('GET', '/api/v1/org/logo');
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.rawPayload.equals(png)).toBe(true);
    // The staff app's preview adds ?v= (the hash) so a new logo is fetched anew.
    expect((await api.req('GET', `/api/v1/org/logo?v=${sha256(png).slice(0, 16)}`)).statusCode).toBe(200);
    // Sealed at rest: the raw row holds no PNG signature.
    const row = await t.container.db
      .selectFrom('stored_files')
      .select(['content_enc'])
      .where('org_id', '=', api.orgId)
      .where('purpose', '=', 'org.logo')
      .executeTakeFirstOrThrow();
    expect(Buffer.from(row.content_enc).includes(png.subarray(0, 16))).toBe(false);
    expect(await auditActions()).toEqual(['org.logo.updated']);
    // Another organization has none and cannot read this one.
    expectProblem(await other.req('GET', '/api/v1/org/logo'), 404);
  });

  it('prints the logo on issued invoices and quotes, frozen in the snapshot, the signature valid', async () => {
    const inv = await issue();
    expect(inv.pdf.includes('/Subtype /Image')).toBe(true);
    expect(inv.pdf.includes('/SMask')).toBe(true); // the PNG has alpha
    const quote = await issue('quotes');
    expect(quote.pdf.includes('/Subtype /Image')).toBe(true);
    // A draft preview and a statement (the same header) print it too.
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Preview', quantity: '1', unitPrice: 1_000 }],
    });
    const preview = await api.req('GET', `/api/v1/invoices/${draft.id}/preview.pdf`);
    expect(preview.rawPayload.includes('/Subtype /Image')).toBe(true);
    const statement = await api.req('GET', `/api/v1/clients/${clientId}/statement.pdf`);
    expect(statement.statusCode, statement.body).toBe(200);
    expect(statement.rawPayload.includes('/Subtype /Image')).toBe(true);
    // The snapshot (inside the encrypted body) names the logo it printed, read through the export.
    const docs = await t.container.services.documents.exportAllInTx(t.container.db, api.orgId);
    expect(docs.find((d) => d.id === inv.id)?.snapshot?.logo).toEqual({ sha256: sha256(png) });
  });

  itNeeds(['pdfsig', 'qpdf', 'pdfimages'], 'passes pdfsig, qpdf --check and pdfimages with a logo', async () => {
    const { pdf } = await issue();
    expect(pdfsig(pdf)).toContain('Signature is Valid.');
    const check = tool('qpdf', ['--check'], pdf, `${dialect}-check.pdf`);
    expect(check).toContain('No syntax or stream encoding errors found');
    expect(check).not.toMatch(/warning/i);
    const list = tool('pdfimages', ['-list'], pdf, `${dialect}-images.pdf`);
    expect(list).toMatch(/^\s+1\s+0\s+image\s+120\s+40\s+rgb\s+3\s+8/m);
    expect(list).toMatch(/^\s+1\s+1\s+smask\s+120\s+40\s+gray\s+1\s+8/m);
  });

  it('shows the logo on the portal (own organization) and on the pay page', async () => {
    const s = await portalLogin(t.app, smtp, api.orgId, 'ap@logo-client.test');
    const me = await portalReq(t.app, s, 'GET', '/api/v1/portal/me');
    expect(me.json().organizationLogo).toBe(true);
    const logo = await portalReq(t.app, s, 'GET', '/api/v1/portal/logo');
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.headers['x-content-type-options']).toBe('nosniff');
    expect(logo.rawPayload.equals(png)).toBe(true);
    // Without a portal session: refused.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/portal/logo' })).statusCode).toBe(401);

    const inv = await issue();
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
    const token = link.url.split('/pay/')[1]!;
    const page = await t.app.inject({ method: 'GET', url: `/pay/${token}` });
    expect(page.body).toContain(`<img class="logo" src="/api/v1/pay/${token}/logo" alt="Logo Works GmbH">`);
    const payLogo = await t.app.inject({ method: 'GET', url: `/api/v1/pay/${token}/logo` });
    expect(payLogo.statusCode).toBe(200);
    expect(payLogo.headers['content-type']).toBe('image/png');
    expect(payLogo.headers['x-content-type-options']).toBe('nosniff');
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/pay/${'x'.repeat(43)}/logo` })).statusCode).toBe(404);
  });

  it('a new logo (JPEG) replaces the old file; issued PDFs keep theirs; removing it is audited', async () => {
    const before = await issue();
    const res = await put(jpeg, 'image/jpeg');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ contentType: 'image/jpeg', width: 64, height: 32 });
    expect(await logoFiles()).toBe(1);
    const served = await api.req('GET', '/api/v1/org/logo');
    expect(served.headers['content-type']).toBe('image/jpeg');
    // The invoice issued before is byte for byte what it was.
    const again = await api.req('GET', `/api/v1/invoices/${before.id}/pdf`);
    expect(again.rawPayload.equals(before.pdf)).toBe(true);
    const after = await issue();
    expect(after.pdf.includes('/Filter /DCTDecode')).toBe(true);

    expect((await api.req('DELETE', '/api/v1/org/logo')).statusCode).toBe(204);
    expect((await api.req('DELETE', '/api/v1/org/logo')).statusCode).toBe(204); // idempotent
    expect(await logoFiles()).toBe(0);
    expect((await api.ok('GET', '/api/v1/org')).logo).toBeNull();
    expectProblem(await api.req('GET', '/api/v1/org/logo'), 404);
    expect(await auditActions()).toEqual(['org.logo.updated', 'org.logo.updated', 'org.logo.removed']);
    const plain = await issue();
    expect(plain.pdf.includes('/Subtype /Image')).toBe(false);
  });
});
