// Top-level switch between the three areas. Each area is its own chunk (React.lazy), so the
// public verification and sealed-link pages never download the staff app.
import { lazy, Suspense, useEffect } from 'react';
import { navigate, useLocation } from './lib/router.tsx';
import { Loading } from './ui/feedback.tsx';
import { NotFoundPage } from './ui/NotFound.tsx';

const StaffApp = lazy(() => import('./staff/StaffApp.tsx'));
const PortalApp = lazy(() => import('./portal/PortalApp.tsx'));
const PublicPages = lazy(() => import('./public/PublicPages.tsx'));

function area(pathname: string): 'staff' | 'portal' | 'public' | 'root' | 'none' {
  if (pathname === '/') return 'root';
  const first = pathname.split('/')[1];
  if (first === 'app') return 'staff';
  if (first === 'portal') return 'portal';
  if (first === 'verify' || first === 's' || first === 'security') return 'public';
  return 'none';
}

export function App() {
  const { pathname } = useLocation();
  const which = area(pathname);
  useEffect(() => {
    if (which === 'root') navigate('/app', { replace: true });
  }, [which]);
  return (
    <Suspense fallback={<Loading />}>
      {which === 'staff' ? (
        <StaffApp />
      ) : which === 'portal' ? (
        <PortalApp />
      ) : which === 'public' ? (
        <PublicPages />
      ) : which === 'none' ? (
        <NotFoundPage />
      ) : null}
    </Suspense>
  );
}
