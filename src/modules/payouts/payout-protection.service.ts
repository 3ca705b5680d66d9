// Protected payout details (the bank account clients pay into). Changing them is the single most
// valuable move for a fraudster inside an account, so a change:
// - needs a step-up re-authentication (never an API token);
// - is announced by email to every owner and admin, in the same transaction (no mail, no change);
// - waits out a cooling-off period (default 24 h) during which any admin can cancel it; except
//   the first details of an organization that has issued no invoice yet: no client has seen any
//   details that could be swapped, and waiting would only get day-one invoices issued, signed and
//   frozen without payment details. Those take effect at once (still step-up, audited, announced);
// - optionally needs a second admin's approval (someone other than the requester);
// - is recorded in the audit log at every step, with the account's last 4 characters only.
// Due changes are applied by the worker (every minute) and whenever the details are read; never
// inside an issuing transaction, whose lock order (document, number sequence, audit chain) an
// apply (org row, audit chain) would invert. Until applied, the old details are the ones in force.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/principal.ts';
import { newId } from '../../platform/ids.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import { requireStepUp } from '../../platform/http/step-up.ts';
import { payoutSchema, type Payout } from '../orgs/org.schemas.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { effectivePolicy, nextPolicyRow, type PayoutPolicy } from './payout-policy.ts';
import {
  findDueChanges,
  findPayoutChange,
  findPendingChange,
  findPolicy,
  insertPayoutChange,
  listPayoutChanges,
  settlePendingChange,
  upsertPolicy,
  type PayoutChangeRow,
} from './payout-protection.repo.ts';

/** "DE89…3000" → "ending 3000": what an announcement or the audit log may say about an account. */
const accountEnding = (p: { iban: string | null; accountNumber: string | null } | null): string | null => {
  const v = p?.iban ?? p?.accountNumber ?? null;
  return v ? v.slice(-4) : null;
};

export interface PayoutAdmin {
  userId: string;
  email: string;
  name: string;
}

export interface PayoutChange {
  id: string;
  status: 'pending' | 'applied' | 'cancelled';
  ending: string;
  requestedBy: string;
  requestedAt: string;
  effectiveAt: string;
  approvalRequired: boolean;
  approvedBy: string | null;
  approvedAt: string | null;
  cancelledBy: string | null;
  cancelledAt: string | null;
  appliedAt: string | null;
}

export interface PayoutProtectionDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  mailer: Pick<Mailer, 'send'>;
  orgs: Pick<OrgService, 'get' | 'getPayout' | 'setPayoutInTx' | 'getInTx'>;
  /** Active owners and admins of an org (identity owns the members). */
  adminsInTx: (ex: Executor, orgId: string) => Promise<PayoutAdmin[]>;
  /** Whether the org has issued an invoice (documents own them): then clients may have seen its details. */
  hasIssuedInvoiceInTx: (ex: Executor, orgId: string) => Promise<boolean>;
  publicUrl: string;
}

const changeAad = (id: string) => ({ table: 'payout_changes', row: id, column: 'payout_enc' });
const SYSTEM: AuditActor = { type: 'system', id: null };
const userIdOf = (p: Principal | null): string => (p && p.realm === 'staff' ? p.userId : '');

function toChange(r: PayoutChangeRow): PayoutChange {
  return {
    id: r.id,
    status: r.status,
    ending: r.ending,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    effectiveAt: r.effective_at,
    approvalRequired: r.approval_required === 1,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    cancelledBy: r.cancelled_by,
    cancelledAt: r.cancelled_at,
    appliedAt: r.applied_at,
  };
}

