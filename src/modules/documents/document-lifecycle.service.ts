// Issuing and the life after it. Issuing happens in one transaction: the gapless number, the
// frozen snapshot of both parties and the payout details, the PDF (rendered once, encrypted,
// stored, then served byte-identical) and the audit entry commit together or not at all.
import { dateInZone, type Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import type { DocumentKind } from './documents.tables.ts';
import { inTx } from '../../platform/db/tx.ts';
import { resolveLanguage, t } from '../../shared/i18n/messages.ts';
import { AppError, conflict, notFound, unprocessable } from '../../platform/errors.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { FileService } from '../files/file.service.ts';
import type { OrgDetails, OrgService } from '../orgs/org.service.ts';
import type { OrgLogoService } from '../orgs/org-logo.service.ts';
import { amountDue, bodyAad, draftLinesOf, readBody, toDto } from './document.mapper.ts';
import {
  findDocument,
  lockDocument,
  nextSequenceValue,
  transitionStatus,
  updateDocumentRow,
  type DocumentRow,
} from './document.repo.ts';
import type { DocumentBody, DocumentDto } from './document.schemas.ts';
import { KIND_LABEL, type DocumentService } from './document.service.ts';
import { formatNumber, periodOf } from '../../shared/money/numbering.ts';
import { buildSnapshot } from './document-snapshot.ts';
import {
  checkedEinvoice,
  einvoiceIssues,
  einvoiceRefusal,
  einvoiceXml,
  einvoiceXmlOf,
  type EinvoiceCheckIssue,
  type EinvoiceSource,
} from './document-einvoice.ts';
import { FORMATS, type EinvoiceFormat } from '../einvoice/einvoice.formats.ts';
import type { EinvoiceModel } from '../einvoice/einvoice.model.ts';
import type { EinvoicePreference } from '../einvoice/einvoice.schemas.ts';
import { peppolStatus, type PeppolStatus } from '../einvoice/transport/peppol-transport.ts';

/** The documents that have an e-invoice (quotes do not). */
export type EinvoiceKind = 'invoice' | 'credit_note';
import { buildDocumentView } from './pdf/document-view.ts';
import type { PdfSigner } from './pdf/pdf-signature.ts';
import {
  finishSigning,
  renderDocumentPdf,
  renderForSigning,
  type PdfDocumentView,
  type RenderedPdf,
  type RenderJob,
} from './pdf/render-document-pdf.ts';
import { createRenderPool, type RenderPool } from './pdf/render-pool.ts';
import { addDays } from '../../shared/dates.ts';

/** Extension points for signing and verification (the verification module plugs in here). */
export interface IssueHooks {
  /** The signed fields printed on the PDF; `einvoice` is the XML embedded in it (its digest is signed too). */
  verificationInTx?(
    tx: Executor,
    org: OrgDetails,
    doc: DocumentDto,
    snapshot: NonNullable<DocumentBody['snapshot']>,
    einvoice?: { format: EinvoiceFormat; xml: Buffer } | null,
  ): Promise<PdfDocumentView['verification']>;
  /** The PDF signer for one document of the org: the renderer reserves its field, the signer fills it. */
  pdfSignerInTx?(tx: Executor, orgId: string): Promise<PdfSigner>;
  /**
   * The two signing hooks for a batch of one org's documents in one transaction (bulk issuing):
   * the org's keys read and opened once for the batch instead of once per document.
   */
  batchInTx?(tx: Executor, orgId: string): Promise<Pick<IssueHooks, 'verificationInTx' | 'pdfSignerInTx'>>;
  /** After the signed PDF is stored: its SHA-256 and the signature's time-stamp token, if any. */
  onIssuedInTx?(
    tx: Executor,
    orgId: string,
    doc: DocumentDto,
    pdfSha256: string,
    timestampToken: Buffer | null,
  ): Promise<void>;
}

/** What payments need of a locked invoice to book against it (documents own the row). */
export interface InvoiceBalance {
  id: string;
  clientId: string;
  currency: string;
  status: string;
  amountPaid: number;
  amountDue: number;
}

export interface IssueOptions {
  /** Issue an invoice although the organization has no payout details (they cannot be added later). */
  confirmWithoutPayoutDetails?: boolean;
}

export interface LifecycleDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  orgs: Pick<OrgService, 'getDetails' | 'getDetailsInTx'>;
  /** The organization's logo, frozen into the snapshot by its SHA-256 and drawn on the PDF. */
  orgLogo?: Pick<OrgLogoService, 'imageInTx' | 'image'>;
  clients: Pick<ClientService, 'get' | 'getInTx'>;
  files: FileService;
  documents: DocumentService;
  hooks?: IssueHooks;
  /** Where bulk issuing renders (render threads); default: the calling thread. */
  renderPool?: RenderPool;
}

