// Appends signed evidence events to a delivery's chain (in the caller's transaction, after locking
// the delivery so two appends cannot take the same place), reads them back, and exports the
// delivery certificate (JSON, and a PDF that embeds the JSON). Event payloads hold emails and
// IPs, so they are sealed at rest; hash and signature cover the plaintext canonical JSON.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { newId } from '../../platform/ids.ts';
import { canonicalJson } from '../audit/audit.chain.ts';
import {
  insertEvent,
  lastEvent,
  listEvents,
  lockDelivery,
  setEventTimestamp,
  type DeliveryEventRow,
} from './delivery.repo.ts';
import type { DeliveryKeysService } from './delivery-keys.service.ts';
import {
  GENESIS,
  signCertificate,
  signEvidence,
  type EvidenceCertificate,
  type EvidenceContent,
  type EvidenceType,
  type SignedEvidence,
} from './evidence.chain.ts';

const payloadAad = (id: string) => ({ table: 'delivery_events', row: id, column: 'payload_enc' });

/**
 * RFC 3161 timestamping (optional adapter): returns a base64 DER TimeStampToken whose message
 * imprint is SHA-256(data). Given an event's canonical JSON, the imprint is the event hash.
 */
export interface Timestamper {
  stamp(data: Buffer): Promise<string>;
}

export interface EvidenceServiceDeps {
  db: Database;
  dialect: 'sqlite' | 'postgres';
  keyring: Keyring;
  clock: Clock;
  keys: Pick<DeliveryKeysService, 'evidenceKey'>;
  timestamper?: Timestamper | null;
}

export function createEvidenceService({ db, dialect, keyring, clock, keys, timestamper }: EvidenceServiceDeps) {
  async function toSigned(ex: Executor, orgId: string, rows: DeliveryEventRow[]): Promise<SignedEvidence[]> {
    const crypto = await keyring.forOrg(ex, orgId);
    return rows.map((r) => ({
      content: crypto.decryptJson(r.payload_enc, payloadAad(r.id)) as EvidenceContent,
      hash: r.hash,
      signature: r.signature,
      keyId: r.key_id,
      timestampToken: r.timestamp_token,
    }));
  }

  return {
    async appendInTx(
      tx: Executor,
      orgId: string,
      deliveryId: string,
      type: EvidenceType,
      data: Record<string, unknown>,
    ): Promise<SignedEvidence> {
      await lockDelivery(tx, dialect, orgId, deliveryId);
      const prev = await lastEvent(tx, orgId, deliveryId);
      const key = await keys.evidenceKey(tx, orgId);
      const at = clock.now().toISOString();
      // Round-trip through JSON so what is signed is exactly what is stored and exported.
      const content: EvidenceContent = JSON.parse(
        canonicalJson({
          v: 1,
          org: orgId,
          delivery: deliveryId,
          seq: (prev?.seq ?? 0) + 1,
          type,
          at,
          data,
          prev: prev?.hash ?? GENESIS,
        }),
      ) as EvidenceContent;
      const signed = signEvidence(content, key.privateKey, key.keyId);
      const id = newId(clock.now().getTime());
      const crypto = await keyring.forOrg(tx, orgId);
      await insertEvent(tx, {
        id,
        org_id: orgId,
        delivery_id: deliveryId,
        seq: content.seq,
        type,
        at,
        payload_enc: crypto.encryptJson(content, payloadAad(id)),
        prev_hash: content.prev,
        hash: signed.hash,
        signature: signed.signature,
        key_id: key.keyId,
        timestamp_token: null,
      });
      return signed;
    },

    /**
     * Adds RFC 3161 timestamps to a delivery's events that lack one (called after the append's
     * transaction commits, so a slow authority never holds a lock). Failures leave the event
     * untimestamped; the chain itself stays valid.
     */
    async timestamp(orgId: string, deliveryId: string): Promise<void> {
      if (!timestamper) return;
      const rows = (await listEvents(db, orgId, [deliveryId])).filter((x) => !x.timestamp_token);
      const signed = await toSigned(db, orgId, rows);
      for (const [i, r] of rows.entries()) {
        const token = await timestamper.stamp(Buffer.from(canonicalJson(signed[i]!.content), 'utf8')).catch(() => null);
        if (token) await setEventTimestamp(db, orgId, r.id, token);
      }
    },

    async eventsFor(orgId: string, deliveryIds: string[]): Promise<Map<string, SignedEvidence[]>> {
      const rows = await listEvents(db, orgId, deliveryIds);
      const signed = await toSigned(db, orgId, rows);
      const out = new Map<string, SignedEvidence[]>(deliveryIds.map((id) => [id, []]));
      rows.forEach((r, i) => out.get(r.delivery_id)?.push(signed[i]!));
      return out;
    },

    /** The delivery certificate: every event of one delivery, signed as a whole by the org. */
    async certificate(
      orgId: string,
      orgName: string,
      delivery: EvidenceCertificate['delivery'],
    ): Promise<EvidenceCertificate> {
      const events = (await this.eventsFor(orgId, [delivery.id])).get(delivery.id) ?? [];
      const key = await keys.evidenceKey(db, orgId);
      return signCertificate(
        {
          format: 'sealbill.delivery-evidence.v1',
          issuedAt: clock.now().toISOString(),
          issuer: { orgId, name: orgName },
          key: { algorithm: 'Ed25519', keyId: key.keyId, publicKeyPem: key.publicKeyPem },
          delivery,
          events,
          head: events.at(-1)?.hash ?? GENESIS,
        },
        key.privateKey,
      );
    },
  };
}

export type EvidenceService = ReturnType<typeof createEvidenceService>;
