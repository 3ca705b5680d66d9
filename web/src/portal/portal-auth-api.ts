// Portal second factors from the browser: the second sign-in step, passkey sign-in, and the
// contact's own authenticator app and passkeys. WebAuthn ceremonies run in @simplewebauthn/browser.
// Every answer that rotates the session carries the new CSRF token, which is kept at once.
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { passkeyCeremony } from '../lib/passkey-errors.ts';
import { ApiError, ok, portalApi, publicApi, setCsrfToken } from '../lib/api.ts';
import type { Answer } from '../lib/types.ts';
import { creationOptions, credentialBody, requestOptions } from '../lib/webauthn.ts';

/** A portal sign-in (full or waiting for the second factor), as every sign-in step answers it. */
export type PortalSession = Answer<'/api/v1/portal/auth/code/verify', 'post'>;
export type PortalFactors = Answer<'/api/v1/portal/me/factors'>;
export type PortalPasskey = PortalFactors['passkeys'][number];
export type PendingState = Answer<'/api/v1/portal/auth/session'>;

function keep<T extends { csrfToken?: string }>(r: T): T {
  if (r.csrfToken) setCsrfToken('portal', r.csrfToken);
  return r;
}

/** The browser's portal session, partial or full; null when there is none. */
export async function pendingState(): Promise<PendingState | null> {
  try {
    return keep(await ok(portalApi.GET('/api/v1/portal/auth/session')));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export const totpStep = async (code: string) =>
  keep(await ok(portalApi.POST('/api/v1/portal/auth/mfa/totp', { body: { code } })));

export async function passkeyStep(): Promise<PortalSession> {
  const c = await ok(portalApi.POST('/api/v1/portal/auth/mfa/passkey/options'));
  const response = await passkeyCeremony(() => startAuthentication({ optionsJSON: requestOptions(c.options) }));
  return keep(
    await ok(
      portalApi.POST('/api/v1/portal/auth/mfa/passkey', {
        body: { challengeId: c.challengeId, response: credentialBody(response) },
      }),
    ),
  );
}

/** Usernameless sign-in to one organization's portal: the passkey is both factors. */
export async function passkeySignIn(orgId: string): Promise<PortalSession> {
  const c = await ok(publicApi.POST('/api/v1/portal/auth/passkey/options', { body: { orgId } }));
  const response = await passkeyCeremony(() => startAuthentication({ optionsJSON: requestOptions(c.options) }));
  return keep(
    await ok(
      publicApi.POST('/api/v1/portal/auth/passkey', {
        body: { orgId, challengeId: c.challengeId, response: credentialBody(response) },
      }),
    ),
  );
}

export const listFactors = (signal?: AbortSignal) => ok(portalApi.GET('/api/v1/portal/me/factors', { signal }));
export const startTotp = () => ok(portalApi.POST('/api/v1/portal/me/totp'));
export const confirmTotp = async (code: string) =>
  keep(await ok(portalApi.POST('/api/v1/portal/me/totp/confirm', { body: { code } })));
export const removeTotp = async () => keep(await ok(portalApi.DELETE('/api/v1/portal/me/totp')));

export async function registerPasskey(name: string): Promise<Answer<'/api/v1/portal/me/passkeys', 'post'>> {
  const c = await ok(portalApi.POST('/api/v1/portal/me/passkeys/options'));
  const response = await passkeyCeremony(() => startRegistration({ optionsJSON: creationOptions(c.options) }));
  return keep(
    await ok(
      portalApi.POST('/api/v1/portal/me/passkeys', {
        body: { challengeId: c.challengeId, name, response: credentialBody(response) },
      }),
    ),
  );
}

export const removePasskey = async (id: string) =>
  keep(await ok(portalApi.DELETE('/api/v1/portal/me/passkeys/{id}', { params: { path: { id } } })));
