// Step-up re-authentication (OWASP ASVS V6.8 / NIST SP 800-63B §4.2.3 reauthentication): actions
// that move money or change who can act (payout details, factors, roles, tokens, exports,
// restores) need a full authentication within the last few minutes. API tokens never qualify.
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { Principal } from './principal.ts';

export const STEP_UP_WINDOW_MS = 5 * 60_000;

export function requireStepUp(principal: Principal | null, clock: Clock, what: string): void {
  if (!principal) throw new AppError('unauthenticated', 'Sign in first');
  if (principal.realm === 'portal') {
    // Portal contacts re-authenticate by signing in again (emailed code, plus their second factor).
    if (
      principal.level !== 'full' ||
      clock.now().getTime() - Date.parse(principal.authenticatedAt) > STEP_UP_WINDOW_MS
    ) {
      throw new AppError(
        'step_up_required',
        `${what} needs a fresh sign-in: sign in to the portal again and retry within 5 minutes`,
      );
    }
    return;
  }
  if (principal.via !== 'session' || !principal.authenticatedAt) {
    throw new AppError('step_up_required', `${what} needs an interactive re-authentication; API tokens cannot do this`);
  }
  if (clock.now().getTime() - Date.parse(principal.authenticatedAt) > STEP_UP_WINDOW_MS) {
    throw new AppError(
      'step_up_required',
      `${what} needs you to confirm it's you: re-authenticate (password + second factor, or passkey) and retry`,
    );
  }
}
