// Staff sign-in, factors and step-up: thin wrappers over the identity API, with the WebAuthn
// ceremonies run by @simplewebauthn/browser.
import { startAuthentication, startRegistration, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { passkeyCeremony } from '../../lib/passkey-errors.ts';
import { api, ApiError, setCsrfToken } from '../../lib/api.ts';
import type { SessionState } from '../../../../src/modules/identity/sessions/session-state.ts';

export type { SessionState };

/** The current staff session, or null when signed out. */
export async function fetchSession(): Promise<SessionState | null> {
  try {
    const s = await api.get<SessionState>('/api/v1/auth/session');
    setCsrfToken('staff', s.csrfToken);
    return s;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export interface SignInAnswer {
  level: SessionState['level'];
  csrfToken?: string;
}

function remember<T extends { csrfToken?: string }>(r: T): T {
  if (r.csrfToken) setCsrfToken('staff', r.csrfToken);
  return r;
}

export const passwordSignIn = async (email: string, password: string) => remember(await api.post<SignInAnswer>('/api/v1/auth/login', { email, password }, { realm: 'public' }));

export const totpSignIn = async (code: string) => remember(await api.post<SignInAnswer>('/api/v1/auth/mfa/totp', { code }));

export const recoverySignIn = async (code: string) => remember(await api.post<SignInAnswer>('/api/v1/auth/mfa/recovery', { code }));

/** Usernameless passkey sign-in (discoverable credential), or the second step after a password. */
export async function passkeySignIn(opts: { second?: boolean } = {}): Promise<SignInAnswer> {
  const base = opts.second ? '/api/v1/auth/mfa/passkey' : '/api/v1/auth/passkey';
  const realm = opts.second ? 'staff' : 'public';
  const { options, challengeId } = await api.post<{ options: PublicKeyCredentialRequestOptionsJSON; challengeId: string }>(`${base}/options`, {}, { realm });
  const response = await passkeyCeremony(() => startAuthentication({ optionsJSON: options }));
  return remember(await api.post<SignInAnswer>(base, { challengeId, response }, { realm }));
}

export async function signOut(): Promise<void> {
  await api.post('/api/v1/auth/logout', {}).catch(() => undefined);
}

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  /** data:image/svg+xml;base64,… */
  qrCode: string;
}

/** A factor change rotates the session: the answer carries the new CSRF token (and level). */
export interface FactorChange {
  level: SessionState['level'];
  csrfToken: string | null;
  recoveryCodes?: string[] | null;
}

function rotated<T extends { csrfToken: string | null }>(r: T): T {
  if (r.csrfToken) setCsrfToken('staff', r.csrfToken);
  return r;
}

export const startTotp = () => api.post<TotpEnrolment>('/api/v1/me/totp', {});
export const confirmTotp = (code: string) => api.post<FactorChange>('/api/v1/me/totp/confirm', { code }).then(rotated);
export const removeTotp = () => api.del<FactorChange>('/api/v1/me/totp').then(rotated);

export async function registerPasskey(name: string): Promise<FactorChange> {
  const { options, challengeId } = await api.post<{ options: PublicKeyCredentialCreationOptionsJSON; challengeId: string }>('/api/v1/me/passkeys/options', {});
  const response = await passkeyCeremony(() => startRegistration({ optionsJSON: options }));
  return rotated(await api.post<FactorChange>('/api/v1/me/passkeys', { challengeId, response, name }));
}

export const removePasskey = (id: string) => api.del<FactorChange>(`/api/v1/me/passkeys/${id}`).then(rotated);
export const regenerateRecoveryCodes = () => api.post<FactorChange & { recoveryCodes: string[] }>('/api/v1/me/recovery-codes', {}).then(rotated);

/** Step-up: re-authenticate the current session (password + second factor, or a passkey). */
export const stepUpPassword = (password: string, code: string | null) =>
  api.post<{ csrfToken: string; stepUpUntil: string }>('/api/v1/auth/reauth', { password, ...(code ? { code } : {}) }).then(remember);

export async function stepUpPasskey(): Promise<{ csrfToken: string; stepUpUntil: string }> {
  const { options, challengeId } = await api.post<{ options: PublicKeyCredentialRequestOptionsJSON; challengeId: string }>('/api/v1/auth/reauth/passkey/options', {});
  const response = await passkeyCeremony(() => startAuthentication({ optionsJSON: options }));
  return remember(await api.post<{ csrfToken: string; stepUpUntil: string }>('/api/v1/auth/reauth/passkey', { challengeId, response }));
}
