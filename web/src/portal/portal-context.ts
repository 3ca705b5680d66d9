import { createContext, useContext } from 'react';
import type { Answer } from '../lib/types.ts';

/** `/me`'s answer; right after sign-in the session answer stands in, without `organizationLogo` until /me loads. */
export type PortalMe = Omit<Answer<'/api/v1/portal/me'>, 'organizationLogo'> & { organizationLogo?: boolean };

/** `reauth` ends the session but stays on the page: signing in again lands back here (fresh sign-in). */
export const PortalContext = createContext<{
  me: PortalMe;
  signOut: () => Promise<void>;
  reauth: () => Promise<void>;
} | null>(null);

export function usePortal() {
  const c = useContext(PortalContext);
  if (!c) throw new Error('usePortal outside the portal');
  return c;
}

/** The organization whose portal this is: from ?org=, else remembered from the last visit. */
export function portalOrg(search: string): string {
  const fromUrl = new URLSearchParams(search).get('org');
  if (fromUrl) {
    try {
      localStorage.setItem('sealbill.portal.org', fromUrl);
    } catch {
      // storage may be disabled; the URL still works
    }
    return fromUrl;
  }
  try {
    return localStorage.getItem('sealbill.portal.org') ?? '';
  } catch {
    return '';
  }
}
