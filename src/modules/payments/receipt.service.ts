// Payment receipts: a PDF rendered once, in the transaction that records the payment, signed when
// a signer is wired (the verification module's PAdES signer), sealed in stored_files, served
// byte-identical to staff and to the client in the portal. Provider payments (webhooks) and manual
// ones (cash, cheque, transfer received, recorded by staff) get the same receipt; the webhook path
// also mails it to the client: a job written with the payment (`mailInTx`) that holds only the
// payment's id and reads the receipt when it runs. The mail's subject and opening are the
// organization's `receipt` template for the client's language (else the built-in wording); the
// line about the attachment follows in fixed wording.
import { z } from 'zod';
import { messagesFor, t, type MessageKey, type Messages } from '../../shared/i18n/messages.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { notFound } from '../../platform/errors.ts';
import { defineJob, type Jobs } from '../../platform/jobs/jobs.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { TemplatesService } from '../delivery/templates.service.ts';
import type { FileService } from '../files/file.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import { documentLanguage } from '../documents/document-language.ts';
import { dateFormatter, moneyFormatter } from '../documents/pdf/document-view.ts';
import type { PdfSigner } from '../documents/pdf/pdf-signature.ts';
import {
  paperForLocale,
  partiesOf,
  renderDocumentPdf,
  type PdfDocumentView,
} from '../documents/pdf/render-document-pdf.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { OrgLogoService } from '../orgs/org-logo.service.ts';
import { findPaymentRow, updatePaymentRow, type PaymentRow } from './payment.repo.ts';

/** The receipt's labels in a language (the catalogue's `receipt.*` and shared `pdf.*` keys). */
function receiptLabels(m: Messages): PdfDocumentView['labels'] {
  return {
    billTo: m['receipt.receivedFrom'],
    from: m['pdf.from'],
    issueDate: m['receipt.date'],
    dueDate: m['receipt.invoiceDue'],
    description: m['pdf.description'],
    quantity: m['pdf.quantity'],
    unitPrice: m['receipt.unitPrice'],
    tax: m['pdf.tax'],
    amount: m['pdf.amount'],
    notes: m['pdf.notes'],
    terms: m['pdf.terms'],
    payment: m['receipt.payment'],
    verify: m['receipt.verify'],
    page: m['pdf.page'],
  };
}

const METHOD_LABEL: Record<string, MessageKey> = {
  stripe: 'paymentMethod.stripe',
  paypal: 'paymentMethod.paypal',
  bank_transfer: 'paymentMethod.bank_transfer',
  cash: 'paymentMethod.cash',
  cheque: 'paymentMethod.cheque',
  card: 'paymentMethod.card',
  client_credit: 'paymentMethod.client_credit',
  other: 'paymentMethod.other',
};

export interface ReceiptDeps {
  db: Database;
  clock: Clock;
  files: Pick<FileService, 'putInTx' | 'getInTx'>;
  documents: Pick<DocumentService, 'get' | 'getInTx'>;
  orgs: Pick<OrgService, 'getDetails' | 'getDetailsInTx'>;
  /** The organization's logo at the top of the receipt. */
  orgLogo?: Pick<OrgLogoService, 'imageInTx'>;
  clients: Pick<ClientService, 'get' | 'getInTx'>;
  mailer: Mailer;
  jobs: Jobs;
  /** The organization's email templates (delivery module): the receipt mail's subject and opening. */
  templates: Pick<TemplatesService, 'render'>;
  /** For {{portal.url}}. */
  publicUrl: string;
  /** PAdES signer from the verification module; receipts are unsigned until one is wired. */
  pdfSignerInTx?: (tx: Executor, orgId: string) => Promise<PdfSigner>;
}

