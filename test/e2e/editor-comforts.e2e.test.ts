// Editor comforts in a real browser (issue #13, item 7): "Duplicate" on an issued invoice opens a
// new draft with its lines; "Credit lines…" opens a credit note that starts from the invoice's
// lines, where the user removes one line and credits part of the other. Settings → Numbering shows
// the next numbers and continues the invoice series from a chosen number (a mid-year switch).
import { expect, it } from 'vitest';
import { checkA11y, describeBrowser, expectNoProblems } from './browser.ts';
import { useStaffApp } from './staff-app.ts';

const OWNER = { email: 'olga@comforts.test', password: 'a long and unusual passphrase 42' };

describeBrowser('duplicate and credit lines in the staff app', () => {
  const app = useStaffApp({
    owner: OWNER,
    orgName: 'Comfort Studio GmbH',
    seed: async (owner): Promise<{ id: string; number: string; clientId: string }> => {
      const client = await owner.call('POST', '/api/v1/clients', { name: 'Globex Corporation', language: 'en' });
      const draft = await owner.call('POST', '/api/v1/invoices', {
        clientId: client.id,
        lines: [
          { description: 'Workshop', quantity: '2', unit: 'd', unitPrice: 80_000 },
          { description: 'Travel', quantity: '1', unitPrice: 12_000 },
        ],
      });
      return owner.call('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    },
  });

  it('duplicates an issued invoice and credits part of its lines', async () => {
    const { server, owner, seeded: invoice } = app;
    const { ctx, page, problems } = await app.signIn();

    await page.goto(`${server.url}/app/invoices/${invoice.id}`);
    await page.getByRole('button', { name: 'Duplicate' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit draft invoice' }).waitFor();
    expect(await page.getByLabel('Description').nth(0).inputValue()).toBe('Workshop');
    expect(await page.getByLabel('Description').nth(1).inputValue()).toBe('Travel');
    const drafts = await owner.call('GET', '/api/v1/invoices?status=draft');
    expect(drafts.items.map((d: { total: number }) => d.total)).toEqual([172_000]);

    await page.goto(`${server.url}/app/invoices/${invoice.id}`);
    await page.getByRole('link', { name: 'Credit lines…' }).click();
    await page.getByRole('heading', { level: 1, name: 'New credit note' }).waitFor();
    await page.getByText(`Starts from the lines of invoice ${invoice.number}`).waitFor();
    await checkA11y(page, 'staff-credit-lines');
    await page.getByRole('button', { name: 'Remove line 2' }).click();
    await page.getByLabel('Quantity').fill('0.5');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('heading', { level: 1, name: 'Draft credit note' }).waitFor();
    const notes = await owner.call('GET', '/api/v1/credit-notes?status=draft');
    expect(notes.items).toHaveLength(1);
    const note = await owner.call('GET', `/api/v1/credit-notes/${notes.items[0].id}`);
    expect(note).toMatchObject({ relatedDocumentId: invoice.id, clientId: invoice.clientId, total: 40_000 });
    expect(note.lines.map((l: { description: string; quantity: string }) => [l.description, l.quantity])).toEqual([
      ['Workshop', '0.5'],
    ]);

    await page.goto(`${server.url}/app/settings/numbering`);
    const next = page.getByRole('region', { name: 'Next numbers' });
    await next.getByText(/Invoices: next INV-\d{4}-00002/).waitFor();
    await next.getByLabel('Next invoices counter').fill('1');
    await next.getByRole('button', { name: 'Set' }).first().click();
    await next.getByText(/only move forward/).waitFor();
    await next.getByLabel('Next invoices counter').fill('418');
    await next.getByRole('button', { name: 'Set' }).first().click();
    await page
      .getByRole('status')
      .filter({ hasText: /Invoices: the next number is INV-\d{4}-00418/ })
      .waitFor();
    await checkA11y(page, 'staff-numbering-next');
    expectNoProblems(problems);
    await ctx.close();
  });
});
