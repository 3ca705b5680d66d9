// The CSV import in a real browser (issue #13 item 6): the owner picks a spreadsheet's CSV on
// Settings → Import, checks it, sees the refused row with its reason and cannot import; with the
// row fixed, the check passes and "Import 2 rows" writes both clients.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { checkA11y, describeBrowser, expectNoProblems } from './browser.ts';
import { useStaffApp } from './staff-app.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-import-e2e-'));

describeBrowser('CSV import in the staff app', () => {
  const app = useStaffApp({
    owner: { email: 'olga@import.test', password: 'a long and unusual passphrase 42' },
    orgName: 'Import Studio GmbH',
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checks a file, shows the refused row, then imports the fixed file', async () => {
    const bad = path.join(dir, 'clients-bad.csv');
    writeFileSync(
      bad,
      'Name;Email;City\nGlobex Corporation;ap@globex.example;Springfield\nInitech AG;not-an-email;Austin\n',
    );
    const good = path.join(dir, 'clients.csv');
    writeFileSync(
      good,
      'Name;Email;City\nGlobex Corporation;ap@globex.example;Springfield\nInitech AG;ap@initech.example;Austin\n',
    );

    const { ctx, page, problems } = await app.signIn();
    await page.goto(`${app.server.url}/app/settings/import`);
    const form = page.getByRole('form', { name: 'Import' });
    await form.getByLabel('CSV file').setInputFiles(bad);
    await form.getByRole('button', { name: 'Check' }).click();
    const result = page.getByRole('region', { name: 'Check result' });
    await result.getByText('2 rows in the file: 1 can be imported, 1 would be refused.').waitFor();
    const refused = result.getByRole('table', { name: 'Refused rows' });
    await refused.getByRole('cell', { name: '3', exact: true }).waitFor();
    expect(await result.getByRole('button', { name: 'Import 2 rows' }).isDisabled()).toBe(true);
    await checkA11y(page, 'staff-import-refused');

    await form.getByLabel('CSV file').setInputFiles(good);
    await form.getByRole('button', { name: 'Check' }).click();
    await result.getByText('2 rows in the file: 2 can be imported, 0 would be refused.').waitFor();
    await result.getByRole('button', { name: 'Import 2 rows' }).click();
    await page.getByText('Imported: 2 records written.').waitFor();

    const names = (await app.owner.call('GET', '/api/v1/clients?limit=10')).items.map((c: { name: string }) => c.name);
    expect(names.sort()).toEqual(['Globex Corporation', 'Initech AG']);
    expectNoProblems(problems);
    await ctx.close();
  });
});
