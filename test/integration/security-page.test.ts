// Security posture routes: security.txt (RFC 9116), the public transparency facts of an
// organization (and what they must not leak), the staff checklist, and the email status and test
// send. Attacks performed: reading another organization's checklist by id, reading the
// checklist anonymously or with a role that may not, fishing relay credentials out of the email status.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiFor, expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { addUser, browser, PASSWORD } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const NOW = '2026-03-01T10:00:00Z';

describeEachDb('security posture routes', (dialect) => {
  let smtp: TestSmtp;
  let t: TestInstance;
  let api: Api;
  let other: Api;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock: new FixedClock(NOW),
      env: {
        SEALBILL_SMTP_URL: smtp.url,
        SEALBILL_MAIL_FROM: 'Acme Billing <billing@acme.test>',
        SEALBILL_PUBLIC_URL: 'https://bill.acme.test',
      },
    });
    api = await setupOrg(t.app, 'Acme Posture GmbH');
    other = await setupOrg(t.app, 'Other Tenant SA');
    await addUser(t, api.orgId, 'admin', 'secret-admin-name@acme.test');
    const client = await api.ok('POST', '/api/v1/clients', {
      name: 'Client With A Secret Name',
      email: 'ap@client.test',
    });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      lines: [{ description: 'Work', quantity: '1', unitPrice: 10000 }],
    });
    await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('serves security.txt per RFC 9116 (Contact, Expires within a year, Canonical, Preferred-Languages)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/security.txt' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const fields = Object.fromEntries(
      res.body
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
    );
    // Without SEALBILL_SECURITY_CONTACT the mail-from address is the contact.
    expect(fields.Contact).toBe('mailto:billing@acme.test');
    expect(fields.Canonical).toBe('https://bill.acme.test/.well-known/security.txt');
    expect(fields['Preferred-Languages']).toBe('en');
    const expires = Date.parse(fields.Expires!);
    expect(expires).toBeGreaterThan(Date.parse(NOW));
    expect(expires - Date.parse(NOW)).toBeLessThan(365 * 86_400_000);
    expect(fields.Expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('publishes transparency facts without member, client or relay details', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/public/orgs/${api.orgId}/security` });
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    expect(d.organization).toEqual({ id: api.orgId, name: 'Acme Posture GmbH' });
    expect(d.mfaPolicy.policy).toBe('off');
    expect(d.encryptionAtRest).toMatchObject({ enabled: true, algorithm: 'AES-256-GCM' });
    expect(d.signingKeys.length).toBeGreaterThanOrEqual(1);
    for (const k of d.signingKeys) expect(k.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.reporting).toEqual({
      contact: 'mailto:billing@acme.test',
      securityTxt: 'https://bill.acme.test/.well-known/security.txt',
    });
    expect(d.links.verify).toBe(`https://bill.acme.test/verify?org=${api.orgId}`);
    expect(res.body).not.toMatch(/secret-admin-name|Client With A Secret Name|owner@|127\.0\.0\.1/);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });

  it('answers 404 for an unknown organization and 400 for a malformed id', async () => {
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/api/v1/public/orgs/00000000-0000-4000-8000-000000000000/security' }),
      404,
      'not_found',
    );
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/api/v1/public/orgs/..%2F..%2Fetc/security' }),
      400,
      'validation_failed',
    );
  });

  it('gives staff a checklist of their own organization only', async () => {
    const mine = await api.ok('GET', '/api/v1/security/checklist');
    const byId = Object.fromEntries(mine.items.map((i: { id: string }) => [i.id, i]));
    expect(Object.keys(byId).sort()).toEqual([
      'audit-checkpoint',
      'backups',
      'members-factors',
      'mfa-policy',
      'payout-change',
      'signing-identity',
      'smtp-tls',
    ]);
    expect(byId['mfa-policy']).toMatchObject({ ok: false, fixAt: '/app/settings/security' });
    expect(byId['signing-identity'].ok).toBe(true);
    // The test relay runs without TLS (starttls=never): flagged.
    expect(byId['smtp-tls']).toMatchObject({ ok: false, fixAt: '/app/settings/email' });
    expect(byId['members-factors'].detail).toContain('Olga Owner');
    // The other tenant's checklist knows nothing of this org's people.
    const theirs = await other.ok('GET', '/api/v1/security/checklist');
    expect(JSON.stringify(theirs)).not.toContain('secret-admin-name');
  });

  it('refuses the checklist to anonymous callers and to roles without member:read', async () => {
    expectProblem(await apiFor(t.app, '').req('GET', '/api/v1/security/checklist'), 401, 'unauthenticated');
    await addUser(t, api.orgId, 'viewer', 'viewer@acme.test');
    const viewer = browser(t.app);
    await viewer.ok('POST', '/api/v1/auth/login', { email: 'viewer@acme.test', password: PASSWORD });
    expectProblem(await viewer.req('GET', '/api/v1/security/checklist'), 403, 'forbidden');
  });

  it('reports backup runs without where they go, and publishes the last success', async () => {
    const none = await api.ok('GET', '/api/v1/security/backups');
    expect(none).toEqual({ configured: false, intervalHours: null, lastSuccessAt: null, runs: [] });
    const db = t.container.db;
    const run = (id: string, status: 'done' | 'failed', started: string, error: string | null) => ({
      id,
      slot: `manual-${id}`,
      name: `sealbill-${id}.tar.age`,
      target: 'dir:/srv/secret-backup-path',
      status,
      size: status === 'done' ? 40_960 : null,
      sha256: null,
      error,
      started_at: started,
      finished_at: started.replace('00:00', '00:05'),
    });
    await db
      .insertInto('backup_runs')
      .values([
        run('a', 'done', '2026-02-28T00:00:00.000Z', null),
        run('b', 'failed', '2026-03-01T00:00:00.000Z', 'EACCES: permission denied, open /srv/secret-backup-path/x'),
      ])
      .execute();
    const st = await api.ok('GET', '/api/v1/security/backups');
    expect(st.lastSuccessAt).toBe('2026-02-28T00:05:00.000Z');
    expect(st.runs.map((r: { status: string }) => r.status)).toEqual(['failed', 'done']);
    expect(JSON.stringify(st)).not.toContain('secret-backup-path');
    const pub = (await t.app.inject({ method: 'GET', url: `/api/v1/public/orgs/${api.orgId}/security` })).json();
    expect(pub.backups).toEqual({ configured: false, lastSuccessAt: '2026-02-28T00:05:00.000Z' });
  });

  it('describes the relay without its credentials, and sends a test email to the caller', async () => {
    const status = await api.ok('GET', '/api/v1/security/email');
    expect(status).toEqual({
      transport: 'smtp',
      host: '127.0.0.1',
      port: smtp.port,
      tls: 'none',
      from: 'Acme Billing <billing@acme.test>',
    });
    const before = smtp.messages.length;
    const r = await api.ok('POST', '/api/v1/security/email/test');
    expect(r).toMatchObject({ ok: true, error: null });
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes(r.to));
    expect(mail.parsed.subject).toBe('Sealbill test email for Acme Posture GmbH');
  });
});

describeEachDb('email status with a credentialed relay', (dialect) => {
  let t: TestInstance;
  beforeAll(async () => {
    t = await createTestInstance(dialect, {
      env: {
        SEALBILL_SMTP_URL: 'smtps://mailer:hunter2-relay-password@relay.example.net:465',
        SEALBILL_SECURITY_CONTACT: 'https://acme.test/security',
      },
    });
  });
  afterAll(() => t.close());

  it('never shows the relay password; honours SEALBILL_SECURITY_CONTACT', async () => {
    const api = await setupOrg(t.app, 'Relay GmbH');
    const res = await api.req('GET', '/api/v1/security/email');
    expect(res.json()).toMatchObject({ transport: 'smtp', host: 'relay.example.net', port: 465, tls: 'implicit' });
    expect(res.body).not.toMatch(/hunter2|mailer/);
    const txt = await t.app.inject({ method: 'GET', url: '/.well-known/security.txt' });
    expect(txt.body).toContain('Contact: https://acme.test/security\n');
  });
});
