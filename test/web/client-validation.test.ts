// Forms check their body with the server's own Zod schema before sending (web/src/lib/validate.ts).
// The promise is "the same field errors, with the same paths and words, the server would answer":
// this sends the same invalid bodies to the real routes and compares.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInput } from '../../src/modules/clients/client.schemas.ts';
import { itemInput, taxRateInput } from '../../src/modules/catalog/catalog.schemas.ts';
import { validateBody } from '../../web/src/lib/validate.ts';
import { t } from '../../web/src/lib/i18n.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, type TestInstance } from '../helpers/instance.ts';

describe('client-side validation with the server schemas', () => {
  let inst: TestInstance;
  let api: Api;
  beforeAll(async () => {
    inst = await createTestInstance('sqlite');
    api = await setupOrg(inst.app);
  });
  afterAll(async () => {
    await inst?.close();
  });

  const cases = [
    {
      route: '/api/v1/clients',
      schema: clientInput,
      body: { name: '', email: 'not-an-email', country: 'Germany', addressLines: ['ok'], deliveryMode: 'portal-link' },
    },
    { route: '/api/v1/tax-rates', schema: taxRateInput, body: { name: 'VAT', rateBp: -5, inclusive: false } },
    {
      route: '/api/v1/items',
      schema: itemInput,
      body: { name: '', description: '', unit: '', unitPrice: 100, currency: 'euro', taxRateId: null },
    },
  ];

  for (const c of cases) {
    it(`answers like POST ${c.route}`, async () => {
      const local = validateBody(c.schema, c.body);
      const res = await api.req('POST', c.route, c.body);
      expect(res.statusCode).toBe(400);
      const server = res.json();
      expect(local).not.toBeNull();
      expect(local!.code).toBe(server.code);
      expect(local!.message).toBe(server.detail);
      expect(local!.fieldErrors).toEqual(server.errors);
    });
  }

  it('accepts what the server accepts', async () => {
    const body = { name: 'Kunde GmbH', email: null, addressLines: [], country: 'DE', deliveryMode: 'portal-link' };
    expect(validateBody(clientInput, body)).toBeNull();
    expect((await api.req('POST', '/api/v1/clients', body)).statusCode).toBe(201);
  });
});

describe('message catalogue', () => {
  it('fills placeholders and keeps unknown ones visible', () => {
    expect(t('clients.title')).toBe('Clients');
    expect(t('documents.draftOf', { date: '1 Jan 2026' })).toBe('Draft · 1 Jan 2026');
    expect(t('recurring.heldSince', { date: '1 Jan' })).toBe('Since 1 Jan runs create drafts: {reason}.');
  });
});
