// Recurring schedules cannot be used to issue what the member could not issue (issue #10 §2).
// Attacks, performed as a `sales` member (who may create schedules and drafts, not issue):
// - a schedule that issues automatically (the default) is refused: 403, nothing created;
// - a start in 1900 (an unbounded catch-up of signed invoices) is refused: 422, and a sales
//   member cannot confirm it (403); an owner can, and then the worker, not the request, catches up
//   at most MAX_PERIODS_PER_RUN periods per run;
// - a member who could issue when setting up a schedule and lost the permission since: the next
//   run creates a draft, the schedule says "auto-issue held" (and the audit log), and the sales
//   member cannot lift the hold; someone with invoice:issue can.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_PERIODS_PER_RUN } from '../../src/modules/recurring/recurring.service.ts';
import { backfillRecurringIssuers } from '../../src/platform/db/migrations/0010-hardening-documents.ts';
import type { Kysely } from 'kysely';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { addMember, staffSession, type SessionClient } from '../helpers/session.ts';

describeEachDb(
  'recurring schedules: issuing needs invoice:issue, bounded starts, capped catch-up in the worker',
  (dialect) => {
    let t: TestInstance;
    let api: Api;
    let sales: SessionClient;
    let accountant: SessionClient;
    let clientId: string;
    const clock = new FixedClock('2026-04-10T09:00:00Z');
    const lines = [{ description: 'Retainer', quantity: '1', unitPrice: 10_000 }];

    const body = (extra: Record<string, unknown> = {}) => ({
      clientId,
      lines,
      frequency: 'monthly',
      startOn: '2026-04-10',
      ...extra,
    });
    const docsOf = (scheduleId: string) =>
      t.container.db
        .selectFrom('documents')
        .select(['id', 'status', 'number', 'issue_date'])
        .where('recurring_schedule_id', '=', scheduleId)
        .orderBy('issue_date')
        .execute();
    const scheduleCount = async () =>
      Number(
        (
          await t.container.db
            .selectFrom('recurring_schedules')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('org_id', '=', api.orgId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const runDue = () => t.container.services.recurring.runDue();

    beforeAll(async () => {
      t = await createTestInstance(dialect, { clock });
      api = await setupOrg(t.app, 'Schedules Ltd', { timeZone: 'UTC' });
      sales = await addMember(t, api.orgId, 'sales', 'sam@schedules.test');
      accountant = await addMember(t, api.orgId, 'accountant', 'ada@schedules.test');
      clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Subscriber' })).id;
    });
    afterAll(() => t?.close());

    it('refuses a sales member a schedule that issues automatically (403, the default), and creates nothing', async () => {
      const before = await scheduleCount();
      const res = await sales.req('POST', '/api/v1/recurring-schedules', body());
      const problem = expectProblem(res, 403, 'forbidden');
      expect(problem.errors).toEqual([{ path: '/body/autoIssue', message: expect.stringContaining('invoice:issue') }]);
      expectProblem(
        await sales.req('POST', '/api/v1/recurring-schedules', body({ autoIssue: true })),
        403,
        'forbidden',
      );
      expect(await scheduleCount()).toBe(before);
    });

    it('refuses a start in 1900 (422), and a sales member may not confirm one (403)', async () => {
      const before = await scheduleCount();
      const early = expectProblem(
        await sales.req('POST', '/api/v1/recurring-schedules', body({ autoIssue: false, startOn: '1900-01-01' })),
        422,
        'unprocessable',
      );
      expect(early.errors).toEqual([{ path: '/body/startOn', message: 'earlier than 2026-03-10' }]);
      expectProblem(
        await sales.req(
          'POST',
          '/api/v1/recurring-schedules',
          body({ autoIssue: false, startOn: '1900-01-01', confirmBackdatedStart: true }),
        ),
        403,
        'forbidden',
      );
      // One period back is allowed without confirmation; a day more is not.
      expectProblem(
        await sales.req('POST', '/api/v1/recurring-schedules', body({ autoIssue: false, startOn: '2026-03-09' })),
        422,
      );
      expect(await scheduleCount()).toBe(before);
      const ok = await sales.req(
        'POST',
        '/api/v1/recurring-schedules',
        body({ autoIssue: false, startOn: '2026-03-10' }),
      );
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json()).toMatchObject({ autoIssue: false, issuerUserId: null, autoIssueHeld: null });
      // Its runs create drafts only: nothing numbered, nothing signed.
      expect(await runDue()).toBe(2);
      expect((await docsOf(ok.json().id)).map((d) => [d.status, d.number])).toEqual([
        ['draft', null],
        ['draft', null],
      ]);
      await api.ok('POST', `/api/v1/recurring-schedules/${ok.json().id}/status`, { status: 'ended' });
    });

    it('an owner may confirm an old start: the request issues nothing, the worker catches up at most 12 periods per run', async () => {
      const started = Date.now();
      const s = await api.ok(
        'POST',
        '/api/v1/recurring-schedules',
        body({ startOn: '2019-01-15', confirmBackdatedStart: true }),
        201,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await docsOf(s.id)).toEqual([]); // nothing inside the request
      expect(MAX_PERIODS_PER_RUN).toBe(12);
      expect(await runDue()).toBe(12);
      expect((await docsOf(s.id)).every((d) => d.status === 'issued')).toBe(true);
      expect((await api.ok('GET', `/api/v1/recurring-schedules/${s.id}`)).nextRunOn).toBe('2020-01-15');
      expect(await runDue()).toBe(12);
      expect(await docsOf(s.id)).toHaveLength(24);
      const audit = (await api.ok('GET', '/api/v1/audit-events?action=recurring.created')).items.find(
        (e: { objectId: string }) => e.objectId === s.id,
      );
      expect(audit.summary).toMatchObject({ startOn: '2019-01-15', backdatedStartConfirmed: true });
      await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' });
    });

    it('holds automatic issuing when the issuer lost invoice:issue: the run drafts, the schedule and the audit say so, sales cannot lift it', async () => {
      const created = await accountant.req('POST', '/api/v1/recurring-schedules', body({ startOn: '2026-04-10' }));
      expect(created.statusCode, created.body).toBe(201);
      const s = created.json();
      expect(s).toMatchObject({ autoIssue: true, issuerUserId: accountant.userId, autoIssueHeld: null });
      expect(await runDue()).toBe(1);
      expect((await docsOf(s.id)).map((d) => d.status)).toEqual(['issued']);

      // The accountant becomes a sales member: the schedule must not keep issuing on their behalf.
      const owner = await staffSession(t, api.orgId, api.userId);
      const demoted = await owner.req('PATCH', `/api/v1/members/${accountant.userId}`, { role: 'sales' });
      expect(demoted.statusCode, demoted.body).toBe(200);
      clock.set('2026-05-10T09:00:00Z');
      expect(await runDue()).toBe(1);
      const docs = await docsOf(s.id);
      expect(docs.map((d) => [d.issue_date, d.status, d.number === null])).toEqual([
        ['2026-04-10', 'issued', false],
        ['2026-05-10', 'draft', true],
      ]);
      const held = await api.ok('GET', `/api/v1/recurring-schedules/${s.id}`);
      expect(held.autoIssueHeld).toEqual({ reason: 'issuer_lacks_invoice_issue', since: '2026-05-10T09:00:00.000Z' });
      const events = (await api.ok('GET', '/api/v1/audit-events?action=recurring.auto_issue_held')).items;
      expect(
        events.map((e: { objectId: string; summary: { reason: string } }) => [e.objectId, e.summary.reason]),
      ).toEqual([[s.id, 'issuer_lacks_invoice_issue']]);

      // The sales member (the former accountant, or any other) cannot vouch for it.
      // (Sessions idle out after 30 minutes of the test clock: fresh ones.)
      expectProblem(
        await (
          await staffSession(t, api.orgId, sales.userId)
        ).req('POST', `/api/v1/recurring-schedules/${s.id}/issuer`),
        403,
        'forbidden',
      );
      const salesAgain = await staffSession(t, api.orgId, accountant.userId);
      expectProblem(await salesAgain.req('POST', `/api/v1/recurring-schedules/${s.id}/issuer`), 403, 'forbidden');

      // Still held at the next run (and announced once, not at every run).
      clock.set('2026-06-10T09:00:00Z');
      expect(await runDue()).toBe(1);
      expect((await docsOf(s.id)).map((d) => d.status)).toEqual(['issued', 'draft', 'draft']);
      expect((await api.ok('GET', '/api/v1/audit-events?action=recurring.auto_issue_held')).items).toHaveLength(1);

      // The owner vouches for it: the hold is lifted and the next period is issued again.
      const confirmed = await (
        await staffSession(t, api.orgId, api.userId)
      ).req('POST', `/api/v1/recurring-schedules/${s.id}/issuer`);
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      expect(confirmed.json()).toMatchObject({ issuerUserId: api.userId, autoIssueHeld: null });
      clock.set('2026-07-10T09:00:00Z');
      expect(await runDue()).toBe(1);
      expect((await docsOf(s.id)).map((d) => d.status)).toEqual(['issued', 'draft', 'draft', 'issued']);
      await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' });
    });

    it("migration 0010 gives schedules made before it the issuer their audit entry names (a user, or an API token's user)", async () => {
      clock.set('2026-07-10T09:00:00Z');
      const byToken = await api.ok('POST', '/api/v1/recurring-schedules', body({ startOn: '2026-07-10' }), 201); // the owner's API token
      const session = await staffSession(t, api.orgId, api.userId);
      const bySession = (
        await session.req('POST', '/api/v1/recurring-schedules', body({ startOn: '2026-07-10' }))
      ).json();
      const drafts = (
        await (
          await staffSession(t, api.orgId, sales.userId)
        ).req('POST', '/api/v1/recurring-schedules', body({ startOn: '2026-07-10', autoIssue: false }))
      ).json();
      const db = t.container.db;
      const ids = [byToken.id, bySession.id, drafts.id];
      await db.updateTable('recurring_schedules').set({ issuer_user_id: null }).where('id', 'in', ids).execute(); // as before the migration
      await backfillRecurringIssuers(db as unknown as Kysely<unknown>);
      const rows = await db
        .selectFrom('recurring_schedules')
        .select(['id', 'issuer_user_id'])
        .where('id', 'in', ids)
        .execute();
      const issuer = Object.fromEntries(rows.map((r) => [r.id, r.issuer_user_id]));
      expect([issuer[byToken.id], issuer[bySession.id], issuer[drafts.id]]).toEqual([
        api.userId,
        api.userId,
        sales.userId,
      ]);
      // A draft-only schedule's issuer does not matter (it never issues); a sales creator would be held at the next run.
      for (const id of ids) await api.ok('POST', `/api/v1/recurring-schedules/${id}/status`, { status: 'ended' });
    });
  },
);
