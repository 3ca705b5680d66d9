// Passkeys (WebAuthn Level 3) through @simplewebauthn/server. Every ceremony requires user
// verification (the authenticator checked a PIN or biometric), so a passkey alone is a
// multi-factor, phishing-resistant authenticator (NIST SP 800-63B AAL3-capable). The RP ID and
// the accepted origins come from configuration; a response for another origin or RP ID, without
// UV, with a bad signature, or for a challenge that was already used is refused.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import type { PasskeysTable } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import { storeChallenge, takeChallenge, type ChallengePurpose } from './webauthn-challenges.ts';

export interface WebAuthnConfig {
  rpId: string;
  rpName: string;
  origins: string[];
}

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
  deviceType: string;
}

export interface NewPasskey {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  aaguid: string;
}

/** On failure, `userId` names the passkey's owner when the credential is known (for the audit log). */
export type PasskeyCheck = { ok: true; userId: string; passkeyId: string } | { ok: false; reason: string; userId?: string };

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const TIMEOUT_MS = 5 * 60_000;

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
    async count(ex: Executor, userId: string): Promise<number> {
      const r = await ex.selectFrom('passkeys').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async list(userId: string): Promise<PasskeyView[]> {
      return (await listRows(db, userId)).map(toPasskeyView);
    },

    async registrationOptions(user: { id: string; email: string; name: string }, sessionId: string): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
      const existing = await listRows(db, user.id);
      const options = await generateRegistrationOptions({
        rpName: webauthn.rpName,
        rpID: webauthn.rpId,
        userName: user.email,
        userDisplayName: user.name,
        userID: new Uint8Array(Buffer.from(user.id, 'utf8')),
        attestationType: 'none',
        timeout: TIMEOUT_MS,
        excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: JSON.parse(c.transports) as string[] })),
        // Discoverable credentials make usernameless sign-in possible; UV makes the passkey multi-factor.
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
      const challengeId = await storeChallenge(db, clock, { challenge: options.challenge, purpose: 'register', userId: user.id, sessionId });
      return { challengeId, options };
    },

    /**
     * Verifies a registration (spending the challenge first, in its own write, so a failed attempt
     * cannot be retried with it). Call outside a transaction; store the result with `insert`.
     */
    async verifyRegistration(userId: string, sessionId: string, challengeId: string, response: RegistrationResponseJSON): Promise<{ ok: true; credential: NewPasskey } | { ok: false; reason: string }> {
      const challenge = await takeChallenge(db, clock, challengeId, 'register', { sessionId });
      if (!challenge || challenge.user_id !== userId) return { ok: false, reason: 'unknown, expired or already used challenge' };
      try {
        const v = await verifyRegistrationResponse({
          response,
          expectedChallenge: challenge.challenge,
          expectedOrigin: webauthn.origins,
          expectedRPID: webauthn.rpId,
          requireUserVerification: true,
        });
        if (!v.verified) return { ok: false, reason: 'registration could not be verified' };
        const info = v.registrationInfo;
        return {
          ok: true,
          credential: {
            credentialId: info.credential.id,
            publicKey: b64url(info.credential.publicKey),
            counter: info.credential.counter,
            transports: info.credential.transports ?? [],
            deviceType: info.credentialDeviceType,
            backedUp: info.credentialBackedUp,
            aaguid: info.aaguid,
          },
        };
      } catch (err) {
        return { ok: false, reason: (err as Error).message };
      }
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

    /** Options for an assertion. Without a user: usernameless sign-in (discoverable credentials). */
    async authenticationOptions(purpose: ChallengePurpose, binding: { userId?: string; sessionId?: string }): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
      const allow = binding.userId ? await listRows(db, binding.userId) : [];
      const options = await generateAuthenticationOptions({
        rpID: webauthn.rpId,
        userVerification: 'required',
        timeout: TIMEOUT_MS,
        ...(binding.userId ? { allowCredentials: allow.map((c) => ({ id: c.credential_id, transports: JSON.parse(c.transports) as string[] })) } : {}),
      });
      const challengeId = await storeChallenge(db, clock, { challenge: options.challenge, purpose, userId: binding.userId ?? null, sessionId: binding.sessionId ?? null });
      return { challengeId, options };
    },

    /** Verifies an assertion for a purpose; when the challenge was bound to a user, the passkey must be theirs. Call outside a transaction. */
    async authenticate(challengeId: string, purpose: ChallengePurpose, response: AuthenticationResponseJSON, binding: { sessionId?: string }): Promise<PasskeyCheck> {
      const challenge = await takeChallenge(db, clock, challengeId, purpose, binding);
      if (!challenge) return { ok: false, reason: 'unknown, expired or already used challenge' };
      const cred = await db.selectFrom('passkeys').selectAll().where('credential_id', '=', response.id).executeTakeFirst();
      if (!cred || (challenge.user_id && cred.user_id !== challenge.user_id)) return { ok: false, reason: 'unknown passkey' };
      const fail = (reason: string): PasskeyCheck => ({ ok: false, reason, userId: cred.user_id });
      const handle = response.response.userHandle;
      if (handle && Buffer.from(handle, 'base64url').toString('utf8') !== cred.user_id) return fail('passkey user handle mismatch');
      let info;
      try {
        const v = await verifyAuthenticationResponse({
          response,
          expectedChallenge: challenge.challenge,
          expectedOrigin: webauthn.origins,
          expectedRPID: webauthn.rpId,
          credential: { id: cred.credential_id, publicKey: new Uint8Array(Buffer.from(cred.public_key, 'base64url')), counter: Number(cred.counter), transports: JSON.parse(cred.transports) as string[] },
          requireUserVerification: true,
        });
        if (!v.verified) return fail('assertion could not be verified');
        info = v.authenticationInfo;
      } catch (err) {
        return fail((err as Error).message);
      }
      await db
        .updateTable('passkeys')
        .set({ counter: info.newCounter, backed_up: info.credentialBackedUp ? 1 : 0, last_used_at: clock.now().toISOString() })
        .where('id', '=', cred.id)
        .execute();
      return { ok: true, userId: cred.user_id, passkeyId: cred.id };
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
