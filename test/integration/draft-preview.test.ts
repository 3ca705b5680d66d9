// Draft previews (GET /api/v1/{invoices,quotes,credit-notes}/:id/preview.pdf): rendered on request
// from the current organization and client data, marked DRAFT and without a number, shown inline
// and never cached, stored or signed. Issued documents have their stored PDF instead (409); another
// organization's draft answers 404; a role without invoice:read is refused.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { addMember, staffSession } from '../helpers/session.ts';
import { pdfText } from '../helpers/pdf-tools.ts';
import { itNeeds } from '../helpers/tools.ts';

describeEachDb('draft PDF preview', (dialect) => {
  let t: TestInstance;
  let a: Api;
  let b: Api;
  let clientId: string;
  let draftId: string;
  const storedFiles = async () =>
    Number(
      (
        await t.container.db
          .selectFrom('stored_files')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock: new FixedClock('2026-01-01T09:00:00Z') });
    a = await setupOrg(t.app, 'Preview Works GmbH');
    b = await setupOrg(t.app, 'Other Tenant AG');
    await seedPayout(t, a.orgId, { accountHolder: 'Preview Works GmbH', iban: 'DE89 3704 0044 0532 0130 00' });
    clientId = (
      await a.ok('POST', '/api/v1/clients', {
        name: 'Draft Client Ltd',
        addressLines: ['1 Preview Road'],
        country: 'GB',
        language: 'en-GB',
      })
    ).id;
    draftId = (
      await a.ok('POST', '/api/v1/invoices', {
        clientId,
        lines: [{ description: 'Preview consulting', quantity: '2', unitPrice: 12_345 }],
      })
    ).id;
  });
  afterAll(() => t.close());

  it('renders a draft inline, marked DRAFT, with the current parties, never cached or stored', async () => {
    const before = await storedFiles();
    const res = await a.req('GET', `/api/v1/invoices/${draftId}/preview.pdf`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('inline; filename="draft-invoice.pdf"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Not signed: no signature dictionary, no byte range.
    expect(res.rawPayload.includes('/ByteRange')).toBe(false);
    expect(await storedFiles()).toBe(before);
    // The document is still a draft without a number or PDF.
    expect(await a.ok('GET', `/api/v1/invoices/${draftId}`)).toMatchObject({
      status: 'draft',
      number: null,
      hasPdf: false,
    });
  });

  itNeeds(
    ['pdftotext'],
    'shows DRAFT instead of a number, the lines, the client and the payout details in force',
    async () => {
      const text = pdfText((await a.req('GET', `/api/v1/invoices/${draftId}/preview.pdf`)).rawPayload);
      expect(text).toContain('DRAFT');
      expect(text).not.toMatch(/INV-\d{4}-/);
      expect(text).toContain('Preview consulting');
      expect(text).toContain('Draft Client Ltd');
      expect(text).toContain('Preview Works GmbH');
      expect(text.replace(/\s/g, '')).toContain('DE89370400440532013000');
      // A client change shows in the next preview: it is rendered from current data.
      await a.ok('PATCH', `/api/v1/clients/${clientId}`, { name: 'Renamed Client Ltd' });
      expect(pdfText((await a.req('GET', `/api/v1/invoices/${draftId}/preview.pdf`)).rawPayload)).toContain(
        'Renamed Client Ltd',
      );
    },
  );

  itNeeds(['pdftotext'], "previews in the client's current language (#15 item 4)", async () => {
    await a.ok('PATCH', `/api/v1/clients/${clientId}`, { language: 'fr-FR' });
    const fr = pdfText((await a.req('GET', `/api/v1/invoices/${draftId}/preview.pdf`)).rawPayload);
    expect(fr).toContain('Facture');
    expect(fr).toContain('BROUILLON');
    expect(fr).toMatch(/123,45\s€/);
    await a.ok('PATCH', `/api/v1/clients/${clientId}`, { language: 'en-GB' });
    const en = pdfText((await a.req('GET', `/api/v1/invoices/${draftId}/preview.pdf`)).rawPayload);
    expect(en).toContain('Invoice');
    expect(en).toContain('DRAFT');
    expect(en).toContain('€123.45');
  });

  it('previews quote and credit-note drafts on their own routes only', async () => {
    const quote = await a.ok('POST', '/api/v1/quotes', {
      clientId,
      lines: [{ description: 'Offer', quantity: '1', unitPrice: 1_000 }],
    });
    const res = await a.req('GET', `/api/v1/quotes/${quote.id}/preview.pdf`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toBe('inline; filename="draft-quote.pdf"');
    expectProblem(await a.req('GET', `/api/v1/invoices/${quote.id}/preview.pdf`), 404, 'not_found');
    expectProblem(await a.req('GET', `/api/v1/credit-notes/${draftId}/preview.pdf`), 404, 'not_found');
  });

  it('answers 409 for an issued document (its stored PDF is the one to view)', async () => {
    const inv = await a.ok('POST', '/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Issued work', quantity: '1', unitPrice: 5_000 }],
    });
    await a.ok('POST', `/api/v1/invoices/${inv.id}/issue`);
    expectProblem(await a.req('GET', `/api/v1/invoices/${inv.id}/preview.pdf`), 409, 'conflict');
  });

  it("answers 404 for another organization's draft, and 403 to a role without invoice:read", async () => {
    const res = await b.req('GET', `/api/v1/invoices/${draftId}/preview.pdf`);
    expectProblem(res, 404, 'not_found');
    expect(res.body).not.toContain('Draft Client');
    const owner = await staffSession(t, a.orgId, a.userId);
    const put = await owner.req('PUT', '/api/v1/org/roles/nobody', { name: 'Nobody', permissions: ['org:read'] });
    expect(put.statusCode, put.body).toBe(200);
    const nobody = await addMember(t, a.orgId, 'custom:nobody', 'nobody@preview.test');
    expectProblem(await nobody.req('GET', `/api/v1/invoices/${draftId}/preview.pdf`), 403, 'forbidden');
  });
});
