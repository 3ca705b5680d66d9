// Statements of account (issue #15, item 7): per client, period and currency, the balance brought
// forward, every invoice, credit note, payment and refund of the period with a running balance, the
// closing balance and what was overdue at the end of the period. JSON for staff and for the
// client's own portal contacts, and a PDF signed like receipts (PAdES with the org's identity),
// whose issue is an audit entry (who, which client, period, currency, balance, file hash).
//
// The closing balance is what the client owes: the sum of its open invoices' outstanding amounts,
// less any money it paid beyond them (client credit), which a statement must not hide.
import { dateInZone, type Clock } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto/hash.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { notFound, unprocessable } from '../../platform/errors.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { Client } from '../clients/client.schemas.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { PdfSigner } from '../documents/pdf/pdf-signature.ts';
import { renderDocumentPdf } from '../documents/pdf/render-document-pdf.ts';
import type { Org } from '../orgs/org.schemas.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { OrgLogoService } from '../orgs/org-logo.service.ts';
import { overdueInvoices, statementLines } from './statement.ledger.ts';
import { statementView } from './statement.pdf.ts';
import { balanceBefore, currenciesOf, documentsIssued, dueBefore, paymentsReceived } from './statement.repo.ts';
import { statementQuery, type Statement, type StatementQuery } from './statement.schemas.ts';

export interface StatementServiceDeps {
  db: Database;
  clock: Clock;
  audit: Pick<AuditService, 'appendInTx'>;
  orgs: Pick<OrgService, 'getInTx'>;
  /** The organization's logo at the top of the statement. */
  orgLogo?: Pick<OrgLogoService, 'imageInTx'>;
  clients: Pick<ClientService, 'getInTx'>;
  /** PAdES signer from the verification module (as for receipts); statements are unsigned until one is wired. */
  pdfSignerInTx?: (tx: Executor, orgId: string) => Promise<PdfSigner>;
}

/** Who asks: staff of the org, or a portal contact of the client (which must still be one of its contacts). */
export type StatementReader = { kind: 'staff' } | { kind: 'portal'; contactId: string };

export interface StatementPdf {
  filename: string;
  bytes: Buffer;
  sha256: string;
}

export function createStatementService({
  db,
  clock,
  audit,
  orgs,
  orgLogo,
  clients,
  pdfSignerInTx: pdfSigner,
}: StatementServiceDeps) {
  async function build(
    ex: Executor,
    orgId: string,
    clientId: string,
    raw: StatementQuery,
    reader: StatementReader,
  ): Promise<{ statement: Statement; org: Org; client: Client }> {
    const q = statementQuery.parse(raw);
    const client = await clients.getInTx(ex, orgId, clientId);
    // A removed contact's session must not read the client's account (as for its documents).
    if (reader.kind === 'portal' && !client.contacts.some((c) => c.id === reader.contactId)) throw notFound('Client');
    const org = await orgs.getInTx(ex, orgId);
    const today = dateInZone(clock.now(), org.timeZone);
    const to = q.to ?? today;
    const from = q.from ?? `${to.slice(0, 4)}-01-01`;
    // Both given, the schema already refused from > to; here `to` is today's default.
    if (from > to)
      throw unprocessable('The period ends before it starts', [
        { path: '/querystring/from', message: 'must not be after today (the end of the period when to is not given)' },
      ]);
    const currency = q.currency ?? client.currency;
    const scope = { orgId, clientId, currency };

    const [opening, documents, money, due, currencies] = await Promise.all([
      balanceBefore(ex, scope, from),
      documentsIssued(ex, scope, from, to),
      paymentsReceived(ex, scope, from, to),
      dueBefore(ex, scope, to),
      currenciesOf(ex, orgId, clientId),
    ]);
    const { lines, totals, closing } = statementLines(opening, documents, money);
    const overdue = overdueInvoices(due, to);
    return {
      org,
      client,
      statement: {
        clientId,
        clientName: client.name,
        organization: org.name,
        currency,
        currencies: currencies.includes(currency) ? currencies : [...currencies, currency].sort(),
        from,
        to,
        today,
        openingBalance: opening,
        lines,
        totals,
        closingBalance: closing,
        overdue: { asOf: to, total: overdue.reduce((s, i) => s + i.outstanding, 0), invoices: overdue },
      },
    };
  }

  return {
    /** The statement as data (another org's client, or a client the reader may not see: 404). */
    async get(orgId: string, clientId: string, q: StatementQuery, reader: StatementReader): Promise<Statement> {
      return (await build(db, orgId, clientId, q, reader)).statement;
    },

    /**
     * The statement as a signed PDF, rendered on request (it is a view of the ledger at a moment,
     * not a document of record); its issue is audited with the file's hash in the same transaction,
     * so a copy shown later can be matched to who produced it and when.
     */
    async pdf(
      orgId: string,
      clientId: string,
      q: StatementQuery,
      reader: StatementReader,
      actor: AuditActor,
    ): Promise<StatementPdf> {
      return inTx(db, async (tx) => {
        const { statement, org, client } = await build(tx, orgId, clientId, q, reader);
        const logo = (await orgLogo?.imageInTx(tx, orgId))?.bytes ?? null;
        const bytes = await renderDocumentPdf(
          { ...statementView(statement, org, client), logo },
          {
            creationDate: clock.now(),
            signer: pdfSigner ? await pdfSigner(tx, orgId) : null,
          },
        );
        const sha256 = sha256Hex(bytes);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'statement.issued',
          objectType: 'client',
          objectId: clientId,
          summary: {
            from: statement.from,
            to: statement.to,
            currency: statement.currency,
            closingBalance: statement.closingBalance,
            sha256,
            portal: reader.kind === 'portal',
          },
        });
        return { filename: `statement-${statement.from}-${statement.to}-${statement.currency}.pdf`, bytes, sha256 };
      });
    },
  };
}

export type StatementService = ReturnType<typeof createStatementService>;
