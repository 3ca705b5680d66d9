// Public pages: anyone may open them, no sign-in. They read only public API endpoints.
import { browserLanguage, currentLanguage, setLanguage, shippedLanguage } from '../lib/i18n.ts';
import { Routes, useLocation, useQuery } from '../lib/router.tsx';
import { PublicShell } from '../ui/PublicShell.tsx';
import { NotFoundContent } from '../ui/NotFound.tsx';
import { SealedPage } from './SealedPage.tsx';
import { SecurityPage } from './SecurityPage.tsx';
import { VerifyPage } from './VerifyPage.tsx';

/**
 * The sealed-link and verification pages speak their reader's language (issue #15 item 4): the
 * link's `?lang=` (a sealed link carries its client's, set when it is created; the page may fetch
 * nothing before the reader's click, so it cannot ask), else the browser's best shipped match,
 * else English. Numbers and dates follow the same tag. The security page is English for now.
 */
function speak(pathname: string, lang: string | null): void {
  const translated = pathname.startsWith('/verify') || pathname.startsWith('/s/');
  const tag = !translated ? 'en' : lang && shippedLanguage(lang) ? lang : browserLanguage();
  setLanguage(tag, { formats: translated });
  // Screen readers pronounce the page in the language it is written in.
  document.documentElement.lang = currentLanguage();
}

export default function PublicPages() {
  const { pathname } = useLocation();
  // Before the pages render: they read the catalogue while rendering.
  speak(pathname, useQuery().get('lang'));
  return (
    <PublicShell>
      <Routes
        routes={[
          { path: '/verify', render: () => <VerifyPage token={null} /> },
          { path: '/verify/:token', render: (p) => <VerifyPage token={p.token ?? null} /> },
          { path: '/s/:id', render: (p) => <SealedPage id={p.id ?? ''} /> },
          { path: '/security/:orgId', render: (p) => <SecurityPage orgId={p.orgId ?? ''} /> },
        ]}
        fallback={<NotFoundContent />}
      />
    </PublicShell>
  );
}
