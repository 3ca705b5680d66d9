// Staff passkeys: the WebAuthn ceremonies (webauthn-ceremonies.ts: UV required, RP ID and origins
// from configuration, single-use challenges) over the `passkeys` table, plus listing, naming and
// removing a user's passkeys.
import type { Clock } from '../../../platform/clock.ts';
import type { Database, Executor } from '../../../platform/db/kysely.ts';
import { newId } from '../../../platform/ids.ts';
import {
  countPasskeys,
  deletePasskey,
  deletePasskeysOf,
  findUserPasskey,
  insertPasskey,
  listPasskeys,
  passkeyCredentialExists,
  renamePasskey,
  userCredentialStore,
  type PasskeyRow,
} from './factors.repo.ts';
import { createWebAuthnCeremonies, type NewPasskey, type WebAuthnConfig } from './webauthn-ceremonies.ts';

export type { NewPasskey, PasskeyCheck, WebAuthnConfig } from './webauthn-ceremonies.ts';

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
  deviceType: string;
}

export const toPasskeyView = (r: PasskeyRow): PasskeyView => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  backedUp: r.backed_up === 1,
  deviceType: r.device_type,
});

export function createPasskeysService({
  db,
  clock,
  webauthn,
}: {
  db: Database;
  clock: Clock;
  webauthn: WebAuthnConfig;
}) {
  return {
    ...createWebAuthnCeremonies({ db, clock, webauthn, store: userCredentialStore, realm: 'staff' }),

    countInTx: (ex: Executor, userId: string): Promise<number> => countPasskeys(ex, userId),

    async list(userId: string): Promise<PasskeyView[]> {
      return (await listPasskeys(db, userId)).map(toPasskeyView);
    },

    /** Stores a verified credential; null when the same credential is already registered. */
    async insertInTx(tx: Executor, userId: string, c: NewPasskey, name: string): Promise<PasskeyView | null> {
      if (await passkeyCredentialExists(tx, c.credentialId)) return null;
      const now = clock.now();
      const row: PasskeyRow = {
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
      await insertPasskey(tx, row);
      return toPasskeyView(row);
    },

    async rename(userId: string, id: string, name: string): Promise<PasskeyView | null> {
      const row = await renamePasskey(db, userId, id, name);
      return row && toPasskeyView(row);
    },

    async removeInTx(tx: Executor, userId: string, id: string): Promise<PasskeyRow | null> {
      const row = await findUserPasskey(tx, userId, id);
      if (!row) return null;
      await deletePasskey(tx, id);
      return row;
    },

    async removeAllInTx(tx: Executor, userId: string): Promise<number> {
      return deletePasskeysOf(tx, userId);
    },
  };
}

export type PasskeysService = ReturnType<typeof createPasskeysService>;
