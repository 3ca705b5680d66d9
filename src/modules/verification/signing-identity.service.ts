// An organization's signing identities:
// - X.509 certificate + key (self-signed by default, or imported from a CA as PKCS#12) for PAdES
//   PDF signatures and S/MIME mail;
// - an Ed25519 key for the canonical-JSON signature of each issued document.
// Private keys are random (never derived from the org DEK, which rotates) and sealed under the
// org's field key with AAD bound to their row; retired keys stay published so old documents verify.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { sha256Hex } from '../../platform/crypto/hash.ts';
import {
  createPrivateKey,
  createPublicKey,
  generateEd25519KeyPair,
  type KeyObject,
} from '../../platform/crypto/signatures.ts';
import { describeIdentity, generateSelfSigned, parsePkcs12, Pkcs12Error, type IdentityMaterial } from './pki.ts';
import {
  findActiveDocumentKey,
  findActiveIdentity,
  findDocumentKey,
  insertDocumentKey,
  insertIdentity,
  listDocumentKeys,
  listIdentities,
  lockOrgSigning,
  retireActiveDocumentKey,
  retireActiveIdentity,
  type DocumentKeyRow,
  type SigningIdentityRow,
} from './signing-keys.repo.ts';

export interface SigningIdentity {
  certificatePem: string;
  privateKeyPem: string;
  chainPem: string[];
  fingerprintSha256: string;
  keyId: string;
}

export interface SigningIdentityInfo {
  keyId: string;
  source: 'generated' | 'imported';
  fingerprintSha256: string;
  certificatePem: string;
  chainPem: string[];
  notAfter: string;
  createdAt: string;
}

export interface DocumentKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: string; // base64url raw 32 bytes
}

export interface PublishedKey {
  orgId: string;
  keyId: string;
  algorithm: 'Ed25519' | 'X.509';
  /** Ed25519: base64url raw public key. */
  publicKey: string | null;
  /** X.509: SHA-256 of the DER certificate (hex) and the certificate itself. */
  certificateSha256: string | null;
  certificatePem: string | null;
  status: 'active' | 'retired';
  createdAt: string;
}

export interface SigningIdentityDeps {
  db: Database;
  dialect: 'sqlite' | 'postgres';
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  orgs: Pick<OrgService, 'getDetails' | 'getDetailsInTx'>;
  /** The instance's From address; it goes into generated certificates so S/MIME clients accept it. */
  mailFrom: string;
}

