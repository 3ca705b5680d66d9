// Exchange rates in a real browser (issue #13, item 4): the owner imports the ECB file they
// downloaded on Settings → Exchange rates, adds a manual rate, and the invoice editor for a client
// in dollars says which rate an empty field will use; the saved draft carries it. With a provider
// configured, the page offers "Fetch ECB rates" and says what the fetch changed.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeEcb, type FakeEcb } from '../fakes/ecb-server.ts';
import { checkA11y, describeBrowser, expectNoProblems } from './browser.ts';
import { useStaffApp } from './staff-app.ts';
import { pickClient } from './journeys.ts';

const OWNER = { email: 'olga@rates.test', password: 'a long and unusual passphrase 42' };
const ECB_CSV = path.resolve(import.meta.dirname, '../fixtures/ecb/eurofxref.csv');

describeBrowser('exchange rates in the staff app', () => {
  const app = useStaffApp({
    owner: OWNER,
    orgName: 'Rates Studio GmbH',
    seed: async (owner) => {
      await owner.call('POST', '/api/v1/clients', { name: 'Initech Inc.', currency: 'USD', language: 'en' });
    },
  });

  it('imports the ECB file, adds a manual rate, and a dollar invoice takes the latest rate', async () => {
    const { server, owner } = app;
    const { ctx, page, problems } = await app.signIn();

    await page.goto(`${server.url}/app/settings`);
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Exchange rates' })
      .click();
    await page.getByRole('heading', { level: 2, name: 'Import ECB reference rates' }).waitFor();
    await page.getByLabel('ECB file (CSV or XML)').setInputFiles(ECB_CSV);
    await page.getByRole('button', { name: 'Import' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Imported 4 rates for 4 currencies/ })
      .waitFor();
    const table = page.getByRole('region', { name: 'Exchange rates' });
    await table.getByRole('cell', { name: '2026-06-17' }).first().waitFor();
    await checkA11y(page, 'staff-exchange-rates');

    const manual = page.getByRole('form', { name: 'Add a rate' });
    await manual.getByLabel('Currency').fill('USD');
    await manual.getByLabel('Date').fill('2026-06-18');
    await manual.getByLabel('EUR per 1 unit').fill('0.9');
    await manual.getByRole('button', { name: 'Add rate' }).click();
    await page.getByRole('status').filter({ hasText: 'Rate saved: 1 USD = 0.9 EUR on 2026-06-18' }).waitFor();

    await page.goto(`${server.url}/app/invoices/new`);
    await pickClient(page, 'initech', 'Initech Inc.');
    await page.getByLabel('Issue date').fill('2026-06-20');
    await page.getByText(/Leave empty to use 0\.9 EUR per USD \(manual rate of 2026-06-18/).waitFor();
    await page.getByLabel('Description').fill('Integration work');
    await page.getByLabel(/Unit price/).fill('1000.00');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('heading', { level: 1, name: 'Draft invoice' }).waitFor();
    const [draft] = (await owner.call('GET', '/api/v1/invoices?status=draft')).items;
    const doc = await owner.call('GET', `/api/v1/invoices/${draft.id}`);
    expect(doc).toMatchObject({ currency: 'USD', exchangeRate: '0.9', exchangeRateDate: '2026-06-18' });
    expectNoProblems(problems);
    await ctx.close();
  });
});

describeBrowser('exchange rates fetched from the ECB provider', () => {
  let ecb: FakeEcb | undefined;
  beforeAll(async () => {
    ecb = await startFakeEcb();
  });
  afterAll(() => ecb?.close());
  const app = useStaffApp({
    owner: { email: 'olga@fetch.test', password: OWNER.password },
    orgName: 'Fetch Studio GmbH',
    env: () => ({ SEALBILL_RATES_PROVIDER: 'ecb', SEALBILL_RATES_PROVIDER_URL: ecb!.url }),
  });

  it('fetches at the press of a button, and a second press changes nothing', async () => {
    const { ctx, page, problems } = await app.signIn();
    await page.goto(`${app.server.url}/app/settings/exchange-rates`);
    const fetchRates = page.getByRole('button', { name: 'Fetch ECB rates' });
    await fetchRates.click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Fetched the ECB rates of 2026-06-17: 4 of 4 rates added or corrected' })
      .waitFor();
    await page
      .getByRole('region', { name: 'Exchange rates' })
      .getByRole('cell', { name: '2026-06-17' })
      .first()
      .waitFor();
    await fetchRates.click();
    await page.getByRole('status').filter({ hasText: 'The ECB rates of 2026-06-17 were already here' }).waitFor();
    await checkA11y(page, 'staff-exchange-rates-fetch');
    expectNoProblems(problems);
    await ctx.close();
  });
});