export function createReceiptService({
  db,
  clock,
  files,
  orgLogo,
  documents,
  orgs,
  clients,
  mailer,
  jobs,
  templates,
  publicUrl,
  pdfSignerInTx: pdfSigner,
}: ReceiptDeps) {
  const methodIn = (m: Messages, method: string): string => {
    const key = METHOD_LABEL[method];
    return key ? m[key] : method;
  };

  /** Mails the receipt to the client's billing email (else the primary contact's); false when there is no address or receipt. */
  async function send(orgId: string, paymentId: string): Promise<boolean> {
    const p = await findPaymentRow(db, orgId, paymentId);
    if (!p || !p.receipt_file_id) return false;
    const client = await clients.get(orgId, p.client_id);
    const to = client.email ?? client.contacts.find((c) => c.isPrimary)?.email ?? null;
    if (!to) return false;
    const [inv, org, file] = await Promise.all([
      documents.get(orgId, 'invoice', p.document_id),
      orgs.getDetails(orgId),
      files.getInTx(db, orgId, p.receipt_file_id),
    ]);
    // In the client's language, like the receipt it carries (issue #15 item 4).
    const lang = documentLanguage(client.language, org.locale);
    const money = moneyFormatter(lang.formatLocale, p.currency);
    const day = dateFormatter(lang.formatLocale);
    const { subject, opening } = await templates.render(orgId, 'receipt', lang.language, client.language, {
      'org.name': org.name,
      'client.name': client.name,
      'document.number': inv.number ?? '',
      'document.total': moneyFormatter(lang.formatLocale, inv.currency)(inv.total),
      'document.dueDate': inv.dueDate ? day(inv.dueDate) : '',
      'payment.amount': money(Number(p.amount)),
      'payment.date': day(p.received_on),
      'payment.method': methodIn(messagesFor(lang.language), p.method),
      'portal.url': `${publicUrl}/portal`,
    });
    await mailer.send({
      to,
      fromName: org.name,
      ...(org.profile.email ? { replyTo: org.profile.email } : {}),
      subject,
      text: `${opening}\n${t(lang.language, 'mail.receipt.attached')}\n`,
      attachments: [
        { filename: `receipt-${inv.number ?? p.id}.pdf`, content: file.bytes, contentType: 'application/pdf' },
      ],
    });
    return true;
  }

  const mailJob = defineJob(
    'payments.receipt-mail',
    z.object({ orgId: z.string(), paymentId: z.string() }),
    async ({ orgId, paymentId }) => {
      await send(orgId, paymentId);
    },
  );
  jobs.register(mailJob);

  return {
    /**
     * Renders, signs and stores the receipt for a payment, inside the recording transaction.
     * `reference` is a manual payment's own reference (stored encrypted on the row), printed when
     * there is no provider reference.
     */
    async createInTx(
      tx: Executor,
      orgId: string,
      payment: PaymentRow,
      reference: string | null = null,
    ): Promise<string> {
      const [inv, org, client] = await Promise.all([
        documents.getInTx(tx, orgId, 'invoice', payment.document_id),
        orgs.getDetailsInTx(tx, orgId),
        clients.getInTx(tx, orgId, payment.client_id),
      ]);
      // In its client's language, like the client's documents (issue #15 item 4); rendered once and stored.
      const lang = documentLanguage(client.language, org.locale);
      const m = messagesFor(lang.language);
      const money = moneyFormatter(lang.formatLocale, payment.currency);
      const day = dateFormatter(lang.formatLocale);
      const fmtDate = (d: string | null) => (d ? day(d) : null);
      const method = methodIn(m, payment.method);
      const ref = payment.provider_ref ?? reference;
      const view: PdfDocumentView = {
        kind: 'invoice',
        title: m['receipt.title'],
        number: `${inv.number ?? ''}-R-${payment.id.slice(-8).toUpperCase()}`,
        issueDate: fmtDate(payment.received_on),
        dueDate: fmtDate(inv.dueDate),
        paper: paperForLocale(org.locale),
        ...partiesOf(org, client),
        lines: [
          {
            description: t(lang.language, 'receipt.line', { number: inv.number ?? '' }),
            quantity: '1',
            unit: '',
            unitPrice: money(Number(payment.amount)),
            discount: null,
            taxLabel: '',
            amount: money(Number(payment.amount)),
          },
        ],
        taxes: [],
        totals: [
          { label: m['receipt.invoiceTotal'], value: money(inv.total) },
          { label: m['receipt.received'], value: money(Number(payment.amount)), strong: true },
          { label: m['receipt.stillDue'], value: money(Math.max(0, inv.amountDue)) },
        ],
        notes:
          Number(payment.amount) > Number(payment.applied_amount)
            ? t(lang.language, 'receipt.credited', {
                amount: money(Number(payment.amount) - Number(payment.applied_amount)),
              })
            : null,
        payment: {
          lines: [
            { label: m['receipt.method'], value: method },
            ...(ref ? [{ label: m['pdf.reference'], value: ref }] : []),
          ],
        },
        verification: null,
        labels: receiptLabels(m),
        logo: (await orgLogo?.imageInTx(tx, orgId))?.bytes ?? null,
      };
      const pdf = await renderDocumentPdf(view, {
        creationDate: clock.now(),
        signer: pdfSigner ? await pdfSigner(tx, orgId) : null,
      });
      const stored = await files.putInTx(tx, orgId, 'receipt', 'application/pdf', pdf);
      await updatePaymentRow(tx, orgId, payment.id, { receipt_file_id: stored.id });
      return stored.id;
    },

    async get(
      orgId: string,
      paymentId: string,
      clientId?: string,
    ): Promise<{ filename: string; bytes: Buffer; sha256: string }> {
      const p = await findPaymentRow(db, orgId, paymentId);
      if (!p || !p.receipt_file_id || (clientId !== undefined && p.client_id !== clientId)) throw notFound('Receipt');
      const f = await files.getInTx(db, orgId, p.receipt_file_id);
      return { filename: `receipt-${p.id}.pdf`, bytes: f.bytes, sha256: f.sha256 };
    },

    send,

    /** Mails the payment's receipt once `tx` commits (a job; retried if the relay fails). */
    async mailInTx(tx: Executor, orgId: string, paymentId: string): Promise<void> {
      await jobs.enqueue(tx, mailJob, { orgId, paymentId });
    },
  };
}

export type ReceiptService = ReturnType<typeof createReceiptService>;