const identityAad = (id: string) => ({ table: 'signing_identities', row: id, column: 'private_key_enc' });
const docKeyAad = (id: string) => ({ table: 'document_signing_keys', row: id, column: 'private_key_enc' });
/** Generated certificates are replaced this long before they expire. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
const SYSTEM: AuditActor = { type: 'system', id: null };

const addressOf = (from: string): string => (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();

export function createSigningIdentityService(deps: SigningIdentityDeps) {
  const { db, dialect, keyring, audit, clock, orgs } = deps;

  async function toIdentity(ex: Executor, row: SigningIdentityRow): Promise<SigningIdentity> {
    const crypto = await keyring.forOrg(ex, row.org_id);
    return {
      certificatePem: row.certificate_pem,
      privateKeyPem: crypto.decryptText(row.private_key_enc, identityAad(row.id)),
      chainPem: JSON.parse(row.chain_pem) as string[],
      fingerprintSha256: row.fingerprint_sha256,
      keyId: row.key_id,
    };
  }

  async function store(
    tx: Executor,
    orgId: string,
    m: IdentityMaterial,
    source: 'generated' | 'imported',
    actor: AuditActor,
  ): Promise<SigningIdentityRow> {
    const now = clock.now();
    const facts = describeIdentity(m, now);
    const id = newId();
    const crypto = await keyring.forOrg(tx, orgId);
    await retireActiveIdentity(tx, orgId, now.toISOString());
    const row: SigningIdentityRow = {
      id,
      org_id: orgId,
      key_id: facts.keyId,
      source,
      certificate_pem: m.certificatePem,
      chain_pem: JSON.stringify(m.chainPem),
      private_key_enc: crypto.encryptText(m.privateKeyPem, identityAad(id)),
      fingerprint_sha256: facts.fingerprintSha256,
      not_after: facts.notAfter,
      active_slot: 1,
      created_at: now.toISOString(),
      retired_at: null,
    };
    await insertIdentity(tx, row);
    await audit.appendInTx(tx, {
      orgId,
      actor,
      action: source === 'generated' ? 'signing_identity.generated' : 'signing_identity.imported',
      objectType: 'signing_identity',
      objectId: id,
      summary: { keyId: facts.keyId, certificateSha256: facts.fingerprintSha256, notAfter: facts.notAfter },
    });
    return row;
  }

  const usable = (row: SigningIdentityRow | undefined): row is SigningIdentityRow =>
    row !== undefined &&
    Date.parse(row.not_after) - clock.now().getTime() > (row.source === 'generated' ? RENEW_BEFORE_MS : 0);

  /** The org's usable identity, made (self-signed) under the org signing lock when there is none. */
  async function getOrCreateInTx(tx: Executor, orgId: string): Promise<SigningIdentity> {
    const existing = await findActiveIdentity(tx, orgId);
    if (usable(existing)) return toIdentity(tx, existing);
    await lockOrgSigning(tx, dialect, orgId);
    const again = await findActiveIdentity(tx, orgId);
    if (usable(again)) return toIdentity(tx, again);
    const org = await orgs.getDetailsInTx(tx, orgId);
    const material = await generateSelfSigned({
      orgName: org.name,
      // Only the instance's sending address: mail goes out From it, and the certificate is public
      // (the org's own contact email is personal data and stays encrypted).
      emails: [addressOf(deps.mailFrom)],
      now: clock.now(),
      validYears: 5,
    });
    return toIdentity(tx, await store(tx, orgId, material, 'generated', SYSTEM));
  }

  /** Reads without a transaction; opens one only to make the identity. */
  async function getOrCreate(orgId: string): Promise<SigningIdentity> {
    const existing = await findActiveIdentity(db, orgId);
    return usable(existing) ? toIdentity(db, existing) : inTx(db, (tx) => getOrCreateInTx(tx, orgId));
  }

  /** A fresh random Ed25519 key as the org's active one; the caller holds the org signing lock and retired the previous key. */
  async function insertNewDocumentKey(
    tx: Executor,
    orgId: string,
    actor: AuditActor,
    action: string,
    previousKeyId: string | null,
  ): Promise<DocumentKeyRow> {
    const { publicKey, privateKey } = generateEd25519KeyPair();
    const raw = publicKey.export({ format: 'jwk' }).x!;
    const keyId = `ed25519-${sha256Hex(Buffer.from(raw, 'base64url')).slice(0, 16)}`;
    const id = newId();
    const crypto = await keyring.forOrg(tx, orgId);
    const row: DocumentKeyRow = {
      id,
      org_id: orgId,
      key_id: keyId,
      algorithm: 'Ed25519',
      public_key: raw,
      private_key_enc: crypto.encryptText(
        privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        docKeyAad(id),
      ),
      active_slot: 1,
      created_at: clock.now().toISOString(),
      retired_at: null,
    };
    await insertDocumentKey(tx, row);
    await audit.appendInTx(tx, {
      orgId,
      actor,
      action,
      objectType: 'document_key',
      objectId: id,
      summary: previousKeyId ? { keyId, retiredKeyId: previousKeyId } : { keyId },
    });
    return row;
  }

  /** The org's active Ed25519 document key, made under the org signing lock when there is none. */
  async function documentKeyInTx(tx: Executor, orgId: string): Promise<DocumentKey> {
    const open = async (row: DocumentKeyRow): Promise<DocumentKey> => {
      const crypto = await keyring.forOrg(tx, orgId);
      return {
        keyId: row.key_id,
        publicKey: row.public_key,
        privateKey: createPrivateKey(crypto.decryptText(row.private_key_enc, docKeyAad(row.id))),
      };
    };
    const existing = await findActiveDocumentKey(tx, orgId);
    if (existing) return open(existing);
    await lockOrgSigning(tx, dialect, orgId);
    const again = await findActiveDocumentKey(tx, orgId);
    if (again) return open(again);
    return open(await insertNewDocumentKey(tx, orgId, SYSTEM, 'document_key.generated', null));
  }

  function info(row: SigningIdentityRow): SigningIdentityInfo {
    return {
      keyId: row.key_id,
      source: row.source,
      fingerprintSha256: row.fingerprint_sha256,
      certificatePem: row.certificate_pem,
      chainPem: JSON.parse(row.chain_pem) as string[],
      notAfter: row.not_after,
      createdAt: row.created_at,
    };
  }

  return {
    getOrCreateInTx,
    getOrCreate,
    documentKeyInTx,

    /** The active identity's public facts (creating the default self-signed one on first use). */
    async describe(orgId: string): Promise<SigningIdentityInfo> {
      await getOrCreate(orgId);
      return info((await findActiveIdentity(db, orgId))!);
    },

    /** Replaces the active identity with a CA-issued one from a PKCS#12 file. */
    async importPkcs12(orgId: string, pfx: Buffer, password: string, actor: AuditActor): Promise<SigningIdentityInfo> {
      let material: IdentityMaterial;
      try {
        material = await parsePkcs12(pfx, password);
        describeIdentity(material, clock.now());
      } catch (err) {
        if (err instanceof Pkcs12Error) throw new AppError('unprocessable', err.message);
        throw err;
      }
      return inTx(db, async (tx) => {
        await lockOrgSigning(tx, dialect, orgId);
        return info(await store(tx, orgId, material, 'imported', actor));
      });
    },

    /**
     * Replaces the org's Ed25519 document key with a new random one. The old key is retired, not
     * deleted: it stays published and verifies the documents it signed; new documents use the new key.
     */
    async rotateDocumentKey(orgId: string, actor: AuditActor): Promise<{ keyId: string; retiredKeyId: string | null }> {
      return inTx(db, async (tx) => {
        await orgs.getDetailsInTx(tx, orgId);
        await lockOrgSigning(tx, dialect, orgId);
        const retired = await retireActiveDocumentKey(tx, orgId, clock.now().toISOString());
        const row = await insertNewDocumentKey(tx, orgId, actor, 'document_key.rotated', retired?.key_id ?? null);
        return { keyId: row.key_id, retiredKeyId: retired?.key_id ?? null };
      });
    },

    /** Ed25519 public key by id (active or retired), for verifying stored signatures. */
    async documentPublicKey(orgId: string, keyId: string): Promise<KeyObject | null> {
      const row = await findDocumentKey(db, orgId, keyId);
      return row ? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: row.public_key }, format: 'jwk' }) : null;
    },

    /** Every public key ever used (active and retired), optionally for one org: the well-known document. */
    async publishedKeys(orgId: string | null): Promise<PublishedKey[]> {
      const [docKeys, identities] = await Promise.all([listDocumentKeys(db, orgId), listIdentities(db, orgId)]);
      return [
        ...docKeys.map((k): PublishedKey => ({
          orgId: k.org_id,
          keyId: k.key_id,
          algorithm: 'Ed25519',
          publicKey: k.public_key,
          certificateSha256: null,
          certificatePem: null,
          status: k.active_slot === 1 ? 'active' : 'retired',
          createdAt: k.created_at,
        })),
        ...identities.map((i): PublishedKey => ({
          orgId: i.org_id,
          keyId: i.key_id,
          algorithm: 'X.509',
          publicKey: null,
          certificateSha256: i.fingerprint_sha256,
          certificatePem: i.certificate_pem,
          status: i.active_slot === 1 ? 'active' : 'retired',
          createdAt: i.created_at,
        })),
      ];
    },
  };
}

export type SigningIdentityService = ReturnType<typeof createSigningIdentityService>;
