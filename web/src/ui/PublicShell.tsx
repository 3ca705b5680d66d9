import type { ReactNode } from 'react';
import { t } from '../lib/i18n.ts';

/** Frame of the pages outside the staff app: sign-in, portal sign-in, public pages. */
export function PublicShell({ children, wide }: { children: ReactNode; wide?: boolean }) {
  return (
    <>
      <a className="skip-link" href="#main">
        {t('ui.skipToMain')}
      </a>
      <header className={`public-header${wide ? ' public-wide' : ''}`}>
        <span className="brand">
          <svg className="brand-mark" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <rect width="16" height="16" rx="3" fill="#3b82f6" />
            <path d="M4 8.5l2.5 2.5L12 5" stroke="white" strokeWidth="2" fill="none" />
          </svg>
          Sealbill
        </span>
      </header>
      <main id="main" className={`public-main${wide ? ' public-wide' : ''}`} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
