// Text that prints on signed documents cannot carry payment instructions (issue #10 §8). A signed
// invoice saying "our bank account changed, pay to IBAN …" would verify as authentic, so:
// - IBAN-like and account-number-like strings are refused (problem+json field errors pointing to
//   the protected payout flow) in every free-text field that prints: organization name and
//   profile, document notes, terms and line texts (drafts, edits, recurring templates), items,
//   tax rate names, the client's party fields, payment references (signed receipts) and void
//   reasons (credit notes);
// - single-line fields refuse CR/LF (the organization's name is the display name of client mail);
// - changing what prints (name, address, country, tax ids, email) needs step-up: an API token and
//   a session older than 5 minutes are refused; a fresh change is mailed to every owner and admin
//   (which fields changed, not their text).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { addMember, staffSession, type SessionClient } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const SCAM = 'Our bank account changed: please pay to IBAN DE89 3704 0044 0532 0130 00 from now on.';
const SCAM_ACCOUNT = 'New Kontonummer 0532013000, BLZ 37040044';
const profile = (extra: Record<string, unknown> = {}) => ({
  addressLines: ['1 Main St'],
  country: 'DE',
  taxIds: [{ type: 'VAT', value: 'DE123456789' }],
  email: 'billing@printed.test',
  phone: null,
  website: null,
  ...extra,
});

