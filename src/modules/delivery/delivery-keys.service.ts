// Keys secure delivery uses:
// - the organization's OpenPGP key (signs PGP/MIME mail) and Ed25519 evidence key (signs delivery
//   evidence): random, generated on first use, private halves sealed under the org field key;
// - each client's OpenPGP public key and S/MIME certificate, imported by staff (or found through
//   WKD): public, but personal data, so sealed too.
// The X.509 identity that signs S/MIME mail belongs to the verification module (signing identity).
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { notFound, unprocessable } from '../../platform/errors.ts';
import { addressOf } from '../../platform/mail/mailer.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import {
  findClientKeys,
  findDeliveryKey,
  insertDeliveryKeyIfAbsent,
  upsertClientKeys,
  type DeliveryKeyRow,
} from './delivery.repo.ts';
import type { ClientKeys, ClientKeysInput } from './delivery.schemas.ts';
import { keyIdOf } from './evidence.chain.ts';
import { generateOrgPgpKey, inspectPgpPublicKey, type OrgPgpKey } from './pgp-mime.ts';
import { inspectCertificate } from './smime.ts';
import type { WkdLookup } from './wkd.ts';
import {
  createPrivateKey,
  createPublicKey,
  generateEd25519KeyPair,
  type KeyObject,
} from '../../platform/crypto/signatures.ts';

const privateAad = (purpose: string) => ({ table: 'delivery_keys', row: purpose, column: 'private_key_enc' });
const clientKeysAad = (clientId: string) => ({ table: 'client_keys', row: clientId, column: 'keys_enc' });
const SYSTEM: AuditActor = { type: 'system', id: null };

const storedClientKeys = z.object({
  openpgp: z.object({ armored: z.string(), source: z.enum(['imported', 'wkd']) }).nullable(),
  smime: z.object({ pem: z.string() }).nullable(),
});
type StoredClientKeys = z.infer<typeof storedClientKeys>;

export interface EvidenceKey {
  keyId: string;
  privateKey: KeyObject;
  publicKeyPem: string;
}

export interface DeliveryKeysDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  orgs: Pick<OrgService, 'get' | 'getInTx'>;
  clients: Pick<ClientService, 'get' | 'getInTx'>;
  mailFrom: string;
  /** WKD discovery (null when not configured). */
  wkd: WkdLookup | null;
}

