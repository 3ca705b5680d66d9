// The server's schemas keep WebAuthn JSON open (an object with any members: the ceremony options
// and the browser's answer are checked by @simplewebauthn/server, not by Zod); the browser library
// types them exactly. These are the two crossings between the two descriptions.
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  AuthenticationResponseJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import type { Body } from './types.ts';

export function requestOptions(options: Record<string, unknown>): PublicKeyCredentialRequestOptionsJSON {
  return options as unknown as PublicKeyCredentialRequestOptionsJSON;
}

export function creationOptions(options: Record<string, unknown>): PublicKeyCredentialCreationOptionsJSON {
  return options as unknown as PublicKeyCredentialCreationOptionsJSON;
}

/** The browser's answer as the routes' body describes it (`response` of /api/v1/auth/passkey). */
export function credentialBody(
  response: AuthenticationResponseJSON | RegistrationResponseJSON,
): Body<'/api/v1/auth/passkey'>['response'] {
  return response as unknown as Body<'/api/v1/auth/passkey'>['response'];
}
