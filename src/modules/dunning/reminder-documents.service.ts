// Reminder documents on the public verification page (issue #15 item 1: "verifiable like any
// document"). A reminder document carries no Ed25519 payload of its own — it is PAdES-signed with
// the organization's identity and its exact bytes are recorded with the reminder — so an uploaded
// PDF is found by its SHA-256: the very bytes the organization issued, or nothing. The answer
// names what the document states (number, date, amount now due, issuer), as for any document.
import type { Database } from '../../platform/db/kysely.ts';
import { dateInZone } from '../../platform/clock.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { FileService } from '../files/file.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { findReminderByPdf } from './dunning.repo.ts';

export interface ReminderDocumentFound {
  orgId: string;
  number: string;
  /** The day the document was made, in the organization's time zone. */
  issueDate: string;
  currency: string;
  /** The invoice's outstanding amount plus the charges: the total the document asks for. */
  total: number;
  issuerName: string;
  signedAt: string;
  /** The invoice it reminds of was voided since. */
  invoiceVoided: boolean;
}

export function createReminderDocumentsService({
  db,
  orgs,
  documents,
  files,
}: {
  db: Database;
  orgs: Pick<OrgService, 'get'>;
  documents: Pick<DocumentService, 'get'>;
  files: Pick<FileService, 'getInTx'>;
}) {
  return {
    async byPdfSha256(pdfSha256: string): Promise<ReminderDocumentFound | null> {
      const row = await findReminderByPdf(db, pdfSha256);
      if (!row || !row.number || row.file_id === null) return null;
      const [org, invoice, file] = await Promise.all([
        orgs.get(row.org_id),
        documents.get(row.org_id, 'invoice', row.document_id),
        files.getInTx(db, row.org_id, row.file_id),
      ]);
      // The PDF was rendered, signed and stored in one transaction: its file's time is the signing time.
      const made = file.createdAt;
      return {
        orgId: row.org_id,
        number: row.number,
        issueDate: dateInZone(new Date(made), org.timeZone),
        currency: invoice.currency,
        total: Number(row.outstanding ?? 0) + Number(row.interest ?? 0) + Number(row.compensation ?? 0),
        issuerName: org.name,
        signedAt: made,
        invoiceVoided: invoice.status === 'void',
      };
    },
  };
}

export type ReminderDocumentsService = ReturnType<typeof createReminderDocumentsService>;
