// Staff app frame: skip link, navigation (a sidebar; a menu button at phone width), and <main>.
import { useEffect, useState, type ReactNode } from 'react';
import { ok, staffApi } from '../lib/api.ts';
import { useApiQuery } from '../lib/query.ts';
import { Link, useLocation } from '../lib/router.tsx';
import { Notice } from '../ui/feedback.tsx';
import { Button } from '../ui/forms.tsx';
import { useStaff } from './context.ts';
import { useUnreadCount } from './account/Notifications.tsx';
import { OrgSwitcher } from './OrgSwitcher.tsx';

interface NavItem {
  to: string;
  label: string;
  permission?: string;
}

const NAV: Array<{ group: string; items: NavItem[] }> = [
  {
    group: 'Overview',
    items: [
      { to: '/app', label: 'Dashboard' },
      { to: '/app/reports', label: 'Reports', permission: 'invoice:read' },
    ],
  },
  {
    group: 'Billing',
    items: [
      { to: '/app/invoices', label: 'Invoices', permission: 'invoice:read' },
      { to: '/app/quotes', label: 'Quotes', permission: 'invoice:read' },
      { to: '/app/credit-notes', label: 'Credit notes', permission: 'invoice:read' },
      { to: '/app/payments', label: 'Payments', permission: 'payment:read' },
      { to: '/app/recurring', label: 'Recurring', permission: 'recurring:read' },
    ],
  },
  {
    group: 'Customers & catalogue',
    items: [
      { to: '/app/clients', label: 'Clients', permission: 'client:read' },
      { to: '/app/items', label: 'Items', permission: 'item:read' },
      { to: '/app/tax-rates', label: 'Tax rates', permission: 'item:read' },
    ],
  },
  {
    group: 'Organization',
    items: [
      { to: '/app/settings', label: 'Settings', permission: 'org:read' },
      { to: '/app/settings/audit', label: 'Audit log', permission: 'audit:read' },
      { to: '/app/account', label: 'My account' },
    ],
  },
];

export function Brand() {
  return (
    <span className="brand">
      <svg className="brand-mark" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <rect width="16" height="16" rx="3" fill="#3b82f6" />
        <path d="M4 8.5l2.5 2.5L12 5" stroke="white" strokeWidth="2" fill="none" />
      </svg>
      Sealbill
    </span>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const s = useStaff();
  const { pathname } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [pathname]);
  // Without an SMTP relay nothing leaves the server: say so on every screen, not only in settings.
  const canRead = s.can('org:read');
  const unread = useUnreadCount();
  const mail = useApiQuery(['security-email', s.org?.id, canRead], (signal) =>
    canRead ? ok(staffApi.GET('/api/v1/security/email', { signal })) : Promise.resolve(null),
  );

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <div className="shell">
        <header className="topbar">
          <Brand />
          <Button aria-expanded={menuOpen} aria-controls="staff-nav" onClick={() => setMenuOpen((o) => !o)}>
            Menu
          </Button>
        </header>
        <nav id="staff-nav" className={`sidebar${menuOpen ? ' open' : ''}`} aria-label="Main">
          <Brand />
          {NAV.map((g) => {
            const items = g.items.filter((i) => !i.permission || s.can(i.permission));
            if (items.length === 0) return null;
            return (
              <div key={g.group}>
                <p className="nav-group">{g.group}</p>
                <ul>
                  {items.map((i) => (
                    <li key={i.to}>
                      <Link to={i.to}>{i.label}</Link>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
          <div className="sidebar-foot">
            <p>
              {s.org?.name ?? 'Organization'}
              <br />
              {s.name ?? s.email ?? 'Signed in'} · {s.me.role}
            </p>
            <p>
              <Link to="/app/notifications">Notifications{unread > 0 ? ` (${unread} unread)` : ''}</Link>
            </p>
            <OrgSwitcher />
            <Button variant="link" onClick={() => void s.signOut()}>
              Sign out
            </Button>
          </div>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          {mail.data?.transport === 'outbox' ? (
            <Notice kind="warning" title="Mail is not being sent">
              No SMTP relay is configured (SEALBILL_SMTP_URL). Invitations, sign-in codes and documents are saved to the
              outbox folder on the server and reach nobody.{' '}
              {s.can('settings:security') ? (
                <Link to="/app/settings/email">Email settings</Link>
              ) : (
                'Ask an administrator to configure SMTP.'
              )}
            </Notice>
          ) : null}
          {children}
        </main>
      </div>
    </>
  );
}

export function PageHead({ title, actions, children }: { title: string; actions?: ReactNode; children?: ReactNode }) {
  return (
    <>
      <div className="page-head">
        <h1>{title}</h1>
        {actions ? <div className="actions">{actions}</div> : null}
      </div>
      {children}
    </>
  );
}
