// The org's known email domains, for the look-alike warning (issue #13, item 8; docs/DECISIONS.md
// D19). The check used to decrypt every client and contact of the organization on each create;
// then keyed look-alike tokens (migration 0025) cost ~150 random index writes per new domain.
// Now:
//
// - each client's distinct email domains are kept in client_domains, sealed under the org key,
//   with a keyed blind index for "this domain is already known" (one index probe), and a per-org
//   seq (migration 0034) giving the order the rows were written in;
// - each process keeps, per organization, the distinct domains it has read (with their confusable
//   skeletons, computed once) and the highest seq it has read. Before a check it reads only the
//   rows written since (usually none or one), and decrypts a row only when its blind index is new
//   to it: a cold cache decrypts each distinct domain once, a warm one nothing. The comparison with
//   every cached domain is lookalike-match.ts (10,000 domains in a fraction of a millisecond).
//
// This file used to argue against such a cache: the comparison stays linear in the org's distinct
// domains, and a cache shared by several processes needs invalidation. Both hold, and both are
// paid for: the linear part is a few word operations per domain, the decryption is paid once per
// domain and process (a cold cache of 10,000 domains costs one slow check, ~0.2 s), and the
// invalidation is the seq below plus a probe before each warning. The tokens cost every new
// domain ~150 random index writes instead (docs/DECISIONS.md D19).
//
// Why reading `seq > w` cannot miss a row (the cache's only source of new domains):
// - a writer takes the next seq with an upsert of its org's client_domain_seq row, in the
//   transaction that inserts the domain row. On PostgreSQL the upsert locks that row until the
//   transaction ends, so the next writer of the org gets its seq only after the previous one has
//   committed or rolled back: within an org, seqs are taken, and become visible, in commit order.
//   SQLite has one writer at a time (BEGIN IMMEDIATE), which gives the same order. A reader that
//   sees seq w therefore already sees every row below w that will ever be committed: later rows
//   come above w. (A rolled-back transaction gives its seqs back; the next writer reuses them.)
// - a transaction sees its own rows before they commit (the CSV import creates many clients in
//   one transaction, its dry run always rolls back): rows from the first seq it took may be
//   undone and their seqs reused, so a check in that transaction uses them but does not move the
//   cache's mark past them (`ownFrom`).
// Deletions (an email changed, a contact removed) leave a domain in the cache: before a warning
// names a cached domain, one blind-index probe under every live key confirms some client still
// has it, and the cache forgets it otherwise. Key rotation rewrites each client's rows under the
// new key with new seqs: the cache reads them as new rows of domains it already holds.
// What the database reveals, and what the process holds: docs/SECURITY.md, "Look-alike domain index".
import type { OrgCrypto } from '../../platform/crypto/keyring.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import { newId } from '../../platform/ids.ts';
import {
  deleteClientDomains,
  insertClientDomain,
  isDomainKnown,
  listClientDomains,
  listClientDomainsAfter,
  takeDomainSeq,
} from './client-domains.repo.ts';
import { domainOf, type LookalikeWarning } from './lookalike-domain.ts';
import { knownDomain, matchLookalikes, type KnownDomain } from './lookalike-match.ts';

const DOMAIN_CONTEXT = 'client-domain';
const READ_BATCH = 5000;
const domainAad = (id: string) => ({ table: 'client_domains', row: id, column: 'domain_enc' });

/** The distinct normalized domains of a set of emails. */
export function domainsOf(emails: Array<string | null | undefined>): string[] {
  return [...new Set(emails.map((e) => (e ? domainOf(e) : null)).filter((d): d is string => !!d))];
}

interface CachedDomain extends KnownDomain {
  /** The domain as written (before the check's normalization): what the blind indexes are of. */
  written: Set<string>;
  bidxs: string[];
  /** The highest seq of a row that named it: a confirmation started before a newer row is void. */
  lastSeq: number;
}

interface OrgDomains {
  /** Every row with seq ≤ maxSeq has been read. */
  maxSeq: number;
  byBidx: Map<string, CachedDomain>;
  byDomain: Map<string, CachedDomain>;
}

