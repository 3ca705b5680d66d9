// First run: creates the first organization, its owner and a bootstrap owner API token (shown
// once). Works exactly once per instance under the default "first-run" sign-up mode; an
// advisory lock (PostgreSQL) or the single writer (SQLite) stops two concurrent setups.
import { sql } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import { countOrgs } from '../orgs/org.repo.ts';
import { createOrgInput, type OrgService } from '../orgs/org.service.ts';
import type { Org } from '../orgs/org.schemas.ts';
import type { ApiTokensService } from './api-tokens.service.ts';
import { assertPasswordAcceptable } from './password-policy.ts';
import { hashPassword } from './passwords.ts';
import { newUserRow } from './users.repo.ts';
import { PERMISSIONS } from './rbac.ts';

export const setupInput = z.strictObject({
  organization: createOrgInput,
  owner: z.strictObject({
    email: z.email().max(254).transform((e) => e.toLowerCase()),
    name: z.string().trim().min(1).max(200),
    password: z.string().min(1).max(4096).optional(),
  }),
});
export type SetupInput = z.input<typeof setupInput>;

export interface SetupResult {
  org: Org;
  userId: string;
  token: string;
}

export function createBootstrapService(deps: { db: Database; dialect: 'sqlite' | 'postgres'; clock: Clock; orgs: OrgService; tokens: ApiTokensService }) {
  const { db, dialect, clock, orgs, tokens } = deps;
  return {
    async isSetUp(): Promise<boolean> {
      return (await countOrgs(db)) > 0;
    },

    /** Creates an org with its owner. `firstRunOnly` refuses when any org exists (the public setup endpoint). */
    async setup(raw: SetupInput, opts: { firstRunOnly: boolean; actor: AuditActor }): Promise<SetupResult> {
      const input = setupInput.parse(raw);
      if (input.owner.password) assertPasswordAcceptable(input.owner.password, { email: input.owner.email, orgNames: [input.organization.name] }, '/body/owner/password');
      const passwordHash = input.owner.password ? await hashPassword(input.owner.password) : null;
      return inTx(db, async (tx) => {
        if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('sealbill:setup'))`.execute(tx);
        if (opts.firstRunOnly && (await countOrgs(tx)) > 0) throw new AppError('conflict', 'Sealbill is already set up; ask an owner for an invitation');
        const now = clock.now().toISOString();
        let user = await tx.selectFrom('users').select(['id']).where('email', '=', input.owner.email).executeTakeFirst();
        if (!user) {
          user = { id: newId() };
          await tx.insertInto('users').values(newUserRow(user.id, input.owner.email, input.owner.name, passwordHash, now, false)).execute();
        }
        const org = await orgs.createInTx(tx, input.organization, opts.actor);
        await tx.insertInto('memberships').values({ org_id: org.id, user_id: user.id, role: 'owner', created_at: now }).execute();
        const { token } = await tokens.create(tx, { orgId: org.id, userId: user.id, name: 'bootstrap owner token', scopes: [...PERMISSIONS], expiresAt: null });
        return { org, userId: user.id, token };
      });
    },
  };
}

export type BootstrapService = ReturnType<typeof createBootstrapService>;
