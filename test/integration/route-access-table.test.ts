// Each route declares its access next to its handler; src/modules/identity/route-access.ts is the
// generated view of all of them (`npm run routes:access`). The server already refuses to start when
// a declaration and the table disagree; this also catches a table listing a route that is gone, or a
// hand edit, by comparing the committed file with a fresh generation.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateRouteAccess, ROUTE_ACCESS_FILE } from '../../scripts/route-access.ts';

describe('route access table', () => {
  it('src/modules/identity/route-access.ts matches the routes (run `npm run routes:access` if not)', async () => {
    const generated = await generateRouteAccess();
    expect(generated).toContain("'GET /api/v1/clients': need('client:read'),");
    expect(
      readFileSync(ROUTE_ACCESS_FILE, 'utf8') === generated,
      'src/modules/identity/route-access.ts is stale: run `npm run routes:access` and commit it',
    ).toBe(true);
  });
});
