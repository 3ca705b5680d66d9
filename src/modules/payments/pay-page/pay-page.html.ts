// Server-rendered pay-link pages. Every value is HTML-escaped; the only script is our own
// /pay/assets/pay.js (no inline script, no inline style: the CSP forbids both). The page's CSP
// allows Stripe.js only when the org enabled the embedded Payment Element.
// The words are the server catalogue's (`pay.*`, issue #15 item 4), in the invoice's language and
// format locale, so the page says what the invoice's PDF and emails say; the pages without an
// invoice (completion, an unusable link) follow the browser's Accept-Language.
import { readFileSync } from 'node:fs';
import { FALLBACK_LANGUAGE, LANGUAGES, t, type MessageParams } from '../../../shared/i18n/messages.ts';
import { dateFormatter, moneyFormatter } from '../../documents/pdf/document-view.ts';
import type { PayPage } from '../pay-page.service.ts';

const here = new URL('.', import.meta.url);
export const PAY_JS = readFileSync(new URL('pay.js', here));
export const PAY_CSS = readFileSync(new URL('pay.css', here));

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

/** Escapes a catalogue text, then puts trusted markup where its `{name}` placeholders are. */
function withMarkup(
  lang: string,
  key: Parameters<typeof t>[1],
  params: MessageParams,
  markup: Record<string, string>,
): string {
  const marks = Object.fromEntries(Object.keys(markup).map((k, i) => [k, `\u0000${i}\u0000`]));
  let out = escapeHtml(t(lang, key, { ...params, ...marks }));
  Object.values(markup).forEach((html, i) => (out = out.replace(`\u0000${i}\u0000`, html)));
  return out;
}