/** A document issued up to its render (see prepareIssue). */
interface PreparedIssue {
  orgId: string;
  kind: DocumentKind;
  id: string;
  number: string;
  doc: DocumentDto;
  signer: PdfSigner | null;
  job: RenderJob;
}

/** What the documents of one issueManyInTx call share (read once per call, in its transaction). */
interface BatchMemo {
  /** What `perBatch` has read, by key: the org, its logo, each client (a batch often bills one client many times). */
  reads: Map<string, unknown>;
  /** The signing hooks with the org's keys opened once for the batch (IssueHooks.batchInTx). */
  signing?: Pick<IssueHooks, 'verificationInTx' | 'pdfSignerInTx'>;
}

/** Documents a batch prepares ahead of the oldest one still rendering (bounds the memory in flight). */
const RENDER_AHEAD = 8;
/**
 * Documents handed to a render thread in one message. The thread is often idle when the next
 * document is ready (this thread's share of issuing is the larger one), and waking it cost ~1 ms
 * of this thread's time per message on the 2-core reference machine (bench/issue.bench.ts).
 */
const RENDER_HANDOVER = 4;
/** Documents per transaction in issueBatch (each transaction is one commit, one fsync). */
export const ISSUE_BATCH_SIZE = 100;

/** One document of issueBatch: issued, or the error that kept it a draft. */
export type BatchIssueResult =
  { id: string; ok: true; document: DocumentDto } | { id: string; ok: false; error: Error };

/** Invoice status from its balances (payments and credits), for open invoices. */
export function settledStatus(row: Pick<DocumentRow, 'total' | 'amount_paid' | 'amount_credited' | 'sent_at'>): string {
  if (amountDue(row) <= 0) return Number(row.amount_paid) === 0 ? 'void' : 'paid';
  if (Number(row.amount_paid) > 0) return 'partially_paid';
  return row.sent_at ? 'sent' : 'issued';
}

