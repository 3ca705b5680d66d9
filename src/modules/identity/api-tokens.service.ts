// API tokens: 256 random bits, shown once, stored as SHA-256 (a fast hash is right for
// high-entropy secrets; argon2 is for passwords). A token's permissions are its scopes
// intersected with its creator's current role, so a token never holds more than its user.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { StaffPrincipal } from '../../platform/http/principal.ts';
import { newId } from '../../platform/ids.ts';
import { findActiveTokenByHash, insertApiToken, touchApiToken } from './api-tokens.repo.ts';
import { isPermission, isRole, ROLE_PERMISSIONS, type Permission } from './rbac.ts';

const TOKEN_PREFIX = 'sb_';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export interface CreateTokenInput {
  orgId: string;
  userId: string;
  name: string;
  scopes: Permission[];
  expiresAt: string | null;
}

export function createApiTokensService({ clock }: { clock: Clock }) {
  return {
    async create(tx: Executor, input: CreateTokenInput): Promise<{ id: string; token: string }> {
      const token = generateToken();
      const id = newId();
      await insertApiToken(tx, {
        id,
        org_id: input.orgId,
        user_id: input.userId,
        name: input.name,
        token_hash: hashToken(token),
        scopes: JSON.stringify(input.scopes),
        expires_at: input.expiresAt,
        last_used_at: null,
        revoked_at: null,
        created_at: clock.now().toISOString(),
      });
      return { id, token };
    },

    async authenticate(db: Executor, token: string): Promise<StaffPrincipal | null> {
      if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
      const row = await findActiveTokenByHash(db, hashToken(token));
      const now = clock.now().toISOString();
      if (!row || row.revoked_at || row.user_status !== 'active' || (row.expires_at && row.expires_at <= now)) return null;
      if (!isRole(row.role)) return null;
      const rolePerms = ROLE_PERMISSIONS[row.role];
      const scopes = (JSON.parse(row.scopes) as string[]).filter(isPermission);
      const permissions = new Set(scopes.filter((p) => rolePerms.has(p)));
      // last-used is informative; write it at most once a minute to keep reads cheap.
      if (!row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) > 60_000) await touchApiToken(db, row.id, now);
      return { realm: 'staff', via: 'token', orgId: row.org_id, userId: row.user_id, role: row.role, permissions, tokenId: row.id };
    },
  };
}

export type ApiTokensService = ReturnType<typeof createApiTokensService>;