/** The first shipped language the browser asks for (RFC 9110 Accept-Language, in the order given), else English. */
export function acceptedLanguage(header: string | undefined): string {
  for (const part of (header ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (!tag || tag === '*') continue;
    if (LANGUAGES.includes(tag)) return tag;
    const primary = tag.split('-')[0]!;
    if (LANGUAGES.includes(primary)) return primary;
  }
  return FALLBACK_LANGUAGE;
}

function layout(lang: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
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

function row(lang: string, label: string, value: string | null, copy = true): string {
  if (!value) return '';
  return `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd><dd>${copy ? `<button type="button" class="copy" data-copy="${escapeHtml(value.replace(/\s+/g, ''))}">${escapeHtml(t(lang, 'pay.copy'))}</button>` : ''}</dd>`;
}

export function renderPayPage(page: PayPage, apiBase: string): string {
  const lang = page.language;
  const money = moneyFormatter(page.formatLocale, page.currency);
  const day = dateFormatter(page.formatLocale);
  const amount = money(page.amountDue);
  const bt = page.methods.bankTransfer;
  const providers = page.methods.providers;
  const providerLabel = (name: string) =>
    name === 'stripe' || name === 'paypal' ? t(lang, `pay.provider.${name}`) : name;
  const state =
    page.status === 'paid'
      ? `<p class="paid">${escapeHtml(t(lang, 'pay.paid'))}</p>`
      : page.status === 'closed'
        ? `<p>${escapeHtml(t(lang, 'pay.closed'))}</p>`
        : '';
  const online = providers.length
    ? `<section class="methods" aria-labelledby="online">
<h2 id="online">${escapeHtml(t(lang, 'pay.online'))}</h2>
${providers.map((p) => `<button type="button" data-provider="${p.name}" data-embedded="false">${escapeHtml(providerLabel(p.name))}</button>${p.embedded ? `<button type="button" data-provider="${p.name}" data-embedded="true">${escapeHtml(t(lang, 'pay.embeddedCard'))}</button>` : ''}`).join('\n')}
<div id="payment-element"></div>
<button type="button" id="payment-confirm" hidden>${escapeHtml(t(lang, 'pay.payAmount', { amount }))}</button>
${
  providers.some((p) => p.name === 'stripe')
    ? `<p class="save"><label><input type="checkbox" id="save-method"> ${escapeHtml(t(lang, 'pay.saveMethod', { org: page.orgName }))}</label></p>`
    : ''
}
<p class="note">${escapeHtml(t(lang, 'pay.providerNote'))}</p>
</section>`
    : '';
  const bank = bt
    ? `<section class="bank" aria-labelledby="bank">
<h2 id="bank">${escapeHtml(t(lang, 'pay.bankTransfer'))}</h2>
<dl>
${row(lang, t(lang, 'pdf.accountHolder'), bt.accountHolder)}${row(lang, t(lang, 'pdf.iban'), bt.iban)}${row(lang, t(lang, 'pdf.bic'), bt.bic)}${row(lang, t(lang, 'pdf.bank'), bt.bankName, false)}${row(lang, t(lang, 'pdf.account'), bt.accountNumber)}${row(lang, t(lang, 'pdf.routing'), bt.routingNumber)}${row(lang, t(lang, 'pdf.amount'), money(bt.amount))}${row(lang, t(lang, 'pdf.reference'), bt.reference)}
</dl>
${bt.qr ? `<img class="qr" src="${escapeHtml(apiBase)}/qr.png" alt="${escapeHtml(t(lang, 'pay.qrAlt'))}">` : ''}
${bt.unchangedSince ? `<p class="note">${escapeHtml(t(lang, 'pay.unchangedSince', { date: day(bt.unchangedSince.slice(0, 10)) }))}</p>` : ''}
</section>`
    : '';
  // Shown whatever the status: the payer compares it with the fingerprint printed on the PDF they hold.
  const check = page.verification
    ? `<section class="verify" aria-labelledby="verify">
<h2 id="verify">${escapeHtml(t(lang, 'pay.genuine'))}</h2>
<p>${withMarkup(lang, 'pay.fingerprint', {}, { fingerprint: `<code>${escapeHtml(page.verification.fingerprint)}</code>` })}</p>
<p class="note">${withMarkup(lang, 'pay.fingerprintNote', {}, { link: `<a href="${escapeHtml(page.verification.verifyUrl)}">${escapeHtml(t(lang, 'pay.fingerprintLink'))}</a>` })}</p>
</section>`
    : '';
  // pay.js shows these words; it has no catalogue of its own.
  const words = ` data-copied="${escapeHtml(t(lang, 'pay.copied'))}" data-start-failed="${escapeHtml(t(lang, 'pay.startFailed'))}" data-not-completed="${escapeHtml(t(lang, 'pay.notCompleted'))}"`;
  return layout(
    lang,
    t(lang, 'pay.title', { number: page.invoiceNumber, org: page.orgName }),
    `<main id="pay" data-api="${escapeHtml(apiBase)}"${words}>
${page.hasLogo ? `<img class="logo" src="${escapeHtml(apiBase)}/logo" alt="${escapeHtml(page.orgName)}">` : ''}
<h1>${escapeHtml(t(lang, 'pay.heading', { number: page.invoiceNumber }))}</h1>
<p class="org">${escapeHtml(page.orgName)}</p>
<p class="amount">${withMarkup(lang, 'pay.amountDue', {}, { amount: `<strong>${escapeHtml(amount)}</strong>` })}</p>
${page.dueDate ? `<p>${escapeHtml(t(lang, 'pay.due', { date: day(page.dueDate) }))}</p>` : ''}
${state}
${check}
${page.status === 'open' ? online + bank : ''}
<p class="error" id="pay-error" role="alert" hidden></p>
</main>`,
  );
}

export function renderCompletePage(outcome: 'success' | 'cancelled', lang = FALLBACK_LANGUAGE): string {
  const success = outcome === 'success';
  const body = success
    ? `<h1>${escapeHtml(t(lang, 'pay.thanks.title'))}</h1><p>${escapeHtml(t(lang, 'pay.thanks.text'))}</p>`
    : `<h1>${escapeHtml(t(lang, 'pay.cancelled.title'))}</h1><p>${escapeHtml(t(lang, 'pay.cancelled.text'))}</p>`;
  return layout(
    lang,
    t(lang, success ? 'pay.thanks.tabTitle' : 'pay.cancelled.title'),
    `<main id="pay-complete">${body}</main>`,
  );
}

export function renderErrorPage(message: string, lang = FALLBACK_LANGUAGE): string {
  return layout(
    lang,
    t(lang, 'pay.unavailable.tabTitle'),
    `<main><h1>${escapeHtml(t(lang, 'pay.unavailable.title'))}</h1><p>${escapeHtml(message)}</p></main>`,
  );
}
