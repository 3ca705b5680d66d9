// API tokens for integrations: 256 random bits, shown once, stored as SHA-256 (a fast hash is
// right for high-entropy secrets; argon2 is for passwords), scoped, expiring, revocable. A token's
// permissions are its scopes intersected with its user's current role in the org, so a token
// never holds more than its user (a demoted or deactivated user's tokens shrink or stop at once).
// Creating one needs step-up; using one is recorded in the audit log (at most once a minute).
// MFA rule: a token works only while its user meets the organization's MFA policy — when the
// policy requires a second factor of the user's role (or a passkey, under "passkeys") and the
// user has none, their tokens are refused (401, saying why) until they enrol; they are not
// revoked. A token must never be a way around the factor the policy demands of a sign-in.
import type { Clock } from '../../../platform/clock.ts';
import type { Database, Executor } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import type { StaffPrincipal } from '../../../platform/http/principal.ts';
import { newId } from '../../../platform/ids.ts';
import type { AuditActor, AuditService } from '../../audit/audit.service.ts';
import { hashToken, newToken } from '../../../platform/crypto/tokens.ts';
import {
  findActiveTokenByHash,
  findApiToken,
  insertApiToken,
  listApiTokens,
  revokeApiTokens,
  touchApiToken,
  type ApiTokenRow,
} from './api-tokens.repo.ts';
import { factorsOfInTx, orgPolicyInTx, requirementFor } from '../mfa/mfa-policy.ts';
import { isPermission, type Permission, type RoleKey } from '../members/rbac.ts';
import { assertGrantable, permissionsOfInTx } from '../members/roles.service.ts';

const TOKEN_PREFIX = 'sb_';
export const MAX_TOKEN_DAYS = 366;

export function generateToken(): string {
  return TOKEN_PREFIX + newToken();
}

export interface CreateTokenInput {
  orgId: string;
  userId: string;
  name: string;
  scopes: Permission[];
  expiresAt: string | null;
}

export interface ApiTokenView {
  id: string;
  userId: string;
  name: string;
  scopes: Permission[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

const toView = (r: ApiTokenRow): ApiTokenView => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  scopes: (JSON.parse(r.scopes) as string[]).filter(isPermission),
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  createdAt: r.created_at,
});

export function createApiTokensService({ clock, db, audit }: { clock: Clock; db?: Database; audit?: AuditService }) {
  async function create(tx: Executor, input: CreateTokenInput): Promise<{ id: string; token: string }> {
    const token = generateToken();
    const id = newId();
    await insertApiToken(tx, {
      id,
      org_id: input.orgId,
      user_id: input.userId,
      name: input.name,
      token_hash: hashToken('api-token', token),
      scopes: JSON.stringify(input.scopes),
      expires_at: input.expiresAt,
      last_used_at: null,
      revoked_at: null,
      created_at: clock.now().toISOString(),
    });
    return { id, token };
  }

  const need = () => {
    if (!db || !audit) throw new Error('api tokens service built without db/audit');
    return { db, audit };
  };

  return {
    create,

    /**
     * Issues a token for a user in an org, with scopes within what the user holds there (the caller
     * checks step-up for interactive users; the CLI is a trusted local administrator).
     */
    async issue(
      input: { orgId: string; userId: string; name: string; scopes: Permission[]; expiresInDays: number },
      holder: ReadonlySet<Permission>,
      actor: AuditActor,
    ): Promise<ApiTokenView & { token: string }> {
      const { db, audit } = need();
      assertGrantable(input.scopes, holder, 'a token');
      const expiresAt = new Date(clock.now().getTime() + input.expiresInDays * 86_400_000).toISOString();
      const scopes = [...new Set(input.scopes)];
      return inTx(db, async (tx) => {
        const { id, token } = await create(tx, {
          orgId: input.orgId,
          userId: input.userId,
          name: input.name,
          scopes,
          expiresAt,
        });
        await audit.appendInTx(tx, {
          orgId: input.orgId,
          actor,
          action: 'token.created',
          objectType: 'api_token',
          objectId: id,
          summary: { name: input.name, scopes, expiresAt, for: input.userId },
        });
        return { ...toView((await findApiToken(tx, input.orgId, id))!), token };
      });
    },

    async list(orgId: string, userId?: string): Promise<ApiTokenView[]> {
      return (await listApiTokens(need().db, orgId, userId)).map(toView);
    },

    /** Revokes a token of the org (only the user's own when `userId` is given); 404 otherwise. */
    async revoke(orgId: string, id: string, actor: AuditActor, userId?: string): Promise<ApiTokenView> {
      const { db, audit } = need();
      return inTx(db, async (tx) => {
        const row = await findApiToken(tx, orgId, id);
        if (!row || (userId && row.user_id !== userId)) throw notFound('Token');
        await revokeApiTokens(tx, clock.now().toISOString(), { orgId, id });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'token.revoked',
          objectType: 'api_token',
          objectId: id,
          summary: { name: row.name },
        });
        return toView((await findApiToken(tx, orgId, id))!);
      });
    },

    async authenticateInTx(ex: Executor, token: string): Promise<StaffPrincipal | null> {
      if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
      const row = await findActiveTokenByHash(ex, hashToken('api-token', token));
      const now = clock.now().toISOString();
      if (
        !row ||
        row.revoked_at ||
        row.deactivated_at ||
        row.user_status !== 'active' ||
        (row.expires_at && row.expires_at <= now)
      )
        return null;
      const rolePerms = await permissionsOfInTx(ex, row.org_id, row.role);
      if (!rolePerms) return null;
      const requirement = requirementFor((await orgPolicyInTx(ex, row.org_id)).mfa, rolePerms);
      if (requirement !== 'none') {
        const f = await factorsOfInTx(ex, row.user_id);
        if (requirement === 'passkey' ? f.passkeys === 0 : !f.totp && f.passkeys === 0) {
          throw new AppError(
            'unauthenticated',
            `This token's user does not meet the organization's MFA policy (it requires ${requirement === 'passkey' ? 'a passkey' : 'a second factor'}); the token works again once they set it up.`,
            { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
          );
        }
      }
      const scopes = (JSON.parse(row.scopes) as string[]).filter(isPermission);
      const permissions = new Set(scopes.filter((p) => rolePerms.has(p)));
      // Last use and the audit record are written at most once a minute, to keep reads cheap.
      if (!row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) > 60_000) {
        if (db && audit) {
          await inTx(db, async (tx) => {
            await touchApiToken(tx, row.id, now);
            await audit.appendInTx(tx, {
              orgId: row.org_id,
              actor: { type: 'token', id: row.id },
              action: 'token.used',
              objectType: 'api_token',
              objectId: row.id,
            });
          });
        } else {
          await touchApiToken(ex, row.id, now);
        }
      }
      return {
        realm: 'staff',
        via: 'token',
        orgId: row.org_id,
        userId: row.user_id,
        role: row.role as RoleKey,
        permissions,
        tokenId: row.id,
      };
    },
  };
}

export type ApiTokensService = ReturnType<typeof createApiTokensService>;
