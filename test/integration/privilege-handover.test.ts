// Handing over power without a fresh re-authentication (issue #10 items 1 and 6), attacked.
// Attacks performed: an API token (the owner's, which holds member:manage) and a session signed
// in more than 5 minutes ago invite a new member as `admin`, and re-activate a deactivated
// administrator by inviting their address; an admin edits a custom role to hold permissions they
// lack, edits (demotes) a role held by someone more privileged, and edits the role they hold
// themselves; a role gains administrative permissions under the "admins" MFA policy while its
// members' sessions are live. Asserted: every attack is refused and creates nothing; privileged
// invitations and re-activations with a fresh step-up work and email every administrator; a role
// change re-evaluates the live sessions of its members at once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { addUser, PASSWORD, signIn } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { staffSession } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const MIN = 60_000;

describeEachDb('privilege hand-over: invitations, re-activation, role definitions', (dialect) => {
  let smtp: TestSmtp;
  let t: TestInstance;
  let clock: FixedClock;
  let api: Api;
  let ownerEmail: string;
  const invitationsTo = (email: string) =>
    t.container.db.selectFrom('invitations').select('id').where('email', '=', email).execute();
  const mailTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock('2026-03-02T09:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Handover AG');
    ownerEmail = 'owner@handoverag.test';
    await addUser(t, api.orgId, 'admin', 'ada@handover.test');
    await addUser(t, api.orgId, 'admin', 'ben@handover.test');
    await addUser(t, api.orgId, 'viewer', 'vic@handover.test');
    // A former administrator, deactivated: inviting their address would re-activate them.
    const dora = await addUser(t, api.orgId, 'admin', 'dora@handover.test');
    await t.container.db
      .updateTable('memberships')
      .set({ deactivated_at: clock.now().toISOString() })
      .where('user_id', '=', dora)
      .execute();
  });
  afterAll(async () => {
    await t.container.services.identity.notifier.settled();
    await t.close();
    await smtp.close();
  });

  it('an API token cannot invite into a role with step-up-protected permissions, nor re-activate an admin', async () => {
    const me = await api.ok('GET', '/api/v1/me');
    expect(me.permissions).toContain('member:manage');
    for (const role of ['admin', 'accountant', 'sales']) {
      const body = expectProblem(
        await api.req('POST', '/api/v1/members/invitations', { email: `mallory-${role}@evil.test`, role }),
        401,
        'step_up_required',
      );
      expect(body.detail).toMatch(/API tokens cannot/);
      expect(await invitationsTo(`mallory-${role}@evil.test`)).toHaveLength(0);
    }
    expectProblem(
      await api.req('POST', '/api/v1/members/invitations', { email: 'dora@handover.test', role: 'accountant' }),
      401,
      'step_up_required',
    );
    expect(await invitationsTo('dora@handover.test')).toHaveLength(0);
    // A role without any step-up-protected permission still works with a token, and is not announced.
    expect(
      (await api.req('POST', '/api/v1/members/invitations', { email: 'reader@partner.test', role: 'viewer' }))
        .statusCode,
    ).toBe(201);
    await smtp.waitFor((m) => m.to.includes('reader@partner.test'));
    await t.container.services.identity.notifier.settled();
    expect(smtp.messages.filter((m) => /invited as/.test(m.parsed.subject ?? ''))).toHaveLength(0);
    expect(mailTo('mallory-admin@evil.test')).toHaveLength(0);
  });

  it('a session signed in more than 5 minutes ago cannot invite an admin; after step-up it can, and every administrator is told', async () => {
    const ada = await signIn(t.app, 'ada@handover.test');
    clock.advance(5 * MIN + 1000);
    const stale = expectProblem(
      await ada.req('POST', '/api/v1/members/invitations', { email: 'eve@evil.test', role: 'admin' }),
      401,
      'step_up_required',
    );
    expect(stale.detail).toMatch(/re-authenticate/);
    expectProblem(
      await ada.req('POST', '/api/v1/members/invitations', { email: 'dora@handover.test', role: 'admin' }),
      401,
      'step_up_required',
    );
    expect(await invitationsTo('eve@evil.test')).toHaveLength(0);
    expect(await invitationsTo('dora@handover.test')).toHaveLength(0);

    expect((await ada.req('POST', '/api/v1/auth/reauth', { password: PASSWORD })).statusCode).toBe(200);
    const inv = await ada.req('POST', '/api/v1/members/invitations', { email: 'nia@handover.test', role: 'admin' });
    expect(inv.statusCode, inv.body).toBe(201);
    for (const admin of [ownerEmail, 'ada@handover.test', 'ben@handover.test']) {
      const note = await smtp.waitFor(
        (m) => m.to.includes(admin) && /nia@handover\.test invited as admin/.test(m.parsed.subject ?? ''),
      );
      expect(note.parsed.text).toMatch(/ada@handover\.test/);
      expect(note.parsed.text).toMatch(/member:manage/);
      expect(note.parsed.text).not.toMatch(/#token=/); // the link goes to the invitee only
    }
    await t.container.services.identity.notifier.settled();
    // Neither a viewer nor the deactivated former admin is an administrator to tell.
    for (const other of ['vic@handover.test', 'dora@handover.test'])
      expect(mailTo(other).filter((m) => /invited as/.test(m.parsed.subject ?? ''))).toHaveLength(0);

    // Re-activating the former admin by invitation, with a fresh step-up: allowed, announced as such.
    expect(
      (await ada.req('POST', '/api/v1/members/invitations', { email: 'dora@handover.test', role: 'admin' })).statusCode,
    ).toBe(201);
    const re = await smtp.waitFor(
      (m) => m.to.includes('ben@handover.test') && /dora@handover\.test invited as admin/.test(m.parsed.subject ?? ''),
    );
    expect(re.parsed.text).toMatch(/re-activates/);
  });

  it('re-activating a member with a privileged role needs step-up and emails every administrator', async () => {
    const dora = (
      await t.container.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'dora@handover.test')
        .executeTakeFirstOrThrow()
    ).id;
    expectProblem(await api.req('POST', `/api/v1/members/${dora}/reactivate`), 401, 'step_up_required');
    const owner = await staffSession(t, api.orgId, api.userId);
    expect((await owner.req('POST', `/api/v1/members/${dora}/reactivate`)).statusCode).toBe(200);
    await smtp.waitFor(
      (m) =>
        m.to.includes('ada@handover.test') && /dora@handover\.test re-activated as admin/.test(m.parsed.subject ?? ''),
    );
  });

  it('custom roles: no granting what one lacks, no editing a role one lacks permissions of, no editing one’s own role', async () => {
    const owner = await staffSession(t, api.orgId, api.userId);
    // The owner defines a role holding backup:run (which admins lack) and gives it to a member.
    expect(
      (
        await owner.req('PUT', '/api/v1/org/roles/ops', {
          name: 'Operations',
          permissions: ['org:read', 'backup:run', 'audit:read'],
        })
      ).statusCode,
    ).toBe(200);
    const opsUser = await addUser(t, api.orgId, 'custom:ops', 'otto@handover.test');
    const ada = await signIn(t.app, 'ada@handover.test');
    const roleOf = async (slug: string) =>
      (await api.ok('GET', '/api/v1/org/roles')).items.find((r: { key: string }) => r.key === `custom:${slug}`)
        ?.permissions;

    // Granting a permission the admin lacks.
    expectProblem(
      await ada.req('PUT', '/api/v1/org/roles/ops', {
        name: 'Operations',
        permissions: ['org:read', 'backup:run', 'member:manage'],
      }),
      403,
      'forbidden',
    );
    // Demoting a role held by someone the admin may not change (it holds backup:run): refused, even to less.
    const demote = expectProblem(
      await ada.req('PUT', '/api/v1/org/roles/ops', { name: 'Operations', permissions: ['org:read'] }),
      403,
      'forbidden',
    );
    expect(demote.detail).toMatch(/backup:run/);
    expectProblem(await ada.req('DELETE', '/api/v1/org/roles/ops'), 403, 'forbidden');
    expect(await roleOf('ops')).toEqual(['org:read', 'audit:read', 'backup:run']);
    // What members.service refuses for the member, roles.service refuses for the role.
    expectProblem(await ada.req('PATCH', `/api/v1/members/${opsUser}`, { role: 'viewer' }), 403, 'forbidden');

    // One's own role: an admin holding a custom role cannot edit it (not even within their permissions).
    expect(
      (
        await owner.req('PUT', '/api/v1/org/roles/deputy', {
          name: 'Deputy',
          permissions: ['org:read', 'member:read', 'member:manage', 'client:read'],
        })
      ).statusCode,
    ).toBe(200);
    const deputyId = await addUser(t, api.orgId, 'custom:deputy', 'dep@handover.test');
    const deputy = await staffSession(t, api.orgId, deputyId);
    const own = expectProblem(
      await deputy.req('PUT', '/api/v1/org/roles/deputy', {
        name: 'Deputy',
        permissions: ['org:read', 'member:read', 'member:manage'],
      }),
      403,
      'forbidden',
    );
    expect(own.detail).toMatch(/role you hold yourself/);
    // Within the rule: an admin edits a role whose permissions they all hold.
    expect(
      (
        await ada.req('PUT', '/api/v1/org/roles/deputy', {
          name: 'Deputy',
          permissions: ['org:read', 'member:read', 'client:read'],
        })
      ).statusCode,
    ).toBe(200);
    expect(await roleOf('deputy')).toEqual(['org:read', 'member:read', 'client:read']);
  });

  it('a role that gains administrative permissions re-evaluates its members’ live sessions against the MFA policy', async () => {
    // (The owner has no second factor: the policy change sends their own sessions to enrolment, so
    // each owner action below uses a fresh fixture session.)
    const setPolicy = async (mfa: string) =>
      expect(
        (await (await staffSession(t, api.orgId, api.userId)).req('PUT', '/api/v1/org/security', { mfa })).statusCode,
      ).toBe(200);
    await setPolicy('admins');
    const owner = await staffSession(t, api.orgId, api.userId);
    expect(
      (await owner.req('PUT', '/api/v1/org/roles/clerk', { name: 'Clerk', permissions: ['org:read', 'invoice:read'] }))
        .statusCode,
    ).toBe(200);
    await addUser(t, api.orgId, 'custom:clerk', 'cleo@handover.test');
    const cleo = await signIn(t.app, 'cleo@handover.test');
    expect(cleo.level).toBe('full'); // not administrative: the "admins" policy does not apply yet
    expect((await cleo.req('GET', '/api/v1/invoices')).statusCode).toBe(200);

    // The role becomes administrative: Cleo has no second factor, so her live session must enrol now.
    expect(
      (
        await owner.req('PUT', '/api/v1/org/roles/clerk', {
          name: 'Clerk',
          permissions: ['org:read', 'invoice:read', 'member:read', 'member:manage'],
        })
      ).statusCode,
    ).toBe(200);
    const refused = expectProblem(await cleo.req('GET', '/api/v1/invoices'), 401, 'unauthenticated');
    expect(refused.detail).toMatch(/second factor/);
    expect((await cleo.ok('GET', '/api/v1/auth/session')).level).toBe('enrol');
    expectProblem(await cleo.req('GET', '/api/v1/members'), 401, 'unauthenticated');

    // Back to a plain role: the enrolment session is relaxed again (the policy no longer demands it).
    expect(
      (await owner.req('PUT', '/api/v1/org/roles/clerk', { name: 'Clerk', permissions: ['org:read', 'invoice:read'] }))
        .statusCode,
    ).toBe(200);
    expect((await cleo.req('GET', '/api/v1/invoices')).statusCode).toBe(200);
    await setPolicy('off');
  });
});
