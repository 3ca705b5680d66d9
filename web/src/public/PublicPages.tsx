// Public pages: anyone may open them, no sign-in. They read only public API endpoints.
import { Routes } from '../lib/router.tsx';
import { PublicShell } from '../ui/PublicShell.tsx';
import { NotFoundContent } from '../ui/NotFound.tsx';
import { SealedPage } from './SealedPage.tsx';
import { SecurityPage } from './SecurityPage.tsx';
import { VerifyPage } from './VerifyPage.tsx';

export default function PublicPages() {
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
