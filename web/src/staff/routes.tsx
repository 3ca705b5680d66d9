import type { Route } from '../lib/router.tsx';
import { AccountPage } from './pages/Account.tsx';
import { AuditLogPage } from './pages/AuditLog.tsx';
import { ItemsPage, TaxRatesPage } from './pages/Catalog.tsx';
import { ClientDetailPage } from './pages/ClientDetail.tsx';
import { ClientsPage, NewClientPage } from './pages/Clients.tsx';
import { DashboardPage } from './pages/Dashboard.tsx';
import { DataExportPage } from './pages/DataExport.tsx';
import { ImportPage } from './pages/Import.tsx';
import { EditDocumentPage, NewDocumentPage } from './pages/DocumentEditor.tsx';
import { DocumentPage } from './pages/DocumentView.tsx';
import { DocumentsPage } from './pages/Documents.tsx';
import { EditSchedulePage, NewSchedulePage, RecurringPage, ScheduleDetailPage } from './pages/Recurring.tsx';
import { RemindersSettingsPage } from './pages/RemindersSettings.tsx';
import { ExchangeRatesPage } from './pages/ExchangeRates.tsx';
import { REPORTS, ReportsPage, type ReportName } from './pages/Reports.tsx';
import { EmailTemplatesPage } from './pages/EmailTemplates.tsx';
import { NotificationsPage } from './pages/Notifications.tsx';
import { NumberingSettingsPage, OrgSettingsPage } from './pages/Settings.tsx';
import {
  BackupsPage,
  EmailSettingsPage,
  MembersPage,
  PayoutPage,
  SecuritySettingsPage,
} from './pages/settings-pages.tsx';
import type { DocumentKind } from '../lib/types.ts';

const documentRoutes = (kind: DocumentKind, path: string): Route[] => [
  { path: `/app/${path}`, render: () => <DocumentsPage kind={kind} /> },
  { path: `/app/${path}/new`, render: () => <NewDocumentPage kind={kind} /> },
  { path: `/app/${path}/:id/edit`, render: (p) => <EditDocumentPage kind={kind} id={p.id!} /> },
  { path: `/app/${path}/:id`, render: (p) => <DocumentPage kind={kind} id={p.id!} /> },
];

export const staffRoutes: Route[] = [
  { path: '/app', render: () => <DashboardPage /> },
  { path: '/app/clients', render: () => <ClientsPage /> },
  { path: '/app/clients/new', render: () => <NewClientPage /> },
  { path: '/app/clients/:id', render: (p) => <ClientDetailPage id={p.id!} /> },
  { path: '/app/items', render: () => <ItemsPage /> },
  { path: '/app/tax-rates', render: () => <TaxRatesPage /> },
  ...documentRoutes('invoice', 'invoices'),
  ...documentRoutes('quote', 'quotes'),
  ...documentRoutes('credit_note', 'credit-notes'),
  { path: '/app/reports', render: () => <ReportsPage report="vat" /> },
  ...REPORTS.map((r: ReportName) => ({ path: `/app/reports/${r}`, render: () => <ReportsPage key={r} report={r} /> })),
  { path: '/app/recurring', render: () => <RecurringPage /> },
  { path: '/app/recurring/new', render: () => <NewSchedulePage /> },
  { path: '/app/recurring/:id/edit', render: (p) => <EditSchedulePage id={p.id!} /> },
  { path: '/app/recurring/:id', render: (p) => <ScheduleDetailPage id={p.id!} /> },
  { path: '/app/settings', render: () => <OrgSettingsPage /> },
  { path: '/app/settings/numbering', render: () => <NumberingSettingsPage /> },
  { path: '/app/settings/payout', render: () => <PayoutPage /> },
  { path: '/app/settings/reminders', render: () => <RemindersSettingsPage /> },
  { path: '/app/settings/exchange-rates', render: () => <ExchangeRatesPage /> },
  { path: '/app/settings/templates', render: () => <EmailTemplatesPage /> },
  { path: '/app/settings/members', render: () => <MembersPage /> },
  { path: '/app/settings/security', render: () => <SecuritySettingsPage /> },
  { path: '/app/settings/email', render: () => <EmailSettingsPage /> },
  { path: '/app/settings/backups', render: () => <BackupsPage /> },
  { path: '/app/settings/import', render: () => <ImportPage /> },
  { path: '/app/settings/export', render: () => <DataExportPage /> },
  { path: '/app/settings/audit', render: () => <AuditLogPage /> },
  { path: '/app/account', render: () => <AccountPage /> },
  { path: '/app/notifications', render: () => <NotificationsPage /> },
];
