// Clients and their contacts. Personal data (names, emails, addresses, tax ids, notes) is sealed
// per row under the org's field key with AAD bound to row and column; emails are looked up through
// a keyed blind index, never stored in clear.
import { indexForSearch, searchFilter } from '../../platform/search/search-index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring, OrgCrypto } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { COUNT_CAP, decodeCursor, pageResult } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import {
  deleteContact,
  findClient,
  findClientsByIds,
  findContacts,
  findContactsByEmailIndex,
  insertClient,
  insertContact,
  countClientRows,
  listClientRows,
  listOrgClientIds,
  listOrgContacts,
  listUnindexedClientIds,
  updateClientRow,
  type ClientRow,
  type ContactRow,
} from './client.repo.ts';
import type { EinvoicePreference } from '../einvoice/einvoice.schemas.ts';
import {
  CLIENT_EINVOICE_KEYS,
  clientInput,
  clientPii,
  contactInput,
  contactPii,
  type Client,
  type ClientInput,
  type ClientListQuery,
  type ClientPatch,
  type ClientPii,
  type ClientSummary,
  type Contact,
  type DeliveryMode,
} from './client.schemas.ts';
import { z } from 'zod';
import { type LookalikeWarning } from './lookalike-domain.ts';
import { createDomainCache, domainsOf, writeClientDomainsInTx } from './client-domains.ts';
import { isOrgDomainIndexed, listDomainUnindexedOrgs, markOrgDomainIndexed } from './client-domains.repo.ts';

const piiAad = (id: string) => ({ table: 'clients', row: id, column: 'pii_enc' });
const contactAad = (id: string) => ({ table: 'client_contacts', row: id, column: 'pii_enc' });
const EMAIL_CONTEXT = 'email';

export interface ClientServiceDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  orgs: Pick<OrgService, 'getInTx'>;
}

