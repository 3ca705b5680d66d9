// Paying an invoice from the portal: the organization's payment providers (a redirect to their
// hosted checkout) and a bank transfer panel with the verified payout details, the structured
// reference and the SEPA QR code. Amounts always come from the server. The invoice's verification
// fingerprint and a link to the public verification page let the payer check it before paying.
import { ok, portalApi } from '../lib/api.ts';
import { date, money } from '../lib/format.ts';
import { useAction } from '../lib/hooks.ts';
import { useApiQuery } from '../lib/query.ts';
import type { Body } from '../lib/types.ts';
import { ErrorNotice, Loading, Notice } from '../ui/feedback.tsx';
import { Button } from '../ui/forms.tsx';

const PROVIDER_LABEL: Record<string, string> = { stripe: 'Pay by card (Stripe)', paypal: 'Pay with PayPal' };

type Provider = Body<'/api/v1/portal/documents/{id}/checkout'>['provider'];

export function PayPanel({ invoiceId }: { invoiceId: string }) {
  const page = useApiQuery(['portal-payment', invoiceId], (signal) =>
    ok(portalApi.GET('/api/v1/portal/documents/{id}/payment', { params: { path: { id: invoiceId } }, signal })),
  );
  const checkout = useAction(async (provider: Provider) => {
    const r = await ok(
      portalApi.POST('/api/v1/portal/documents/{id}/checkout', {
        params: { path: { id: invoiceId } },
        body: { provider, embedded: false },
      }),
    );
    if (r.redirectUrl) window.location.assign(r.redirectUrl);
    return r;
  });
  if (page.error) return <ErrorNotice error={page.error} focus={false} title="Payment options could not be loaded" />;
  if (!page.data) return <Loading label="Loading payment options…" />;
  const p = page.data;
  if (p.status !== 'open') return null;
  const bt = p.methods.bankTransfer;

  return (
    <section className="panel" aria-labelledby="pay-h">
      <h2 id="pay-h">Pay {money(p.amountDue, p.currency)}</h2>
      {p.dueDate ? <p className="muted">Due {date(p.dueDate)}</p> : null}
      {p.verification ? (
        <p>
          Verification fingerprint: <code data-testid="pay-fingerprint">{p.verification.fingerprint}</code>. It must
          match the one printed on your invoice PDF;{' '}
          <a href={p.verification.verifyUrl}>check the invoice on the verification page</a> before paying.
        </p>
      ) : null}
      <ErrorNotice error={checkout.error} title="The payment could not start" />
      {p.methods.providers.length > 0 ? (
        <div className="actions">
          {p.methods.providers.map((m) => (
            <Button key={m.name} variant="primary" busy={checkout.busy} onClick={() => void checkout.run(m.name)}>
              {PROVIDER_LABEL[m.name] ?? `Pay with ${m.name}`}
            </Button>
          ))}
        </div>
      ) : null}
      {bt ? (
        <div className="bank-transfer">
          <h3>Pay by bank transfer</h3>
          <Notice kind="info">
            These are {p.orgName}'s verified bank details
            {bt.unchangedSince ? `, unchanged since ${date(bt.unchangedSince)}` : ''}. If an email ever asks you to pay
            elsewhere, do not: check here first.
          </Notice>
          <div className="grid grid-2">
            <dl className="facts">
              <dt>Account holder</dt>
              <dd>{bt.accountHolder}</dd>
              {bt.bankName ? (
                <>
                  <dt>Bank</dt>
                  <dd>{bt.bankName}</dd>
                </>
              ) : null}
              {bt.iban ? (
                <>
                  <dt>IBAN</dt>
                  <dd>
                    <code>{bt.iban}</code>
                  </dd>
                </>
              ) : null}
              {bt.bic ? (
                <>
                  <dt>BIC</dt>
                  <dd>
                    <code>{bt.bic}</code>
                  </dd>
                </>
              ) : null}
              {bt.accountNumber ? (
                <>
                  <dt>Account number</dt>
                  <dd>
                    <code>{bt.accountNumber}</code>
                  </dd>
                  <dt>Routing number</dt>
                  <dd>
                    <code>{bt.routingNumber}</code>
                  </dd>
                </>
              ) : null}
              <dt>Reference</dt>
              <dd>
                <code>{bt.reference}</code>
              </dd>
              <dt>Amount</dt>
              <dd>{money(bt.amount, bt.currency)}</dd>
            </dl>
            {bt.qr ? (
              <figure>
                <img
                  className="qr"
                  src={`/api/v1/portal/documents/${invoiceId}/qr.png`}
                  alt={`SEPA payment QR code for ${money(bt.amount, bt.currency)} to ${bt.accountHolder}`}
                />
                <figcaption className="small muted">Scan with your banking app to fill in the transfer.</figcaption>
              </figure>
            ) : null}
          </div>
        </div>
      ) : null}
      {!bt && p.methods.providers.length === 0 ? (
        p.payoutPrinted ? (
          <p>
            Your supplier has not set up online payment. Use the bank details printed on the invoice, after checking
            them on the verification page.
          </p>
        ) : (
          <p data-testid="no-payment-details">
            This invoice carries no payment details and {p.orgName} has not set up online payment. Ask {p.orgName} how
            to pay, through a contact you already know, and never pay to bank details received by email alone.
          </p>
        )
      ) : null}
    </section>
  );
}
