// Server-rendered pay-link pages. Every value is HTML-escaped; the only script is our own
// /pay/assets/pay.js (no inline script, no inline style: the CSP forbids both). The page's CSP
// allows Stripe.js only when the org enabled the embedded Payment Element.
import { readFileSync } from 'node:fs';
import { formatAmount } from '../../../shared/money/money.ts';
import type { PayPage } from '../pay-page.service.ts';

const here = new URL('.', import.meta.url);
export const PAY_JS = readFileSync(new URL('pay.js', here));
export const PAY_CSS = readFileSync(new URL('pay.css', here));

const PROVIDER_LABEL: Record<string, string> = { stripe: 'Pay by card (Stripe)', paypal: 'Pay with PayPal' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The CSP of a pay page: the global policy, plus Stripe's hosts only for the embedded option. */
export function payPageCsp(embedded: boolean): string {
  const stripe = embedded ? ' https://js.stripe.com' : '';
  return [
    "default-src 'self'",
    `script-src 'self'${stripe}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${embedded ? ' https://api.stripe.com' : ''}`,
    `frame-src ${embedded ? 'https://js.stripe.com https://hooks.stripe.com' : "'none'"}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/pay/assets/pay.css">
<script src="/pay/assets/pay.js" defer></script>
</head>
<body>
${body}
</body>
</html>`;
}

function row(label: string, value: string | null, copy = true): string {
  if (!value) return '';
  return `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd><dd>${copy ? `<button type="button" class="copy" data-copy="${escapeHtml(value.replace(/\s+/g, ''))}">Copy</button>` : ''}</dd>`;
}

export function renderPayPage(page: PayPage, apiBase: string): string {
  const amount = `${page.currency} ${formatAmount(page.amountDue, page.currency)}`;
  const bt = page.methods.bankTransfer;
  const providers = page.methods.providers;
  const state =
    page.status === 'paid'
      ? '<p class="paid">This invoice is paid. Thank you.</p>'
      : page.status === 'closed'
        ? '<p>This invoice cannot be paid online.</p>'
        : '';
  const online = providers.length
    ? `<section class="methods" aria-labelledby="online">
<h2 id="online">Pay online</h2>
${providers.map((p) => `<button type="button" data-provider="${p.name}" data-embedded="false">${escapeHtml(PROVIDER_LABEL[p.name] ?? p.name)}</button>${p.embedded ? `<button type="button" data-provider="${p.name}" data-embedded="true">Pay by card on this page</button>` : ''}`).join('\n')}
<div id="payment-element"></div>
<button type="button" id="payment-confirm" hidden>Pay ${escapeHtml(amount)}</button>
<p class="note">You enter card or PayPal details on the provider's own page; they never reach us.</p>
</section>`
    : '';
  const bank = bt
    ? `<section class="bank" aria-labelledby="bank">
<h2 id="bank">Bank transfer</h2>
<dl>
${row('Account holder', bt.accountHolder)}${row('IBAN', bt.iban)}${row('BIC', bt.bic)}${row('Bank', bt.bankName, false)}${row('Account', bt.accountNumber)}${row('Routing', bt.routingNumber)}${row('Amount', formatAmount(bt.amount, bt.currency))}${row('Reference', bt.reference)}
</dl>
${bt.qr ? `<img class="qr" src="${escapeHtml(apiBase)}/qr.png" alt="SEPA transfer QR code: scan it with your banking app">` : ''}
${bt.unchangedSince ? `<p class="note">Payment details unchanged since ${escapeHtml(bt.unchangedSince.slice(0, 10))}. If someone tells you our bank details changed, call us before paying.</p>` : ''}
</section>`
    : '';
  // Shown whatever the status: the payer compares it with the fingerprint printed on the PDF they hold.
  const check = page.verification
    ? `<section class="verify" aria-labelledby="verify">
<h2 id="verify">Is this invoice genuine?</h2>
<p>Verification fingerprint: <code>${escapeHtml(page.verification.fingerprint)}</code></p>
<p class="note">It must match the fingerprint printed on your invoice. Before paying, you can <a href="${escapeHtml(page.verification.verifyUrl)}">check the invoice on the verification page</a> with its number, amount and bank account.</p>
</section>`
    : '';
  return layout(
    `Invoice ${page.invoiceNumber} · ${page.orgName}`,
    `<main id="pay" data-api="${escapeHtml(apiBase)}">
<h1>Invoice ${escapeHtml(page.invoiceNumber)}</h1>
<p class="org">${escapeHtml(page.orgName)}</p>
<p class="amount">Amount due: <strong>${escapeHtml(amount)}</strong></p>
${page.dueDate ? `<p>Due ${escapeHtml(page.dueDate)}</p>` : ''}
${state}
${check}
${page.status === 'open' ? online + bank : ''}
<p class="error" id="pay-error" role="alert" hidden></p>
</main>`,
  );
}

export function renderCompletePage(outcome: 'success' | 'cancelled'): string {
  const body =
    outcome === 'success'
      ? '<h1>Thank you</h1><p>Your payment was handed to the payment provider. Once it is confirmed you will receive a receipt by email.</p>'
      : '<h1>Payment cancelled</h1><p>Nothing was charged. Use your payment link again to choose another method.</p>';
  return layout(
    outcome === 'success' ? 'Payment received' : 'Payment cancelled',
    `<main id="pay-complete">${body}</main>`,
  );
}

export function renderErrorPage(message: string): string {
  return layout('Payment link', `<main><h1>Payment link unavailable</h1><p>${escapeHtml(message)}</p></main>`);
}
