// Organizations (tenants): profile, numbering, defaults, and payout bank details. The profile and
// the payout details are encrypted under the org's own data key; the name stays clear because it
// appears on public verification pages anyway.
//
// What prints on signed documents (the name, address, country, tax ids and email) is trusted by
// clients like the bank details are: changing it needs a step-up re-authentication (never an API
// token) and is announced to every owner and admin in the same transaction (no mail, no change),
// so a stolen session cannot quietly put "we changed banks" on the next invoice.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring, OrgCrypto } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { orgEinvoiceFields } from '../einvoice/einvoice.schemas.ts';
import { countOrgs, findOrg, findOrgTimeZone, insertOrg, listOrgIds, updateOrgRow, type OrgRow } from './org.repo.ts';
import { requireStepUp } from '../../platform/http/step-up.ts';
import {
  createOrgInput,
  DEFAULT_NUMBERING,
  numberingSchema,
  storedOrgProfileSchema,
  storedLogoSchema,
  payoutSchema,
  type CreateOrgInput,
  type Numbering,
  type Org,
  type OrgProfile,
  type Payout,
  type UpdateOrgInput,
} from './org.schemas.ts';

export interface OrgServiceDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  /** Announcements of changes to what prints on documents. */
  mailer: Pick<Mailer, 'send'>;
  /** Active owners and admins of an org (identity owns the members). */
  adminsInTx: (ex: Executor, orgId: string) => Promise<Array<{ userId: string; email: string; name: string }>>;
  publicUrl: string;
}

const PRINTED_EINVOICE_FIELDS: ReadonlyArray<[keyof typeof orgEinvoiceFields, string]> = [
  ['city', 'city'],
  ['postalCode', 'postal code'],
  ['vatId', 'VAT id'],
  ['taxRegistration', 'tax registration'],
  ['legalRegistrationId', 'legal registration'],
  ['legalRegistrationScheme', 'legal registration scheme'],
  ['electronicAddress', 'electronic address'],
  ['electronicAddressScheme', 'electronic address scheme'],
  ['contactName', 'contact name'],
  ['contactPhone', 'contact phone'],
  ['contactEmail', 'contact email'],
];

const taxIdsText = (ids: Array<{ type: string; value: string }>) => ids.map((t) => `${t.type} ${t.value}`).join(', ');

/** The fields of a patch that change what prints on documents (name, address, country, tax ids, email). */
function printedChanges(current: Org, patch: UpdateOrgInput): string[] {
  const out: string[] = [];
  const add = (field: string, before: string, after: string) => before !== after && out.push(field);
  if (patch.name !== undefined) add('name', current.name, patch.name);
  if (patch.profile) {
    const a = current.profile;
    const b = patch.profile;
    add('address', a.addressLines.join('\n'), b.addressLines.join('\n'));
    add('country', a.country ?? '', b.country ?? '');
    add('tax ids', taxIdsText(a.taxIds), taxIdsText(b.taxIds));
    add('email', a.email ?? '', b.email ?? '');
    // The seller of every e-invoice (issue #12): the XML is as trusted as the PDF.
    for (const [key, label] of PRINTED_EINVOICE_FIELDS) add(label, a[key] ?? '', b[key] ?? '');
  }
  return out;
}

/** The logo's facts for the API (the stored file's id stays inside the module). */
function logoOf(row: OrgRow): Org['logo'] {
  if (row.logo === null) return null;
  const { fileId: _fileId, ...logo } = storedLogoSchema.parse(JSON.parse(row.logo));
  return logo;
}

const profileAad = (orgId: string) => ({ table: 'orgs', row: orgId, column: 'profile_enc' });
const payoutAad = (orgId: string) => ({ table: 'orgs', row: orgId, column: 'payout_enc' });

/** Full org details including decrypted profile, for services that render documents. */
export interface OrgDetails extends Org {
  payout: Payout | null;
}

