// Paying an invoice from the portal: the organization's payment providers (a redirect to their
// hosted checkout) and a bank transfer panel with the verified payout details, the structured
// reference and the SEPA QR code. Amounts always come from the server. The invoice's verification
// fingerprint and a link to the public verification page let the payer check it before paying.
import { useState } from 'react';
import { ok, portalApi } from '../lib/api.ts';
import { date, money } from '../lib/format.ts';
import { useAction } from '../lib/hooks.ts';
import { t, tParts } from '../lib/i18n.ts';
import { useApiQuery } from '../lib/query.ts';
import type { Body } from '../lib/types.ts';
import { ErrorNotice, Loading, Notice } from '../ui/feedback.tsx';
import { Button, Checkbox } from '../ui/forms.tsx';

const providerLabel = (name: string): string =>
  name === 'stripe'
    ? t('portal.pay.stripe')
    : name === 'paypal'
      ? t('portal.pay.paypal')
      : t('portal.pay.other', { name });

type Provider = Body<'/api/v1/portal/documents/{id}/checkout'>['provider'];

export function PayPanel({ invoiceId }: { invoiceId: string }) {
  const page = useApiQuery(['portal-payment', invoiceId], (signal) =>
    ok(portalApi.GET('/api/v1/portal/documents/{id}/payment', { params: { path: { id: invoiceId } }, signal })),
  );
  // Saving the method for later charges: Stripe's hosted checkout only (the server refuses others).
  const [saveMethod, setSaveMethod] = useState(false);
  const checkout = useAction(async (provider: Provider) => {
    const r = await ok(
      portalApi.POST('/api/v1/portal/documents/{id}/checkout', {
        params: { path: { id: invoiceId } },
        body: { provider, embedded: false, saveMethod: saveMethod && provider === 'stripe' },
      }),
    );
    if (r.redirectUrl) window.location.assign(r.redirectUrl);
    return r;
  });
  if (page.error) return <ErrorNotice error={page.error} focus={false} title={t('portal.pay.loadFailed')} />;
  if (!page.data) return <Loading label={t('portal.pay.loading')} />;
  const p = page.data;
  if (p.status !== 'open') return null;
  const bt = p.methods.bankTransfer;

  return (
    <section className="panel" aria-labelledby="pay-h">
      <h2 id="pay-h">{t('portal.pay.heading', { amount: money(p.amountDue, p.currency) })}</h2>
      {p.dueDate ? <p className="muted">{t('portal.pay.due', { date: date(p.dueDate) })}</p> : null}
      {p.verification ? (
        <p>
          {tParts('portal.pay.fingerprint', {
            fingerprint: <code data-testid="pay-fingerprint">{p.verification.fingerprint}</code>,
            link: <a href={p.verification.verifyUrl}>{t('portal.pay.fingerprintLink')}</a>,
          })}
        </p>
      ) : null}
      <ErrorNotice error={checkout.error} title={t('portal.pay.startFailed')} />
      {p.methods.providers.some((m) => m.name === 'stripe') ? (
        <Checkbox
          label={t('portal.pay.saveMethod', { org: p.orgName })}
          checked={saveMethod}
          onChange={(e) => setSaveMethod(e.target.checked)}
        />
      ) : null}
      {p.methods.providers.length > 0 ? (
        <div className="actions">
          {p.methods.providers.map((m) => (
            <Button key={m.name} variant="primary" busy={checkout.busy} onClick={() => void checkout.run(m.name)}>
              {providerLabel(m.name)}
            </Button>
          ))}
        </div>
      ) : null}
      {bt ? (
        <div className="bank-transfer">
          <h3>{t('portal.pay.bankTransfer')}</h3>
          <Notice kind="info">
            {bt.unchangedSince
              ? t('portal.pay.verifiedSince', { org: p.orgName, date: date(bt.unchangedSince) })
              : t('portal.pay.verified', { org: p.orgName })}
          </Notice>
          <div className="grid grid-2">
            <dl className="facts">
              <dt>{t('portal.pay.accountHolder')}</dt>
              <dd>{bt.accountHolder}</dd>
              {bt.bankName ? (
                <>
                  <dt>{t('portal.pay.bank')}</dt>
                  <dd>{bt.bankName}</dd>
                </>
              ) : null}
              {bt.iban ? (
                <>
                  <dt>{t('portal.pay.iban')}</dt>
                  <dd>
                    <code>{bt.iban}</code>
                  </dd>
                </>
              ) : null}
              {bt.bic ? (
                <>
                  <dt>{t('portal.pay.bic')}</dt>
                  <dd>
                    <code>{bt.bic}</code>
                  </dd>
                </>
              ) : null}
              {bt.accountNumber ? (
                <>
                  <dt>{t('portal.pay.accountNumber')}</dt>
                  <dd>
                    <code>{bt.accountNumber}</code>
                  </dd>
                  <dt>{t('portal.pay.routingNumber')}</dt>
                  <dd>
                    <code>{bt.routingNumber}</code>
                  </dd>
                </>
              ) : null}
              <dt>{t('portal.pay.reference')}</dt>
              <dd>
                <code>{bt.reference}</code>
              </dd>
              <dt>{t('portal.pay.amount')}</dt>
              <dd>{money(bt.amount, bt.currency)}</dd>
            </dl>
            {bt.qr ? (
              <figure>
                <img
                  className="qr"
                  src={`/api/v1/portal/documents/${invoiceId}/qr.png`}
                  alt={t('portal.pay.qrAlt', { amount: money(bt.amount, bt.currency), holder: bt.accountHolder })}
                />
                <figcaption className="small muted">{t('portal.pay.qrCaption')}</figcaption>
              </figure>
            ) : null}
          </div>
        </div>
      ) : null}
      {!bt && p.methods.providers.length === 0 ? (
        p.payoutPrinted ? (
          <p>{t('portal.pay.noOnline')}</p>
        ) : (
          <p data-testid="no-payment-details">{t('portal.pay.noDetails', { org: p.orgName })}</p>
        )
      ) : null}
    </section>
  );
}
