// THE permission table: every route the server registers must appear here (the onRoute hook
// refuses to start otherwise), and the access-control test walks every route × every role.
import type { AccessTable } from '../../platform/http/auth-hooks.ts';
import type { RouteAccess } from '../../platform/http/principal.ts';
import type { Permission } from './members/rbac.ts';

const PUBLIC: RouteAccess = { kind: 'public' };
const SELF: RouteAccess = { kind: 'staff-self' };
const need = (permission: Permission): RouteAccess => ({ kind: 'staff', permission });
/** A staff session that may still be partial (second factor or enrolment due); never an API token. */
const PENDING: RouteAccess = { kind: 'staff-pending' };
/** A full staff session acting on the user's own account; never an API token. */
const SESSION: RouteAccess = { kind: 'staff-session' };

function documentRoutes(prefix: string): Record<string, RouteAccess> {
  const b = `/api/v1/${prefix}`;
  return {
    [`GET ${b}`]: need('invoice:read'),
    [`POST ${b}`]: need('invoice:write'),
    [`GET ${b}/:id`]: need('invoice:read'),
    /** A new draft with the document's content. */
    [`POST ${b}/:id/duplicate`]: need('invoice:write'),
    [`PATCH ${b}/:id`]: need('invoice:write'),
    [`DELETE ${b}/:id`]: need('invoice:write'),
    [`POST ${b}/:id/issue`]: need('invoice:issue'),
    [`POST ${b}/:id/mark-sent`]: need('invoice:send'),
    [`GET ${b}/:id/pdf`]: need('invoice:read'),
    /** A draft rendered on the fly ("DRAFT", no number); never stored or signed. */
    [`GET ${b}/:id/preview.pdf`]: need('invoice:read'),
  };
}

/** E-invoices (issue #12): read like the PDF. */
function einvoiceRoutes(prefix: string): Record<string, RouteAccess> {
  const b = `/api/v1/${prefix}/:id/einvoice`;
  return { [`GET ${b}`]: need('invoice:read'), [`GET ${b}/check`]: need('invoice:read') };
}

const PORTAL: RouteAccess = { kind: 'portal' };
/** A portal session that may still be partial (second factor due): only the routes that finish signing in. */
const PORTAL_PENDING: RouteAccess = { kind: 'portal-pending' };

function deliveryRoutes(prefix: string): Record<string, RouteAccess> {
  const b = `/api/v1/${prefix}/:id`;
  return {
    [`POST ${b}/send`]: need('invoice:send'),
    [`POST ${b}/send/preview`]: need('invoice:send'),
    [`GET ${b}/deliveries`]: need('invoice:read'),
    [`POST ${b}/sealed-links`]: need('invoice:send'),
  };
}

