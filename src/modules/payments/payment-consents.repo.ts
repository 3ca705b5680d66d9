import type { Executor } from '../../platform/db/kysely.ts';
import type { PaymentConsentsTable } from './payments.tables.ts';

export type ConsentRow = PaymentConsentsTable;

export async function insertConsent(ex: Executor, row: ConsentRow): Promise<void> {
  await ex.insertInto('payment_consents').values(row).execute();
}

export function findConsent(ex: Executor, orgId: string, id: string): Promise<ConsentRow | undefined> {
  return ex
    .selectFrom('payment_consents')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findConsentByCheckout(
  ex: Executor,
  orgId: string,
  checkoutId: string,
): Promise<ConsentRow | undefined> {
  return ex
    .selectFrom('payment_consents')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('checkout_id', '=', checkoutId)
    .executeTakeFirst();
}

/** A client's consents, newest first (revoked ones too: the history stays visible). */
export function listConsents(ex: Executor, orgId: string, clientId: string): Promise<ConsentRow[]> {
  return ex
    .selectFrom('payment_consents')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .orderBy('authorised_at', 'desc')
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
}

/** Revokes a consent that is still active; false when it was revoked already. */
export async function revokeConsent(
  ex: Executor,
  orgId: string,
  id: string,
  patch: { revoked_at: string; revoked_by: string },
): Promise<boolean> {
  const r = await ex
    .updateTable('payment_consents')
    .set(patch)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