export function createLifecycleService(deps: LifecycleDeps) {
  const { db, keyring, audit, clock, orgs, clients, files, documents, hooks = {} } = deps;
  const renderPool = deps.renderPool ?? createRenderPool({ threads: 0 });

  async function mustFind(ex: Executor, orgId: string, id: string, kind?: DocumentKind): Promise<DocumentRow> {
    const row = await findDocument(ex, orgId, id, kind);
    if (!row) throw notFound(kind ? KIND_LABEL[kind] : 'Document');
    return row;
  }

  /** Reads a document under a row lock (see lockDocument), for read-modify-write of its state. */
  async function mustLock(ex: Executor, orgId: string, id: string, kind?: DocumentKind): Promise<DocumentRow> {
    const row = await lockDocument(ex, orgId, id, kind);
    if (!row) throw notFound(kind ? KIND_LABEL[kind] : 'Document');
    return row;
  }

  /**
   * `read()` once per batch under `key` (nothing it reads can change inside the batch's
   * transaction), each document getting `own(value)`; without a batch, `read()` now.
   */
  async function perBatch<T>(
    batch: BatchMemo | undefined,
    key: string,
    read: () => Promise<T>,
    own: (value: T) => T = (value) => value,
  ): Promise<T> {
    if (!batch) return read();
    if (!batch.reads.has(key)) batch.reads.set(key, await read());
    return own(batch.reads.get(key) as T);
  }

  /**
   * Issuing up to the render: lock, number, snapshot, the signed fields. What is left (render,
   * sign, store, audit) is `completeIssue`'s; both run in the same transaction.
   */
  async function prepareIssue(
    tx: Executor,
    orgId: string,
    kind: DocumentKind,
    id: string,
    opts: IssueOptions,
    batch?: BatchMemo,
  ): Promise<PreparedIssue> {
    // Locked before the number is drawn: two concurrent issues of one draft would otherwise both
    // see 'draft', both draw a number, and the second would overwrite the first (a gap).
    let row = await mustLock(tx, orgId, id, kind);
    if (row.status !== 'draft') throw conflict(`This ${KIND_LABEL[kind].toLowerCase()} is already ${row.status}`);
    if (kind === 'credit_note' && row.related_document_id)
      await lockDocument(tx, orgId, row.related_document_id, 'invoice');
    // A batch reads the org and each client once; each document gets its own copy.
    const org = await perBatch(batch, 'org', () => orgs.getDetailsInTx(tx, orgId), structuredClone);
    // An issued invoice is signed and frozen: without payout details it can never tell the client
    // where to pay. Issuing one anyway must be a deliberate choice, not an accident of day one.
    if (kind === 'invoice' && !org.payout && !opts.confirmWithoutPayoutDetails) {
      throw new AppError(
        'conflict',
        'No payout bank details are set: this invoice would be signed and frozen without payment details. Add them first (Settings → Payout details), or confirm issuing without them.',
        {
          fieldErrors: [
            { path: '/body/confirmWithoutPayoutDetails', message: 'confirm issuing without payout details' },
          ],
        },
      );
    }
    const clientId = row.client_id;
    const client = await perBatch(
      batch,
      `client:${clientId}`,
      () => clients.getInTx(tx, orgId, clientId),
      structuredClone,
    );
    const crypto = await keyring.forOrg(tx, orgId);
    const body = readBody(crypto, row);

    // The organization's day, from the org in hand (documents.todayInTx would read its time zone again).
    const today = dateInZone(clock.now(), org.timeZone);
    const issueDate = row.issue_date ?? today;
    // A rate taken from the rate table (not typed) is taken again for the final issue date.
    row = await documents.refreshDefaultedRateInTx(tx, orgId, row, issueDate);
    const dueDate = kind === 'credit_note' ? null : (row.due_date ?? addDays(issueDate, org.paymentTermsDays));
    if (dueDate && dueDate < issueDate)
      throw unprocessable('The due date is before the issue date', [
        { path: '/body/dueDate', message: 'before issue date' },
      ]);
    const orgLogo = deps.orgLogo;
    const logo = orgLogo ? await perBatch(batch, 'logo', () => orgLogo.imageInTx(tx, orgId)) : null;
    const snapshot = buildSnapshot(kind, org, client, {
      einvoice: body.einvoice,
      precedingInvoice: await precedingInvoice(tx, orgId, row),
      lines: body.lines,
      dueDate,
      logo,
    });
    // Refuse before the number is drawn: the client's e-invoice format must accept this document.
    const format = snapshot.einvoice?.format ?? 'none';
    let checked: EinvoiceModel | null = null;
    if (format !== 'none' && kind !== 'quote') {
      const src = {
        kind,
        number: 'DRAFT',
        issueDate,
        dueDate,
        currency: row.currency,
        exchangeRate: row.exchange_rate,
        body,
        snapshot,
        orgCurrency: org.defaultCurrency,
      };
      const { model, issues } = checkedEinvoice(src, format);
      if (issues.length > 0 || !model) throw einvoiceRefusal(format, issues, `This ${KIND_LABEL[kind].toLowerCase()}`);
      checked = model;
    }
    const pattern = org.numbering[kind];
    const number = formatNumber(
      pattern,
      issueDate,
      await nextSequenceValue(tx, orgId, kind, periodOf(pattern, issueDate)),
    );

    let relatedNumber: string | null = null;
    if (kind === 'credit_note') relatedNumber = await applyCreditNote(tx, orgId, row);

    const now = clock.now().toISOString();
    const issuedBody: DocumentBody = { ...body, snapshot };
    const patch = {
      status: 'issued' as const,
      number,
      issue_date: issueDate,
      due_date: dueDate,
      body_enc: crypto.encryptJson(issuedBody, bodyAad(id)),
      issued_at: now,
      updated_at: now,
    };
    await updateDocumentRow(tx, orgId, id, patch);
    // The document as a read would now give it, from the row and body in hand (the client's name is
    // the one just read; issue-batch.test.ts compares this with a read on both databases).
    const doc = toDto({ ...row, ...patch }, issuedBody, client.name, today);
    // A client who takes Factur-X gets one file: the issued PDF itself is the PDF/A-3 hybrid that
    // carries the CII XML, and the XML's digest is among the signed fields.
    // Written from the model checked above, now under the drawn number (mapped once, not twice).
    const facturX = format === 'factur-x' && checked ? { format, xml: einvoiceXmlOf(checked, number, format) } : null;
    const sign = batch?.signing ?? hooks;
    const verification = sign.verificationInTx ? await sign.verificationInTx(tx, org, doc, snapshot, facturX) : null;
    const signer = sign.pdfSignerInTx ? await sign.pdfSignerInTx(tx, orgId) : null;
    const job: RenderJob = {
      view: buildDocumentView(doc, snapshot, { relatedNumber, verification, logo: logo?.bytes }),
      creationDate: new Date(now),
      field: signer?.field ?? null,
      attachment: facturX && { name: 'factur-x.xml', xml: facturX.xml },
    };
    return { orgId, kind, id, number, doc, signer, job };
  }

  /** The rest of issuing, once the file is rendered: sign, store, audit, index. */
  async function completeIssue(
    tx: Executor,
    p: PreparedIssue,
    rendered: RenderedPdf,
    actor: AuditActor,
  ): Promise<DocumentDto> {
    const { orgId, kind, id, number, doc } = p;
    const { pdf, timestampToken } = await finishSigning(rendered, p.signer);
    const file = await files.putInTx(tx, orgId, `${kind}.pdf`, 'application/pdf', pdf);
    await updateDocumentRow(tx, orgId, id, { pdf_file_id: file.id });
    await audit.appendInTx(tx, {
      orgId,
      actor,
      action: `${kind}.issued`,
      objectType: kind,
      objectId: id,
      summary: { number, total: doc.total, currency: doc.currency, pdfSha256: file.sha256 },
    });
    // The document as read after its issue, now with its PDF (the only column written since).
    const issued: DocumentDto = { ...doc, hasPdf: true };
    await documents.indexDocInTx(tx, orgId, issued); // now with its number and the frozen client name
    if (hooks.onIssuedInTx) await hooks.onIssuedInTx(tx, orgId, issued, file.sha256, timestampToken);
    return issued;
  }

  async function issueInTx(
    tx: Executor,
    orgId: string,
    kind: DocumentKind,
    id: string,
    actor: AuditActor,
    opts: IssueOptions = {},
  ): Promise<DocumentDto> {
    const p = await prepareIssue(tx, orgId, kind, id, opts);
    return completeIssue(tx, p, renderForSigning(p.job), actor);
  }

  /**
   * Issues several documents in the caller's transaction, in the order given (so their numbers
   * follow that order, gapless). While a document renders on a render thread, this thread draws
   * the next one's number and writes its rows: preparation runs ahead of completion by at most
   * `RENDER_AHEAD` documents. Any failure throws, and the caller's transaction takes every
   * document of the call back with it.
   */
  async function issueManyInTx(
    tx: Executor,
    orgId: string,
    kind: DocumentKind,
    ids: readonly string[],
    actor: AuditActor,
    opts: IssueOptions = {},
  ): Promise<DocumentDto[]> {
    const inFlight: Array<{ p: PreparedIssue; rendered: Promise<RenderedPdf> }> = [];
    const issued: DocumentDto[] = [];
    const batch: BatchMemo = { reads: new Map() };
    if (hooks.batchInTx && ids.length > 0) batch.signing = await hooks.batchInTx(tx, orgId);
    const completeOldest = async () => {
      const { p, rendered } = inFlight.shift()!;
      issued.push(await completeIssue(tx, p, await rendered, actor));
    };
    try {
      for (let at = 0; at < ids.length; at += RENDER_HANDOVER) {
        // Prepared a few at a time and handed to a render thread together (see RENDER_HANDOVER).
        const prepared: PreparedIssue[] = [];
        for (const id of ids.slice(at, at + RENDER_HANDOVER))
          prepared.push(await prepareIssue(tx, orgId, kind, id, opts, batch));
        const renders = renderPool.renderMany(prepared.map((p) => p.job));
        prepared.forEach((p, i) => {
          const rendered = renders[i]!;
          rendered.catch(() => {}); // awaited in completeIssue; never an unhandled rejection if an earlier one throws
          inFlight.push({ p, rendered });
        });
        while (inFlight.length > RENDER_AHEAD) await completeOldest();
      }
      while (inFlight.length > 0) await completeOldest();
      return issued;
    } finally {
      // On a failure, let renders still running finish before the transaction is rolled back.
      await Promise.allSettled(inFlight.map((f) => f.rendered));
    }
  }

  /** What the e-invoice of a document is made from: the frozen snapshot, or a draft's would-be snapshot. */
  async function einvoiceSource(
    ex: Executor,
    orgId: string,
    kind: EinvoiceKind,
    row: DocumentRow,
  ): Promise<EinvoiceSource> {
    const crypto = await keyring.forOrg(ex, orgId);
    const body = readBody(crypto, row);
    const org = await orgs.getDetailsInTx(ex, orgId);
    if (row.status !== 'draft' && body.snapshot) {
      return {
        kind,
        number: row.number ?? row.id,
        issueDate: row.issue_date!,
        dueDate: row.due_date,
        currency: row.currency,
        exchangeRate: row.exchange_rate,
        body,
        snapshot: body.snapshot,
        orgCurrency: org.defaultCurrency,
      };
    }
    const client = await clients.getInTx(ex, orgId, row.client_id);
    const issueDate = row.issue_date ?? (await documents.todayInTx(ex, orgId));
    const dueDate = kind === 'credit_note' ? null : (row.due_date ?? addDays(issueDate, org.paymentTermsDays));
    const snapshot = buildSnapshot(kind, org, client, {
      einvoice: body.einvoice,
      precedingInvoice: await precedingInvoice(ex, orgId, row),
      lines: body.lines,
      dueDate,
    });
    return {
      kind,
      number: 'DRAFT',
      issueDate,
      dueDate,
      currency: row.currency,
      exchangeRate: row.exchange_rate,
      body,
      snapshot,
      orgCurrency: org.defaultCurrency,
    };
  }

  /** The invoice a credit note corrects, as the e-invoice states it (BT-25/26). */
  async function precedingInvoice(
    ex: Executor,
    orgId: string,
    row: DocumentRow,
  ): Promise<{ number: string; issueDate: string | null } | null> {
    if (row.kind !== 'credit_note' || !row.related_document_id) return null;
    const inv = await findDocument(ex, orgId, row.related_document_id, 'invoice');
    return inv?.number ? { number: inv.number, issueDate: inv.issue_date } : null;
  }

  /** A credit note reduces its invoice's balance when it is issued. Returns the invoice number. */
  async function applyCreditNote(tx: Executor, orgId: string, cn: DocumentRow): Promise<string> {
    const inv = await mustFind(tx, orgId, cn.related_document_id!, 'invoice');
    if (inv.status === 'draft' || inv.status === 'void') throw conflict(`The credited invoice is ${inv.status}`);
    const credited = Number(inv.amount_credited) + Number(cn.total);
    if (credited > Number(inv.total))
      throw unprocessable(
        `Credit notes would exceed the invoice total (${Number(inv.total) - Number(inv.amount_credited)} left to credit)`,
      );
    const next = { ...inv, amount_credited: credited };
    const status = settledStatus(next);
    await updateDocumentRow(tx, orgId, inv.id, {
      amount_credited: credited,
      status,
      ...(status === 'void' && { voided_at: clock.now().toISOString() }),
      updated_at: clock.now().toISOString(),
    });
    return inv.number!;
  }

  async function setStatusInTx(
    tx: Executor,
    orgId: string,
    kind: DocumentKind,
    id: string,
    from: string[],
    to: string,
    actor: AuditActor,
    extra: Partial<DocumentRow> = {},
    andThen?: (tx: Executor, doc: DocumentDto) => Promise<void>,
  ): Promise<DocumentDto> {
    const row = await mustFind(tx, orgId, id, kind);
    const ok = await transitionStatus(tx, orgId, id, from, {
      status: to,
      ...extra,
      updated_at: clock.now().toISOString(),
    });
    if (!ok) throw conflict(`Cannot mark a ${row.status} ${KIND_LABEL[kind].toLowerCase()} as ${to}`);
    await audit.appendInTx(tx, { orgId, actor, action: `${kind}.${to}`, objectType: kind, objectId: id });
    const doc = await documents.getInTx(tx, orgId, kind, id);
    if (andThen) await andThen(tx, doc);
    return doc;
  }

  function setStatus(
    orgId: string,
    kind: DocumentKind,
    id: string,
    from: string[],
    to: string,
    actor: AuditActor,
    extra: Partial<DocumentRow> = {},
    andThen?: (tx: Executor, doc: DocumentDto) => Promise<void>,
  ): Promise<DocumentDto> {
    return inTx(db, (tx) => setStatusInTx(tx, orgId, kind, id, from, to, actor, extra, andThen));
  }

  const markSentInTx = (tx: Executor, orgId: string, kind: DocumentKind, id: string, actor: AuditActor) =>
    setStatusInTx(tx, orgId, kind, id, ['issued'], 'sent', actor, { sent_at: clock.now().toISOString() });

  return {
    issueInTx,
    issueManyInTx,
    issue: (orgId: string, kind: DocumentKind, id: string, actor: AuditActor, opts: IssueOptions = {}) =>
      inTx(db, (tx) => issueInTx(tx, orgId, kind, id, actor, opts)),

    markSentInTx,
    /**
     * Bulk issuing: the drafts in the order given, `batchSize` per transaction (one commit per
     * batch instead of one per document). Every document is still numbered gapless, audited and
     * signed as one issue is; a batch commits whole or not at all, so a crash mid-batch leaves
     * its documents drafts with no number drawn, and running the call again issues them. A batch
     * in which one document fails is rolled back and issued again one document per transaction,
     * so the failure keeps that one draft only; its error is in the result.
     */
    async issueBatch(
      orgId: string,
      kind: DocumentKind,
      ids: readonly string[],
      actor: AuditActor,
      opts: IssueOptions & { batchSize?: number } = {},
    ): Promise<BatchIssueResult[]> {
      const size = Math.max(1, Math.floor(opts.batchSize ?? ISSUE_BATCH_SIZE));
      const results: BatchIssueResult[] = [];
      for (let at = 0; at < ids.length; at += size) {
        const chunk = ids.slice(at, at + size);
        try {
          const docs = await inTx(db, (tx) => issueManyInTx(tx, orgId, kind, chunk, actor, opts));
          docs.forEach((document, i) => results.push({ id: chunk[i]!, ok: true, document }));
        } catch {
          for (const id of chunk) {
            try {
              results.push({
                id,
                ok: true,
                document: await inTx(db, (tx) => issueInTx(tx, orgId, kind, id, actor, opts)),
              });
            } catch (error) {
              results.push({ id, ok: false, error: error as Error });
            }
          }
        }
      }
      return results;
    },

    markSent: (orgId: string, kind: DocumentKind, id: string, actor: AuditActor) =>
      inTx(db, (tx) => markSentInTx(tx, orgId, kind, id, actor)),

    /** `notify` runs in the acceptance's own transaction (e.g. enqueues the mail that tells the org). */
    acceptQuote: (
      orgId: string,
      id: string,
      actor: AuditActor,
      notify?: (tx: Executor, quote: DocumentDto) => Promise<void>,
    ) => setStatus(orgId, 'quote', id, ['issued', 'sent'], 'accepted', actor, {}, notify),
    declineQuote: (
      orgId: string,
      id: string,
      actor: AuditActor,
      notify?: (tx: Executor, quote: DocumentDto) => Promise<void>,
    ) => setStatus(orgId, 'quote', id, ['issued', 'sent'], 'declined', actor, {}, notify),

    /** Turns an accepted (or issued/sent) quote into an invoice draft with the same lines. */
    async convertQuote(orgId: string, id: string, actor: AuditActor): Promise<DocumentDto> {
      return inTx(db, async (tx) => {
        const quote = await mustFind(tx, orgId, id, 'quote');
        if (!['issued', 'sent', 'accepted'].includes(quote.status))
          throw conflict(`A ${quote.status} quote cannot be converted`);
        const body = readBody(await keyring.forOrg(tx, orgId), quote);
        const inv = await documents.createDraftInTx(tx, orgId, 'invoice', {
          clientId: quote.client_id,
          currency: quote.currency,
          exchangeRate: quote.exchange_rate,
          lines: draftLinesOf(body.lines),
          discount: body.discount,
          notes: body.notes,
          terms: body.terms,
          ...body.einvoice,
        });
        await updateDocumentRow(tx, orgId, id, {
          status: 'converted',
          related_document_id: inv.id,
          updated_at: clock.now().toISOString(),
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'quote.converted',
          objectType: 'quote',
          objectId: id,
          summary: { invoiceId: inv.id },
        });
        return documents.getInTx(tx, orgId, 'invoice', inv.id);
      });
    },

    /** Voids an unpaid invoice by issuing a credit note for its full amount (issued invoices are never edited or deleted). */
    async voidInvoice(
      orgId: string,
      id: string,
      reason: string,
      actor: AuditActor,
    ): Promise<{ invoice: DocumentDto; creditNote: DocumentDto }> {
      return inTx(db, async (tx) => {
        const inv = await mustLock(tx, orgId, id, 'invoice');
        if (inv.status === 'draft') throw conflict('A draft is not voided; delete it instead');
        if (inv.status === 'void') throw conflict('This invoice is already void');
        if (Number(inv.amount_paid) > 0)
          throw conflict('This invoice has payments; refund them first, or issue a credit note for part of it');
        if (Number(inv.amount_credited) > 0)
          throw conflict('This invoice is partly credited; issue a credit note for the remainder');
        const body = readBody(await keyring.forOrg(tx, orgId), inv);
        // The note Sealbill writes is in the language the credit note will be issued in (its client's).
        const language = resolveLanguage((await clients.getInTx(tx, orgId, inv.client_id)).language);
        const cn = await documents.createDraftInTx(tx, orgId, 'credit_note', {
          clientId: inv.client_id,
          currency: inv.currency,
          exchangeRate: inv.exchange_rate,
          lines: draftLinesOf(body.lines),
          discount: body.discount,
          notes: `${t(language, 'document.cancelsInvoice', { number: inv.number ?? '' })} ${reason}`.trim(),
          terms: null,
          relatedDocumentId: inv.id,
          // The credit note refers to what its invoice referred to (XRechnung needs BT-10 on both).
          ...body.einvoice,
        });
        const creditNote = await issueInTx(tx, orgId, 'credit_note', cn.id, actor);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'invoice.voided',
          objectType: 'invoice',
          objectId: id,
          summary: { creditNote: creditNote.number, reason },
        });
        return { invoice: await documents.getInTx(tx, orgId, 'invoice', id), creditNote };
      });
    },

    async pdf(
      orgId: string,
      kind: DocumentKind | undefined,
      id: string,
    ): Promise<{ bytes: Buffer; filename: string; sha256: string }> {
      const row = await mustFind(db, orgId, id, kind);
      if (!row.pdf_file_id && row.imported_at && row.status !== 'draft')
        throw conflict(
          'This document was imported from another program: Sealbill stores no PDF of it and never signed it',
        );
      if (!row.pdf_file_id) throw conflict('Drafts have no stored PDF; issue the document first');
      const file = await files.getInTx(db, orgId, row.pdf_file_id);
      return {
        bytes: file.bytes,
        filename: `${row.number ?? row.id}.pdf`.replace(/[^\w.-]+/g, '_'),
        sha256: file.sha256,
      };
    },

    /**
     * The e-invoice XML of an issued invoice or credit note, from its frozen snapshot alone (the
     * same document always yields the same bytes). Drafts: 409. A format whose rules the document
     * breaks (it was issued for another format, or none): 422 with the rules and fields.
     */
    async einvoice(
      orgId: string,
      kind: EinvoiceKind,
      id: string,
      format: EinvoiceFormat,
    ): Promise<{ bytes: Buffer; filename: string; contentType: string }> {
      const row = await mustFind(db, orgId, id, kind);
      if (row.status === 'draft' || !row.number)
        throw conflict('Drafts have no e-invoice; issue the document first (GET …/einvoice/check shows what it needs)');
      if (row.imported_at)
        throw conflict('This document was imported from another program: its e-invoice comes from that program');
      const src = await einvoiceSource(db, orgId, kind, row);
      const issues = einvoiceIssues(src, format);
      if (issues.length > 0) throw einvoiceRefusal(format, issues, `${KIND_LABEL[kind]} ${row.number}`);
      const filename = (suffix: string) => `${row.number}-${suffix}`.replace(/[^\w.-]+/g, '_');
      // Issued for Factur-X: the e-invoice is the signed hybrid PDF itself. Otherwise the CII XML of
      // the Factur-X profile (a signed hybrid cannot be made after the fact without a new signature).
      if (format === 'factur-x' && src.snapshot.einvoice?.format === 'factur-x' && row.pdf_file_id) {
        const file = await files.getInTx(db, orgId, row.pdf_file_id);
        return { bytes: file.bytes, filename: filename('factur-x.pdf'), contentType: 'application/pdf' };
      }
      return {
        bytes: einvoiceXml(src, format),
        filename: filename(FORMATS[format].fileSuffix),
        contentType: 'application/xml',
      };
    },

    /**
     * The pre-issue check (issue #12 item 4): what issuing would refuse for `format` (default: the
     * client's preferred format; an issued document: the format it was issued for). A draft is
     * checked as it would be issued now (current org and client, today's date, a placeholder number).
     */
    async einvoiceCheck(
      orgId: string,
      kind: EinvoiceKind,
      id: string,
      requested?: EinvoiceFormat,
    ): Promise<{ format: EinvoicePreference; issues: EinvoiceCheckIssue[]; transport?: PeppolStatus }> {
      const row = await mustFind(db, orgId, id, kind);
      const src = await einvoiceSource(db, orgId, kind, row);
      const format = requested ?? src.snapshot.einvoice?.format ?? 'none';
      // No access point is wired in yet (einvoice/transport): Peppol documents are downloaded and sent by the user.
      return {
        format,
        issues: format === 'none' ? [] : einvoiceIssues(src, format),
        ...(format === 'peppol-bis' && { transport: peppolStatus(null) }),
      };
    },

    /**
     * A draft as it would print if issued now: the current org, client and payout details, and
     * "DRAFT" where the number goes (the renderer's number = null). Rendered per request, never
     * stored or signed, so it cannot be passed off as an issued document.
     */
    async previewPdf(orgId: string, kind: DocumentKind, id: string): Promise<{ bytes: Buffer; filename: string }> {
      const doc = await documents.get(orgId, kind, id);
      if (doc.status !== 'draft')
        throw conflict(`This ${KIND_LABEL[kind].toLowerCase()} is issued: its stored PDF is the one to view`);
      const org = await orgs.getDetails(orgId);
      const client = await clients.get(orgId, doc.clientId);
      const relatedNumber = doc.relatedDocumentId
        ? (await documents.get(orgId, 'invoice', doc.relatedDocumentId)).number
        : null;
      const row = await mustFind(db, orgId, id, kind);
      const logo = deps.orgLogo ? await deps.orgLogo.image(orgId) : null;
      const snapshot = buildSnapshot(kind, org, client, {
        einvoice: doc.einvoice,
        precedingInvoice: await precedingInvoice(db, orgId, row),
        logo,
      });
      const bytes = await renderDocumentPdf(buildDocumentView(doc, snapshot, { relatedNumber, logo: logo?.bytes }), {
        creationDate: clock.now(),
      });
      return { bytes, filename: `draft-${kind.replace('_', '-')}.pdf` };
    },

    /** Locks an invoice for a balance change (payments); call before reading its balances. */
    async lockInvoiceInTx(tx: Executor, orgId: string, invoiceId: string): Promise<InvoiceBalance> {
      const row = await mustLock(tx, orgId, invoiceId, 'invoice');
      return {
        id: row.id,
        clientId: row.client_id,
        currency: row.currency,
        status: row.status,
        amountPaid: Number(row.amount_paid),
        amountDue: amountDue(row),
      };
    },

    /** Applies a change of paid amount to an invoice and moves its status (called by payments). */
    async applyPaymentInTx(tx: Executor, orgId: string, invoiceId: string, paidDelta: number): Promise<void> {
      const inv = await mustFind(tx, orgId, invoiceId, 'invoice');
      const next = { ...inv, amount_paid: Number(inv.amount_paid) + paidDelta };
      await updateDocumentRow(tx, orgId, invoiceId, {
        amount_paid: next.amount_paid,
        status: settledStatus(next),
        updated_at: clock.now().toISOString(),
      });
    },
  };
}

export type LifecycleService = ReturnType<typeof createLifecycleService>;
