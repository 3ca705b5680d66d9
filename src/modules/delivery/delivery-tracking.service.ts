// Delivery tracking: every delivery of a document with its evidence, for staff (everything) and for
// the client in the portal (their own deliveries, without staff identities, IPs or relay details).
// `record` is the one way evidence is added: event and delivery status change in one transaction.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import type { DocumentKind } from '../documents/documents.tables.ts';
import { inTx } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import {
  findDelivery,
  insertDelivery,
  latestDeliveryFor,
  listDeliveriesFor,
  updateDelivery,
  type DeliveryRow,
} from './delivery.repo.ts';
import type { Delivery, PortalDelivery } from './delivery.schemas.ts';
import type { EvidenceCertificate, EvidenceType, SignedEvidence } from './evidence.chain.ts';
import { renderEvidencePdf, type PdfSigner } from './evidence-pdf.ts';
import type { EvidenceService } from './evidence.service.ts';

export const recipientAad = (id: string) => ({ table: 'deliveries', row: id, column: 'recipient_enc' });

export interface TrackingDeps {
  db: Database;
  keyring: Keyring;
  clock: Clock;
  evidence: EvidenceService;
  orgs: Pick<OrgService, 'get'>;
  documents: Pick<DocumentService, 'get'>;
  pdfSigner?: ((orgId: string) => Promise<PdfSigner | null>) | null;
  /**
   * Told in the event's transaction when a client opens or acknowledges a document or a delivery
   * bounces; `before` is the delivery as it stood (so a second download is not news).
   */
  onClientFacingInTx?: (
    tx: Executor,
    orgId: string,
    before: DeliveryRow,
    type: 'accessed' | 'acknowledged' | 'bounced',
  ) => Promise<void>;
}

export interface AccessFacts {
  orgId: string;
  documentId: string;
  documentKind: DocumentKind;
  documentSha256: string;
  clientId: string;
  contactId: string;
}