export function createClientService({ db, keyring, audit, clock, orgs }: ClientServiceDeps) {
  // The org's known email domains for the look-alike check, held by this service instance
  // (client-domains.ts: read incrementally from client_domains, correct across processes).
  const domainCache = createDomainCache();
  const readPii = (crypto: OrgCrypto, row: ClientRow): ClientPii =>
    clientPii.parse(crypto.decryptJson(row.pii_enc, piiAad(row.id)));

  function toContact(crypto: OrgCrypto, row: ContactRow): Contact {
    const p = contactPii.parse(crypto.decryptJson(row.pii_enc, contactAad(row.id)));
    return { id: row.id, ...p, isPrimary: row.is_primary === 1 };
  }

  function toClient(crypto: OrgCrypto, row: ClientRow, contacts: ContactRow[]): Client {
    return {
      id: row.id,
      ...readPii(crypto, row),
      currency: row.currency,
      language: row.language,
      deliveryMode: row.delivery_mode as DeliveryMode,
      einvoiceFormat: row.einvoice_format as EinvoicePreference,
      archived: row.archived_at !== null,
      contacts: contacts.map((c) => toContact(crypto, c)),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  function toSummary(crypto: OrgCrypto, row: ClientRow): ClientSummary {
    const p = readPii(crypto, row);
    return {
      id: row.id,
      name: p.name,
      email: p.email,
      currency: row.currency,
      archived: row.archived_at !== null,
      createdAt: row.created_at,
    };
  }

  async function addContactRow(
    tx: Executor,
    crypto: OrgCrypto,
    orgId: string,
    clientId: string,
    c: z.infer<typeof contactInput>,
  ): Promise<void> {
    const id = newId();
    await insertContact(tx, {
      id,
      org_id: orgId,
      client_id: clientId,
      pii_enc: crypto.encryptJson({ name: c.name, email: c.email, phone: c.phone }, contactAad(id)),
      email_bidx: c.email ? crypto.blindIndex(c.email, EMAIL_CONTEXT) : null,
      is_primary: c.isPrimary ? 1 : 0,
      created_at: clock.now().toISOString(),
    });
  }

  /**
   * Look-alike domain warnings (lookalike-domain.ts) for emails being added:
   * a new domain that resembles one the org already knows may be an impersonation attempt.
   * Checked before the write, against the org's known domains (client-domains.ts: a per-process
   * cache brought up to date from the rows written since; no client is decrypted); audited
   * without the domains themselves (they are personal data).
   */
  async function lookalikes(
    tx: Executor,
    crypto: OrgCrypto,
    orgId: string,
    clientId: string,
    emails: Array<string | null | undefined>,
    actor: AuditActor,
  ): Promise<LookalikeWarning[]> {
    const candidates = domainsOf(emails);
    if (candidates.length === 0) return [];
    if (!(await isOrgDomainIndexed(tx, orgId))) await indexOrgDomainsIn(tx, orgId);
    const warnings = await domainCache.findLookalikesInTx(tx, crypto, orgId, candidates);
    if (warnings.length > 0) {
      await audit.appendInTx(tx, {
        orgId,
        actor,
        action: 'client.lookalike_domain',
        objectType: 'client',
        objectId: clientId,
        summary: { warnings: warnings.length, reasons: [...new Set(warnings.map((w) => w.reason))] },
      });
    }
    return warnings;
  }

  /** The domain index of one client, from its stored emails and its contacts'. */
  async function writeDomainsOf(tx: Executor, crypto: OrgCrypto, orgId: string, c: Client): Promise<void> {
    const domains = domainsOf([c.email, ...c.contacts.map((k) => k.email)]);
    await writeClientDomainsInTx(tx, crypto, domainCache, orgId, c.id, domains);
  }

  /**
   * Indexes the domains of every client of an org written before migration 0025 (decrypts each
   * once), then marks the org: the worker does it ahead of time, the check when it comes first.
   */
  async function indexOrgDomainsIn(tx: Executor, orgId: string): Promise<void> {
    const crypto = await keyring.forOrg(tx, orgId);
    for (const r of await listOrgClientIds(tx, orgId))
      await writeDomainsOf(tx, crypto, orgId, await getIn(tx, orgId, r.id));
    await markOrgDomainIndexed(tx, orgId, clock.now().toISOString());
  }
  const withWarnings = (c: Client, warnings: LookalikeWarning[]): Client => (warnings.length ? { ...c, warnings } : c);

  async function getIn(ex: Executor, orgId: string, id: string): Promise<Client> {
    const row = await findClient(ex, orgId, id);
    if (!row) throw notFound('Client');
    const crypto = await keyring.forOrg(ex, orgId);
    return toClient(crypto, row, await findContacts(ex, orgId, id));
  }

  /**
   * The client as written, after rewriting its search tokens (issue #13, item 2: name, emails,
   * tax id and contacts) and its look-alike domain index (item 8), in the transaction that changed them.
   */
  async function indexedIn(tx: Executor, orgId: string, id: string): Promise<Client> {
    const c = await getIn(tx, orgId, id);
    const crypto = await keyring.forOrg(tx, orgId);
    await writeDomainsOf(tx, crypto, orgId, c);
    await indexForSearch(tx, crypto, orgId, 'client', id, [
      c.name,
      c.email,
      c.taxId,
      ...c.contacts.flatMap((k) => [k.name, k.email]),
    ]);
    return c;
  }

  /** Creates a client with its audit entry in the caller's transaction (create; the CSV import). */
  async function createInTx(tx: Executor, orgId: string, raw: ClientInput, actor: AuditActor): Promise<Client> {
    const input = clientInput.parse(raw);
    const org = await orgs.getInTx(tx, orgId);
    const crypto = await keyring.forOrg(tx, orgId);
    const id = newId();
    const now = clock.now().toISOString();
    const pii: ClientPii = {
      name: input.name,
      email: input.email,
      addressLines: input.addressLines,
      country: input.country,
      taxId: input.taxId,
      notes: input.notes,
      ...Object.fromEntries(CLIENT_EINVOICE_KEYS.map((k) => [k, input[k]])),
    } as ClientPii;
    const warnings = await lookalikes(
      tx,
      crypto,
      orgId,
      id,
      [input.email, ...input.contacts.map((c) => c.email)],
      actor,
    );
    await insertClient(tx, {
      id,
      org_id: orgId,
      pii_enc: crypto.encryptJson(pii, piiAad(id)),
      email_bidx: input.email ? crypto.blindIndex(input.email, EMAIL_CONTEXT) : null,
      currency: input.currency ?? org.defaultCurrency,
      language: input.language ?? org.locale,
      delivery_mode: input.deliveryMode,
      einvoice_format: input.einvoiceFormat,
      archived_at: null,
      created_at: now,
      updated_at: now,
    });
    for (const c of input.contacts) await addContactRow(tx, crypto, orgId, id, c);
    await audit.appendInTx(tx, { orgId, actor, action: 'client.created', objectType: 'client', objectId: id });
    return withWarnings(await indexedIn(tx, orgId, id), warnings);
  }

  return {
    create: (orgId: string, raw: ClientInput, actor: AuditActor): Promise<Client> =>
      inTx(db, (tx) => createInTx(tx, orgId, raw, actor)),
    createInTx,

    getInTx: (tx: Executor, orgId: string, id: string) => getIn(tx, orgId, id),
    /** Indexes up to `limit` clients that have no search tokens yet (the worker, after upgrading). */
    async indexMissing(limit: number): Promise<number> {
      const rows = await listUnindexedClientIds(db, limit);
      for (const r of rows) await inTx(db, (tx) => indexedIn(tx, r.org_id, r.id));
      return rows.length;
    },
    /** Indexes the domains of up to `limit` orgs whose clients predate migration 0025 (the worker). */
    async indexDomainsMissing(limit: number): Promise<number> {
      const orgIds = await listDomainUnindexedOrgs(db, limit);
      for (const orgId of orgIds) await inTx(db, (tx) => indexOrgDomainsIn(tx, orgId));
      return orgIds.length;
    },
    /**
     * Look-alike warnings for these (normalized) domains against the org's known ones, without
     * writing anything (the benchmark's "check only").
     */
    findLookalikesInTx: async (ex: Executor, orgId: string, domains: string[]): Promise<LookalikeWarning[]> =>
      domainCache.findLookalikesInTx(ex, await keyring.forOrg(ex, orgId), orgId, domains),
    /**
     * Re-indexes every client of the org under its current key (key rotation, before the old key
     * goes): search tokens and the domain rows (rewritten with new seqs, so every process's domain
     * cache reads them as new rows of the domains it holds).
     */
    async reindexAllInTx(tx: Executor, orgId: string): Promise<void> {
      for (const c of await listOrgClientIds(tx, orgId)) await indexedIn(tx, orgId, c.id);
      await markOrgDomainIndexed(tx, orgId, clock.now().toISOString());
    },
    get: (orgId: string, id: string) => getIn(db, orgId, id),

    async list(
      orgId: string,
      q: ClientListQuery,
    ): Promise<{ items: ClientSummary[]; nextCursor: string | null; count: number | null; countCapped: boolean }> {
      const crypto = await keyring.forOrg(db, orgId);
      const cursor = decodeCursor(q.cursor);
      const emailIndexes = q.email ? crypto.blindIndexesAll(q.email.trim().toLowerCase(), EMAIL_CONTEXT) : undefined;
      // Names are encrypted: a search matches blind-index tokens and decrypts only the page shown.
      const filter = {
        orgId,
        afterId: cursor?.id ?? null,
        limit: q.limit + 1,
        emailIndexes,
        includeArchived: q.includeArchived,
        ascending: q.sort === 'created',
        ...(q.q && { search: await searchFilter(db, crypto, orgId, 'client', q.q, 'clients.id') }),
      };
      const rows = await listClientRows(db, filter);
      // Counted on the first page only, and at most COUNT_CAP + 1 rows: bounded at any size. Not for
      // a broad search (a word thousands of rows share): each counted row would cost a probe per word.
      const count = cursor || filter.search?.kind === 'probe' ? null : await countClientRows(db, filter, COUNT_CAP);
      return {
        ...pageResult(
          rows.map((r) => toSummary(crypto, r)),
          q.limit,
          (c) => ({ v: null, id: c.id }),
        ),
        count: count === null ? null : Math.min(count, COUNT_CAP),
        countCapped: count !== null && count > COUNT_CAP,
      };
    },

    async update(orgId: string, id: string, patch: ClientPatch, actor: AuditActor): Promise<Client> {
      return inTx(db, async (tx) => {
        const row = await findClient(tx, orgId, id);
        if (!row) throw notFound('Client');
        const crypto = await keyring.forOrg(tx, orgId);
        const current = readPii(crypto, row);
        const next: ClientPii = {
          name: patch.name ?? current.name,
          email: patch.email !== undefined ? patch.email : current.email,
          addressLines: patch.addressLines ?? current.addressLines,
          country: patch.country !== undefined ? patch.country : current.country,
          taxId: patch.taxId !== undefined ? patch.taxId : current.taxId,
          notes: patch.notes !== undefined ? patch.notes : current.notes,
          ...Object.fromEntries(CLIENT_EINVOICE_KEYS.map((k) => [k, patch[k] !== undefined ? patch[k] : current[k]])),
        } as ClientPii;
        const warnings =
          patch.email !== undefined && patch.email !== current.email
            ? await lookalikes(tx, crypto, orgId, id, [patch.email], actor)
            : [];
        await updateClientRow(tx, orgId, id, {
          pii_enc: crypto.encryptJson(next, piiAad(id)),
          email_bidx: next.email ? crypto.blindIndex(next.email, EMAIL_CONTEXT) : null,
          ...(patch.currency && { currency: patch.currency }),
          ...(patch.language && { language: patch.language }),
          ...(patch.deliveryMode && { delivery_mode: patch.deliveryMode }),
          ...(patch.einvoiceFormat && { einvoice_format: patch.einvoiceFormat }),
          updated_at: clock.now().toISOString(),
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'client.updated',
          objectType: 'client',
          objectId: id,
          summary: { fields: Object.keys(patch) },
        });
        return withWarnings(await indexedIn(tx, orgId, id), warnings);
      });
    },

    async archive(orgId: string, id: string, actor: AuditActor): Promise<Client> {
      return inTx(db, async (tx) => {
        const row = await findClient(tx, orgId, id);
        if (!row) throw notFound('Client');
        await updateClientRow(tx, orgId, id, {
          archived_at: clock.now().toISOString(),
          updated_at: clock.now().toISOString(),
        });
        await audit.appendInTx(tx, { orgId, actor, action: 'client.archived', objectType: 'client', objectId: id });
        return getIn(tx, orgId, id);
      });
    },

    async addContact(
      orgId: string,
      clientId: string,
      raw: z.input<typeof contactInput>,
      actor: AuditActor,
    ): Promise<Client> {
      const c = contactInput.parse(raw);
      return inTx(db, async (tx) => {
        if (!(await findClient(tx, orgId, clientId))) throw notFound('Client');
        const crypto = await keyring.forOrg(tx, orgId);
        const warnings = await lookalikes(tx, crypto, orgId, clientId, [c.email], actor);
        await addContactRow(tx, crypto, orgId, clientId, c);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'client.contact_added',
          objectType: 'client',
          objectId: clientId,
        });
        return withWarnings(await indexedIn(tx, orgId, clientId), warnings);
      });
    },

    async removeContact(orgId: string, clientId: string, contactId: string, actor: AuditActor): Promise<Client> {
      return inTx(db, async (tx) => {
        if ((await deleteContact(tx, orgId, clientId, contactId)) === 0) throw notFound('Contact');
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'client.contact_removed',
          objectType: 'client',
          objectId: clientId,
        });
        return indexedIn(tx, orgId, clientId);
      });
    },

    /** Contacts (of any client of the org) with this email: the portal's sign-in lookup. */
    async findContactsByEmail(orgId: string, email: string): Promise<Array<{ clientId: string; contact: Contact }>> {
      const crypto = await keyring.forOrg(db, orgId);
      const rows = await findContactsByEmailIndex(
        db,
        orgId,
        crypto.blindIndexesAll(email.trim().toLowerCase(), EMAIL_CONTEXT),
      );
      return rows.map((r) => ({ clientId: r.client_id, contact: toContact(crypto, r) }));
    },

    /** Every client of the org with its contacts, archived ones included (the data export). */
    async exportAllInTx(ex: Executor, orgId: string): Promise<Client[]> {
      const crypto = await keyring.forOrg(ex, orgId);
      const contacts = Map.groupBy(await listOrgContacts(ex, orgId), (c) => c.client_id);
      const out: Client[] = [];
      for (let after: string | null = null; ;) {
        const rows = await listClientRows(ex, { orgId, afterId: after, limit: 500, includeArchived: true });
        for (const r of rows) out.push(toClient(crypto, r, contacts.get(r.id) ?? []));
        if (rows.length < 500) return out;
        after = rows[rows.length - 1]!.id;
      }
    },

    /** Decrypted names for a set of clients (document lists). */
    async namesByIdsInTx(ex: Executor, orgId: string, ids: string[]): Promise<Map<string, string>> {
      const crypto = await keyring.forOrg(ex, orgId);
      const rows = await findClientsByIds(ex, orgId, [...new Set(ids)]);
      return new Map(rows.map((r) => [r.id, readPii(crypto, r).name]));
    },
  };
}

export type ClientService = ReturnType<typeof createClientService>;
