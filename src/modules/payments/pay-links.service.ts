// Single-invoice pay links: a 256-bit random token in the URL is the only credential, so the
// link works without an account; only its SHA-256 is stored (a database reader cannot rebuild a
// link), every link expires (30 days by default, 180 at most) and can be revoked. Unknown,
// expired and revoked tokens get the same answer, so the endpoint is no oracle.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import { hashToken, newToken } from '../../platform/crypto/tokens.ts';
import {
  findPayLink,
  findPayLinkByHash,
  insertPayLink,
  listPayLinks,
  updatePayLink,
  type PayLinkRow,
} from './pay-links.repo.ts';

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export const payLinkInput = z.strictObject({
  expiresInDays: z.number().int().min(1).max(180).default(30),
});

export const payLinkSchema = z.object({
  id: z.string(),
  invoiceId: z.string(),
  status: z.enum(['active', 'expired', 'revoked']),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdAt: z.string(),
});
export const createdPayLinkSchema = payLinkSchema.extend({
  url: z.string().describe('shown once: the token is not stored and cannot be shown again'),
});
export type PayLink = z.infer<typeof payLinkSchema>;

export const payTokenParam = z.strictObject({ token: z.string().min(1).max(100) });

export interface PayLinkDeps {
  db: Database;
  audit: AuditService;
  clock: Clock;
  documents: Pick<DocumentService, 'get'>;
  publicUrl: string;
}

export function createPayLinkService({ db, audit, clock, documents, publicUrl }: PayLinkDeps) {
  const toDto = (r: PayLinkRow): PayLink => ({
    id: r.id,
    invoiceId: r.document_id,
    status: r.revoked_at ? 'revoked' : r.expires_at <= clock.now().toISOString() ? 'expired' : 'active',
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
    createdAt: r.created_at,
  });

  return {
    async create(orgId: string, invoiceId: string, raw: z.input<typeof payLinkInput>, actor: AuditActor) {
      const input = payLinkInput.parse(raw);
      const inv = await documents.get(orgId, 'invoice', invoiceId);
      if (inv.status === 'draft' || inv.status === 'void')
        throw conflict(`A ${inv.status} invoice cannot have a pay link`);
      const token = newToken();
      const now = clock.now();
      const row: PayLinkRow = {
        id: newId(now.getTime()),
        org_id: orgId,
        document_id: invoiceId,
        token_hash: hashToken('pay-link', token),
        expires_at: new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString(),
        revoked_at: null,
        last_used_at: null,
        created_by: actor.id,
        created_at: now.toISOString(),
      };
      await inTx(db, async (tx) => {
        await insertPayLink(tx, row);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'pay_link.created',
          objectType: 'invoice',
          objectId: invoiceId,
          summary: { payLinkId: row.id, expiresAt: row.expires_at },
        });
      });
      return { ...toDto(row), url: `${publicUrl}/pay/${token}` };
    },

    async list(orgId: string, invoiceId: string): Promise<PayLink[]> {
      await documents.get(orgId, 'invoice', invoiceId);
      return (await listPayLinks(db, orgId, invoiceId)).map(toDto);
    },

    async revoke(orgId: string, id: string, actor: AuditActor): Promise<PayLink> {
      return inTx(db, async (tx) => {
        const row = await findPayLink(tx, orgId, id);
        if (!row) throw notFound('Pay link');
        if (!row.revoked_at) {
          row.revoked_at = clock.now().toISOString();
          await updatePayLink(tx, orgId, id, { revoked_at: row.revoked_at });
          await audit.appendInTx(tx, {
            orgId,
            actor,
            action: 'pay_link.revoked',
            objectType: 'invoice',
            objectId: row.document_id,
            summary: { payLinkId: id },
          });
        }
        return toDto(row);
      });
    },

    /** The invoice a live token opens. Any failure is the same 404. */
    async resolve(token: string): Promise<{ orgId: string; invoiceId: string; payLinkId: string }> {
      const refused = new AppError('not_found', 'This payment link is invalid or has expired');
      if (!TOKEN_RE.test(token)) throw refused;
      const row = await findPayLinkByHash(db, hashToken('pay-link', token));
      const now = clock.now().toISOString();
      if (!row || row.revoked_at || row.expires_at <= now) throw refused;
      await updatePayLink(db, row.org_id, row.id, { last_used_at: now });
      return { orgId: row.org_id, invoiceId: row.document_id, payLinkId: row.id };
    },
  };
}

export type PayLinkService = ReturnType<typeof createPayLinkService>;