export function createDeliveryTrackingService(deps: TrackingDeps) {
  const { db, keyring, clock, evidence, orgs, documents } = deps;

  async function record(
    tx: Executor,
    orgId: string,
    deliveryId: string,
    type: EvidenceType,
    data: Record<string, unknown>,
  ): Promise<SignedEvidence> {
    const signed = await evidence.appendInTx(tx, orgId, deliveryId, type, data);
    const current = await findDelivery(tx, orgId, deliveryId);
    // Reading a document after acknowledging it does not undo the acknowledgement.
    const status = type === 'accessed' && current?.status === 'acknowledged' ? 'acknowledged' : type;
    await updateDelivery(tx, orgId, deliveryId, { status, updated_at: clock.now().toISOString() });
    if (current && deps.onClientFacingInTx && (type === 'accessed' || type === 'acknowledged' || type === 'bounced'))
      await deps.onClientFacingInTx(tx, orgId, current, type);
    return signed;
  }

  async function toDto(ex: Executor, row: DeliveryRow, events: SignedEvidence[]): Promise<Delivery> {
    const crypto = await keyring.forOrg(ex, row.org_id);
    const problem = [...events].reverse().find((e) => e.content.type === 'failed' || e.content.type === 'bounced')
      ?.content.data;
    return {
      id: row.id,
      documentId: row.document_id,
      documentKind: row.document_kind,
      clientId: row.client_id,
      contactId: row.contact_id,
      mode: row.mode as Delivery['mode'],
      status: row.status as Delivery['status'],
      recipient: row.recipient_enc ? crypto.decryptText(row.recipient_enc, recipientAad(row.id)) : null,
      documentSha256: row.document_sha256,
      messageId: row.message_id,
      error: problem ? String(problem.error ?? problem.diagnostic ?? '') : null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      events: events.map((e) => ({
        seq: e.content.seq,
        type: e.content.type,
        at: e.content.at,
        data: e.content.data,
        hash: e.hash,
        timestamped: Boolean(e.timestampToken),
      })),
    };
  }

  async function mustFind(ex: Executor, orgId: string, id: string): Promise<DeliveryRow> {
    const row = await findDelivery(ex, orgId, id);
    if (!row) throw notFound('Delivery');
    return row;
  }

  /** The delivery access is recorded against: the latest to this client, else a new 'portal' one. */
  async function deliveryForAccess(tx: Executor, f: AccessFacts): Promise<string> {
    const latest = await latestDeliveryFor(tx, f.orgId, f.documentId, f.clientId);
    if (latest) return latest.id;
    const now = clock.now().toISOString();
    const id = newId(clock.now().getTime());
    await insertDelivery(tx, {
      id,
      org_id: f.orgId,
      document_id: f.documentId,
      document_kind: f.documentKind,
      client_id: f.clientId,
      contact_id: f.contactId,
      mode: 'portal',
      status: 'accessed',
      recipient_enc: null,
      document_sha256: f.documentSha256,
      message_id: null,
      created_by: null,
      created_at: now,
      updated_at: now,
    });
    return id;
  }

  async function certificateOf(orgId: string, id: string): Promise<EvidenceCertificate> {
    const row = await mustFind(db, orgId, id);
    const org = await orgs.get(orgId);
    const doc = await documents.get(orgId, row.document_kind, row.document_id);
    return evidence.certificate(orgId, org.name, {
      id: row.id,
      mode: row.mode,
      documentKind: row.document_kind,
      documentNumber: doc.number,
      documentSha256: row.document_sha256,
      createdAt: row.created_at,
    });
  }

  return {
    record,
    deliveryForAccess,

    async get(orgId: string, id: string): Promise<Delivery> {
      const row = await mustFind(db, orgId, id);
      return toDto(db, row, (await evidence.eventsFor(orgId, [id])).get(id) ?? []);
    },

    async listForDocument(orgId: string, kind: DocumentKind, documentId: string): Promise<Delivery[]> {
      await documents.get(orgId, kind, documentId);
      const rows = await listDeliveriesFor(db, orgId, documentId);
      const events = await evidence.eventsFor(
        orgId,
        rows.map((r) => r.id),
      );
      return Promise.all(rows.map((r) => toDto(db, r, events.get(r.id) ?? [])));
    },

    /** The client's part: their deliveries of one document, event types and times only. */
    async listForClient(orgId: string, clientId: string, documentId: string): Promise<PortalDelivery[]> {
      const rows = await listDeliveriesFor(db, orgId, documentId, clientId);
      const events = await evidence.eventsFor(
        orgId,
        rows.map((r) => r.id),
      );
      return rows.map((r) => ({
        id: r.id,
        mode: r.mode as PortalDelivery['mode'],
        status: r.status as PortalDelivery['status'],
        createdAt: r.created_at,
        events: (events.get(r.id) ?? []).map((e) => ({ type: e.content.type, at: e.content.at, hash: e.hash })),
      }));
    },

    /** Records a portal download or an acknowledgement as evidence (one transaction). */
    async recordClientEvent(
      f: AccessFacts,
      type: 'accessed' | 'acknowledged',
      data: Record<string, unknown>,
    ): Promise<SignedEvidence> {
      const { deliveryId, signed } = await inTx(db, async (tx) => {
        const id = await deliveryForAccess(tx, f);
        return { deliveryId: id, signed: await record(tx, f.orgId, id, type, { ...data, contactId: f.contactId }) };
      });
      await evidence.timestamp(f.orgId, deliveryId);
      return signed;
    },

    certificate: certificateOf,

    async certificatePdf(orgId: string, id: string): Promise<{ bytes: Buffer; filename: string }> {
      const cert = await certificateOf(orgId, id);
      const signer = deps.pdfSigner ? await deps.pdfSigner(orgId) : null;
      return { bytes: await renderEvidencePdf(cert, signer), filename: `delivery-${id}.pdf` };
    },
  };
}

export type DeliveryTrackingService = ReturnType<typeof createDeliveryTrackingService>;
