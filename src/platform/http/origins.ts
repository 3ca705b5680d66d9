// Refusing a request from a foreign Origin (CSRF defence on cookie-authenticated and sign-in
// requests). The refusal says what to change: the page's origin, the one expected, and the
// variable that sets it — a user who opened the app under another address than the public URL
// (127.0.0.1 instead of localhost, another port, a proxy's name) needs all three to fix it.
import type { Config } from '../../config/env.ts';
import { AppError } from '../errors.ts';

export function foreignOriginError(origin: string, config: Pick<Config, 'publicUrl'>): AppError {
  const shown = origin.length > 200 ? `${origin.slice(0, 200)}…` : origin;
  return new AppError(
    'csrf_failed',
    `Cross-origin request refused: this page is served from ${shown}, but Sealbill expects ${new URL(config.publicUrl).origin}. Open Sealbill at ${config.publicUrl}, or set SEALBILL_PUBLIC_URL to the address you use (and restart).`,
  );
}
