// Steps shared by the browser journeys: reading emails from the test SMTP server, TOTP codes,
// and API shortcuts (bearer token) for the set-up that a journey is not about.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestSmtp } from '../helpers/smtp.ts';
import { screenshot } from './browser.ts';

export function totpCode(secret: string, at = Date.now()): string {
  return new TOTP({
    secret: Secret.fromBase32(secret.replace(/\s/g, '')),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  }).generate({ timestamp: at });
}

/** The newest message to `to` whose text matches `pattern`; returns the first capture group. */
export async function mailMatch(smtp: TestSmtp, to: string, pattern: RegExp, after = 0): Promise<string> {
  const mail = await smtp.waitFor(
    (m) => m.to.includes(to) && smtp.messages.indexOf(m) >= after && pattern.test(m.parsed.text ?? ''),
    10_000,
  );
  const hit = pattern.exec(mail.parsed.text ?? '');
  return hit?.[1] ?? hit?.[0] ?? '';
}

export interface ApiClient {
  token: string;
  call<T = any>(method: string, url: string, body?: unknown): Promise<T>;
}

/** A bearer-token API client over real HTTP (the same server the browser uses). */
export function apiClient(base: string, token: string): ApiClient {
  return {
    token,
    async call(method, url, body) {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
  };
}

/** First-run setup through the API: an org, its owner (with a password) and an owner token. */
export async function setupByApi(
  base: string,
  owner: { email: string; password: string; name?: string },
  org = 'Acme Studio GmbH',
): Promise<ApiClient & { orgId: string; userId: string }> {
  const res = await fetch(`${base}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organization: { name: org, defaultCurrency: 'EUR', locale: 'en-GB', timeZone: 'Europe/Berlin' },
      owner: { email: owner.email, name: owner.name ?? 'Olga Owner', password: owner.password },
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { token, orgId, userId } = (await res.json()) as { token: string; orgId: string; userId: string };
  return { ...apiClient(base, token), orgId, userId };
}

/** A client with a contact, and an issued invoice for it. */
export async function seedInvoice(
  api: ApiClient,
  contactEmail: string,
): Promise<{ clientId: string; invoiceId: string; number: string }> {
  const client = await api.call('POST', '/api/v1/clients', {
    name: 'Globex Corporation',
    email: contactEmail,
    addressLines: ['1 Main Street', '10115 Berlin'],
    country: 'DE',
    contacts: [{ name: 'Carla Client', email: contactEmail, isPrimary: true }],
  });
  const draft = await api.call('POST', '/api/v1/invoices', {
    clientId: client.id,
    lines: [{ description: 'Security review', quantity: '3', unit: 'd', unitPrice: 95000 }],
  });
  const issued = await api.call('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
  return { clientId: client.id, invoiceId: issued.id, number: issued.number };
}

export async function signInWithPassword(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/app`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Refreshes a README screenshot when SEALBILL_UPDATE_SCREENSHOTS=1 (they are committed files). */
export async function readmeScreenshot(page: Page, name: 'staff' | 'portal'): Promise<void> {
  await screenshot(page, `readme-${name}`);
  if (process.env.SEALBILL_UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(path.join(ROOT, 'docs/screenshots'), { recursive: true });
  await page.screenshot({ path: path.join(ROOT, `docs/screenshots/${name}.png`), fullPage: true });
}

/**
 * Picks a client in the editor's type-ahead picker with the keyboard: types part of the name,
 * waits for the search to settle, moves down to the client's option and presses Enter.
 */
export async function pickClient(page: Page, typed: string, name: string): Promise<void> {
  const box = page.getByRole('combobox', { name: 'Client', exact: true });
  await box.fill(typed);
  await page
    .getByRole('status')
    .filter({ hasText: /clients? found/ })
    .waitFor();
  const option = page
    .getByRole('listbox', { name: 'Matching clients' })
    .getByRole('option', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });
  await option.waitFor();
  for (let i = 0; i < 10 && (await option.getAttribute('aria-selected')) !== 'true'; i++) await box.press('ArrowDown');
  expect(await box.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
  await box.press('Enter');
  await expect.poll(() => box.inputValue(), { timeout: 10_000 }).toBe(name);
}
