// The verification answer in plain words: a clear verdict first, then the facts behind it, and
// what to do when something is wrong (never pay to bank details that failed the check).
import { date, dateTime, money } from '../lib/format.ts';
import { t, tParts, type MessageKey } from '../lib/i18n.ts';
import type { Answer } from '../lib/types.ts';

export type VerificationResult = Answer<'/api/v1/verify/details', 'post'>;

type EinvoiceCheck = NonNullable<VerificationResult['einvoice']>;

/** The verdict's first line, one sentence per kind (languages agree "this" with the noun's gender). */
const AUTHENTIC: Record<string, MessageKey> = {
  invoice: 'public.verdict.authentic.invoice',
  quote: 'public.verdict.authentic.quote',
  credit_note: 'public.verdict.authentic.credit_note',
  reminder: 'public.verdict.authentic.reminder',
};

/** The signed fields by the words a payer knows. */
const FIELD: Record<EinvoiceCheck['differences'][number], MessageKey> = {
  kind: 'public.verdict.field.kind',
  number: 'public.verdict.field.number',
  issueDate: 'public.verdict.field.issueDate',
  dueDate: 'public.verdict.field.dueDate',
  currency: 'public.verdict.field.currency',
  total: 'public.verdict.field.total',
  taxTotal: 'public.verdict.field.taxTotal',
  taxes: 'public.verdict.field.taxes',
  issuer: 'public.verdict.field.issuer',
  client: 'public.verdict.field.client',
  payee: 'public.verdict.field.payee',
  attachments: 'public.verdict.field.attachments',
};

/** What the e-invoice XML check found, in one sentence. */
function EinvoiceNote({ e }: { e: EinvoiceCheck }) {
  const where = e.source === 'embedded' ? 'embedded' : 'file';
  if (!e.agreesWithSignature) {
    const fields = e.differences.map((f) => t(FIELD[f])).join(', ');
    return <p data-einvoice="differs">{t(`public.verdict.einvoice.differs.${where}`, { fields })}</p>;
  }
  return <p data-einvoice="agrees">{t(`public.verdict.einvoice.${e.exact ? 'exact' : 'agrees'}.${where}`)}</p>;
}

type Failure = Exclude<VerificationResult['reason'], 'verified'>;

export function VerificationVerdict({ result: r }: { result: VerificationResult }) {
  if (!r.authentic) {
    const reason: Failure = r.reason === 'verified' ? 'no_match' : r.reason;
    return (
      <div className="notice notice-error verdict" role="alert" data-verdict={r.reason}>
        <p className="notice-title">{t(`public.verdict.${reason}.title`)}</p>
        <p>{t(`public.verdict.${reason}.text`)}</p>
        {r.bankDetails?.providedAreCurrent ? <p>{t('public.verdict.providedAreCurrent')}</p> : null}
        {r.einvoice ? <EinvoiceNote e={r.einvoice} /> : null}
      </div>
    );
  }
  const d = r.document!;
  const warnings: string[] = [];
  if (r.status?.voided)
    warnings.push(t(d.kind === 'reminder' ? 'public.verdict.voidedReminder' : 'public.verdict.voided'));
  else if (r.status?.credited) warnings.push(t('public.verdict.credited'));
  if (r.bankDetails?.onDocumentAreCurrent === false) warnings.push(t('public.verdict.bankDetailsChanged'));
  return (
    <div className="panel verdict-panel">
      <div className="notice notice-success verdict" role="status" data-verdict="authentic">
        <p className="notice-title">
          {t(AUTHENTIC[d.kind] ?? 'public.verdict.authentic.document', { issuer: d.issuerName })}
        </p>
        {r.unaltered === true ? <p>{t('public.verdict.unaltered')}</p> : null}
        {r.bankDetails?.providedMatchDocument === true ? <p>{t('public.verdict.providedMatchDocument')}</p> : null}
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
        <dt>{t('public.verdict.number')}</dt>
        <dd>{d.number}</dd>
        <dt>{t('public.verdict.issued')}</dt>
        <dd>{date(d.issueDate)}</dd>
        {d.dueDate ? (
          <>
            <dt>{t('public.verdict.due')}</dt>
            <dd>{date(d.dueDate)}</dd>
          </>
        ) : null}
        <dt>{t('public.verdict.total')}</dt>
        <dd>{money(d.total, d.currency)}</dd>
        <dt>{t('public.verdict.fingerprint')}</dt>
        <dd>
          <code>{d.fingerprint}</code>
        </dd>
        <dt>{t('public.verdict.signed')}</dt>
        <dd>
          {dateTime(d.signedAt)}
          {d.timestampedAt ? t('public.verdict.timestamped', { date: dateTime(d.timestampedAt) }) : ''}
        </dd>
      </dl>
      {r.signature ? (
        <details>
          <summary>{t('public.verdict.checkSignature')}</summary>
          <p className="small">
            {tParts('public.verdict.signatureBy', {
              keyId: <code>{r.signature.keyId}</code>,
              link: <a href={r.signature.keysUrl}>{r.signature.keysUrl}</a>,
            })}
          </p>
          <pre className="secret small">{r.signature.payload}</pre>
          <p className="small">{tParts('public.verdict.signature', { value: <code>{r.signature.value}</code> })}</p>
        </details>
      ) : null}
    </div>
  );
}
