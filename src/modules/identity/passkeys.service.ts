// Staff passkeys: the WebAuthn ceremonies (webauthn-ceremonies.ts: UV required, RP ID and origins
// from configuration, single-use challenges) over the `passkeys` table, plus listing, naming and
// removing a user's passkeys.
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import type { PasskeysTable } from './identity.tables.ts';
import { newId } from '../../platform/ids.ts';
import { createWebAuthnCeremonies, type CredentialStore, type NewPasskey, type StoredCredential, type WebAuthnConfig } from './webauthn-ceremonies.ts';

export type { NewPasskey, PasskeyCheck, WebAuthnConfig } from './webauthn-ceremonies.ts';

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
  deviceType: string;
}

const asStored = (r: PasskeysTable): StoredCredential => ({
  id: r.id,
  ownerId: r.user_id,
  credentialId: r.credential_id,
  publicKey: r.public_key,
  counter: Number(r.counter),
  transports: JSON.parse(r.transports) as string[],
});

/** Staff users' credentials (table passkeys). */
export const userCredentialStore: CredentialStore = {
  ofOwner: async (ex, userId) => (await ex.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute()).map(asStored),
  byCredentialId: async (ex, credentialId) => {
    const r = await ex.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
    return r && asStored(r);
  },
  recordUse: async (ex, id, use) => {
    await ex.updateTable('passkeys').set({ counter: use.counter, backed_up: use.backedUp ? 1 : 0, last_used_at: use.at }).where('id', '=', id).execute();
  },
};

export const toPasskeyView = (r: PasskeysTable): PasskeyView => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  backedUp: r.backed_up === 1,
  deviceType: r.device_type,
});

export function createPasskeysService({ db, clock, webauthn }: { db: Database; clock: Clock; webauthn: WebAuthnConfig }) {
  const listRows = (ex: Executor, userId: string) => ex.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();

  return {
    ...createWebAuthnCeremonies({ db, clock, webauthn, store: userCredentialStore, realm: 'staff' }),

    async count(ex: Executor, userId: string): Promise<number> {
      const r = await ex.selectFrom('passkeys').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async list(userId: string): Promise<PasskeyView[]> {
      return (await listRows(db, userId)).map(toPasskeyView);
    },

    /** Stores a verified credential; null when the same credential is already registered. */
    async insert(tx: Executor, userId: string, c: NewPasskey, name: string): Promise<PasskeyView | null> {
      const dup = await tx.selectFrom('passkeys').select('id').where('credential_id', '=', c.credentialId).executeTakeFirst();
      if (dup) return null;
      const now = clock.now();
      const row: PasskeysTable = {
        id: newId(now.getTime()),
        user_id: userId,
        credential_id: c.credentialId,
        public_key: c.publicKey,
        counter: c.counter,
        transports: JSON.stringify(c.transports),
        device_type: c.deviceType,
        backed_up: c.backedUp ? 1 : 0,
        aaguid: c.aaguid,
        name,
        created_at: now.toISOString(),
        last_used_at: null,
      };
      await tx.insertInto('passkeys').values(row).execute();
      return toPasskeyView(row);
    },

    async rename(userId: string, id: string, name: string): Promise<PasskeyView | null> {
      const r = await db.updateTable('passkeys').set({ name }).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return null;
      const row = await db.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return toPasskeyView(row);
    },

    async remove(tx: Executor, userId: string, id: string): Promise<PasskeysTable | null> {
      const row = await tx.selectFrom('passkeys').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
      if (!row) return null;
      await tx.deleteFrom('passkeys').where('id', '=', id).execute();
      return row;
    },

    async removeAll(tx: Executor, userId: string): Promise<number> {
      const r = await tx.deleteFrom('passkeys').where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type PasskeysService = ReturnType<typeof createPasskeysService>;
