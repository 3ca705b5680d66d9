import type { Route } from '../lib/router.tsx';
import { AccountPage } from './account/Account.tsx';
import { AuditLogPage } from './audit/AuditLog.tsx';
import { ItemsPage, TaxRatesPage } from './catalog/Catalog.tsx';
import { ClientDetailPage } from './clients/ClientDetail.tsx';
import { ClientsPage, NewClientPage } from './clients/Clients.tsx';
import { DashboardPage } from './dashboard/Dashboard.tsx';
import { DataExportPage } from './settings/DataExport.tsx';
import { ImportPage } from './settings/Import.tsx';
import { EditDocumentPage, NewDocumentPage } from './documents/DocumentEditor.tsx';
import { DocumentPage } from './documents/DocumentView.tsx';
import { DocumentsPage } from './documents/Documents.tsx';
import { PaymentsPage } from './payments/Payments.tsx';
import { EditSchedulePage, NewSchedulePage, RecurringPage, ScheduleDetailPage } from './recurring/Recurring.tsx';
import { RemindersSettingsPage } from './settings/RemindersSettings.tsx';
import { ExchangeRatesPage } from './settings/ExchangeRates.tsx';
import { REPORTS, ReportsPage, type ReportName } from './reports/Reports.tsx';
import { EmailTemplatesPage } from './delivery/EmailTemplates.tsx';
import { NotificationsPage } from './account/Notifications.tsx';
import { NumberingSettingsPage, OrgSettingsPage } from './settings/Settings.tsx';
import {
  BackupsPage,
  EmailSettingsPage,
  MembersPage,
  PayoutPage,
  SecuritySettingsPage,
} from './settings/settings-pages.tsx';
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
  { path: '/app/payments', render: () => <PaymentsPage /> },
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
