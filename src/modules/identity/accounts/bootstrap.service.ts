// First run: creates the first organization, its owner and a bootstrap owner API token (shown
// once). Works exactly once per instance under the default "first-run" sign-up mode; an
// advisory lock (PostgreSQL) or the single writer (SQLite) stops two concurrent setups.
// The public endpoint checks that the instance is not set up yet BEFORE any password work, so
// anonymous calls to a configured instance cost one count query (issue #10 item 3). Everything
// is created in one transaction: a refused or failed set-up leaves nothing behind.
// The bootstrap token holds every scope, so it lives BOOTSTRAP_TOKEN_HOURS only: long enough to
// script the first steps; integrations then get their own scoped token (My account → API tokens
// or `sealbill token create`).
import { sql } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.ts';
import type { Database } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import type { AuditActor } from '../../audit/audit.service.ts';
import { createOrgInput, type OrgService } from '../../orgs/org.service.ts';
import type { Org } from '../../orgs/org.schemas.ts';
import type { ApiTokensService } from '../tokens/api-tokens.service.ts';
import type { PasswordService } from '../passwords/passwords.ts';
import { findUserIdByEmail, insertMembership, insertUser, newUserRow } from './users.repo.ts';
import { PERMISSIONS } from '../members/rbac.ts';
import { lineText } from '../../../platform/http/text-guard.ts';

export const setupInput = z.strictObject({
  organization: createOrgInput,
  owner: z.strictObject({
    email: z
      .email()
      .max(254)
      .transform((e) => e.toLowerCase()),
    name: lineText(200).min(1),
    password: z.string().min(1).max(4096).optional(),
  }),
});
export type SetupInput = z.input<typeof setupInput>;

export const BOOTSTRAP_TOKEN_HOURS = 24;

export interface SetupResult {
  org: Org;
  userId: string;
  token: string;
  /** When the bootstrap token stops working. */
  tokenExpiresAt: string;
}

export const alreadySetUp = (): AppError =>
  new AppError('conflict', 'Sealbill is already set up; ask an owner for an invitation');

export function createBootstrapService(deps: {
  db: Database;
  dialect: 'sqlite' | 'postgres';
  clock: Clock;
  orgs: OrgService;
  tokens: ApiTokensService;
  passwords: PasswordService;
}) {
  const { db, dialect, clock, orgs, tokens, passwords } = deps;
  return {
    async isSetUp(): Promise<boolean> {
      return orgs.anyExist();
    },

    /** Creates an org with its owner. `firstRunOnly` refuses when any org exists (the public setup endpoint). */
    async setup(raw: SetupInput, opts: { firstRunOnly: boolean; actor: AuditActor }): Promise<SetupResult> {
      const input = setupInput.parse(raw);
      if (opts.firstRunOnly && (await orgs.anyExist())) throw alreadySetUp();
      if (input.owner.password)
        await passwords.assertAcceptable(
          input.owner.password,
          { email: input.owner.email, orgNames: [input.organization.name] },
          '/body/owner/password',
        );
      const passwordHash = input.owner.password ? await passwords.hash(input.owner.password) : null;
      return inTx(db, async (tx) => {
        if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('sealbill:setup'))`.execute(tx);
        // Checked again under the lock: two concurrent first runs both passed the early check.
        if (opts.firstRunOnly && (await orgs.anyExistInTx(tx))) throw alreadySetUp();
        const now = clock.now().toISOString();
        let user = await findUserIdByEmail(tx, input.owner.email);
        if (!user) {
          user = { id: newId() };
          await insertUser(tx, newUserRow(user.id, input.owner.email, input.owner.name, passwordHash, now, false));
        }
        const org = await orgs.createInTx(tx, input.organization, opts.actor);
        await insertMembership(tx, {
          org_id: org.id,
          user_id: user.id,
          role: 'owner',
          created_at: now,
          deactivated_at: null,
        });
        const tokenExpiresAt = new Date(clock.now().getTime() + BOOTSTRAP_TOKEN_HOURS * 3_600_000).toISOString();
        const { token } = await tokens.create(tx, {
          orgId: org.id,
          userId: user.id,
          name: 'bootstrap owner token',
          scopes: [...PERMISSIONS],
          expiresAt: tokenExpiresAt,
        });
        return { org, userId: user.id, token, tokenExpiresAt };
      });
    },
  };
}

export type BootstrapService = ReturnType<typeof createBootstrapService>;
