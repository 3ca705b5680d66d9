// Protected payout details. Attacks performed: a stolen API token tries to redirect payments; a
// session that signed in long ago (unattended laptop) tries it; the attacker weakens the policy
// first to skip the cooling-off; the requester approves their own change. Defences asserted: the
// announcement reaches every owner and admin, nothing changes before the cooling-off ends, any
// admin can cancel, a second admin must approve when the org asks for it, every step is audited.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiFor, expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { addMember, staffSession, type SessionClient } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { usable } from '../helpers/tools.ts';

const OLD_IBAN = 'DE89370400440532013000';
const NEW_IBAN = 'GB82WEST12345698765432';
const HOUR = 3_600_000;
const tokenOf = (pdf: Buffer): string => /\/verify\/([A-Za-z0-9_-]{22})/.exec(pdf.toString('latin1'))![1]!;

describeEachDb('payout protection', (dialect) => {
  let smtp: TestSmtp;
  let t: TestInstance;
  let clock: FixedClock;
  let api: Api;
  let owner: SessionClient;
  let admin: SessionClient;
  let accountant: SessionClient;
  let clientId: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-payout-'));

  const currentIban = async () => (await api.ok('GET', '/api/v1/org/payout')).payout?.iban ?? null;
  const mailsTo = (addr: string) => smtp.messages.filter((m) => m.to.includes(addr));
  async function issuePdf(): Promise<{ pdf: Buffer; verify: any }> {
    const d = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Work', quantity: '1', unitPrice: 1_000 }],
    });
    await api.ok('POST', `/api/v1/invoices/${d.id}/issue`);
    const pdf = (await api.req('GET', `/api/v1/invoices/${d.id}/pdf`)).rawPayload;
    return { pdf, verify: await apiFor(t.app, '').ok('GET', `/api/v1/verify/${tokenOf(pdf)}`) };
  }
  const payloadIban = (v: any): string => JSON.parse(v.signature.payload).payee.iban;
  /** Sessions idle out after 30 minutes of the test clock: sign the member in again (a fresh authentication). */
  const fresh = (who: SessionClient) => staffSession(t, api.orgId, who.userId, who.email);

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock('2026-01-01T09:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Payout AG');
    await seedPayout(t, api.orgId, { accountHolder: 'Payout AG', iban: OLD_IBAN });
    owner = await staffSession(t, api.orgId, api.userId, 'owner@payoutag.test');
    admin = await addMember(t, api.orgId, 'admin', 'second.admin@payoutag.test');
    accountant = await addMember(t, api.orgId, 'accountant', 'books@payoutag.test');
    clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Payer Ltd' })).id;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses API tokens and stale sessions (step-up), and roles without payout:update', async () => {
    const body = { accountHolder: 'Mallory Ltd', iban: NEW_IBAN };
    expectProblem(await api.req('PUT', '/api/v1/org/payout', body), 401, 'step_up_required');
    const stale = await staffSession(t, api.orgId, api.userId);
    clock.advance(6 * 60_000);
    expectProblem(await stale.req('PUT', '/api/v1/org/payout', body), 401, 'step_up_required');
    expectProblem(await accountant.req('PUT', '/api/v1/org/payout', body), 403, 'forbidden');
    const state = await api.ok('GET', '/api/v1/org/payout');
    expect(state).toMatchObject({ payout: { iban: OLD_IBAN }, pending: null });
    expect(smtp.messages).toHaveLength(0);
  });

  it('a fresh session creates a pending change, announced to every owner and admin', async () => {
    const res = await (
      await fresh(owner)
    ).req('PUT', '/api/v1/org/payout', { accountHolder: 'Payout AG', iban: 'GB82 WEST 1234 5698 7654 32' });
    expect(res.statusCode, res.body).toBe(202);
    const change = res.json();
    expect(change).toMatchObject({
      status: 'pending',
      ending: '5432',
      approvalRequired: false,
      requestedBy: api.userId,
    });
    expect(Date.parse(change.effectiveAt) - clock.now().getTime()).toBe(24 * HOUR);
    expect(JSON.stringify(change)).not.toContain(NEW_IBAN);

    for (const who of ['owner@payoutag.test', 'second.admin@payoutag.test']) {
      const m = await smtp.waitFor((x) => x.to.includes(who) && /change requested/.test(x.parsed.subject ?? ''));
      expect(m.parsed.text).toContain('ending: 5432');
      expect(m.parsed.text).toContain(change.effectiveAt);
      expect(m.raw.toString()).not.toContain(NEW_IBAN);
    }
    expect(mailsTo('books@payoutag.test')).toHaveLength(0);
    // One pending change at a time.
    expectProblem(
      await (await fresh(owner)).req('PUT', '/api/v1/org/payout', { accountHolder: 'X', iban: NEW_IBAN }),
      409,
      'conflict',
    );
  });

  it('changes nothing before the cooling-off ends; another admin can cancel', async () => {
    clock.advance(23 * HOUR);
    expect(await currentIban()).toBe(OLD_IBAN);
    const { verify } = await issuePdf();
    expect(payloadIban(verify)).toBe(OLD_IBAN);

    const pending = (await api.ok('GET', '/api/v1/org/payout')).pending;
    expect(pending.ending).toBe('5432');
    const cancelled = await (await fresh(admin)).req('POST', `/api/v1/org/payout/changes/${pending.id}/cancel`);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelledBy: admin.userId });
    await smtp.waitFor((x) => x.to.includes('owner@payoutag.test') && /cancelled/.test(x.parsed.subject ?? ''));
    clock.advance(2 * HOUR);
    expect(await currentIban()).toBe(OLD_IBAN);
    expect(await t.container.services.payoutProtection.applyAllDue()).toBe(0);
    expectProblem(
      await (await fresh(admin)).req('POST', `/api/v1/org/payout/changes/${pending.id}/cancel`),
      409,
      'conflict',
    );
  });

  it('delays a weakened policy: setting the cooling-off to zero does not skip it', async () => {
    expectProblem(
      await api.req('PUT', '/api/v1/org/payout/policy', { coolingOffHours: 0, requireSecondApproval: false }),
      401,
      'step_up_required',
    );
    expect(
      (
        await (
          await fresh(owner)
        ).req('PUT', '/api/v1/org/payout/policy', { coolingOffHours: 0, requireSecondApproval: false })
      ).statusCode,
    ).toBe(200);
    const policy = await api.ok('GET', '/api/v1/org/payout/policy');
    expect(policy).toMatchObject({ coolingOffHours: 0, inForce: { coolingOffHours: 24 } });
    await smtp.waitFor(
      (x) => x.to.includes('second.admin@payoutag.test') && /policy changed/.test(x.parsed.subject ?? ''),
    );
    const change = (
      await (await fresh(owner)).req('PUT', '/api/v1/org/payout', { accountHolder: 'Payout AG', iban: NEW_IBAN })
    ).json();
    expect(Date.parse(change.effectiveAt) - clock.now().getTime()).toBe(24 * HOUR);
    expect((await (await fresh(admin)).req('POST', `/api/v1/org/payout/changes/${change.id}/cancel`)).statusCode).toBe(
      200,
    );
    // Back to the default, with a second approval required (a stricter policy applies at once).
    expect(
      (
        await (
          await fresh(owner)
        ).req('PUT', '/api/v1/org/payout/policy', { coolingOffHours: 24, requireSecondApproval: true })
      ).statusCode,
    ).toBe(200);
    expect((await api.ok('GET', '/api/v1/org/payout/policy')).inForce).toEqual({
      coolingOffHours: 24,
      requireSecondApproval: true,
    });
  });

  it('with second-admin approval on: waits for another admin, then takes effect after the cooling-off', async () => {
    const change = (
      await (await fresh(owner)).req('PUT', '/api/v1/org/payout', { accountHolder: 'Payout AG', iban: NEW_IBAN })
    ).json();
    expect(change.approvalRequired).toBe(true);
    const announced = await smtp.waitFor(
      (x) =>
        x.to.includes('second.admin@payoutag.test') && x.parsed.text!.includes('second owner or admin must approve'),
    );
    expect(announced).toBeDefined();

    clock.advance(25 * HOUR);
    expect(await currentIban()).toBe(OLD_IBAN); // past the cooling-off, but not approved
    expectProblem(
      await staffSession(t, api.orgId, api.userId).then((s) =>
        s.req('POST', `/api/v1/org/payout/changes/${change.id}/approve`),
      ),
      403,
      'forbidden',
    );
    expectProblem(await api.req('POST', `/api/v1/org/payout/changes/${change.id}/approve`), 401, 'step_up_required');
    const freshAdmin = await staffSession(t, api.orgId, admin.userId);
    const approved = await freshAdmin.req('POST', `/api/v1/org/payout/changes/${change.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'applied', approvedBy: admin.userId });
    const now = await api.ok('GET', '/api/v1/org/payout');
    expect(now.payout.iban).toBe(NEW_IBAN);
    expect(now.updatedAt).toBe(clock.now().toISOString());
  });

  it('invoices issued afterwards carry the new details and "unchanged since <date>"', async () => {
    clock.advance(HOUR);
    const { pdf, verify } = await issuePdf();
    expect(payloadIban(verify)).toBe(NEW_IBAN);
    expect(verify.bankDetails.onDocumentAreCurrent).toBe(true);
    const file = path.join(dir, `${dialect}.pdf`);
    writeFileSync(file, pdf);
    if (usable(['pdftotext'], '"unchanged since" read from the PDF with pdftotext')) {
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      const since = new Date(clock.now().getTime() - HOUR).toISOString().slice(0, 10);
      // Written like the document's dates: its client's language is the org's de-DE (dd.mm.yyyy).
      const shown = since.split('-').reverse().join('.');
      expect(text).toMatch(new RegExp(`Unverändert seit\\s+${shown.replace(/\./g, '\\.')}`));
    }
  });

  it('the worker applies due changes (no approval needed)', async () => {
    await t.container.db.deleteFrom('payout_policies').where('org_id', '=', api.orgId).execute();
    expect(
      (await (await fresh(owner)).req('PUT', '/api/v1/org/payout', { accountHolder: 'Payout AG', iban: OLD_IBAN }))
        .statusCode,
    ).toBe(202);
    clock.advance(24 * HOUR + 1);
    expect(await t.container.services.payoutProtection.applyAllDue()).toBe(1);
    expect(await currentIban()).toBe(OLD_IBAN);
  });

  it('records every step in the audit log, without bank details', async () => {
    const rows = await t.container.services.audit.list(t.container.db, { orgId: api.orgId, limit: 500 });
    const actions = rows.map((r) => r.action);
    for (const a of [
      'payout.change_requested',
      'payout.change_cancelled',
      'payout.policy_changed',
      'payout.change_approved',
      'payout.change_applied',
      'payout.updated',
    ]) {
      expect(actions, a).toContain(a);
    }
    const text = JSON.stringify(rows);
    expect(text).not.toContain(NEW_IBAN);
    expect(text).not.toContain(OLD_IBAN);
    expect((await t.container.services.audit.verifyInTx(t.container.db, api.orgId)).ok).toBe(true);
  });

  it('stores pending changes encrypted', async () => {
    const rows = await t.container.db.selectFrom('payout_changes').select('payout_enc').execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.payout_enc).not.toContain(NEW_IBAN.slice(4));
  });
});

describeEachDb('payout protection without a mail relay', (dialect) => {
  let t: TestInstance;
  beforeAll(async () => {
    t = await createTestInstance(dialect, { env: { SEALBILL_SMTP_URL: 'smtp://127.0.0.1:9?starttls=never' } });
  });
  afterAll(() => t.close());

  it('fails closed: a change that cannot be announced is not recorded', async () => {
    const api = await setupOrg(t.app, 'Quiet AG');
    const owner = await staffSession(t, api.orgId, api.userId);
    expectProblem(
      await owner.req('PUT', '/api/v1/org/payout', { accountHolder: 'Quiet AG', iban: NEW_IBAN }),
      502,
      'upstream_failed',
    );
    expect((await api.ok('GET', '/api/v1/org/payout')).pending).toBeNull();
  });
});