describeEachDb('printed text: no payment instructions, single lines, step-up and announcement', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let admin: SessionClient;
  let clientId: string;
  const clock = new FixedClock('2026-03-01T10:00:00Z');
  const owner = () => staffSession(t, api.orgId, api.userId, 'owner@printedtextgmbh.test');

  /** A 400 problem with one field error at `path` that points to the payout flow. */
  function expectRefused(res: Awaited<ReturnType<Api['req']>>, path: string, what = /protected payout details/) {
    const p = expectProblem(res, 400, 'validation_failed');
    expect(p.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(p.errors.find((e: { path: string }) => e.path === path).message).toMatch(what);
  }

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Printed Text GmbH');
    admin = await addMember(t, api.orgId, 'admin', 'second-admin@printed.test');
    clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Honest Client' })).id;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('refuses bank details in the organization name and profile (even with a fresh session)', async () => {
    const s = await owner();
    expectRefused(
      await s.req('PATCH', '/api/v1/org', { profile: profile({ addressLines: ['1 Main St', SCAM] }) }),
      '/body/profile/addressLines/1',
    );
    expectRefused(
      await s.req('PATCH', '/api/v1/org', { name: 'Printed Text GmbH, IBAN GB82WEST12345698765432' }),
      '/body/name',
    );
    expectRefused(
      await s.req('PATCH', '/api/v1/org', { profile: profile({ website: SCAM_ACCOUNT }) }),
      '/body/profile/website',
    );
    expectRefused(
      await s.req('PATCH', '/api/v1/org', {
        profile: profile({ taxIds: [{ type: 'IBAN', value: 'DE89370400440532013000' }] }),
      }),
      '/body/profile/taxIds/0/value',
    );
    expect((await api.ok('GET', '/api/v1/org')).name).toBe('Printed Text GmbH');
    // At setup too.
    const setup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      headers: { 'x-sealbill-provisioning-token': 'test-provisioning-token-0123456789abcdef' },
      payload: {
        organization: { name: 'Fraud Ltd', profile: profile({ addressLines: [SCAM] }) },
        owner: { email: 'x@fraud.test', name: 'X' },
      },
    });
    expectRefused(setup, '/body/organization/profile/addressLines/0');
  });

  it('refuses bank details in notes, terms and line texts of drafts, edits and recurring templates', async () => {
    const line = { description: 'Consulting', quantity: '1', unitPrice: 10_000 };
    expectRefused(await api.req('POST', '/api/v1/invoices', { clientId, lines: [line], notes: SCAM }), '/body/notes');
    expectRefused(
      await api.req('POST', '/api/v1/invoices', { clientId, lines: [line], terms: SCAM_ACCOUNT }),
      '/body/terms',
    );
    expectRefused(
      await api.req('POST', '/api/v1/invoices', { clientId, lines: [{ ...line, description: `Consulting\n${SCAM}` }] }),
      '/body/lines/0/description',
    );
    expectRefused(
      await api.req('POST', '/api/v1/quotes', { clientId, lines: [{ ...line, unit: 'acct 12345678' }] }),
      '/body/lines/0/unit',
    );
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      lines: [line],
      notes: 'Thank you. Payment by bank transfer within 14 days.',
    });
    expectRefused(
      await api.req('PATCH', `/api/v1/invoices/${draft.id}`, { notes: 'Pay to account 12345678, routing 021000021' }),
      '/body/notes',
    );
    expectRefused(
      await api.req('POST', '/api/v1/recurring-schedules', {
        clientId,
        lines: [line],
        frequency: 'monthly',
        startOn: '2026-03-01',
        notes: SCAM,
      }),
      '/body/notes',
    );
    expectRefused(
      await api.req('POST', '/api/v1/items', { name: 'Retainer', description: SCAM, unitPrice: 100, currency: 'EUR' }),
      '/body/description',
    );
    expectRefused(
      await api.req('POST', '/api/v1/tax-rates', { name: 'VAT, IBAN DE89370400440532013000', rateBp: 1900 }),
      '/body/name',
    );
    expectRefused(
      await api.req('POST', '/api/v1/clients', { name: 'Client', addressLines: [SCAM] }),
      '/body/addressLines/0',
    );
    expect((await api.ok('GET', `/api/v1/invoices/${draft.id}`)).notes).toBe(
      'Thank you. Payment by bank transfer within 14 days.',
    );
    // The signed receipt prints a payment's reference; a void's reason prints on the credit note.
    const issued = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    expectRefused(
      await api.req('POST', `/api/v1/invoices/${issued.id}/payments`, {
        amount: 100,
        method: 'cash',
        reference: 'Future payments: IBAN GB82 WEST 1234 5698 7654 32',
      }),
      '/body/reference',
    );
    expectRefused(await api.req('POST', `/api/v1/invoices/${issued.id}/void`, { reason: SCAM }), '/body/reason');
    expect((await api.ok('GET', `/api/v1/invoices/${issued.id}`)).status).toBe('issued');
  });

  it('refuses line breaks in single-line fields', async () => {
    const s = await owner();
    expectRefused(
      await s.req('PATCH', '/api/v1/org', { name: 'Printed Text GmbH\r\nBcc: victim@example.test' }),
      '/body/name',
      /single line/,
    );
    expectRefused(await api.req('POST', '/api/v1/clients', { name: 'Client\nLtd' }), '/body/name', /single line/);
    expectRefused(
      await api.req('POST', '/api/v1/clients', {
        name: 'Client',
        contacts: [{ name: 'Eve\r\nBcc: x@evil.test', email: 'eve@client.test' }],
      }),
      '/body/contacts/0/name',
      /single line/,
    );
    expectRefused(
      await api.req('POST', '/api/v1/invoices', {
        clientId,
        lines: [{ description: 'ok', quantity: '1', unitPrice: 1, unit: 'h\nx' }],
      }),
      '/body/lines/0/unit',
      /single line/,
    );
    expectRefused(
      await api.req('POST', '/api/v1/items', { name: 'Item\u2028two', unitPrice: 1, currency: 'EUR' }),
      '/body/name',
      /single line/,
    );
    // Multi-line fields keep their lines.
    const d = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Line one\nLine two', quantity: '1', unitPrice: 1 }],
      notes: 'First\nSecond',
    });
    expect([d.lines[0].description, d.notes]).toEqual(['Line one\nLine two', 'First\nSecond']);
  });

  it('needs step-up to change what prints, and tells every owner and admin; other settings do not', async () => {
    const change = { name: 'Printed Text Holding GmbH', profile: profile() };
    expectProblem(await api.req('PATCH', '/api/v1/org', change), 401, 'step_up_required'); // API token
    const stale = await owner();
    clock.advance(6 * 60_000);
    expectProblem(await stale.req('PATCH', '/api/v1/org', change), 401, 'step_up_required');
    expectProblem(
      await stale.req('PATCH', '/api/v1/org', { profile: profile({ email: 'attacker@evil.test' }) }),
      401,
      'step_up_required',
    );
    expect((await api.ok('GET', '/api/v1/org')).name).toBe('Printed Text GmbH');

    // Settings that do not print need no step-up.
    expect((await api.ok('PATCH', '/api/v1/org', { paymentTermsDays: 21 })).paymentTermsDays).toBe(21);

    const before = smtp.messages.length;
    const res = await (await owner()).req('PATCH', '/api/v1/org', change);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().name).toBe('Printed Text Holding GmbH');
    for (const to of ['owner@printedtextgmbh.test', 'second-admin@printed.test']) {
      const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes(to));
      expect(mail.parsed.subject).toBe('[Printed Text Holding GmbH] What prints on your documents changed');
      // Which fields changed, not their text (mail and the outbox are not sealed like the profile).
      expect(mail.parsed.text).toContain('  name, address, country, tax ids, email\n');
      expect(mail.parsed.text).not.toContain('billing@printed.test');
    }
    const audit = (await api.ok('GET', '/api/v1/audit-events?action=org.updated')).items.map(
      (e: { summary: { printed: string[] } }) => e.summary.printed,
    );
    expect(audit).toContainEqual(['name', 'address', 'country', 'tax ids', 'email']);
    expect(audit).toContainEqual([]); // the payment terms change

    // The same values again change nothing that prints: no step-up, no mail.
    const quiet = smtp.messages.length;
    await api.ok('PATCH', '/api/v1/org', {
      name: 'Printed Text Holding GmbH',
      profile: profile({ phone: '+49 30 1234567' }),
    });
    expect(smtp.messages.length).toBe(quiet);
    expect(admin.userId).toBeTruthy();
  });
});
