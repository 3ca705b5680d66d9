// The staff app: first-run setup, sign-in (and forced enrolment), then the screens. The session
// comes from GET /api/v1/auth/session; every screen reads the API only.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ok, setCsrfSource, staffApi, setCsrfToken, setSignedOutHandler, setStepUpHandler } from '../lib/api.ts';
import { toApiError } from '../lib/hooks.ts';
import { navigate, Routes, useLocation } from '../lib/router.tsx';
import type { Org } from '../lib/types.ts';
import { ErrorNotice, Loading } from '../ui/feedback.tsx';
import { NotFoundContent } from '../ui/NotFound.tsx';
import { StaffContext, type StaffSession } from './context.ts';
import { Layout } from './Layout.tsx';
import { staffRoutes } from './routes.tsx';
import { fetchSession, signOut, type SessionState } from './auth/auth-api.ts';
import { SignInPage } from './auth/SignIn.tsx';
import { EnrolPage } from './auth/Enrol.tsx';
import { LINK_PAGES, LinkPage } from './auth/LinkPages.tsx';
import { SetupPage } from './auth/Setup.tsx';
import { StepUpDialog, useStepUp } from './auth/StepUp.tsx';

type Phase =
  | { kind: 'loading' }
  | { kind: 'setup' }
  | { kind: 'signed-out' }
  | { kind: 'session'; state: SessionState }
  | { kind: 'error'; error: ReturnType<typeof toApiError> };

export default function StaffApp() {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [org, setOrg] = useState<Org | null>(null);
  const { pathname } = useLocation();
  const stepUp = useStepUp();

  const load = useCallback(async () => {
    try {
      const setup = await ok(staffApi.GET('/api/v1/setup'));
      if (!setup.setUp) return setPhase({ kind: 'setup' });
      const state = await fetchSession();
      if (!state) return setPhase({ kind: 'signed-out' });
      setCsrfToken('staff', state.csrfToken);
      // The organization first, so screens that start from it (settings forms) never see null.
      setOrg(state.level === 'full' ? await ok(staffApi.GET('/api/v1/org')).catch(() => null) : null);
      setPhase({ kind: 'session', state });
    } catch (e) {
      setPhase({ kind: 'error', error: toApiError(e) });
    }
  }, []);

  const linkPage = LINK_PAGES.includes(pathname);
  useEffect(() => {
    setCsrfSource('staff', async () => (await fetchSession())?.csrfToken ?? null);
  }, []);
  useEffect(() => {
    if (!linkPage) void load();
  }, [linkPage, load]);

  useEffect(() => {
    setStepUpHandler(stepUp.request);
    return () => setStepUpHandler(null);
  }, [stepUp.request]);

  const signedIn = phase.kind === 'session';
  useEffect(() => {
    // A session that ends under us (idle timeout, signed out elsewhere) returns to the sign-in page.
    setSignedOutHandler('staff', signedIn ? () => setPhase({ kind: 'signed-out' }) : null);
    return () => setSignedOutHandler('staff', null);
  }, [signedIn]);

  const session = useMemo<StaffSession | null>(() => {
    if (phase.kind !== 'session') return null;
    const st = phase.state;
    const perms = new Set(st.permissions);
    return {
      me: { userId: st.user.id, orgId: st.org.id, role: st.role, permissions: st.permissions, via: 'session' },
      state: st,
      org,
      email: st.user.email,
      name: st.user.name,
      can: (p: string) => perms.has(p),
      refresh: () => void load(),
      signOut: async () => {
        await signOut();
        setCsrfToken('staff', null);
        setOrg(null);
        setPhase({ kind: 'signed-out' });
        navigate('/app/login');
      },
    };
  }, [phase, org, load]);

  if (linkPage) return <LinkPage path={pathname} />;
  if (phase.kind === 'loading') return <Loading />;
  if (phase.kind === 'error') {
    return (
      <main id="main" className="public-main">
        <h1>Sealbill is not reachable</h1>
        <ErrorNotice error={phase.error} />
      </main>
    );
  }
  if (phase.kind === 'setup') return <SetupPage onDone={() => void load()} />;
  if (phase.kind === 'signed-out' || !session) return <SignInPage onSignedIn={() => void load()} />;
  if (session.state.level !== 'full') {
    return (
      <>
        <EnrolPage state={session.state} onDone={() => void load()} onSignOut={session.signOut} />
        <StepUpDialog controller={stepUp} />
      </>
    );
  }
  if (pathname === '/app/login' || pathname === '/app/setup') {
    navigate('/app', { replace: true });
    return null;
  }

  return (
    <StaffContext.Provider value={session}>
      <Layout>
        <Routes routes={staffRoutes} fallback={<NotFoundContent />} />
      </Layout>
      <StepUpDialog controller={stepUp} />
    </StaffContext.Provider>
  );
}
