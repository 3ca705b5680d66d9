// WebAuthn ceremonies fail with browser errors that mean nothing to a person ("127.0.0.1 is an
// invalid domain", "The operation either timed out or was not allowed"). This turns them into
// an ApiError with a message that says what happened and what to do, so every passkey screen
// shows advice instead of the raw error (issue #10 item 20).
import { ApiError } from './api.ts';

// IPv4, or IPv6 (always has a colon; browsers report it bracketed).
const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-f]*:[0-9a-f:.]*\]?)$/i;

/** The human message for a failed passkey ceremony; `e` is what startRegistration/startAuthentication threw. */
export function passkeyMessage(
  e: unknown,
  where: Pick<Location, 'hostname' | 'port' | 'protocol'> = globalThis.location,
): string {
  const err = e as { name?: string; code?: string; message?: string };
  const code = err?.code ?? '';
  const name = err?.name ?? '';
  if (
    code === 'ERROR_INVALID_DOMAIN' ||
    code === 'ERROR_INVALID_RP_ID' ||
    name === 'SecurityError' ||
    IP_HOST.test(where.hostname)
  ) {
    const local = `${where.protocol}//localhost${where.port ? `:${where.port}` : ''}`;
    return IP_HOST.test(where.hostname)
      ? `Passkeys do not work at an IP address (${where.hostname}). Open Sealbill at ${local} instead, or ask your administrator to give it a host name (SEALBILL_PUBLIC_URL).`
      : `Passkeys are not set up for this address (${where.hostname}). Open Sealbill at the address your administrator configured (SEALBILL_PUBLIC_URL), or ask them to set SEALBILL_WEBAUTHN_RP_ID.`;
  }
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError')
    return 'This passkey is already registered to your account; use it to sign in, or choose another authenticator.';
  if (code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError')
    return 'The passkey request was cancelled. Try again when you are ready.';
  if (name === 'NotAllowedError')
    return 'No passkey was used: the request was cancelled, timed out, or this device has no passkey for Sealbill. Try again, or sign in another way.';
  if (
    code === 'ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT' ||
    code === 'ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT'
  ) {
    return 'This authenticator cannot verify you (PIN or biometrics) or cannot store a passkey; use another one, such as your phone or your computer’s built-in passkeys.';
  }
  if (name === 'NotSupportedError' || /not supported/i.test(err?.message ?? ''))
    return 'This browser cannot use passkeys. Use a current browser, or sign in another way.';
  return 'The passkey could not be used. Try again, or sign in another way.';
}

/** Runs a browser WebAuthn ceremony; failures become an ApiError with a human message. */
export async function passkeyCeremony<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, 'passkey', passkeyMessage(e));
  }
}
