// What a signed-in client contact may see and do: only their own organization-client's issued
// documents (drafts never), payments and delivery history; download PDFs (recorded as access
// evidence); accept quotes; acknowledge receipt. Every lookup is scoped by the principal's org and
// client, and a document of anyone else answers 404, exactly like one that does not exist.
import type { DocumentKind } from '../documents/documents.tables.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { PortalPrincipal } from '../../platform/http/principal.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { DeliveryTrackingService } from '../delivery/delivery-tracking.service.ts';
import type { PortalDelivery } from '../delivery/delivery.schemas.ts';
import { fingerprintFor, type FingerprintSource } from '../delivery/messages.ts';
import type { LifecycleService } from '../documents/document-lifecycle.service.ts';
import { documentListQuery, type DocumentDto } from '../documents/document.schemas.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { PaymentService } from '../payments/payment.service.ts';
import type { PortalDocument, PortalDocumentSummary, PortalListQuery, PortalPayment } from './portal.schemas.ts';
import type { PortalRequestMeta } from './portal-auth.service.ts';
import { sha256Hex } from '../../platform/crypto/hash.ts';
import type { Executor } from '../../platform/db/kysely.ts';

export interface PortalServiceDeps {
  orgs: Pick<OrgService, 'get'>;
  clients: Pick<ClientService, 'get'>;
  documents: Pick<DocumentService, 'get' | 'list'>;
  lifecycle: Pick<LifecycleService, 'pdf' | 'acceptQuote' | 'declineQuote' | 'einvoice' | 'einvoiceCheck'>;
  payments: Pick<PaymentService, 'list'>;
  tracking: Pick<DeliveryTrackingService, 'recordClientEvent' | 'listForClient'>;
  /** The fingerprint printed on each document (verification module), shown as in the emails. */
  fingerprints: FingerprintSource | null;
  /** Tells the organization that a client accepted or declined a quote, in the answer's transaction. */
  quoteAnsweredInTx?: (
    tx: Executor,
    orgId: string,
    quote: DocumentDto,
    answer: 'accepted' | 'declined',
  ) => Promise<void>;
}

const actorOf = (p: PortalPrincipal, ip: string): AuditActor => ({ type: 'portal', id: p.contactId, ip });

