// Which payment methods an organization offers, and its provider accounts. API keys and webhook
// secrets are sealed under the org's field key (AAD = payment_accounts|<id>|secrets_enc), are
// write-only over the API (only a short hint comes back), and decrypted only to build an adapter
// for the call at hand. Replacing them needs step-up (the route checks): whoever controls these
// keys decides where clients' card payments go.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import {
  findAccount,
  findAccountById,
  findSettings,
  insertAccount,
  listAccounts,
  updateAccount,
  upsertSettings,
  type PaymentAccountRow,
} from './payment-accounts.repo.ts';
import { PROVIDER_NAMES, type PaymentProvider, type ProviderName } from './providers/provider.ts';
import { PROVIDERS, type ProviderFactory } from './providers/registry.ts';

const secretsAad = (id: string) => ({ table: 'payment_accounts', row: id, column: 'secrets_enc' });

export const providerName = z.enum(PROVIDER_NAMES);

export const paymentSettingsSchema = z.object({
  bankTransfer: z.boolean(),
  providers: z.array(
    z.object({
      provider: providerName,
      enabled: z.boolean(),
      connected: z.boolean(),
      mode: z.enum(['test', 'live']),
      hint: z.string().describe('recognisable fragment of the stored key; the key itself is never returned'),
      embedded: z.boolean(),
      webhookUrl: z.string().describe('register this URL with the provider'),
      webhookReady: z.boolean().describe('the webhook secret (Stripe) or webhook id (PayPal) is set'),
      updatedAt: z.string(),
    }),
  ),
});
export type PaymentSettings = z.infer<typeof paymentSettingsSchema>;

export const settingsPatch = z.strictObject({
  bankTransfer: z.boolean().optional(),
  enabled: z.strictObject({ stripe: z.boolean().optional(), paypal: z.boolean().optional() }).optional(),
});

export interface EnabledMethods {
  bankTransfer: boolean;
  providers: Array<{ name: ProviderName; embedded: boolean; publishableKey: string | null }>;
}

export interface PaymentSettingsDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  providerFactory: ProviderFactory;
  publicUrl: string;
}

