// The verification answer in plain words: a clear verdict first, then the facts behind it, and
// what to do when something is wrong (never pay to bank details that failed the check).
import { date, dateTime, money } from '../lib/format.ts';
import type { Answer } from '../lib/types.ts';

export type VerificationResult = Answer<'/api/v1/verify/details', 'post'>;

const KIND: Record<string, string> = {
  invoice: 'invoice',
  quote: 'quote',
  credit_note: 'credit note',
  reminder: 'payment reminder',
};

/** The signed fields by the words a payer knows. */
const FIELD: Record<NonNullable<VerificationResult['einvoice']>['differences'][number], string> = {
  kind: 'document type',
  number: 'number',
  issueDate: 'issue date',
  dueDate: 'due date',
  currency: 'currency',
  total: 'total',
  taxTotal: 'VAT total',
  taxes: 'VAT breakdown',
  issuer: 'seller',
  client: 'buyer',
  payee: 'bank account to pay',
  attachments: 'number of e-invoices in the file (more than one)',
};

/** What the e-invoice XML check found, in one sentence. */
function EinvoiceNote({ e }: { e: NonNullable<VerificationResult['einvoice']> }) {
  const what = e.source === 'embedded' ? 'The e-invoice data inside this PDF' : 'This e-invoice file';
  if (!e.agreesWithSignature) {
    return (
      <p data-einvoice="differs">
        {what} states a different {e.differences.map((f) => FIELD[f]).join(', ')} than the issuer signed. Accounting
        software reads this data, not the visible page: do not book or pay it.
      </p>
    );
  }
  return (
    <p data-einvoice="agrees">
      {what} states what the issuer signed{e.exact ? ' and is exactly the file issued' : ''}.
    </p>
  );
}

export function VerificationVerdict({ result: r }: { result: VerificationResult }) {
  if (!r.authentic) {
    const text: Record<VerificationResult['reason'], [string, string]> = {
      no_match: [
        'No matching document',
        'We found no document issued through Sealbill with these details. Check what you typed; if it still does not match, contact the issuer by phone (not using details from the document) before paying.',
      ],
      altered: [
        'This file was changed after it was issued',
        'It was made from a genuine document but differs from the file the issuer signed. Do not pay it. Ask the issuer for the original.',
      ],
      bank_details_differ: [
        'Warning: the bank details do not match',
        'The document exists, but not with the bank account you entered. This is how invoice fraud works. Do not pay to that account; call the issuer on a number you already know.',
      ],
      signature_invalid: [
        'The signature does not verify',
        'The record of this document fails its cryptographic check. Do not rely on it, and tell the issuer.',
      ],
      einvoice_differs: [
        'Warning: the e-invoice data does not match the signed invoice',
        'The document exists, but its machine-readable data says something else. This is a known way to redirect payments. Do not pay or book it; call the issuer on a number you already know.',
      ],
      verified: ['', ''],
    };
    const [title, body] = text[r.reason];
    return (
      <div className="notice notice-error verdict" role="alert" data-verdict={r.reason}>
        <p className="notice-title">{title}</p>
        <p>{body}</p>
        {r.bankDetails?.providedAreCurrent ? (
          <p>The account you entered is the issuer's current account, but it is not the one on this document.</p>
        ) : null}
        {r.einvoice ? <EinvoiceNote e={r.einvoice} /> : null}
      </div>
    );
  }
  const d = r.document!;
  const warnings: string[] = [];
  if (r.status?.voided)
    warnings.push(
      d.kind === 'reminder'
        ? 'The invoice this reminder is about was voided by the issuer: it is no longer payable.'
        : 'This invoice was voided by the issuer: it is no longer payable.',
    );
  else if (r.status?.credited)
    warnings.push('The issuer issued a credit note against this invoice: the amount to pay may be lower.');
  if (r.bankDetails?.onDocumentAreCurrent === false)
    warnings.push(
      "The bank details on this document are no longer the issuer's current ones. Confirm with the issuer before paying.",
    );
  return (
    <div className="panel verdict-panel">
      <div className="notice notice-success verdict" role="status" data-verdict="authentic">
        <p className="notice-title">
          Authentic: this {KIND[d.kind] ?? 'document'} was issued by {d.issuerName}
        </p>
        {r.unaltered === true ? <p>The file is exactly the one the issuer signed.</p> : null}
        {r.bankDetails?.providedMatchDocument === true ? (
          <p>The bank account you entered is the one on the document.</p>
        ) : null}
        {r.einvoice?.agreesWithSignature ? <EinvoiceNote e={r.einvoice} /> : null}
      </div>
      {r.einvoice && !r.einvoice.agreesWithSignature ? (
        <div className="notice notice-error" role="alert">
          <EinvoiceNote e={r.einvoice} />
        </div>
      ) : null}
      {warnings.map((w) => (
        <div key={w} className="notice notice-warning" role="alert">
          <p>{w}</p>
        </div>
      ))}
      <dl className="facts">
        <dt>Number</dt>
        <dd>{d.number}</dd>
        <dt>Issued</dt>
        <dd>{date(d.issueDate)}</dd>
        {d.dueDate ? (
          <>
            <dt>Due</dt>
            <dd>{date(d.dueDate)}</dd>
          </>
        ) : null}
        <dt>Total</dt>
        <dd>{money(d.total, d.currency)}</dd>
        <dt>Verification code</dt>
        <dd>
          <code>{d.fingerprint}</code>
        </dd>
        <dt>Signed</dt>
        <dd>
          {dateTime(d.signedAt)}
          {d.timestampedAt ? ` · independently time-stamped ${dateTime(d.timestampedAt)}` : ''}
        </dd>
      </dl>
      {r.signature ? (
        <details>
          <summary>Check the signature yourself</summary>
          <p className="small">
            Ed25519 signature by key <code>{r.signature.keyId}</code> over the JSON below. Public keys:{' '}
            <a href={r.signature.keysUrl}>{r.signature.keysUrl}</a>
          </p>
          <pre className="secret small">{r.signature.payload}</pre>
          <p className="small">
            Signature: <code>{r.signature.value}</code>
          </p>
        </details>
      ) : null}
    </div>
  );
}
