// A complete German seller for e-invoice tests, and a way to give an existing organization that
// profile without the step-up flow (tested in printed-text.test.ts) that changing it over HTTP needs.
import { orgProfileSchema } from '../../src/modules/orgs/org.schemas.ts';
import type { Container } from '../../src/main/container.ts';

export const SELLER_PROFILE = {
  addressLines: ['Musterstraße 1'],
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
  taxIds: [{ type: 'USt-IdNr.', value: 'DE123456789' }],
  email: 'billing@seller.test',
  vatId: 'DE 123 456 789',
  taxRegistration: '30/123/45678',
  legalRegistrationId: 'HRB 12345',
  electronicAddress: 'DE123456789',
  electronicAddressScheme: '9930',
  contactName: 'Erika Muster',
  contactPhone: '+49 30 1234567',
  contactEmail: 'erika@seller.test',
};

export async function seedSellerProfile(
  c: Container,
  orgId: string,
  profile: Record<string, unknown> = SELLER_PROFILE,
): Promise<void> {
  const crypto = await c.keyring.forOrg(c.db, orgId);
  const sealed = crypto.encryptJson(orgProfileSchema.parse(profile), {
    table: 'orgs',
    row: orgId,
    column: 'profile_enc',
  });
  await c.db.updateTable('orgs').set({ profile_enc: sealed }).where('id', '=', orgId).execute();
}