export function createPayoutProtectionService(deps: PayoutProtectionDeps) {
  const {
    db,
    keyring,
    audit,
    clock,
    mailer,
    orgs,
    adminsInTx: admins,
    hasIssuedInvoiceInTx: hasIssuedInvoice,
    publicUrl,
  } = deps;
  const settingsUrl = `${publicUrl}/app/settings/payout`;

  /** Mails every owner and admin; a failure aborts the surrounding transaction (fail closed). */
  async function announce(tx: Executor, orgId: string, subject: string, lines: string[]): Promise<void> {
    const org = await orgs.getInTx(tx, orgId);
    const to = await admins(tx, orgId);
    try {
      for (const a of to) {
        await mailer.send({
          to: a.email,
          subject: `[${org.name}] ${subject}`,
          text: `${lines.join('\n')}\n\nReview or cancel: ${settingsUrl}\n\n— Sealbill (${publicUrl})\n`,
        });
      }
    } catch (err) {
      throw new AppError(
        'upstream_failed',
        'The announcement to owners and admins could not be sent; nothing was changed',
        { cause: err },
      );
    }
  }

  async function nameOf(tx: Executor, orgId: string, userId: string): Promise<string> {
    const a = (await admins(tx, orgId)).find((x) => x.userId === userId);
    return a ? `${a.name} <${a.email}>` : `user ${userId}`;
  }

  async function applyDueInTx(tx: Executor, orgId?: string): Promise<number> {
    const now = clock.now().toISOString();
    let applied = 0;
    for (const row of await findDueChanges(tx, now, orgId)) {
      if (row.approval_required === 1 && !row.approved_by) continue;
      if (!(await settlePendingChange(tx, row.org_id, row.id, { status: 'applied', applied_at: now }))) continue;
      const crypto = await keyring.forOrg(tx, row.org_id);
      const payout = payoutSchema.parse(crypto.decryptJson(row.payout_enc, changeAad(row.id)));
      await orgs.setPayoutInTx(tx, row.org_id, payout, SYSTEM);
      await audit.appendInTx(tx, {
        orgId: row.org_id,
        actor: SYSTEM,
        action: 'payout.change_applied',
        objectType: 'payout_change',
        objectId: row.id,
        summary: { ending: row.ending },
      });
      applied++;
    }
    return applied;
  }

  async function mustPending(tx: Executor, orgId: string, id: string): Promise<PayoutChangeRow> {
    const row = await findPayoutChange(tx, orgId, id);
    if (!row) throw notFound('Payout change');
    if (row.status !== 'pending') throw conflict(`This change is already ${row.status}`);
    return row;
  }

  return {
    applyDueInTx,
    /** Worker entry point: applies every org's due changes. */
    applyAllDue: () => inTx(db, (tx) => applyDueInTx(tx)),

    /** Payout details in force now (due changes applied first), with the pending change if any. */
    async current(
      orgId: string,
    ): Promise<{ payout: Payout | null; updatedAt: string | null; pending: PayoutChange | null }> {
      await inTx(db, (tx) => applyDueInTx(tx, orgId));
      const p = await orgs.getPayout(orgId);
      const pending = await findPendingChange(db, orgId);
      return { ...p, pending: pending ? toChange(pending) : null };
    },

    async request(orgId: string, raw: Payout, principal: Principal | null, actor: AuditActor): Promise<PayoutChange> {
      requireStepUp(principal, clock, 'Changing the payout bank details');
      const payout = payoutSchema.parse(raw);
      return inTx(db, async (tx) => {
        await applyDueInTx(tx, orgId);
        if (await findPendingChange(tx, orgId)) throw conflict('A payout change is already pending; cancel it first');
        const policy = effectivePolicy(await findPolicy(tx, orgId), clock.now());
        const id = newId();
        const now = clock.now();
        // First details, nothing issued yet: nothing a client saw can be swapped, so no cooling-off
        // (a second approval, if the org asks for one, is still needed).
        const first = !(await orgs.getInTx(tx, orgId)).payoutConfigured && !(await hasIssuedInvoice(tx, orgId));
        const effectiveAt = new Date(now.getTime() + (first ? 0 : policy.coolingOffHours) * 3_600_000).toISOString();
        const ending = accountEnding(payout) ?? '????';
        const crypto = await keyring.forOrg(tx, orgId);
        const row: PayoutChangeRow = {
          id,
          org_id: orgId,
          status: 'pending',
          payout_enc: crypto.encryptJson(payout, changeAad(id)),
          ending,
          requested_by: userIdOf(principal),
          requested_at: now.toISOString(),
          effective_at: effectiveAt,
          approval_required: policy.requireSecondApproval ? 1 : 0,
          approved_by: null,
          approved_at: null,
          cancelled_by: null,
          cancelled_at: null,
          applied_at: null,
        };
        await insertPayoutChange(tx, row);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payout.change_requested',
          objectType: 'payout_change',
          objectId: id,
          summary: {
            ending,
            effectiveAt,
            approvalRequired: policy.requireSecondApproval,
            ...(first ? { firstDetails: true } : {}),
          },
        });
        await announce(
          tx,
          orgId,
          first ? 'Payout bank details set' : 'Payout bank details change requested',
          first
            ? [
                `${await nameOf(tx, orgId, row.requested_by)} set the bank account your clients pay into (the organization's first payout details).`,
                `Account ending: ${ending}`,
                policy.requireSecondApproval
                  ? 'A second owner or admin must approve them before they take effect.'
                  : 'They take effect now: no invoice has been issued yet, so no client has seen other details.',
                'If you did not expect this, review them now and who has access to the organization.',
              ]
            : [
                `${await nameOf(tx, orgId, row.requested_by)} asked to change the bank account your clients pay into.`,
                `New account ending: ${ending}`,
                `It takes effect at ${effectiveAt} (UTC) unless an owner or admin cancels it before then.`,
                ...(policy.requireSecondApproval
                  ? ['A second owner or admin must approve it before it takes effect.']
                  : []),
                'If you did not expect this, cancel it now and review who has access to the organization.',
              ],
        );
        // Due now: applied in this transaction (the order is the org row, then the audit chain).
        if (first) await applyDueInTx(tx, orgId);
        return toChange((await findPayoutChange(tx, orgId, id))!);
      });
    },

    /** Any owner or admin may cancel; no step-up, so a defender is never slowed down. */
    async cancel(orgId: string, id: string, principal: Principal | null, actor: AuditActor): Promise<PayoutChange> {
      return inTx(db, async (tx) => {
        await applyDueInTx(tx, orgId);
        const row = await mustPending(tx, orgId, id);
        const now = clock.now().toISOString();
        if (
          !(await settlePendingChange(tx, orgId, id, {
            status: 'cancelled',
            cancelled_by: userIdOf(principal) || actor.id,
            cancelled_at: now,
          }))
        ) {
          throw conflict('This change is no longer pending');
        }
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payout.change_cancelled',
          objectType: 'payout_change',
          objectId: id,
          summary: { ending: row.ending },
        });
        await announce(tx, orgId, 'Payout bank details change cancelled', [
          `The requested change to the account ending ${row.ending} was cancelled by ${await nameOf(tx, orgId, userIdOf(principal))}.`,
          'The current payout details stay in force.',
        ]);
        return toChange((await findPayoutChange(tx, orgId, id))!);
      });
    },

    /** The second pair of eyes: another owner or admin, freshly re-authenticated. */
    async approve(orgId: string, id: string, principal: Principal | null, actor: AuditActor): Promise<PayoutChange> {
      requireStepUp(principal, clock, 'Approving a payout change');
      return inTx(db, async (tx) => {
        const row = await mustPending(tx, orgId, id);
        if (row.approval_required !== 1) throw conflict('This change does not need an approval');
        if (row.approved_by) throw conflict('This change is already approved');
        if (row.requested_by === userIdOf(principal))
          throw new AppError('forbidden', 'The approval must come from another owner or admin than the requester');
        const now = clock.now().toISOString();
        await settlePendingChange(tx, orgId, id, { approved_by: userIdOf(principal), approved_at: now });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payout.change_approved',
          objectType: 'payout_change',
          objectId: id,
          summary: { ending: row.ending },
        });
        await applyDueInTx(tx, orgId);
        return toChange((await findPayoutChange(tx, orgId, id))!);
      });
    },

    async list(orgId: string): Promise<PayoutChange[]> {
      await inTx(db, (tx) => applyDueInTx(tx, orgId));
      return (await listPayoutChanges(db, orgId, 50)).map(toChange);
    },

    async getPolicy(orgId: string): Promise<PayoutPolicy & { inForce: PayoutPolicy; strictUntil: string | null }> {
      const row = await findPolicy(db, orgId);
      const inForce = effectivePolicy(row, clock.now());
      const configured = row
        ? { coolingOffHours: row.cooling_off_hours, requireSecondApproval: row.require_second_approval === 1 }
        : inForce;
      return { ...configured, inForce, strictUntil: row?.strict_until ?? null };
    },

    async setPolicy(orgId: string, next: PayoutPolicy, principal: Principal | null, actor: AuditActor): Promise<void> {
      requireStepUp(principal, clock, 'Changing the payout protection policy');
      await inTx(db, async (tx) => {
        const row = nextPolicyRow(orgId, await findPolicy(tx, orgId), next, clock.now());
        await upsertPolicy(tx, row);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payout.policy_changed',
          objectType: 'org',
          objectId: orgId,
          summary: { ...next, strictUntil: row.strict_until },
        });
        await announce(tx, orgId, 'Payout protection policy changed', [
          `${await nameOf(tx, orgId, userIdOf(principal))} set the cooling-off period for payout changes to ${next.coolingOffHours} h` +
            ` and second-admin approval to ${next.requireSecondApproval ? 'required' : 'not required'}.`,
          ...(row.strict_until
            ? [
                `Because this weakens the protection, the previous policy stays in force until ${row.strict_until} (UTC).`,
              ]
            : []),
        ]);
      });
    },
  };
}

export type PayoutProtectionService = ReturnType<typeof createPayoutProtectionService>;
