// Bulk actions in a real browser (issue #13, item 5): on the quotes list the user ticks two
// drafts, issues them from the bulk action bar, and watches the background job's progress until
// it reports both done; the list then shows them issued, with numbers.
import { expect, it } from 'vitest';
import { checkpoint, describeBrowser, expectNoProblems } from './browser.ts';
import { useStaffApp } from './staff-app.ts';

describeBrowser('bulk actions in the staff app', () => {
  const app = useStaffApp({
    owner: { email: 'olga@bulk.test', password: 'a long and unusual passphrase 42' },
    orgName: 'Bulk Studio GmbH',
    seed: async (owner) => {
      const drafts: string[] = [];
      for (const name of ['Globex Corporation', 'Initech AG']) {
        const client = await owner.call('POST', '/api/v1/clients', { name, language: 'en' });
        const quote = await owner.call('POST', '/api/v1/quotes', {
          clientId: client.id,
          lines: [{ description: 'Workshop', quantity: '1', unitPrice: 90_000 }],
        });
        drafts.push(quote.id);
      }
      return drafts;
    },
  });

  it('selects two drafts, issues them in bulk, and sees the progress finish', async () => {
    const { ctx, page, problems } = await app.signIn();
    const { server, owner, seeded: drafts } = app;

    await page.goto(`${server.url}/app/quotes?status=draft`);
    await page.getByRole('heading', { level: 1, name: 'Quotes' }).waitFor();
    await page.getByRole('checkbox', { name: /Globex Corporation/ }).check();
    await page.getByRole('checkbox', { name: /Initech AG/ }).check();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await bar.getByText('2 selected').waitFor();
    await checkpoint(page, 'staff-bulk-bar');
    await bar.getByRole('button', { name: 'Issue', exact: true }).click();

    const progress = page.getByRole('region', { name: 'Bulk action' });
    await progress.getByText('Issuing finished: 2 done, 0 failed').waitFor({ timeout: 30_000 });
    await checkpoint(page, 'staff-bulk-progress');
    for (const id of drafts) {
      const q = await owner.call('GET', `/api/v1/quotes/${id}`);
      expect(q.status).toBe('issued');
      expect(q.number).toMatch(/\d/);
    }
    await progress.getByRole('button', { name: 'Close' }).click();
    expectNoProblems(problems);
    await ctx.close();
  });

  it('selects every draft the filter matches, counted, and exports them as CSV', async () => {
    const { server, owner } = app;
    // More drafts than a page holds (the first test issued its two).
    const client = await owner.call('POST', '/api/v1/clients', { name: 'Hooli Inc', language: 'en' });
    for (let i = 0; i < 30; i++)
      await owner.call('POST', '/api/v1/quotes', {
        clientId: client.id,
        lines: [{ description: `Sprint ${i}`, quantity: '1', unitPrice: 10_000 }],
      });
    const { ctx, page, problems } = await app.signIn();
    await page.goto(`${server.url}/app/quotes?status=draft&limit=25`);
    await page.getByRole('heading', { level: 1, name: 'Quotes' }).waitFor();
    await page.getByText('30 found', { exact: true }).waitFor();
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await page.getByRole('button', { name: 'Select all 30 matching this filter' }).click();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await bar.getByText('All 30 documents matching this filter are selected').waitFor();
    await bar.getByRole('button', { name: 'Export CSV' }).click();
    const progress = page.getByRole('region', { name: 'Bulk action' });
    await progress.getByText('CSV export finished: 30 done, 0 failed').waitFor({ timeout: 30_000 });
    expectNoProblems(problems);
    await ctx.close();
  });
});
