// Seeds an organization's payout details directly through the org service. Tests that are about
// something else use this; the protected change flow (step-up, announcement, cooling-off) that
// wraps it over HTTP is tested in test/integration/payout-protection.test.ts.
import { payoutSchema } from '../../src/modules/orgs/org.schemas.ts';
import type { TestInstance } from './instance.ts';

export async function seedPayout(t: TestInstance, orgId: string, payout: Record<string, unknown>): Promise<void> {
  await t.container.db.transaction().execute((tx) =>
    t.container.services.orgs.setPayoutInTx(tx, orgId, payoutSchema.parse(payout), {
      type: 'system',
      id: 'test-seed',
    }),
  );
}