export function createDeliveryKeysService(deps: DeliveryKeysDeps) {
  const { db, keyring, audit, clock, orgs, clients } = deps;

  type Made = Omit<DeliveryKeyRow, 'org_id' | 'purpose' | 'created_at' | 'private_key_enc'> & { privatePlain: string };

  /** A fresh key pair for a purpose (no database work: key generation stays outside transactions). */
  async function make(ex: Executor, orgId: string, purpose: DeliveryKeyRow['purpose']): Promise<Made> {
    if (purpose === 'evidence') {
      const { publicKey, privateKey } = generateEd25519KeyPair();
      return {
        key_id: keyIdOf(publicKey),
        public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        privatePlain: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      };
    }
    const org = await orgs.getInTx(ex, orgId);
    const k = await generateOrgPgpKey(org.name, addressOf(deps.mailFrom), clock.now());
    return { key_id: k.fingerprint, public_key: k.publicKeyArmored, privatePlain: k.privateKeyArmored };
  }

  /** Stores `made` unless the org already has a key for the purpose (a concurrent creator wins harmlessly); returns the row in force. */
  async function insertIfAbsent(
    ex: Executor,
    orgId: string,
    purpose: DeliveryKeyRow['purpose'],
    made: Made,
  ): Promise<DeliveryKeyRow> {
    const crypto = await keyring.forOrg(ex, orgId);
    await insertDeliveryKeyIfAbsent(ex, {
      org_id: orgId,
      purpose,
      key_id: made.key_id,
      public_key: made.public_key,
      private_key_enc: crypto.encryptText(made.privatePlain, privateAad(purpose)),
      created_at: clock.now().toISOString(),
    });
    const row = (await findDeliveryKey(ex, orgId, purpose))!;
    if (row.key_id === made.key_id)
      await audit.appendInTx(ex, {
        orgId,
        actor: SYSTEM,
        action: `delivery_key.generated`,
        objectType: 'delivery_key',
        objectId: purpose,
        summary: { keyId: made.key_id },
      });
    return row;
  }

  /** Reads the key for a purpose, creating it on first use. */
  async function getOrCreate(
    ex: Executor,
    orgId: string,
    purpose: DeliveryKeyRow['purpose'],
  ): Promise<{ row: DeliveryKeyRow; privatePlain: string }> {
    const crypto = await keyring.forOrg(ex, orgId);
    const row =
      (await findDeliveryKey(ex, orgId, purpose)) ??
      (await insertIfAbsent(ex, orgId, purpose, await make(ex, orgId, purpose)));
    return { row, privatePlain: crypto.decryptText(row.private_key_enc, privateAad(purpose)) };
  }

  /** The one place evidence signatures get their key (swap here to use another signing identity). */
  async function evidenceKey(ex: Executor, orgId: string): Promise<EvidenceKey> {
    const { row, privatePlain } = await getOrCreate(ex, orgId, 'evidence');
    return { keyId: row.key_id, publicKeyPem: row.public_key, privateKey: createPrivateKey(privatePlain) };
  }

  async function orgPgpKey(ex: Executor, orgId: string): Promise<OrgPgpKey> {
    const { row, privatePlain } = await getOrCreate(ex, orgId, 'openpgp');
    return { fingerprint: row.key_id, publicKeyArmored: row.public_key, privateKeyArmored: privatePlain };
  }

  async function readClientKeys(
    ex: Executor,
    orgId: string,
    clientId: string,
  ): Promise<{ stored: StoredClientKeys; updatedAt: string | null }> {
    const row = await findClientKeys(ex, orgId, clientId);
    if (!row) return { stored: { openpgp: null, smime: null }, updatedAt: null };
    const crypto = await keyring.forOrg(ex, orgId);
    return {
      stored: storedClientKeys.parse(crypto.decryptJson(row.keys_enc, clientKeysAad(clientId))),
      updatedAt: row.updated_at,
    };
  }

  async function describe(stored: StoredClientKeys, updatedAt: string | null): Promise<ClientKeys> {
    const now = clock.now();
    const pgp = stored.openpgp ? await inspectPgpPublicKey(stored.openpgp.armored, now).catch(() => null) : null;
    const cert = stored.smime
      ? (() => {
          try {
            return inspectCertificate(stored.smime.pem, now);
          } catch {
            return null;
          }
        })()
      : null;
    return {
      openpgp: stored.openpgp
        ? {
            fingerprint: pgp?.info.fingerprint ?? null,
            userIds: pgp?.info.userIds ?? [],
            expiresAt: pgp?.info.expiresAt ?? null,
            usable: pgp !== null,
            source: stored.openpgp.source,
          }
        : null,
      smime: stored.smime
        ? {
            fingerprintSha256: cert?.info.fingerprintSha256 ?? null,
            subject: cert?.info.subject ?? null,
            emails: cert?.info.emails ?? [],
            notAfter: cert?.info.notAfter ?? null,
            usable: cert !== null,
          }
        : null,
      updatedAt,
    };
  }

  async function store(tx: Executor, orgId: string, clientId: string, next: StoredClientKeys): Promise<string> {
    const crypto = await keyring.forOrg(tx, orgId);
    const at = clock.now().toISOString();
    await upsertClientKeys(tx, {
      org_id: orgId,
      client_id: clientId,
      keys_enc: crypto.encryptJson(next, clientKeysAad(clientId)),
      updated_at: at,
    });
    return at;
  }

  return {
    evidenceKey,
    orgPgpKey,

    /**
     * Creates the org's evidence and OpenPGP keys if it has none yet, so clients can pin them
     * before the first delivery (the public key endpoint calls this; the first delivery then finds
     * and uses the same keys). Generation happens outside the transaction; concurrent first
     * readers converge on the one row stored first. Unknown org: not found.
     */
    async ensurePublished(orgId: string): Promise<void> {
      await orgs.get(orgId);
      for (const purpose of ['evidence', 'openpgp'] as const) {
        if (await findDeliveryKey(db, orgId, purpose)) continue;
        const made = await make(db, orgId, purpose);
        await inTx(db, (tx) => insertIfAbsent(tx, orgId, purpose, made));
      }
    },

    /** The published evidence key of an org (null until ensurePublished or its first delivery). */
    async publishedEvidenceKey(
      orgId: string,
    ): Promise<{ keyId: string; algorithm: 'Ed25519'; publicKeyPem: string } | null> {
      const row = await findDeliveryKey(db, orgId, 'evidence');
      return row
        ? {
            keyId: row.key_id,
            algorithm: 'Ed25519',
            publicKeyPem: createPublicKey(row.public_key).export({ type: 'spki', format: 'pem' }).toString(),
          }
        : null;
    },

    async publishedPgpKey(orgId: string): Promise<{ fingerprint: string; armored: string } | null> {
      const row = await findDeliveryKey(db, orgId, 'openpgp');
      return row ? { fingerprint: row.key_id, armored: row.public_key } : null;
    },

    /** Decrypted client key material for sending (never leaves the server through the API). */
    async clientKeyMaterial(
      orgId: string,
      clientId: string,
    ): Promise<{ openpgp: string | null; smime: string | null }> {
      const { stored } = await readClientKeys(db, orgId, clientId);
      return { openpgp: stored.openpgp?.armored ?? null, smime: stored.smime?.pem ?? null };
    },

    async getClientKeys(orgId: string, clientId: string): Promise<ClientKeys> {
      await clients.get(orgId, clientId);
      const { stored, updatedAt } = await readClientKeys(db, orgId, clientId);
      return describe(stored, updatedAt);
    },

    /** Imports (or removes, with null) a client's OpenPGP public key and S/MIME certificate. */
    async putClientKeys(
      orgId: string,
      clientId: string,
      input: ClientKeysInput,
      actor: AuditActor,
    ): Promise<ClientKeys> {
      const now = clock.now();
      const pgp =
        typeof input.openpgpPublicKey === 'string' ? await inspectPgpPublicKey(input.openpgpPublicKey, now) : null;
      const cert =
        typeof input.smimeCertificatePem === 'string' ? inspectCertificate(input.smimeCertificatePem, now) : null;
      return inTx(db, async (tx) => {
        await clients.getInTx(tx, orgId, clientId);
        const { stored } = await readClientKeys(tx, orgId, clientId);
        const next: StoredClientKeys = {
          openpgp:
            input.openpgpPublicKey === undefined
              ? stored.openpgp
              : pgp
                ? { armored: pgp.armored, source: 'imported' }
                : null,
          smime: input.smimeCertificatePem === undefined ? stored.smime : cert ? { pem: cert.pem } : null,
        };
        const at = await store(tx, orgId, clientId, next);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'client.delivery_keys_updated',
          objectType: 'client',
          objectId: clientId,
          summary: {
            openpgpFingerprint: next.openpgp ? (pgp?.info.fingerprint ?? 'unchanged') : null,
            smimeSha256: next.smime ? (cert?.info.fingerprintSha256 ?? 'unchanged') : null,
          },
        });
        return describe(next, at);
      });
    },

    /** Looks the client's email up through WKD and stores the key found there. */
    async discoverWkd(orgId: string, clientId: string, actor: AuditActor): Promise<ClientKeys> {
      if (!deps.wkd) throw unprocessable('WKD discovery is not enabled (SEALBILL_WKD=true)');
      const client = await clients.get(orgId, clientId);
      const email =
        client.contacts.find((c) => c.isPrimary && c.email)?.email ??
        client.email ??
        client.contacts.find((c) => c.email)?.email;
      if (!email) throw unprocessable('The client has no email address to look up');
      const found = await deps.wkd.lookup(email);
      if (!found) throw notFound('OpenPGP key for this email (WKD)');
      const pgp = await inspectPgpPublicKey(found, clock.now());
      return inTx(db, async (tx) => {
        const { stored } = await readClientKeys(tx, orgId, clientId);
        const next: StoredClientKeys = { ...stored, openpgp: { armored: pgp.armored, source: 'wkd' } };
        const at = await store(tx, orgId, clientId, next);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'client.delivery_keys_discovered',
          objectType: 'client',
          objectId: clientId,
          summary: { openpgpFingerprint: pgp.info.fingerprint },
        });
        return describe(next, at);
      });
    },
  };
}

export type DeliveryKeysService = ReturnType<typeof createDeliveryKeysService>;
