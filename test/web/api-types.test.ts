// The web app's API types are generated from the server's OpenAPI document and committed
// (web/src/lib/api-schema.d.ts). This fails when a route's schema changed and the file was not
// regenerated, so `npx tsc -p web` always checks the screens against what the server answers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../scripts/api-types.ts';

describe('web API types', () => {
  it('web/src/lib/api-schema.d.ts matches the server schemas (run `npm run api:types` if not)', async () => {
    const generated = await generateApiTypes();
    expect(generated).toContain('"/api/v1/clients/{id}"');
    expect(
      readFileSync(API_TYPES_FILE, 'utf8') === generated,
      'web/src/lib/api-schema.d.ts is stale: run `npm run api:types` and commit it',
    ).toBe(true);
  });
});