/** One per client service (so one per process): the known domains of each organization it has checked. */
export function createDomainCache() {
  const orgs = new Map<string, OrgDomains>();
  /** Per open transaction and org, the first seq it took: from there on rows may be undone. */
  const ownFrom = new WeakMap<Executor, Map<string, number>>();

  function learn(o: OrgDomains, bidx: string, written: string, seq: number): void {
    const k = knownDomain(written);
    let entry = o.byDomain.get(k.domain);
    if (!entry) o.byDomain.set(k.domain, (entry = { ...k, written: new Set(), bidxs: [], lastSeq: 0 }));
    entry.written.add(written);
    entry.bidxs.push(bidx);
    entry.lastSeq = Math.max(entry.lastSeq, seq);
    o.byBidx.set(bidx, entry);
  }

  function forget(o: OrgDomains, entry: CachedDomain): void {
    o.byDomain.delete(entry.domain);
    for (const b of entry.bidxs) if (o.byBidx.get(b) === entry) o.byBidx.delete(b);
  }

  /** Reads the org's rows written since the last read; decrypts only domains not held yet. */
  async function refresh(ex: Executor, crypto: OrgCrypto, orgId: string): Promise<OrgDomains> {
    let o = orgs.get(orgId);
    if (!o) orgs.set(orgId, (o = { maxSeq: 0, byBidx: new Map(), byDomain: new Map() }));
    let after = o.maxSeq;
    for (;;) {
      const rows = await listClientDomainsAfter(ex, orgId, after, READ_BATCH);
      for (const r of rows) {
        const held = o.byBidx.get(r.domain_bidx);
        if (held) held.lastSeq = Math.max(held.lastSeq, r.seq);
        else learn(o, r.domain_bidx, crypto.decryptText(r.domain_enc, domainAad(r.id)), r.seq);
        after = r.seq;
      }
      if (rows.length < READ_BATCH) break;
    }
    const own = ownFrom.get(ex)?.get(orgId);
    o.maxSeq = Math.max(o.maxSeq, own === undefined ? after : Math.min(after, own - 1));
    return o;
  }

  return {
    /** Records a seq the transaction took (writeClientDomainsInTx). */
    tookSeqInTx(tx: Executor, orgId: string, seq: number): void {
      let m = ownFrom.get(tx);
      if (!m) ownFrom.set(tx, (m = new Map()));
      m.set(orgId, Math.min(m.get(orgId) ?? seq, seq));
    },

    /**
     * Warnings for each candidate domain the org does not know yet that resembles one it does
     * (lookalikeWarnings' semantics), against the cache brought up to date first.
     */
    async findLookalikesInTx(
      ex: Executor,
      crypto: OrgCrypto,
      orgId: string,
      candidates: string[],
    ): Promise<LookalikeWarning[]> {
      if (candidates.length === 0) return [];
      const o = await refresh(ex, crypto, orgId);
      const out: LookalikeWarning[] = [];
      for (const domain of candidates) {
        if (await isDomainKnown(ex, orgId, crypto.blindIndexesAll(domain, DOMAIN_CONTEXT))) continue;
        for (const w of matchLookalikes(domain, o.byDomain.values())) {
          const entry = o.byDomain.get(w.resembles);
          if (!entry) continue; // forgotten meanwhile: no client has it
          const seen = entry.lastSeq;
          const bidxs = [...entry.written].flatMap((d) => crypto.blindIndexesAll(d, DOMAIN_CONTEXT));
          if (await isDomainKnown(ex, orgId, bidxs)) out.push(w);
          else if (entry.lastSeq === seen) forget(o, entry);
        }
      }
      return out;
    },
  };
}

export type DomainCache = ReturnType<typeof createDomainCache>;

/** Makes a client's domain rows match `domains` (in the caller's transaction, with the client). */
export async function writeClientDomainsInTx(
  tx: Executor,
  crypto: OrgCrypto,
  cache: Pick<DomainCache, 'tookSeqInTx'>,
  orgId: string,
  clientId: string,
  domains: string[],
): Promise<void> {
  const want = new Map(domains.map((d) => [crypto.blindIndex(d, DOMAIN_CONTEXT), d]));
  const have = await listClientDomains(tx, orgId, clientId);
  const gone = have.filter((h) => !want.has(h.domain_bidx)).map((h) => h.domain_bidx);
  if (gone.length > 0) await deleteClientDomains(tx, orgId, clientId, gone);
  const kept = new Set(have.map((h) => h.domain_bidx));
  for (const [bidx, domain] of want) {
    if (kept.has(bidx)) continue;
    const seq = await takeDomainSeq(tx, orgId);
    cache.tookSeqInTx(tx, orgId, seq);
    const id = newId();
    await insertClientDomain(tx, {
      id,
      org_id: orgId,
      client_id: clientId,
      domain_bidx: bidx,
      domain_enc: crypto.encryptText(domain, domainAad(id)),
      seq,
    });
  }
}