export function createPaymentSettingsService({
  db,
  keyring,
  audit,
  clock,
  providerFactory,
  publicUrl,
}: PaymentSettingsDeps) {
  const webhookUrl = (row: PaymentAccountRow) => `${publicUrl}/api/v1/webhooks/${row.provider}/${row.id}`;

  async function adapterOf(ex: Executor, row: PaymentAccountRow): Promise<PaymentProvider | null> {
    const crypto = await keyring.forOrg(ex, row.org_id);
    const secrets: unknown = crypto.decryptJson(row.secrets_enc, secretsAad(row.id));
    if (secrets === null) return null;
    return providerFactory(row.provider as ProviderName, {
      id: row.id,
      mode: row.mode,
      secrets,
      options: JSON.parse(row.options),
    });
  }

  async function view(ex: Executor, orgId: string): Promise<PaymentSettings> {
    const [settings, accounts] = await Promise.all([findSettings(ex, orgId), listAccounts(ex, orgId)]);
    return {
      bankTransfer: (settings?.bank_transfer ?? 1) === 1,
      providers: accounts.map((a) => {
        const pub = PROVIDERS[a.provider as ProviderName].publicOptions(JSON.parse(a.options));
        const webhookReady = (JSON.parse(a.options) as { webhookReady?: boolean }).webhookReady === true;
        return {
          provider: a.provider as ProviderName,
          enabled: a.enabled === 1,
          connected: a.secrets_hint !== '',
          mode: a.mode,
          hint: a.secrets_hint,
          embedded: pub.embedded,
          webhookUrl: webhookUrl(a),
          webhookReady,
          updatedAt: a.updated_at,
        };
      }),
    };
  }

  return {
    get: (orgId: string) => view(db, orgId),

    /** Connects (or replaces the keys of) a provider account. The account id, hence the webhook URL, stays stable. */
    async connect(
      orgId: string,
      name: ProviderName,
      rawSettings: unknown,
      enabled: boolean,
      actor: AuditActor,
    ): Promise<PaymentSettings> {
      const def = PROVIDERS[name];
      const parsed = def.settingsInput.safeParse(rawSettings);
      if (!parsed.success)
        throw new AppError('validation_failed', 'Invalid provider settings', {
          fieldErrors: parsed.error.issues.map((i) => ({
            path: `/body/settings/${i.path.join('/')}`,
            message: i.message,
          })),
        });
      const { mode, secrets, options, hint, webhookReady } = def.split(parsed.data);
      // Payments taken before webhooks can be verified would never reach the ledger.
      if (enabled && !webhookReady)
        throw new AppError(
          'unprocessable',
          `Register the webhook URL at ${name} and add its secret before enabling ${name}`,
          { fieldErrors: [{ path: '/body/enabled', message: 'webhook not configured' }] },
        );
      return inTx(db, async (tx) => {
        const crypto = await keyring.forOrg(tx, orgId);
        const now = clock.now().toISOString();
        const existing = await findAccount(tx, orgId, name);
        const id = existing?.id ?? newId();
        const fields = {
          enabled: enabled ? 1 : 0,
          mode,
          options: JSON.stringify({ ...(options as object), webhookReady }),
          secrets_enc: crypto.encryptJson(secrets, secretsAad(id)),
          secrets_hint: hint,
          updated_at: now,
        };
        if (existing) await updateAccount(tx, orgId, id, fields);
        else await insertAccount(tx, { id, org_id: orgId, provider: name, created_at: now, ...fields });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payments.provider_connected',
          objectType: 'payment_account',
          objectId: id,
          summary: { provider: name, mode, enabled, replaced: Boolean(existing) },
        });
        return view(tx, orgId);
      });
    },

    /** Disconnects: the keys are destroyed (sealed `null`); history that references the account stays. */
    async disconnect(orgId: string, name: ProviderName, actor: AuditActor): Promise<PaymentSettings> {
      return inTx(db, async (tx) => {
        const existing = await findAccount(tx, orgId, name);
        if (!existing) throw notFound('Payment provider account');
        const crypto = await keyring.forOrg(tx, orgId);
        await updateAccount(tx, orgId, existing.id, {
          enabled: 0,
          secrets_enc: crypto.encryptJson(null, secretsAad(existing.id)),
          secrets_hint: '',
          updated_at: clock.now().toISOString(),
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payments.provider_disconnected',
          objectType: 'payment_account',
          objectId: existing.id,
          summary: { provider: name },
        });
        return view(tx, orgId);
      });
    },

    async update(orgId: string, patch: z.infer<typeof settingsPatch>, actor: AuditActor): Promise<PaymentSettings> {
      return inTx(db, async (tx) => {
        const now = clock.now().toISOString();
        if (patch.bankTransfer !== undefined)
          await upsertSettings(tx, { org_id: orgId, bank_transfer: patch.bankTransfer ? 1 : 0, updated_at: now });
        for (const [name, on] of Object.entries(patch.enabled ?? {})) {
          if (on === undefined) continue;
          const acc = await findAccount(tx, orgId, name);
          if (!acc)
            throw new AppError('unprocessable', `Connect ${name} before enabling it`, {
              fieldErrors: [{ path: `/body/enabled/${name}`, message: 'not connected' }],
            });
          if (on && acc.secrets_hint === '')
            throw new AppError('unprocessable', `${name} is disconnected; connect it again first`);
          if (on && JSON.parse(acc.options).webhookReady !== true)
            throw new AppError('unprocessable', `Add the ${name} webhook secret before enabling it`);
          await updateAccount(tx, orgId, acc.id, { enabled: on ? 1 : 0, updated_at: now });
        }
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payments.settings_updated',
          objectType: 'org',
          objectId: orgId,
          summary: patch,
        });
        return view(tx, orgId);
      });
    },

    /** What the pay page offers: bank transfer (if on) and the enabled, connected providers. */
    async enabledMethodsInTx(ex: Executor, orgId: string): Promise<EnabledMethods> {
      const v = await view(ex, orgId);
      const accounts = await listAccounts(ex, orgId);
      return {
        bankTransfer: v.bankTransfer,
        providers: accounts
          .filter((a) => a.enabled === 1 && a.secrets_hint !== '')
          .map((a) => ({
            name: a.provider as ProviderName,
            ...PROVIDERS[a.provider as ProviderName].publicOptions(JSON.parse(a.options)),
          })),
      };
    },

    /** The adapter for an org's account; `enabledOnly` for new checkouts (refunds may use a disabled one). */
    async providerForInTx(
      ex: Executor,
      orgId: string,
      name: ProviderName,
      enabledOnly: boolean,
    ): Promise<{ account: PaymentAccountRow; provider: PaymentProvider } | null> {
      const account = await findAccount(ex, orgId, name);
      if (!account || (enabledOnly && account.enabled !== 1)) return null;
      const provider = await adapterOf(ex, account);
      return provider ? { account, provider } : null;
    },

    /** For webhook deliveries: the account named in the URL (null: unknown or disconnected). */
    async providerForAccountInTx(
      ex: Executor,
      name: ProviderName,
      accountId: string,
    ): Promise<{ account: PaymentAccountRow; provider: PaymentProvider } | null> {
      if (!z.uuid().safeParse(accountId).success) return null;
      const account = await findAccountById(ex, name, accountId);
      if (!account) return null;
      const provider = await adapterOf(ex, account);
      return provider ? { account, provider } : null;
    },

    listAccountsInTx: (ex: Executor, orgId: string) => listAccounts(ex, orgId),
  };
}

export type PaymentSettingsService = ReturnType<typeof createPaymentSettingsService>;
