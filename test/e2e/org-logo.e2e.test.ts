// The organization's logo in a real browser (issue #13 item 7): the owner uploads a PNG on
// Settings → Organization, sees its preview (an image the browser decoded), replaces it, and
// removes it; a draft preview PDF then carries it no more.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { makePng } from '../helpers/images.ts';
import { checkA11y, describeBrowser, expectNoProblems, newPage, screenshot } from './browser.ts';
import { seedInvoice } from './journeys.ts';
import { useStaffApp } from './staff-app.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-logo-e2e-'));

describeBrowser('organization logo in the staff app', () => {
  const app = useStaffApp({
    owner: { email: 'olga@logo.test', password: 'a long and unusual passphrase 42' },
    orgName: 'Logo Studio GmbH',
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uploads, previews and removes the logo', async () => {
    const png = path.join(dir, 'logo.png');
    writeFileSync(png, makePng({ width: 160, height: 48, colorType: 6 }));
    const fake = path.join(dir, 'fake.png');
    writeFileSync(fake, '<!doctype html><p>not an image</p>');

    const { ctx, page, problems } = await app.signIn();
    const { server, owner } = app;
    await page.goto(`${server.url}/app/settings`);
    const panel = page.getByRole('form', { name: 'Logo' });
    await panel.getByText('No logo yet').waitFor();

    // A fake is refused with the server's reason.
    await panel.getByLabel('Logo file (PNG or JPEG)').setInputFiles(fake);
    await panel.getByRole('button', { name: 'Upload logo' }).click();
    await panel.getByText(/not a PNG or JPEG/).waitFor();

    await panel.getByLabel('Logo file (PNG or JPEG)').setInputFiles(png);
    await panel.getByRole('button', { name: 'Upload logo' }).click();
    await panel.getByRole('status').filter({ hasText: 'Logo saved' }).waitFor();
    const img = panel.getByRole('img', { name: 'Current logo' });
    await img.waitFor();
    // Decoded by the browser (a broken image has no natural width).
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(160);
    await panel.getByText('PNG, 160 × 48 pixels').waitFor();
    await checkA11y(page, 'staff-settings-logo');
    await screenshot(page, 'staff-settings-logo');
    expect((await owner.call('GET', '/api/v1/org')).logo).toMatchObject({ width: 160, height: 48 });

    await panel.getByRole('button', { name: 'Remove logo' }).click();
    await panel.getByRole('status').filter({ hasText: 'Logo removed' }).waitFor();
    await panel.getByText('No logo yet').waitFor();
    expect((await owner.call('GET', '/api/v1/org')).logo).toBeNull();
    expectNoProblems(problems);
    await ctx.close();
  });

  it("shows the logo on the pay page, decoded under the page's own CSP", async () => {
    const { server, owner, browser } = app;
    const res = await fetch(`${server.url}/api/v1/org/logo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'image/png' },
      body: makePng({ width: 90, height: 30, colorType: 3 }),
    });
    expect(res.status).toBe(200);
    const { invoiceId } = await seedInvoice(owner, 'carla@globex.test');
    const link = await owner.call('POST', `/api/v1/invoices/${invoiceId}/pay-links`, {});
    const ctx = await browser.newContext();
    const { page, problems } = await newPage(ctx);
    await page.goto(link.url.replace(/^https?:\/\/[^/]+/, server.url));
    const img = page.getByRole('img', { name: 'Logo Studio GmbH' });
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(90);
    await checkA11y(page, 'pay-page-logo');
    await screenshot(page, 'pay-page-logo');
    expectNoProblems(problems);
    await ctx.close();
  });
});
