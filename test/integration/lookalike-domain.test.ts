// Look-alike client email domains: an attacker who can edit a client (or add one) swaps the
// billing address to a domain that reads like the real one. The API answers with a warning and
// the audit log records it, without the (personal) addresses.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

describeEachDb('look-alike domain warnings', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let realId: string;

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app, 'Domains AG');
    const real = await api.ok('POST', '/api/v1/clients', { name: 'Acme Corp', email: 'billing@acme-corp.com' });
    realId = real.id;
    expect(real.warnings).toBeUndefined();
  });
  afterAll(() => t.close());

  it('warns when a new client uses a confusable of a known domain', async () => {
    const fake = await api.ok('POST', '/api/v1/clients', { name: 'Acme Corp.', email: 'billing@acme-c0rp.com' });
    expect(fake.warnings).toEqual([
      {
        code: 'lookalike_domain',
        domain: 'acme-c0rp.com',
        resembles: 'acme-corp.com',
        reason: 'confusable',
        distance: 0,
      },
    ]);
  });

  it('warns when a client email changes to a near miss, and for contacts too', async () => {
    const changed = await api.ok('PATCH', `/api/v1/clients/${realId}`, { email: 'billing@acme-corp.co' });
    // Near both the old address and the earlier fake (whose skeleton is acme-corp.com).
    expect(changed.warnings).toContainEqual({
      code: 'lookalike_domain',
      domain: 'acme-corp.co',
      resembles: 'acme-corp.com',
      reason: 'edit_distance',
      distance: 1,
    });
    const withContact = await api.ok('POST', `/api/v1/clients/${realId}/contacts`, {
      name: 'Eve',
      email: 'eve@acrne-corp.com',
    });
    expect(withContact.warnings?.[0]).toMatchObject({ domain: 'acrne-corp.com', reason: 'confusable' });
  });

  it('stays quiet for unrelated domains and unchanged emails', async () => {
    expect(
      (await api.ok('POST', '/api/v1/clients', { name: 'Contoso', email: 'ap@contoso.example' })).warnings,
    ).toBeUndefined();
    expect((await api.ok('PATCH', `/api/v1/clients/${realId}`, { name: 'Acme Corporation' })).warnings).toBeUndefined();
  });

  it('audits each warning without the addresses', async () => {
    const rows = await t.container.services.audit.list(t.container.db, {
      orgId: api.orgId,
      action: 'client.lookalike_domain',
      limit: 50,
    });
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(rows)).not.toMatch(/acme|acrne|c0rp/);
  });
});
