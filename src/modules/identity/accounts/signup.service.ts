// Self-service sign-up (SEALBILL_SIGNUP=open): an organization and its owner, created only once
// the owner confirms their email. The request answers the same (202) whether or not the email
// already has an account, does the same work either way (policy check, argon2, one stored token)
// and mails in the background; a registered address gets a "you already have an account" note
// instead of a link, so sign-up never reveals who is registered.
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.ts';
import type { Database } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { AppError, conflict } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import type { AuditActor } from '../../audit/audit.service.ts';
import { createOrgInput, type OrgService } from '../../orgs/org.service.ts';
import { consumeEmailTokenInTx, issueEmailToken } from './email-tokens.ts';
import type { Notifier } from '../notify.ts';
import type { PasswordService } from '../passwords/passwords.ts';
import { findUserByEmail, insertMembership, insertUser, newUserRow, normalizeEmail } from './users.repo.ts';
import { lineText } from '../../../platform/http/text-guard.ts';

export const signupInput = z.strictObject({
  organization: z.strictObject({
    name: lineText(200).min(1),
    defaultCurrency: z.string().optional(),
    locale: z.string().optional(),
    timeZone: z.string().optional(),
  }),
  owner: z.strictObject({
    email: z.email().max(254),
    name: lineText(200).min(1),
    password: z.string().min(1).max(4096),
  }),
});
export type SignupInput = z.infer<typeof signupInput>;

const pendingData = z.object({
  organization: signupInput.shape.organization,
  name: z.string(),
  passwordHash: z.string(),
});

export function createSignupService({
  db,
  clock,
  orgs,
  passwords,
  notifier,
  mode,
}: {
  db: Database;
  clock: Clock;
  orgs: OrgService;
  passwords: PasswordService;
  notifier: Notifier;
  mode: 'first-run' | 'open' | 'invite-only';
}) {
  return {
    async request(input: SignupInput): Promise<void> {
      if (mode !== 'open')
        throw new AppError('forbidden', 'Sign-up is by invitation only; ask an organization owner to invite you');
      const email = normalizeEmail(input.owner.email);
      // Validate everything that depends only on the request before looking anything up.
      createOrgInput.parse(input.organization);
      await passwords.assertAcceptable(
        input.owner.password,
        { email, orgNames: [input.organization.name] },
        '/body/owner/password',
      );
      const passwordHash = await passwords.hash(input.owner.password);
      const existing = await findUserByEmail(db, email);
      await inTx(db, async (tx) => {
        const token = await issueEmailToken(tx, clock, {
          purpose: 'signup',
          email,
          data: existing
            ? { existing: true }
            : { organization: input.organization, name: input.owner.name, passwordHash },
        });
        await notifier.send(
          tx,
          existing
            ? {
                to: email,
                subject: 'Sealbill sign-up',
                text: `Someone (hopefully you) tried to sign up to Sealbill with this address, which already has an account. Sign in instead, or reset your password if you forgot it. If it was not you, ignore this message.`,
              }
            : {
                to: email,
                subject: 'Confirm your Sealbill sign-up',
                text: `Confirm your email address to create "${input.organization.name}" on Sealbill (valid 24 hours):\n${notifier.link('/app/signup', token)}`,
              },
        );
      });
    },

    async confirm(token: string, actor: AuditActor): Promise<{ orgId: string; userId: string }> {
      return inTx(db, async (tx) => {
        const t = await consumeEmailTokenInTx(tx, clock, 'signup', token);
        const data = t?.data ? pendingData.safeParse(JSON.parse(t.data)) : null;
        if (!t?.email || !data?.success)
          throw new AppError('unprocessable', 'This link is invalid, has expired or was already used');
        if (await findUserByEmail(tx, t.email))
          throw conflict('This email address already has an account; sign in instead');
        const now = clock.now().toISOString();
        const userId = newId();
        await insertUser(tx, newUserRow(userId, t.email, data.data.name, data.data.passwordHash, now, true));
        const org = await orgs.createInTx(tx, createOrgInput.parse(data.data.organization), {
          ...actor,
          id: userId,
          type: 'user',
        });
        await insertMembership(tx, {
          org_id: org.id,
          user_id: userId,
          role: 'owner',
          created_at: now,
          deactivated_at: null,
        });
        return { orgId: org.id, userId };
      });
    },
  };
}

export type SignupService = ReturnType<typeof createSignupService>;
