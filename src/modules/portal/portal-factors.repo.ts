// Portal contacts' second factors (tables portal_totp and portal_passkeys, migration 0008). The
// stores plug the identity module's realm-agnostic TOTP service and WebAuthn ceremonies into
// these tables; each is bound to one organization, so every query filters by org_id.
import type { Executor } from '../../platform/db/kysely.ts';
import type { TotpStore } from '../identity/mfa/totp.service.ts';
import type { CredentialStore, StoredCredential } from '../identity/mfa/webauthn-ceremonies.ts';
import type { PortalPasskeysTable } from './portal.tables.ts';

export type PortalPasskeyRow = PortalPasskeysTable;

/** The TOTP store of one organization's contacts (the secret is sealed under that org's key). */
export function portalTotpStore(orgId: string): TotpStore {
  return {
    table: 'portal_totp',
    async get(ex, contactId) {
      const r = await ex
        .selectFrom('portal_totp')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('contact_id', '=', contactId)
        .executeTakeFirst();
      return (
        r && {
          keyOrgId: r.org_id,
          secretEnc: r.secret_enc,
          confirmedAt: r.confirmed_at,
          lastStep: Number(r.last_step),
          createdAt: r.created_at,
        }
      );
    },
    async put(ex, contactId, r, exists) {
      if (r.keyOrgId !== orgId) throw new Error('a portal TOTP secret is sealed under its own org key');
      const row = {
        secret_enc: r.secretEnc,
        confirmed_at: r.confirmedAt,
        last_step: r.lastStep,
        created_at: r.createdAt,
      };
      if (exists)
        await ex
          .updateTable('portal_totp')
          .set(row)
          .where('org_id', '=', orgId)
          .where('contact_id', '=', contactId)
          .execute();
      else
        await ex
          .insertInto('portal_totp')
          .values({ contact_id: contactId, org_id: orgId, ...row })
          .execute();
    },
    async confirm(ex, contactId, at, step) {
      await ex
        .updateTable('portal_totp')
        .set({ confirmed_at: at, last_step: step })
        .where('org_id', '=', orgId)
        .where('contact_id', '=', contactId)
        .execute();
    },
    async advance(ex, contactId, from, to) {
      const r = await ex
        .updateTable('portal_totp')
        .set({ last_step: to })
        .where('org_id', '=', orgId)
        .where('contact_id', '=', contactId)
        .where('last_step', '=', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async remove(ex, contactId) {
      const r = await ex
        .deleteFrom('portal_totp')
        .where('org_id', '=', orgId)
        .where('contact_id', '=', contactId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

const asStored = (r: PortalPasskeyRow): StoredCredential => ({
  id: r.id,
  ownerId: r.contact_id,
  credentialId: r.credential_id,
  publicKey: r.public_key,
  counter: Number(r.counter),
  transports: JSON.parse(r.transports) as string[],
});

/** The passkeys of one organization's contacts: a usernameless sign-in at org A never finds org B's. */
export function portalCredentialStore(orgId: string): CredentialStore {
  return {
    ofOwner: async (ex, contactId) => (await listPortalPasskeys(ex, orgId, contactId)).map(asStored),
    async byCredentialId(ex, credentialId) {
      const r = await ex
        .selectFrom('portal_passkeys')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return r && asStored(r);
    },
    async recordUse(ex, id, use) {
      await ex
        .updateTable('portal_passkeys')
        .set({ counter: use.counter, backed_up: use.backedUp ? 1 : 0, last_used_at: use.at })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
    },
  };
}

export function listPortalPasskeys(ex: Executor, orgId: string, contactId: string): Promise<PortalPasskeyRow[]> {
  return ex
    .selectFrom('portal_passkeys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .orderBy('created_at')
    .execute();
}

export function findPortalPasskey(ex: Executor, orgId: string, id: string): Promise<PortalPasskeyRow | undefined> {
  return ex
    .selectFrom('portal_passkeys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** False when the credential is already registered (to anyone). */
export async function insertPortalPasskey(ex: Executor, row: PortalPasskeyRow): Promise<boolean> {
  const dup = await ex
    .selectFrom('portal_passkeys')
    .select('id')
    .where('credential_id', '=', row.credential_id)
    .executeTakeFirst();
  if (dup) return false;
  await ex.insertInto('portal_passkeys').values(row).execute();
  return true;
}

export async function deletePortalPasskey(
  ex: Executor,
  orgId: string,
  contactId: string,
  id: string,
): Promise<PortalPasskeyRow | null> {
  const row = await ex
    .selectFrom('portal_passkeys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  await ex.deleteFrom('portal_passkeys').where('org_id', '=', orgId).where('id', '=', id).execute();
  return row;
}

/** Which second factors a contact has set up (a pending, unconfirmed TOTP enrolment does not count). */
export async function portalFactorsOf(
  ex: Executor,
  orgId: string,
  contactId: string,
): Promise<{ totp: boolean; passkeys: number }> {
  const totp = await ex
    .selectFrom('portal_totp')
    .select('confirmed_at')
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  const n = await ex
    .selectFrom('portal_passkeys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .executeTakeFirstOrThrow();
  return { totp: Boolean(totp?.confirmed_at), passkeys: Number(n.n) };
}

export function pendingPortalTotp(
  ex: Executor,
  orgId: string,
  contactId: string,
): Promise<{ created_at: string; confirmed_at: string | null } | undefined> {
  return ex
    .selectFrom('portal_totp')
    .select(['created_at', 'confirmed_at'])
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
}
