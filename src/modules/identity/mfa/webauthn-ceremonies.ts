// The WebAuthn ceremonies (Level 3) through @simplewebauthn/server, independent of where a realm
// keeps its credentials. Every ceremony requires user verification (the authenticator checked a
// PIN or biometric), so a passkey alone is a multi-factor, phishing-resistant authenticator (NIST
// SP 800-63B AAL3-capable). The RP ID and the accepted origins come from configuration; a
// response for another origin or RP ID, without UV, with a bad signature, or for a challenge that
// was already used is refused. Staff users (passkeys.service.ts) and portal contacts (portal
// module) each pass their own CredentialStore; their challenges carry distinct purposes, so a
// challenge minted for one realm never completes a ceremony of the other.
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
import type { Clock } from '../../../platform/clock.ts';
import type { Database, Executor } from '../../../platform/db/kysely.ts';
import { storeChallengeInTx, takeChallengeInTx, type ChallengePurpose } from './webauthn-challenges.ts';

export interface WebAuthnConfig {
  rpId: string;
  rpName: string;
  origins: string[];
}

/** A registered credential as the ceremonies need it; `ownerId` is a staff user or a portal contact. */
export interface StoredCredential {
  id: string;
  ownerId: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

/** Where a realm keeps its passkeys: the ceremonies only look them up and record their use. */
export interface CredentialStore {
  ofOwner(ex: Executor, ownerId: string): Promise<StoredCredential[]>;
  byCredentialId(ex: Executor, credentialId: string): Promise<StoredCredential | undefined>;
  recordUse(ex: Executor, id: string, use: { counter: number; backedUp: boolean; at: string }): Promise<void>;
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
export type PasskeyCheck =
  { ok: true; userId: string; passkeyId: string } | { ok: false; reason: string; userId?: string };

/** What a ceremony is for; each realm stores it under its own challenge purpose. */
export type CeremonyPurpose = 'login' | 'mfa' | 'reauth';

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const TIMEOUT_MS = 5 * 60_000;

export function createWebAuthnCeremonies({
  db,
  clock,
  webauthn,
  store,
  realm,
}: {
  db: Database;
  clock: Clock;
  webauthn: WebAuthnConfig;
  store: CredentialStore;
  realm: 'staff' | 'portal';
}) {
  const purposeOf = (p: CeremonyPurpose | 'register'): ChallengePurpose => (realm === 'portal' ? `portal-${p}` : p);

  return {
    /** `user.id` is the owner id (it becomes the credential's user handle). */
    async registrationOptions(
      user: { id: string; email: string; name: string },
      sessionId: string,
    ): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
      const existing = await store.ofOwner(db, user.id);
      const options = await generateRegistrationOptions({
        rpName: webauthn.rpName,
        rpID: webauthn.rpId,
        userName: user.email,
        userDisplayName: user.name,
        userID: new Uint8Array(Buffer.from(user.id, 'utf8')),
        attestationType: 'none',
        timeout: TIMEOUT_MS,
        excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
        // Discoverable credentials make usernameless sign-in possible; UV makes the passkey multi-factor.
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
      const challengeId = await storeChallengeInTx(db, clock, {
        challenge: options.challenge,
        purpose: purposeOf('register'),
        userId: user.id,
        sessionId,
      });
      return { challengeId, options };
    },

    /**
     * Verifies a registration (spending the challenge first, in its own write, so a failed attempt
     * cannot be retried with it). Call outside a transaction; the caller stores the result.
     */
    async verifyRegistration(
      userId: string,
      sessionId: string,
      challengeId: string,
      response: RegistrationResponseJSON,
    ): Promise<{ ok: true; credential: NewPasskey } | { ok: false; reason: string }> {
      const challenge = await takeChallengeInTx(db, clock, challengeId, purposeOf('register'), { sessionId });
      if (!challenge || challenge.user_id !== userId)
        return { ok: false, reason: 'unknown, expired or already used challenge' };
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

    /** Options for an assertion. Without a user: usernameless sign-in (discoverable credentials). */
    async authenticationOptions(
      purpose: CeremonyPurpose,
      binding: { userId?: string; sessionId?: string },
    ): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
      const allow = binding.userId ? await store.ofOwner(db, binding.userId) : [];
      const options = await generateAuthenticationOptions({
        rpID: webauthn.rpId,
        userVerification: 'required',
        timeout: TIMEOUT_MS,
        ...(binding.userId
          ? { allowCredentials: allow.map((c) => ({ id: c.credentialId, transports: c.transports })) }
          : {}),
      });
      const challengeId = await storeChallengeInTx(db, clock, {
        challenge: options.challenge,
        purpose: purposeOf(purpose),
        userId: binding.userId ?? null,
        sessionId: binding.sessionId ?? null,
      });
      return { challengeId, options };
    },

    /** Verifies an assertion for a purpose; when the challenge was bound to a user, the passkey must be theirs. Call outside a transaction. */
    async authenticate(
      challengeId: string,
      purpose: CeremonyPurpose,
      response: AuthenticationResponseJSON,
      binding: { sessionId?: string },
    ): Promise<PasskeyCheck> {
      const challenge = await takeChallengeInTx(db, clock, challengeId, purposeOf(purpose), binding);
      if (!challenge) return { ok: false, reason: 'unknown, expired or already used challenge' };
      const cred = await store.byCredentialId(db, response.id);
      if (!cred || (challenge.user_id && cred.ownerId !== challenge.user_id))
        return { ok: false, reason: 'unknown passkey' };
      const fail = (reason: string): PasskeyCheck => ({ ok: false, reason, userId: cred.ownerId });
      const handle = response.response.userHandle;
      if (handle && Buffer.from(handle, 'base64url').toString('utf8') !== cred.ownerId)
        return fail('passkey user handle mismatch');
      let info;
      try {
        const v = await verifyAuthenticationResponse({
          response,
          expectedChallenge: challenge.challenge,
          expectedOrigin: webauthn.origins,
          expectedRPID: webauthn.rpId,
          credential: {
            id: cred.credentialId,
            publicKey: new Uint8Array(Buffer.from(cred.publicKey, 'base64url')),
            counter: cred.counter,
            transports: cred.transports,
          },
          requireUserVerification: true,
        });
        if (!v.verified) return fail('assertion could not be verified');
        info = v.authenticationInfo;
      } catch (err) {
        return fail((err as Error).message);
      }
      await store.recordUse(db, cred.id, {
        counter: info.newCounter,
        backedUp: info.credentialBackedUp,
        at: clock.now().toISOString(),
      });
      return { ok: true, userId: cred.ownerId, passkeyId: cred.id };
    },
  };
}

export type WebAuthnCeremonies = ReturnType<typeof createWebAuthnCeremonies>;
