// THE permission table: every route the server registers must appear here (the onRoute hook
// refuses to start otherwise), and the access-control test walks every route × every role.
import type { AccessTable } from '../../platform/http/auth-hooks.ts';
import type { RouteAccess } from '../../platform/http/principal.ts';
import type { Permission } from './rbac.ts';

const PUBLIC: RouteAccess = { kind: 'public' };
const SELF: RouteAccess = { kind: 'staff-self' };
const need = (permission: Permission): RouteAccess => ({ kind: 'staff', permission });

function documentRoutes(prefix: string): Record<string, RouteAccess> {
  const b = `/api/v1/${prefix}`;
  return {
    [`GET ${b}`]: need('invoice:read'),
    [`POST ${b}`]: need('invoice:write'),
    [`GET ${b}/:id`]: need('invoice:read'),
    [`PATCH ${b}/:id`]: need('invoice:write'),
    [`DELETE ${b}/:id`]: need('invoice:write'),
    [`POST ${b}/:id/issue`]: need('invoice:issue'),
    [`POST ${b}/:id/mark-sent`]: need('invoice:send'),
    [`GET ${b}/:id/pdf`]: need('invoice:read'),
  };
}

export const ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  'GET /healthz': PUBLIC,
  'GET /api/v1/openapi.json': PUBLIC,
  'GET /api/v1/setup': PUBLIC,
  'POST /api/v1/setup': PUBLIC,
  'GET /api/v1/me': SELF,

  'GET /api/v1/org': need('org:read'),
  'PATCH /api/v1/org': need('org:update'),
  'GET /api/v1/org/payout': need('payout:read'),
  'PUT /api/v1/org/payout': need('payout:update'),

  'GET /api/v1/clients': need('client:read'),
  'POST /api/v1/clients': need('client:write'),
  'GET /api/v1/clients/:id': need('client:read'),
  'PATCH /api/v1/clients/:id': need('client:write'),
  'DELETE /api/v1/clients/:id': need('client:write'),
  'POST /api/v1/clients/:id/contacts': need('client:write'),
  'DELETE /api/v1/clients/:id/contacts/:contactId': need('client:write'),

  'GET /api/v1/tax-rates': need('item:read'),
  'POST /api/v1/tax-rates': need('item:write'),
  'GET /api/v1/tax-rates/:id': need('item:read'),
  'PATCH /api/v1/tax-rates/:id': need('item:write'),
  'GET /api/v1/items': need('item:read'),
  'POST /api/v1/items': need('item:write'),
  'GET /api/v1/items/:id': need('item:read'),
  'PATCH /api/v1/items/:id': need('item:write'),

  ...documentRoutes('invoices'),
  ...documentRoutes('quotes'),
  ...documentRoutes('credit-notes'),
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
  'POST /api/v1/recurring-schedules/:id/status': need('recurring:write'),

  'GET /api/v1/audit-events': need('audit:read'),
  'POST /api/v1/audit-events/verify': need('audit:read'),
};

/** Static documentation assets registered by plugins (the API docs page) are public. */
const PUBLIC_PREFIXES = ['/api/v1/docs'];

export const routeAccessTable: AccessTable = {
  lookup(method, url) {
    const key = `${method === 'HEAD' ? 'GET' : method} ${url}`;
    const hit = ROUTE_ACCESS[key];
    if (hit) return hit;
    if ((method === 'GET' || method === 'HEAD') && PUBLIC_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`))) return PUBLIC;
    return undefined;
  },
};
