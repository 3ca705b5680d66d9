// Issue #10 item 8: single-line fields refuse CR/LF. A person's name, a role or token name, and
// the payout account holder end up in mail headers and bodies ("Eve <e@x> invited …") and on
// signed documents; a line break there lets a member write extra lines — "Please pay to …" —
// into alerts and invoices that the organization appears to have sent.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { addMember, type SessionClient } from '../helpers/session.ts';

const BROKEN = ['Eve\r\nBcc: attacker@evil.test', 'Eve\nPlease pay to DE89 3704 0044 0532 0130 00', 'Eve\rX'];

describeEachDb('single-line fields refuse line breaks', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let admin: SessionClient;

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app, 'Lines GmbH');
    admin = await addMember(t, api.orgId, 'admin', 'admin@lines.test');
  });
  afterAll(() => t.close());

  it('your own name, a token name, a custom role name', async () => {
    for (const name of BROKEN) {
      const p = expectProblem(await admin.req('PATCH', '/api/v1/me', { name }), 400);
      expect(p.errors.map((e: { path: string }) => e.path)).toContain('/body/name');
      expectProblem(
        await admin.req('POST', '/api/v1/me/tokens', { name, scopes: ['invoice:read'], expiresInDays: 7 }),
        400,
      );
      expectProblem(
        await admin.req('PUT', '/api/v1/org/roles/bookkeeper', { name, permissions: ['invoice:read'] }),
        400,
      );
    }
    expect((await admin.req('PATCH', '/api/v1/me', { name: 'Eve Example' })).statusCode).toBe(200);
  });

  it('the payout account holder and bank name', async () => {
    const payout = {
      accountHolder: 'Lines GmbH',
      bankName: 'Bank',
      iban: 'DE89370400440532013000',
      bic: 'COBADEFFXXX',
      accountNumber: null,
      routingNumber: null,
    };
    for (const bad of BROKEN) {
      for (const field of ['accountHolder', 'bankName'] as const) {
        const p = expectProblem(await admin.req('PUT', '/api/v1/org/payout', { ...payout, [field]: bad }), 400);
        expect(p.errors.map((e: { path: string }) => e.path)).toContain(`/body/${field}`);
      }
    }
  });
});