export function createPortalService(deps: PortalServiceDeps) {
  const { orgs, clients, documents, lifecycle, payments, tracking } = deps;

  /** The principal's own issued document, or 404 (other clients' and drafts alike). */
  async function own(p: PortalPrincipal, id: string, kind?: DocumentKind): Promise<DocumentDto> {
    const doc = await documents.get(p.orgId, kind, id).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found') throw notFound('Document');
      throw err;
    });
    if (doc.clientId !== p.clientId || doc.status === 'draft') throw notFound('Document');
    return doc;
  }

  const facts = (p: PortalPrincipal, doc: DocumentDto, sha256: string) => ({
    orgId: p.orgId,
    documentId: doc.id,
    documentKind: doc.kind,
    documentSha256: sha256,
    clientId: p.clientId,
    contactId: p.contactId,
  });

  return {
    /** The contact behind a portal session still exists (removed contacts lose access at once). */
    async contactStillExists(p: PortalPrincipal): Promise<boolean> {
      const client = await clients.get(p.orgId, p.clientId).catch(() => null);
      return Boolean(client?.contacts.some((c) => c.id === p.contactId));
    },

    async me(p: PortalPrincipal) {
      const [org, client] = await Promise.all([orgs.get(p.orgId), clients.get(p.orgId, p.clientId)]);
      const contact = client.contacts.find((c) => c.id === p.contactId)!;
      return {
        organization: org.name,
        organizationLogo: org.logo !== null,
        client: client.name,
        contact: { id: contact.id, name: contact.name, email: contact.email },
        language: client.language,
      };
    },

    async list(
      p: PortalPrincipal,
      q: PortalListQuery,
    ): Promise<{ items: PortalDocumentSummary[]; nextCursor: string | null }> {
      const page = await documents.list(
        p.orgId,
        q.kind,
        documentListQuery.parse({ clientId: p.clientId, limit: q.limit, cursor: q.cursor }),
      );
      return {
        items: page.items
          .filter((d) => d.status !== 'draft' && d.clientId === p.clientId)
          .map((d) => ({
            id: d.id,
            kind: d.kind,
            status: d.status,
            number: d.number,
            currency: d.currency,
            issueDate: d.issueDate,
            dueDate: d.dueDate,
            overdue: d.overdue,
            total: d.total,
            amountDue: d.amountDue,
          })),
        nextCursor: page.nextCursor,
      };
    },

    async get(p: PortalPrincipal, id: string): Promise<PortalDocument> {
      const doc = await own(p, id);
      const pdf = await lifecycle.pdf(p.orgId, doc.kind, doc.id);
      return { ...doc, fingerprint: await fingerprintFor(deps.fingerprints, p.orgId, doc.id, pdf.sha256) };
    },

    async download(
      p: PortalPrincipal,
      id: string,
      meta: PortalRequestMeta,
    ): Promise<{ bytes: Buffer; filename: string; sha256: string }> {
      const doc = await own(p, id);
      const pdf = await lifecycle.pdf(p.orgId, doc.kind, doc.id);
      await tracking.recordClientEvent(facts(p, doc, pdf.sha256), 'accessed', {
        via: 'portal',
        sessionId: p.sessionId,
        ip: meta.ip,
        userAgent: meta.userAgent,
        downloadedSha256: pdf.sha256,
      });
      return pdf;
    },

    /** The e-invoice in the format the document was issued for (issue #12), recorded like a PDF download. */
    async einvoice(
      p: PortalPrincipal,
      id: string,
      meta: PortalRequestMeta,
    ): Promise<{ bytes: Buffer; filename: string; contentType: string }> {
      const doc = await own(p, id);
      if (doc.kind === 'quote') throw notFound('E-invoice');
      const { format } = await lifecycle.einvoiceCheck(p.orgId, doc.kind, doc.id);
      if (format === 'none') throw notFound('E-invoice');
      const file = await lifecycle.einvoice(p.orgId, doc.kind, doc.id, format);
      const pdf = await lifecycle.pdf(p.orgId, doc.kind, doc.id);
      const sha256 = sha256Hex(file.bytes);
      await tracking.recordClientEvent(facts(p, doc, pdf.sha256), 'accessed', {
        via: 'portal',
        sessionId: p.sessionId,
        ip: meta.ip,
        userAgent: meta.userAgent,
        downloadedSha256: sha256,
        einvoiceFormat: format,
      });
      return file;
    },

    async acknowledge(
      p: PortalPrincipal,
      id: string,
      meta: PortalRequestMeta,
    ): Promise<{ acknowledgedAt: string; evidenceHash: string }> {
      const doc = await own(p, id);
      const pdf = await lifecycle.pdf(p.orgId, doc.kind, doc.id);
      const e = await tracking.recordClientEvent(facts(p, doc, pdf.sha256), 'acknowledged', {
        via: 'portal',
        sessionId: p.sessionId,
        ip: meta.ip,
        userAgent: meta.userAgent,
        documentSha256: pdf.sha256,
      });
      return { acknowledgedAt: e.content.at, evidenceHash: e.hash };
    },

    async deliveries(p: PortalPrincipal, id: string): Promise<PortalDelivery[]> {
      const doc = await own(p, id);
      return tracking.listForClient(p.orgId, p.clientId, doc.id);
    },

    async answerQuote(
      p: PortalPrincipal,
      id: string,
      ip: string,
      answer: 'accepted' | 'declined',
    ): Promise<PortalDocumentSummary> {
      await own(p, id, 'quote');
      const notify =
        deps.quoteAnsweredInTx &&
        ((tx: Executor, quote: DocumentDto) => deps.quoteAnsweredInTx!(tx, p.orgId, quote, answer));
      const d = await (answer === 'accepted' ? lifecycle.acceptQuote : lifecycle.declineQuote)(
        p.orgId,
        id,
        actorOf(p, ip),
        notify,
      );
      return {
        id: d.id,
        kind: d.kind,
        status: d.status,
        number: d.number,
        currency: d.currency,
        issueDate: d.issueDate,
        dueDate: d.dueDate,
        overdue: d.overdue,
        total: d.total,
        amountDue: d.amountDue,
      };
    },

    /** Payments on the client's most recent 200 invoices. */
    async payments(p: PortalPrincipal): Promise<PortalPayment[]> {
      const invoices = await documents.list(
        p.orgId,
        'invoice',
        documentListQuery.parse({ clientId: p.clientId, limit: 200 }),
      );
      const out: PortalPayment[] = [];
      for (const inv of invoices.items.filter((d) => d.status !== 'draft' && d.clientId === p.clientId)) {
        for (const pay of await payments.list(p.orgId, inv.id)) {
          out.push({
            id: pay.id,
            invoiceId: inv.id,
            invoiceNumber: inv.number,
            kind: pay.kind,
            amount: pay.amount,
            currency: pay.currency,
            method: pay.method,
            receivedOn: pay.receivedOn,
            hasReceipt: pay.hasReceipt,
          });
        }
      }
      return out.sort((a, b) => (a.receivedOn < b.receivedOn ? 1 : -1));
    },
  };
}

export type PortalService = ReturnType<typeof createPortalService>;
