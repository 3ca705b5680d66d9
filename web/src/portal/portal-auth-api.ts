// Portal second factors from the browser: the second sign-in step, passkey sign-in, and the
// contact's own authenticator app and passkeys. WebAuthn ceremonies run in @simplewebauthn/browser.
// Every answer that rotates the session carries the new CSRF token, which is kept at once.
import { startAuthentication, startRegistration, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { passkeyCeremony } from '../lib/passkey-errors.ts';
import { api, ApiError, setCsrfToken } from '../lib/api.ts';
import type { PortalFactors, PortalPasskey, PortalSession } from '../../../src/modules/portal/portal.schemas.ts';
import type { TotpEnrolment } from '../staff/auth/auth-api.ts';

export type { PortalFactors, PortalPasskey, PortalSession };
export type PendingState = Pick<PortalSession, 'level' | 'secondFactors' | 'csrfToken'>;

const PORTAL = { realm: 'portal' } as const;
type Challenge<O> = { challengeId: string; options: O };

function keep<T extends { csrfToken?: string }>(r: T): T {
  if (r.csrfToken) setCsrfToken('portal', r.csrfToken);
  return r;
}

/** The browser's portal session, partial or full; null when there is none. */
export async function pendingState(): Promise<PendingState | null> {
  try {
    return keep(await api.get<PendingState>('/api/v1/portal/auth/session', PORTAL));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export const totpStep = async (code: string) => keep(await api.post<PortalSession>('/api/v1/portal/auth/mfa/totp', { code }, PORTAL));

export async function passkeyStep(): Promise<PortalSession> {
  const c = await api.post<Challenge<PublicKeyCredentialRequestOptionsJSON>>('/api/v1/portal/auth/mfa/passkey/options', {}, PORTAL);
  const response = await passkeyCeremony(() => startAuthentication({ optionsJSON: c.options }));
  return keep(await api.post<PortalSession>('/api/v1/portal/auth/mfa/passkey', { challengeId: c.challengeId, response }, PORTAL));
}

/** Usernameless sign-in to one organization's portal: the passkey is both factors. */
export async function passkeySignIn(orgId: string): Promise<PortalSession> {
  const c = await api.post<Challenge<PublicKeyCredentialRequestOptionsJSON>>('/api/v1/portal/auth/passkey/options', { orgId }, { realm: 'public' });
  const response = await passkeyCeremony(() => startAuthentication({ optionsJSON: c.options }));
  return keep(await api.post<PortalSession>('/api/v1/portal/auth/passkey', { orgId, challengeId: c.challengeId, response }, { realm: 'public' }));
}

export const listFactors = (signal?: AbortSignal) => api.get<PortalFactors>('/api/v1/portal/me/factors', { ...PORTAL, ...(signal ? { signal } : {}) });
export const startTotp = () => api.post<TotpEnrolment>('/api/v1/portal/me/totp', {}, PORTAL);
export const confirmTotp = async (code: string) => keep(await api.post<{ csrfToken: string }>('/api/v1/portal/me/totp/confirm', { code }, PORTAL));
export const removeTotp = async () => keep(await api.del<{ csrfToken: string }>('/api/v1/portal/me/totp', PORTAL));

export async function registerPasskey(name: string): Promise<{ csrfToken: string; passkey: PortalPasskey }> {
  const c = await api.post<Challenge<PublicKeyCredentialCreationOptionsJSON>>('/api/v1/portal/me/passkeys/options', {}, PORTAL);
  const response = await passkeyCeremony(() => startRegistration({ optionsJSON: c.options }));
  return keep(await api.post<{ csrfToken: string; passkey: PortalPasskey }>('/api/v1/portal/me/passkeys', { challengeId: c.challengeId, name, response }, PORTAL));
}

export const removePasskey = async (id: string) => keep(await api.del<{ csrfToken: string }>(`/api/v1/portal/me/passkeys/${id}`, PORTAL));
