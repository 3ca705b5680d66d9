// The reconciliation job: compares each provider's recent records (the last 7 days) with our
// ledger and flags every difference for a human: a payment the provider took that we never
// booked (a lost webhook), amounts or refunds that disagree, a payment we booked that the
// provider does not show as succeeded. It also fills in fees that were unavailable when the
// webhook arrived. Flags are unique per (reference, kind), so reruns add nothing new.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import { listCheckoutsSince } from './checkouts.repo.ts';
import { listEnabledAccountsAllOrgs, type PaymentAccountRow } from './payment-accounts.repo.ts';
import type { PaymentSettingsService } from './payment-settings.service.ts';
import { findPaymentByProviderRef, listProviderPaymentsSince, reversalsOf, updatePaymentRow } from './payment.repo.ts';
import { WEBHOOK_ACTOR } from './provider-events.service.ts';
import { ProviderError, type ProviderName, type ProviderPayment } from './providers/provider.ts';
import { insertFlag, listFlags, resolveFlag } from './webhook.repo.ts';

const WINDOW_MS = 7 * 86_400_000;
const EVERY_MS = 60 * 60_000;

export const flagSchema = z.object({
  id: z.string(),
  provider: z.string(),
  providerRef: z.string(),
  kind: z.string(),
  detail: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});

export interface ReconciliationDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  settings: Pick<PaymentSettingsService, 'providerForAccountInTx' | 'listAccountsInTx'>;
}

interface Difference {
  ref: string;
  kind: string;
  detail: Record<string, unknown>;
}

export function createReconciliationService({ db, clock, audit, settings }: ReconciliationDeps) {
  let lastRun = 0;

  async function runAccount(account: PaymentAccountRow): Promise<number> {
    const name = account.provider as ProviderName;
    const acct = await settings.providerForAccountInTx(db, name, account.id);
    if (!acct) return 0;
    const orgId = account.org_id;
    const since = new Date(clock.now().getTime() - WINDOW_MS);
    const checkouts = await listCheckoutsSince(db, account.id, since.toISOString());
    const ours = new Set(checkouts.map((c) => c.id));
    const records = (
      await acct.provider.recentPayments(
        since,
        checkouts.map((c) => c.provider_ref!),
      )
    ).filter((r) => r.checkoutId !== null && ours.has(r.checkoutId));
    const succeeded = new Map(records.filter((r) => r.status === 'succeeded').map((r) => [r.paymentRef, r]));

    // Our bookings the provider did not list as succeeded: ask about each one directly.
    const booked = await listProviderPaymentsSince(db, orgId, name, since.toISOString());
    const theirs = new Map<string, ProviderPayment | null>();
    for (const p of booked) {
      if (!p.provider_ref || succeeded.has(p.provider_ref)) continue;
      theirs.set(
        p.provider_ref,
        await acct.provider
          .fetchPayment(p.provider_ref)
          .catch((err: unknown) => (err instanceof ProviderError ? null : Promise.reject(err))),
      );
    }

    return inTx(db, async (tx) => {
      const diffs: Difference[] = [];
      for (const rec of succeeded.values()) {
        const mine = await findPaymentByProviderRef(tx, orgId, name, 'payment', rec.paymentRef);
        if (!mine) {
          diffs.push({
            ref: rec.paymentRef,
            kind: 'missing_payment',
            detail: { amount: rec.amount, currency: rec.currency, checkoutId: rec.checkoutId },
          });
          continue;
        }
        if (Number(mine.amount) !== rec.amount || mine.currency !== rec.currency) {
          diffs.push({
            ref: rec.paymentRef,
            kind: 'amount_mismatch',
            detail: { ours: Number(mine.amount), theirs: rec.amount, currency: rec.currency },
          });
        }
        const refunded = (await reversalsOf(tx, orgId, mine.id)).amount;
        if (refunded !== rec.amountRefunded)
          diffs.push({
            ref: rec.paymentRef,
            kind: 'refund_mismatch',
            detail: { ours: refunded, theirs: rec.amountRefunded, currency: rec.currency },
          });
        if (mine.fee === null && rec.fee !== null)
          await updatePaymentRow(tx, orgId, mine.id, { fee: rec.fee, fee_currency: rec.feeCurrency });
      }
      for (const [ref, rec] of theirs) {
        diffs.push({ ref, kind: 'not_succeeded_at_provider', detail: { status: rec?.status ?? 'unknown' } });
      }
      let added = 0;
      for (const d of diffs) {
        if (
          await insertFlag(tx, {
            id: newId(),
            org_id: orgId,
            provider: name,
            provider_ref: d.ref,
            kind: d.kind,
            detail: JSON.stringify(d.detail),
            created_at: clock.now().toISOString(),
            resolved_at: null,
          })
        )
          added++;
      }
      if (added > 0)
        await audit.appendInTx(tx, {
          orgId,
          actor: WEBHOOK_ACTOR,
          action: 'payments.reconciliation_flagged',
          objectType: 'payment_account',
          objectId: account.id,
          summary: { provider: name, added },
        });
      return added;
    });
  }

  /** Every enabled account; one provider being down does not stop the others. */
  async function runAll(): Promise<{ added: number; failed: string[] }> {
    let added = 0;
    const failed: string[] = [];
    for (const account of await listEnabledAccountsAllOrgs(db)) {
      try {
        added += await runAccount(account);
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        failed.push(account.id);
      }
    }
    lastRun = clock.now().getTime();
    return { added, failed };
  }

  return {
    runAll,

    /**
     * One organization, now (staff request). An unreachable or failing provider is the upstream's
     * fault, not ours: 502 naming the provider, after the other accounts were reconciled (their
     * flags are kept; each account commits on its own).
     */
    async runOrg(orgId: string): Promise<{ added: number }> {
      let added = 0;
      const failed: string[] = [];
      for (const account of await settings.listAccountsInTx(db, orgId)) {
        if (account.secrets_hint === '') continue;
        try {
          added += await runAccount(account);
        } catch (err) {
          if (!(err instanceof ProviderError)) throw err;
          failed.push(account.provider);
        }
      }
      if (failed.length > 0) {
        throw new AppError(
          'upstream_failed',
          `${failed.join(', ')} could not be reached or refused the request; try again later (${added} new flag(s) from the other accounts).`,
        );
      }
      return { added };
    },

    /** Called by the worker every minute; reconciles at most hourly. */
    async runIfDue(): Promise<{ added: number; failed: string[] } | null> {
      if (clock.now().getTime() - lastRun < EVERY_MS) return null;
      return runAll();
    },

    async listFlags(orgId: string, includeResolved: boolean) {
      const rows = await listFlags(db, orgId, includeResolved);
      return {
        items: rows.map((r) => ({
          id: r.id,
          provider: r.provider,
          providerRef: r.provider_ref,
          kind: r.kind,
          detail: JSON.parse(r.detail) as Record<string, unknown>,
          createdAt: r.created_at,
          resolvedAt: r.resolved_at,
        })),
      };
    },

    async resolveFlag(orgId: string, id: string, actor: AuditActor): Promise<{ ok: true }> {
      return inTx(db, async (tx) => {
        if (!(await resolveFlag(tx, orgId, id, clock.now().toISOString()))) throw notFound('Open reconciliation flag');
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payments.reconciliation_resolved',
          objectType: 'reconciliation_flag',
          objectId: id,
        });
        return { ok: true as const };
      });
    },
  };
}

export type ReconciliationService = ReturnType<typeof createReconciliationService>;