export const ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  'GET /healthz': PUBLIC,
  'GET /api/v1/openapi.json': PUBLIC,
  'GET /api/v1/setup': PUBLIC,
  'POST /api/v1/setup': PUBLIC,
  'GET /api/v1/me': SELF,

  // Identity (issue #3): sign-in, account links, own account and factors, members, security policy.
  'POST /api/v1/auth/login': PUBLIC,
  'POST /api/v1/auth/passkey/options': PUBLIC,
  'POST /api/v1/auth/passkey': PUBLIC,
  'POST /api/v1/auth/password-reset': PUBLIC,
  'POST /api/v1/auth/password-reset/confirm': PUBLIC,
  'POST /api/v1/auth/verify-email': PUBLIC,
  'POST /api/v1/auth/unlock': PUBLIC,
  'POST /api/v1/auth/invitations/inspect': PUBLIC,
  'POST /api/v1/auth/invitations/accept': PUBLIC,
  'POST /api/v1/auth/signup': PUBLIC,
  'POST /api/v1/auth/signup/confirm': PUBLIC,
  'GET /api/v1/auth/session': PENDING,
  'POST /api/v1/auth/logout': PENDING,
  'POST /api/v1/auth/mfa/totp': PENDING,
  'POST /api/v1/auth/mfa/recovery': PENDING,
  'POST /api/v1/auth/mfa/passkey/options': PENDING,
  'POST /api/v1/auth/mfa/passkey': PENDING,
  'POST /api/v1/auth/reauth': PENDING,
  'POST /api/v1/auth/reauth/passkey/options': SESSION,
  'POST /api/v1/auth/reauth/passkey': SESSION,
  'POST /api/v1/auth/switch-org': SESSION,
  'PATCH /api/v1/me': SESSION,
  'PUT /api/v1/me/password': SESSION,
  'PUT /api/v1/me/email': SESSION,
  'POST /api/v1/me/email/verify': SESSION,
  'GET /api/v1/me/sessions': SESSION,
  'DELETE /api/v1/me/sessions': SESSION,
  'DELETE /api/v1/me/sessions/:id': SESSION,
  'POST /api/v1/me/totp': PENDING,
  'POST /api/v1/me/totp/confirm': PENDING,
  'DELETE /api/v1/me/totp': SESSION,
  'GET /api/v1/me/passkeys': SESSION,
  'POST /api/v1/me/passkeys/options': PENDING,
  'POST /api/v1/me/passkeys': PENDING,
  'PATCH /api/v1/me/passkeys/:id': SESSION,
  'DELETE /api/v1/me/passkeys/:id': SESSION,
  'POST /api/v1/me/recovery-codes': SESSION,
  'GET /api/v1/me/tokens': need('token:manage'),
  'POST /api/v1/me/tokens': need('token:manage'),
  'DELETE /api/v1/me/tokens/:id': need('token:manage'),
  'GET /api/v1/org/tokens': need('member:manage'),
  'DELETE /api/v1/org/tokens/:id': need('member:manage'),
  'GET /api/v1/members': need('member:read'),
  'PATCH /api/v1/members/:userId': need('member:manage'),
  'POST /api/v1/members/:userId/deactivate': need('member:manage'),
  'POST /api/v1/members/:userId/reactivate': need('member:manage'),
  'POST /api/v1/members/:userId/unlock': need('member:manage'),
  'GET /api/v1/members/invitations': need('member:read'),
  'POST /api/v1/members/invitations': need('member:manage'),
  'DELETE /api/v1/members/invitations/:id': need('member:manage'),
  'GET /api/v1/org/roles': need('member:read'),
  'PUT /api/v1/org/roles/:slug': need('member:manage'),
  'DELETE /api/v1/org/roles/:slug': need('member:manage'),
  'GET /api/v1/org/security': need('org:read'),
  'PUT /api/v1/org/security': need('settings:security'),

  'GET /api/v1/org': need('org:read'),
  'PATCH /api/v1/org': need('org:update'),
  /** The next document numbers (issue #13 item 7); moving a series forward is a numbering setting. */
  'GET /api/v1/numbering': need('invoice:read'),
  'PUT /api/v1/numbering/:kind/next': need('org:update'),
  'GET /api/v1/org/payout': need('payout:read'),
  'PUT /api/v1/org/payout': need('payout:update'),
  'GET /api/v1/org/payout/changes': need('payout:read'),
  'POST /api/v1/org/payout/changes/:id/cancel': need('payout:update'),
  'POST /api/v1/org/payout/changes/:id/approve': need('payout:update'),
  'GET /api/v1/org/payout/policy': need('payout:read'),
  'PUT /api/v1/org/payout/policy': need('settings:security'),
  'GET /api/v1/org/signing-identity': need('org:read'),
  'POST /api/v1/org/signing-identity/pkcs12': need('settings:security'),

  // Public verification of issued documents (rate-limited; modules/verification/verification.routes.ts).
  'GET /.well-known/sealbill/keys': PUBLIC,
  'POST /api/v1/verify/pdf': PUBLIC,
  'POST /api/v1/verify/einvoice': PUBLIC,
  'POST /api/v1/verify/details': PUBLIC,
  'GET /api/v1/verify/:token': PUBLIC,

  'GET /api/v1/clients': need('client:read'),
  'POST /api/v1/clients': need('client:write'),
  'GET /api/v1/clients/:id': need('client:read'),
  'PATCH /api/v1/clients/:id': need('client:write'),
  'DELETE /api/v1/clients/:id': need('client:write'),
  'POST /api/v1/clients/:id/contacts': need('client:write'),
  'DELETE /api/v1/clients/:id/contacts/:contactId': need('client:write'),
  /** Staff recovery of a contact's portal factors (modules/portal/portal-factors.*); the route also demands step-up. */
  'POST /api/v1/clients/:id/contacts/:contactId/reset-factors': need('client:write'),
  /** Statements of account (modules/statements): a client's invoices, credit notes and payments, so invoice:read. */
  'GET /api/v1/clients/:id/statement': need('invoice:read'),
  'GET /api/v1/clients/:id/statement.pdf': need('invoice:read'),

  'GET /api/v1/tax-rates': need('item:read'),
  'POST /api/v1/tax-rates': need('item:write'),
  'GET /api/v1/tax-rates/:id': need('item:read'),
  'PATCH /api/v1/tax-rates/:id': need('item:write'),
  'GET /api/v1/items': need('item:read'),
  // Exchange rates (modules/rates): read by whoever writes documents in other currencies; the
  // table itself is an organization setting, like the dunning reference rates.
  'GET /api/v1/exchange-rates': need('invoice:read'),
  'GET /api/v1/exchange-rates/effective': need('invoice:read'),
  'POST /api/v1/exchange-rates': need('org:update'),
  'PATCH /api/v1/exchange-rates/:id': need('org:update'),
  'DELETE /api/v1/exchange-rates/:id': need('org:update'),
  'POST /api/v1/exchange-rates/import': need('org:update'),
  // Dashboard and reports (modules/reports): aggregates of invoices and payments.
  'GET /api/v1/dashboard': need('invoice:read'),
  'GET /api/v1/reports/aging': need('invoice:read'),
  'GET /api/v1/reports/revenue': need('invoice:read'),
  'GET /api/v1/reports/payments': need('payment:read'),
  'GET /api/v1/reports/vat': need('invoice:read'),
  'GET /api/v1/reports/revenue-by-item': need('invoice:read'),
  'POST /api/v1/items': need('item:write'),
  'GET /api/v1/items/:id': need('item:read'),
  'PATCH /api/v1/items/:id': need('item:write'),

  ...documentRoutes('invoices'),
  ...documentRoutes('quotes'),
  ...documentRoutes('credit-notes'),
  ...einvoiceRoutes('invoices'),
  ...einvoiceRoutes('credit-notes'),
  'POST /api/v1/invoices/:id/void': need('invoice:void'),
  'GET /api/v1/invoices/:id/payments': need('payment:read'),
  'POST /api/v1/invoices/:id/payments': need('payment:record'),
  'POST /api/v1/invoices/:id/refunds': need('payment:refund'),
  'POST /api/v1/quotes/:id/accept': need('invoice:write'),
  'POST /api/v1/quotes/:id/decline': need('invoice:write'),
  'POST /api/v1/quotes/:id/convert': need('invoice:write'),

  'GET /api/v1/recurring-schedules': need('recurring:read'),
  'POST /api/v1/recurring-schedules': need('recurring:write'),
  'GET /api/v1/recurring-schedules/:id': need('recurring:read'),
  'PATCH /api/v1/recurring-schedules/:id': need('recurring:write'),
  'GET /api/v1/recurring-schedules/:id/runs': need('recurring:read'),
  'POST /api/v1/recurring-runs/:id/resolve': need('invoice:send'),
  'POST /api/v1/recurring-schedules/:id/status': need('recurring:write'),
  'POST /api/v1/recurring-schedules/:id/issuer': need('invoice:issue'),

  // A member's own notifications (modules/notifications), scoped to the member in the handler.
  'GET /api/v1/notifications': need('org:read'),
  'POST /api/v1/notifications/read': need('org:read'),
  'GET /api/v1/me/notification-preferences': need('org:read'),
  'PUT /api/v1/me/notification-preferences': need('org:read'),

  // Payment reminders (modules/dunning): plans and rates are organization settings.
  'GET /api/v1/invoices/:id/reminders': need('invoice:read'),
  'POST /api/v1/invoices/:id/reminders': need('invoice:send'),
  'PUT /api/v1/invoices/:id/reminders/state': need('invoice:send'),
  'GET /api/v1/invoices/:id/reminders/:reminderId/pdf': need('invoice:read'),
  'GET /api/v1/dunning/plans': need('invoice:read'),
  'POST /api/v1/dunning/plans': need('org:update'),
  'PUT /api/v1/dunning/plans/:id': need('org:update'),
  'GET /api/v1/dunning/reference-rates': need('invoice:read'),
  'PUT /api/v1/dunning/reference-rates': need('org:update'),
  'GET /api/v1/clients/:id/reminders': need('client:read'),
  'PUT /api/v1/clients/:id/reminders': need('client:write'),

  // The CSV import (modules/imports, issue #13 item 6): the create permission of what it writes;
  // issued invoices (kept numbers) also need invoice:issue, checked by the service.
  'POST /api/v1/imports/clients/preview': need('client:write'),
  'POST /api/v1/imports/clients': need('client:write'),
  'POST /api/v1/imports/items/preview': need('item:write'),
  'POST /api/v1/imports/items': need('item:write'),
  'POST /api/v1/imports/invoices/preview': need('invoice:write'),
  'POST /api/v1/imports/invoices': need('invoice:write'),
  // The organization's data as a download (modules/exports); the route also demands step-up.
  'POST /api/v1/exports': need('data:export'),
  // Bulk actions (modules/bulk): the route needs invoice:read; the service then demands the single
  // action's permission (issue: invoice:issue; send, mark_sent: invoice:send), at creation and per document.
  'POST /api/v1/bulk-actions': need('invoice:read'),
  'GET /api/v1/bulk-actions/:id': need('invoice:read'),
  'GET /api/v1/bulk-actions/:id/file': need('invoice:read'),

  // Secure delivery (modules/delivery) and the client portal realm (modules/portal).
  ...deliveryRoutes('invoices'),
  ...deliveryRoutes('quotes'),
  ...deliveryRoutes('credit-notes'),
  'GET /api/v1/deliveries/:id': need('invoice:read'),
  // Email templates: the wording is an organization setting.
  'GET /api/v1/email-templates': need('invoice:read'),
  'PUT /api/v1/email-templates/:kind/:language': need('org:update'),
  'DELETE /api/v1/email-templates/:kind/:language': need('org:update'),
  'GET /api/v1/deliveries/:id/certificate.json': need('invoice:read'),
  'GET /api/v1/deliveries/:id/certificate.pdf': need('invoice:read'),
  'POST /api/v1/deliveries/:id/revoke': need('invoice:send'),
  'POST /api/v1/deliveries/:id/bounce': need('invoice:send'),
  'GET /api/v1/clients/:id/keys': need('client:read'),
  'PUT /api/v1/clients/:id/keys': need('client:write'),
  'POST /api/v1/clients/:id/keys/wkd': need('client:write'),
  'GET /api/v1/sealed/:id': PUBLIC,
  'POST /api/v1/sealed/:id/code': PUBLIC,
  'POST /api/v1/sealed/:id/open': PUBLIC,
  'GET /api/v1/public/orgs/:id/delivery-keys': PUBLIC,
  'POST /api/v1/portal/auth/code': PUBLIC,
  'POST /api/v1/portal/auth/code/verify': PUBLIC,
  'POST /api/v1/portal/auth/magic': PUBLIC,
  'POST /api/v1/portal/auth/link': PUBLIC,
  'POST /api/v1/portal/auth/logout': PORTAL_PENDING,
  // Portal second factors (modules/portal/portal-factors.*): passkey sign-in, the second step, own factors.
  'POST /api/v1/portal/auth/passkey/options': PUBLIC,
  'POST /api/v1/portal/auth/passkey': PUBLIC,
  'GET /api/v1/portal/auth/session': PORTAL_PENDING,
  'POST /api/v1/portal/auth/mfa/totp': PORTAL_PENDING,
  'POST /api/v1/portal/auth/mfa/passkey/options': PORTAL_PENDING,
  'POST /api/v1/portal/auth/mfa/passkey': PORTAL_PENDING,
  'GET /api/v1/portal/me/factors': PORTAL,
  'POST /api/v1/portal/me/totp': PORTAL,
  'POST /api/v1/portal/me/totp/confirm': PORTAL,
  'DELETE /api/v1/portal/me/totp': PORTAL,
  'POST /api/v1/portal/me/passkeys/options': PORTAL,
  'POST /api/v1/portal/me/passkeys': PORTAL,
  'DELETE /api/v1/portal/me/passkeys/:id': PORTAL,
  'GET /api/v1/portal/me': PORTAL,
  'GET /api/v1/portal/documents': PORTAL,
  'GET /api/v1/portal/documents/:id': PORTAL,
  'GET /api/v1/portal/documents/:id/pdf': PORTAL,
  'GET /api/v1/portal/documents/:id/einvoice': PORTAL,
  'POST /api/v1/portal/documents/:id/acknowledge': PORTAL,
  'GET /api/v1/portal/documents/:id/deliveries': PORTAL,
  'POST /api/v1/portal/quotes/:id/accept': PORTAL,
  'POST /api/v1/portal/quotes/:id/decline': PORTAL,
  'GET /api/v1/portal/payments': PORTAL,
  /** The contact's own client's statement of account (modules/statements). */
  'GET /api/v1/portal/statement': PORTAL,
  'GET /api/v1/portal/statement.pdf': PORTAL,

  'GET /api/v1/audit-events': need('audit:read'),
  'POST /api/v1/audit-events/verify': need('audit:read'),
  'GET /api/v1/audit-checkpoints': need('audit:read'),
  'POST /api/v1/audit-checkpoints': need('audit:read'),
  'GET /api/v1/audit-checkpoint-keys': need('audit:read'),

  // Online payments (modules/payments). Connecting/disconnecting providers, provider refunds and
  // accepting disputes also require step-up in the route. Pay links and webhooks are public: the
  // 256-bit link token, resp. the provider's signature, is the credential.
  'GET /api/v1/payment-settings': need('org:read'),
  'PATCH /api/v1/payment-settings': need('org:update'),
  'PUT /api/v1/payment-settings/providers/stripe': need('org:update'),
  'PUT /api/v1/payment-settings/providers/paypal': need('org:update'),
  'DELETE /api/v1/payment-settings/providers/:provider': need('org:update'),
  'POST /api/v1/invoices/:id/pay-links': need('invoice:send'),
  'GET /api/v1/invoices/:id/pay-links': need('invoice:read'),
  'POST /api/v1/pay-links/:id/revoke': need('invoice:send'),
  'POST /api/v1/payments/:id/refunds': need('payment:refund'),
  'GET /api/v1/payments/:id/receipt': need('payment:read'),
  'GET /api/v1/payments/disputes': need('payment:read'),
  'POST /api/v1/payments/disputes/:id/accept': need('payment:refund'),
  'GET /api/v1/payments/reconciliation-flags': need('payment:read'),
  'POST /api/v1/payments/reconciliation-flags/:id/resolve': need('payment:record'),
  'POST /api/v1/payments/reconciliation/run': need('payment:record'),
  'POST /api/v1/payments/:id/attachments': need('payment:record'),
  'GET /api/v1/payments/:id/attachments': need('payment:read'),
  'GET /api/v1/payments/:id/attachments/:attachmentId': need('payment:read'),
  'GET /api/v1/portal/documents/:id/payment': PORTAL,
  'POST /api/v1/portal/documents/:id/checkout': PORTAL,
  'GET /api/v1/portal/documents/:id/qr.png': PORTAL,
  'GET /api/v1/portal/payments/:id/receipt': PORTAL,
  /** Saved payment methods (a client's consent to off-session charges): seen like payments, revoked by who may record them. */
  'GET /api/v1/clients/:id/payment-methods': need('payment:read'),
  'POST /api/v1/clients/:id/payment-methods/:consentId/revoke': need('payment:record'),
  'GET /api/v1/portal/payment-methods': PORTAL,
  'POST /api/v1/portal/payment-methods/:id/revoke': PORTAL,
  'GET /api/v1/pay/:token': PUBLIC,
  'POST /api/v1/pay/:token/checkout': PUBLIC,
  'GET /api/v1/pay/:token/qr.png': PUBLIC,
  'GET /api/v1/pay/return/paypal/:id': PUBLIC,
  'POST /api/v1/webhooks/stripe/:accountId': PUBLIC,
  'POST /api/v1/webhooks/paypal/:accountId': PUBLIC,
  'GET /pay/:token': PUBLIC,
  'GET /pay/complete/:id': PUBLIC,
  'GET /pay/assets/pay.js': PUBLIC,
  'GET /pay/assets/pay.css': PUBLIC,

  // Security posture (modules/security): RFC 9116 file, public transparency facts, staff checklist.
  'GET /.well-known/security.txt': PUBLIC,
  'GET /api/v1/public/orgs/:id/security': PUBLIC,
  'GET /api/v1/security/checklist': need('member:read'),
  'GET /api/v1/security/backups': need('settings:security'),
  'GET /api/v1/security/email': need('org:read'),
  'POST /api/v1/security/email/test': need('settings:security'),

  // Web application pages (index.html; the browser router shows the page) — src/main/web.ts.
  'GET /': PUBLIC,
  'GET /app': PUBLIC,
  'GET /app/*': PUBLIC,
  'GET /portal': PUBLIC,
  'GET /portal/*': PUBLIC,
  'GET /verify': PUBLIC,
  'GET /verify/*': PUBLIC,
  'GET /s/:id': PUBLIC,
  'GET /security/:orgId': PUBLIC,
};

/** Static assets registered by plugins (the API docs page, the web app's hashed files) are public. */
const PUBLIC_PREFIXES = ['/api/v1/docs', '/assets'];

export const routeAccessTable: AccessTable = {
  lookup(method, url) {
    const key = `${method === 'HEAD' ? 'GET' : method} ${url}`;
    const hit = ROUTE_ACCESS[key];
    if (hit) return hit;
    if ((method === 'GET' || method === 'HEAD') && PUBLIC_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`)))
      return PUBLIC;
    return undefined;
  },
};
