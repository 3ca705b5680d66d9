// The look-alike domain index (issue #13, item 8). The check used to decrypt every client and
// contact of the organization on each create, so importing a client base was quadratic. Now:
//
// - each client's distinct email domains are kept in client_domains, sealed under the org key,
//   with a keyed blind index for "this domain is already known" (one index probe);
// - each distinct known domain has keyed tokens for its look-alike keys (lookalike-domain.ts:
//   the deletion neighbourhood of its confusable skeleton), so a new domain's look-alikes are
//   found by equality lookups of its own keys, and only those few domains are decrypted to
//   compute the exact warning (lookalikeWarnings decides; the index only proposes).
//
// Why tokens rather than decrypting the distinct domains (cached per org): an org whose clients
// are businesses has about as many domains as clients, so decrypting them would stay linear in
// the org's size, and a cache shared by several processes needs invalidation that the database
// already gives us for free. What the tokens reveal: docs/SECURITY.md, "Look-alike domain index".
import type { OrgCrypto } from '../../platform/crypto/keyring.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import { newId } from '../../platform/ids.ts';
import {
  deleteClientDomains,
  deleteOrphanDomainTokens,
  findDomainsByTokens,
  insertClientDomain,
  insertDomainTokens,
  isDomainKnown,
  listClientDomains,
} from './client-domains.repo.ts';
import { domainOf, lookalikeKeys, lookalikeWarnings, type LookalikeWarning } from './lookalike-domain.ts';

const DOMAIN_CONTEXT = 'client-domain';
const LOOKALIKE_CONTEXT = 'lookalike-domain';
const domainAad = (id: string) => ({ table: 'client_domains', row: id, column: 'domain_enc' });

/** The distinct normalized domains of a set of emails. */
export function domainsOf(emails: Array<string | null | undefined>): string[] {
  return [...new Set(emails.map((e) => (e ? domainOf(e) : null)).filter((d): d is string => !!d))];
}

/** Makes a client's index rows match `domains` (in the caller's transaction, with the client). */
export async function writeClientDomainsInTx(
  tx: Executor,
  crypto: OrgCrypto,
  orgId: string,
  clientId: string,
  domains: string[],
): Promise<void> {
  const want = new Map(domains.map((d) => [crypto.blindIndex(d, DOMAIN_CONTEXT), d]));
  const have = await listClientDomains(tx, orgId, clientId);
  const gone = have.filter((h) => !want.has(h.domain_bidx)).map((h) => h.domain_bidx);
  if (gone.length > 0) {
    await deleteClientDomains(tx, orgId, clientId, gone);
    for (const bidx of gone) await deleteOrphanDomainTokens(tx, orgId, bidx);
  }
  const kept = new Set(have.map((h) => h.domain_bidx));
  for (const [bidx, domain] of want) {
    if (kept.has(bidx)) continue;
    // A domain another client already has carries its tokens: write them once per domain.
    const known = await isDomainKnown(tx, orgId, [bidx]);
    const id = newId();
    await insertClientDomain(tx, {
      id,
      org_id: orgId,
      client_id: clientId,
      domain_bidx: bidx,
      domain_enc: crypto.encryptText(domain, domainAad(id)),
    });
    if (!known)
      await insertDomainTokens(
        tx,
        orgId,
        bidx,
        lookalikeKeys(domain).map((k) => crypto.blindIndex(k, LOOKALIKE_CONTEXT)),
      );
  }
}

/**
 * Warnings for each candidate domain the org does not know yet that resembles one it does.
 * Tokens are looked up under every live key (during a rotation some rows still carry the old
 * key's); the work is proportional to the candidates' keys and matches, not to the org's size.
 */
export async function findLookalikesInTx(
  ex: Executor,
  crypto: OrgCrypto,
  orgId: string,
  candidates: string[],
): Promise<LookalikeWarning[]> {
  const out: LookalikeWarning[] = [];
  for (const domain of candidates) {
    if (await isDomainKnown(ex, orgId, crypto.blindIndexesAll(domain, DOMAIN_CONTEXT))) continue;
    const tokens = lookalikeKeys(domain).flatMap((k) => crypto.blindIndexesAll(k, LOOKALIKE_CONTEXT));
    const rows = await findDomainsByTokens(ex, orgId, tokens);
    const known = rows.map((r) => crypto.decryptText(r.domain_enc, domainAad(r.id)));
    out.push(...lookalikeWarnings(domain, known));
  }
  return out;
}
