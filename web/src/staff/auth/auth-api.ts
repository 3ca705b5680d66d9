// Staff sign-in, factors and step-up: thin wrappers over the identity API, with the WebAuthn
// ceremonies run by @simplewebauthn/browser.
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { passkeyCeremony } from '../../lib/passkey-errors.ts';
import { ApiError, ok, publicApi, setCsrfToken, staffApi } from '../../lib/api.ts';
import type { Answer } from '../../lib/types.ts';
import { creationOptions, credentialBody, requestOptions } from '../../lib/webauthn.ts';

export type SessionState = Answer<'/api/v1/auth/session'>;

/** The current staff session, or null when signed out. */
export async function fetchSession(): Promise<SessionState | null> {
  try {
    const s = await ok(staffApi.GET('/api/v1/auth/session'));
    setCsrfToken('staff', s.csrfToken);
    return s;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export type SignInAnswer = Answer<'/api/v1/auth/login', 'post'>;

function remember<T extends { csrfToken?: string }>(r: T): T {
  if (r.csrfToken) setCsrfToken('staff', r.csrfToken);
  return r;
}

export const passwordSignIn = async (email: string, password: string) =>
  remember(await ok(publicApi.POST('/api/v1/auth/login', { body: { email, password } })));

export const totpSignIn = async (code: string) =>
  remember(await ok(staffApi.POST('/api/v1/auth/mfa/totp', { body: { code } })));

export const recoverySignIn = async (code: string) =>
  remember(await ok(staffApi.POST('/api/v1/auth/mfa/recovery', { body: { code } })));

/** Usernameless passkey sign-in (discoverable credential), or the second step after a password. */
export async function passkeySignIn(opts: { second?: boolean } = {}): Promise<SignInAnswer> {
  const client = opts.second ? staffApi : publicApi;
  const { options, challengeId } = await ok(
    client.POST(opts.second ? '/api/v1/auth/mfa/passkey/options' : '/api/v1/auth/passkey/options'),
  );
  const response = await passkeyCeremony(() => startAuthentication({ optionsJSON: requestOptions(options) }));
  return remember(
    await ok(
      client.POST(opts.second ? '/api/v1/auth/mfa/passkey' : '/api/v1/auth/passkey', {
        body: { challengeId, response: credentialBody(response) },
      }),
    ),
  );
}

export async function signOut(): Promise<void> {
  await ok(staffApi.POST('/api/v1/auth/logout')).catch(() => undefined);
}

/** The secret, otpauth URI and QR code (data:image/svg+xml;base64,…) of a new authenticator app. */
export type TotpEnrolment = Answer<'/api/v1/me/totp', 'post'>;

/** A factor change rotates the session: the answer carries the new CSRF token (and level). */
export type FactorChange = Answer<'/api/v1/me/totp/confirm', 'post'>;

function rotated<T extends { csrfToken: string | null }>(r: T): T {
  if (r.csrfToken) setCsrfToken('staff', r.csrfToken);
  return r;
}

export const startTotp = () => ok(staffApi.POST('/api/v1/me/totp'));
export const confirmTotp = (code: string) =>
  ok(staffApi.POST('/api/v1/me/totp/confirm', { body: { code } })).then(rotated);
export const removeTotp = () => ok(staffApi.DELETE('/api/v1/me/totp')).then(rotated);

export async function registerPasskey(name: string): Promise<FactorChange> {
  const { options, challengeId } = await ok(staffApi.POST('/api/v1/me/passkeys/options'));
  const response = await passkeyCeremony(() => startRegistration({ optionsJSON: creationOptions(options) }));
  return rotated(
    await ok(staffApi.POST('/api/v1/me/passkeys', { body: { challengeId, response: credentialBody(response), name } })),
  );
}

export const removePasskey = (id: string) =>
  ok(staffApi.DELETE('/api/v1/me/passkeys/{id}', { params: { path: { id } } })).then(rotated);
export const regenerateRecoveryCodes = () => ok(staffApi.POST('/api/v1/me/recovery-codes')).then(rotated);

/** Step-up: re-authenticate the current session (password + second factor, or a passkey). */
export const stepUpPassword = (password: string, code: string | null) =>
  ok(staffApi.POST('/api/v1/auth/reauth', { body: { password, ...(code ? { code } : {}) } })).then(remember);

export async function stepUpPasskey(): Promise<Answer<'/api/v1/auth/reauth/passkey', 'post'>> {
  const { options, challengeId } = await ok(staffApi.POST('/api/v1/auth/reauth/passkey/options'));
  const response = await passkeyCeremony(() => startAuthentication({ optionsJSON: requestOptions(options) }));
  return remember(
    await ok(
      staffApi.POST('/api/v1/auth/reauth/passkey', { body: { challengeId, response: credentialBody(response) } }),
    ),
  );
}
