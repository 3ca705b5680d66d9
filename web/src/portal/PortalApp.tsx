// The client portal: a separate sign-in realm (the portal cookie never reaches a staff route).
// Clients sign in with an emailed one-time code or magic link, or arrive through a delivery's
// personal link, and see only their own documents.
import { useCallback, useEffect, useState } from 'react';
import { ApiError, ok, portalApi, setCsrfSource, setCsrfToken, setSignedOutHandler } from '../lib/api.ts';
import { toApiError } from '../lib/hooks.ts';
import { browserLanguage, currentLanguage, setLanguage, t } from '../lib/i18n.ts';
import { Link, navigate, Routes, useLocation } from '../lib/router.tsx';
import { ErrorNotice, Loading } from '../ui/feedback.tsx';
import { Button } from '../ui/forms.tsx';
import { NotFoundContent } from '../ui/NotFound.tsx';
import { PublicShell } from '../ui/PublicShell.tsx';
import { PortalDocumentPage } from './PortalDocument.tsx';
import { PortalDocumentsPage, PortalPaymentsPage } from './PortalLists.tsx';
import { PortalContext, type PortalMe } from './portal-context.ts';
import { PortalSecurityPage } from './PortalSecurity.tsx';
import { PortalStatementPage } from './PortalStatement.tsx';
import { PortalSignIn, PortalTokenSignIn } from './PortalSignIn.tsx';

/**
 * The portal speaks the client's language (issue #15 item 4), with numbers and dates as its
 * documents write them; before anyone has signed in, the browser's.
 */
function speak(me: Pick<PortalMe, 'language'> | null): void {
  if (me) setLanguage(me.language, { formats: true });
  else setLanguage(browserLanguage(), { formats: true });
  // Screen readers pronounce the page in the language it is written in.
  document.documentElement.lang = currentLanguage();
}

async function fetchMe(): Promise<PortalMe | null> {
  try {
    const me = await ok(portalApi.GET('/api/v1/portal/me'));
    setCsrfToken('portal', me.csrfToken);
    speak(me);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      speak(null);
      return null;
    }
    throw e;
  }
}

export default function PortalApp() {
  const { pathname } = useLocation();
  // Until the session is known (and on the sign-in link pages): the browser's language.
  useState(() => speak(null));
  const [me, setMe] = useState<PortalMe | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    try {
      setMe(await fetchMe());
    } catch (e) {
      setError(toApiError(e));
    }
  }, []);

  const tokenPath = pathname === '/portal/magic' || pathname === '/portal/open';
  const signedIn = Boolean(me);
  useEffect(() => {
    setSignedOutHandler('portal', signedIn ? () => setMe(null) : null);
    return () => setSignedOutHandler('portal', null);
  }, [signedIn]);
  useEffect(() => {
    setCsrfSource('portal', async () => (await fetchMe())?.csrfToken ?? null);
  }, []);
  useEffect(() => {
    // After a token sign-in the router moves on to a portal page: load the new session then.
    if (!tokenPath) void load();
  }, [tokenPath, load]);

  if (tokenPath) {
    return (
      <PublicShell>
        <PortalTokenSignIn kind={pathname === '/portal/magic' ? 'magic' : 'link'} />
      </PublicShell>
    );
  }
  if (error) {
    return (
      <PublicShell>
        <h1>{t('portal.unreachable')}</h1>
        <ErrorNotice error={error} />
      </PublicShell>
    );
  }
  if (me === undefined) return <Loading />;
  if (me === null) {
    return (
      <PublicShell>
        <PortalSignIn
          onSignedIn={(s) => {
            speak(s);
            // The sign-in answer is the session; /me adds what the header shows (the logo).
            setMe(s);
            void load();
          }}
        />
      </PublicShell>
    );
  }

  const reauth = async () => {
    await ok(portalApi.POST('/api/v1/portal/auth/logout')).catch(() => undefined);
    setCsrfToken('portal', null);
    speak(null);
    setMe(null);
  };
  const signOut = async () => {
    await reauth();
    navigate('/portal');
  };

  return (
    <PortalContext.Provider value={{ me, signOut, reauth }}>
      <PublicShell wide>
        <div className="page-head">
          <div>
            {me.organizationLogo ? (
              <img className="org-logo" src="/api/v1/portal/logo" alt={t('portal.logoAlt', { org: me.organization })} />
            ) : null}
            <p className="muted small">{t('portal.header', { org: me.organization, client: me.client })}</p>
          </div>
          <div className="actions">
            <span className="small">{me.contact.name}</span>
            <Button variant="link" onClick={() => void signOut()}>
              {t('portal.signOut')}
            </Button>
          </div>
        </div>
        <nav className="tabs" aria-label={t('portal.nav')}>
          <Link to="/portal">{t('portal.nav.invoices')}</Link>
          <Link to="/portal/quotes">{t('portal.nav.quotes')}</Link>
          <Link to="/portal/credit-notes">{t('portal.nav.creditNotes')}</Link>
          <Link to="/portal/payments">{t('portal.nav.payments')}</Link>
          <Link to="/portal/statement">{t('portal.nav.statement')}</Link>
          <Link to="/portal/security">{t('portal.nav.security')}</Link>
        </nav>
        <Routes
          routes={[
            { path: '/portal', render: () => <PortalDocumentsPage kind="invoice" /> },
            { path: '/portal/quotes', render: () => <PortalDocumentsPage kind="quote" /> },
            { path: '/portal/credit-notes', render: () => <PortalDocumentsPage kind="credit_note" /> },
            { path: '/portal/payments', render: () => <PortalPaymentsPage /> },
            { path: '/portal/statement', render: () => <PortalStatementPage /> },
            { path: '/portal/security', render: () => <PortalSecurityPage /> },
            { path: '/portal/documents/:id', render: (p) => <PortalDocumentPage id={p.id!} /> },
          ]}
          fallback={<NotFoundContent />}
        />
      </PublicShell>
    </PortalContext.Provider>
  );
}