export function createOrgService({ db, keyring, audit, clock, mailer, adminsInTx: admins, publicUrl }: OrgServiceDeps) {
  function toOrg(row: OrgRow, crypto: OrgCrypto): Org {
    return {
      id: row.id,
      name: row.name,
      defaultCurrency: row.default_currency,
      locale: row.locale,
      timeZone: row.time_zone,
      paymentTermsDays: row.payment_terms_days,
      numbering: numberingSchema.parse(JSON.parse(row.numbering)),
      profile: storedOrgProfileSchema.parse(crypto.decryptJson(row.profile_enc, profileAad(row.id))),
      payoutConfigured: row.payout_enc !== null,
      payoutUpdatedAt: row.payout_updated_at,
      logo: logoOf(row),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async function load(ex: Executor, orgId: string): Promise<{ row: OrgRow; crypto: OrgCrypto }> {
    const row = await findOrg(ex, orgId);
    if (!row) throw notFound('Organization');
    return { row, crypto: await keyring.forOrg(ex, orgId) };
  }

  /** Mails every owner and admin what changed on their documents; a failure aborts the change (fail closed). */
  async function announcePrinted(tx: Executor, org: Org, fields: string[], principal: Principal | null): Promise<void> {
    const to = await admins(tx, org.id);
    const by = principal?.realm === 'staff' ? to.find((a) => a.userId === principal.userId) : undefined;
    const lines = [
      `${by ? `${by.name} <${by.email}>` : 'A member'} changed what prints on ${org.name}'s invoices, quotes and credit notes:`,
      '',
      // Which fields, not their text: the profile is sealed at rest, and mail (or the outbox) is not.
      `  ${fields.join(', ')}`,
      '',
      'Documents issued from now on carry the new text and are signed as authentic. Check it in the settings;',
      'if you did not expect this, change it back and review who has access to the organization.',
      'Payment details never come from this text: they print only from the protected payout details.',
    ];
    try {
      for (const a of to) {
        await mailer.send({
          to: a.email,
          subject: `[${org.name}] What prints on your documents changed`,
          text: `${lines.join('\n')}\n\nReview: ${publicUrl}/app/settings\n\n— Sealbill (${publicUrl})\n`,
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

  async function getInTx(tx: Executor, orgId: string): Promise<Org> {
    const { row, crypto } = await load(tx, orgId);
    return toOrg(row, crypto);
  }

  async function getDetailsInTx(tx: Executor, orgId: string): Promise<OrgDetails> {
    const { row, crypto } = await load(tx, orgId);
    const payout = row.payout_enc ? payoutSchema.parse(crypto.decryptJson(row.payout_enc, payoutAad(orgId))) : null;
    return { ...toOrg(row, crypto), payout };
  }

  return {
    /** Creates an org and its first data key, inside the caller's transaction. */
    async createInTx(tx: Executor, rawInput: CreateOrgInput, actor: AuditActor): Promise<Org> {
      const input = createOrgInput.parse(rawInput);
      const id = newId();
      const now = clock.now().toISOString();
      await insertOrg(tx, {
        id,
        name: input.name,
        default_currency: input.defaultCurrency,
        locale: input.locale,
        time_zone: input.timeZone,
        payment_terms_days: input.paymentTermsDays,
        numbering: JSON.stringify(DEFAULT_NUMBERING),
        profile_enc: 'pending',
        payout_enc: null,
        payout_updated_at: null,
        security_policy: '{}',
        logo: null,
        created_at: now,
        updated_at: now,
      });
      await keyring.createOrgKey(tx, id, 1, now);
      const crypto = await keyring.forOrg(tx, id);
      await updateOrgRow(tx, id, { profile_enc: crypto.encryptJson(input.profile, profileAad(id)) });
      await audit.appendInTx(tx, {
        orgId: id,
        actor,
        action: 'org.created',
        objectType: 'org',
        objectId: id,
        summary: { name: input.name },
      });
      return toOrg((await findOrg(tx, id))!, crypto);
    },

    /** Every organization's id, in id order (the CLI's --all and its single-org default). */
    async ids(): Promise<string[]> {
      return (await listOrgIds(db)).map((o) => o.id);
    },

    /** Whether any organization exists (first-run set-up is over). */
    async anyExistInTx(tx: Executor): Promise<boolean> {
      return (await countOrgs(tx)) > 0;
    },
    anyExist: async (): Promise<boolean> => (await countOrgs(db)) > 0,

    getInTx,
    get: (orgId: string): Promise<Org> => getInTx(db, orgId),
    getDetailsInTx,
    getDetails: (orgId: string): Promise<OrgDetails> => getDetailsInTx(db, orgId),

    /** The org's time zone alone (a clear column): "today" for its documents, without opening the profile. */
    async timeZoneInTx(ex: Executor, orgId: string): Promise<string> {
      const row = await findOrgTimeZone(ex, orgId);
      if (!row) throw notFound('Organization');
      return row.time_zone;
    },

    async numberingInTx(ex: Executor, orgId: string): Promise<Numbering> {
      const row = await findOrg(ex, orgId);
      if (!row) throw notFound('Organization');
      return numberingSchema.parse(JSON.parse(row.numbering));
    },

    async update(orgId: string, patch: UpdateOrgInput, actor: AuditActor, principal: Principal | null): Promise<Org> {
      return inTx(db, async (tx) => {
        const { row, crypto } = await load(tx, orgId);
        const printed = printedChanges(toOrg(row, crypto), patch);
        if (printed.length > 0)
          requireStepUp(
            principal,
            clock,
            'Changing what prints on your documents (name, address, country, tax ids, email)',
          );
        const now = clock.now().toISOString();
        await updateOrgRow(tx, orgId, {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.defaultCurrency !== undefined && { default_currency: patch.defaultCurrency }),
          ...(patch.locale !== undefined && { locale: patch.locale }),
          ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
          ...(patch.paymentTermsDays !== undefined && { payment_terms_days: patch.paymentTermsDays }),
          ...(patch.numbering !== undefined && { numbering: JSON.stringify(patch.numbering) }),
          ...(patch.profile !== undefined && {
            profile_enc: crypto.encryptJson(patch.profile satisfies OrgProfile, profileAad(orgId)),
          }),
          updated_at: now,
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'org.updated',
          objectType: 'org',
          objectId: orgId,
          summary: { fields: Object.keys(patch), printed },
        });
        const updated = toOrg((await findOrg(tx, orgId))!, crypto);
        if (printed.length > 0) await announcePrinted(tx, updated, printed, principal);
        return updated;
      });
    },

    async getPayout(orgId: string): Promise<{ payout: Payout | null; updatedAt: string | null }> {
      const { row, crypto } = await load(db, orgId);
      return {
        payout: row.payout_enc ? payoutSchema.parse(crypto.decryptJson(row.payout_enc, payoutAad(orgId))) : null,
        updatedAt: row.payout_updated_at,
      };
    },

    /** Replaces payout details immediately. The protected flow (step-up, announcement, cooling-off) wraps this. */
    async setPayoutInTx(tx: Executor, orgId: string, payout: Payout, actor: AuditActor): Promise<void> {
      const { crypto } = await load(tx, orgId);
      const now = clock.now().toISOString();
      await updateOrgRow(tx, orgId, {
        payout_enc: crypto.encryptJson(payout, payoutAad(orgId)),
        payout_updated_at: now,
        updated_at: now,
      });
      const last4 = (payout.iban ?? payout.accountNumber ?? '').slice(-4);
      await audit.appendInTx(tx, {
        orgId,
        actor,
        action: 'payout.updated',
        objectType: 'org',
        objectId: orgId,
        summary: { ending: last4 },
      });
    },
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
export { createOrgInput };
