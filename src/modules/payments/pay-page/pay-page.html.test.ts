// The pay page in the invoice's language (issue #15 item 4): words from the server catalogue,
// amounts and dates in the invoice's format locale, every value still escaped, and markup only
// where the page puts it (the fingerprint's <code>, the verification link).
import { describe, expect, it } from 'vitest';
import type { PayPage } from '../pay-page.service.ts';
import { acceptedLanguage, renderCompletePage, renderPayPage } from './pay-page.html.ts';

const page = (language: string, formatLocale: string): PayPage => ({
  orgName: 'Acme <GmbH>',
  invoiceNumber: 'RE-1',
  currency: 'EUR',
  amountDue: 123_456,
  dueDate: '2026-12-31',
  status: 'open',
  payoutPrinted: true,
  language,
  formatLocale,
  verification: { fingerprint: 'RFJP-L36X-YAJ4-V2CJ', verifyUrl: 'https://v.test/verify#fp=RFJP-L36X-YAJ4-V2CJ' },
  methods: {
    providers: [{ name: 'stripe', embedded: false, publishableKey: null }],
    bankTransfer: {
      accountHolder: 'Acme GmbH',
      bankName: null,
      iban: 'DE89 3704 0044 0532 0130 00',
      bic: null,
      accountNumber: null,
      routingNumber: null,
      reference: 'RF18 0000 0000 0000 0000 1',
      amount: 123_456,
      currency: 'EUR',
      unchangedSince: '2026-01-05T10:00:00Z',
      qr: null,
    },
  },
});

describe('pay page languages', () => {
  it('writes a German page: words, amounts and dates as the invoice does', () => {
    const html = renderPayPage(page('de', 'de-DE'), '/api/v1/pay/x');
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<title>Rechnung RE-1 · Acme &lt;GmbH&gt;</title>');
    expect(html).toMatch(/<p class="amount">Offener Betrag: <strong>1\.234,56\s€<\/strong><\/p>/);
    expect(html).toContain('<p>Fällig am 31.12.2026</p>');
    expect(html).toContain('>Mit Karte zahlen (Stripe)</button>');
    expect(html).toContain('<dt>Kontoinhaber</dt>');
    expect(html).toContain('<dt>Verwendungszweck</dt>');
    expect(html).toContain('Bankverbindung unverändert seit 05.01.2026.');
    expect(html).toContain('<p>Prüf-Fingerabdruck: <code>RFJP-L36X-YAJ4-V2CJ</code></p>');
    expect(html).toContain(
      'können Sie <a href="https://v.test/verify#fp=RFJP-L36X-YAJ4-V2CJ">die Rechnung auf der Prüfseite prüfen</a>, mit',
    );
    expect(html).toContain('data-copied="Kopiert"');
    expect(html).not.toMatch(/Amount due|Bank transfer|Pay online|Copy</);
  });

  it('writes a French page, and English as before', () => {
    const fr = renderPayPage(page('fr', 'fr-FR'), '/api/v1/pay/x');
    expect(fr).toMatch(/Montant dû : <strong>1\s234,56\s€<\/strong>/);
    expect(fr).toContain('<h2 id="verify">Cette facture est-elle authentique ?</h2>');
    const en = renderPayPage(page('en', 'en-GB'), '/api/v1/pay/x');
    expect(en).toContain('<p class="amount">Amount due: <strong>€1,234.56</strong></p>');
    expect(en).toContain('<h2 id="bank">Bank transfer</h2>');
    expect(en).toContain('<p>Verification fingerprint: <code>RFJP-L36X-YAJ4-V2CJ</code></p>');
  });

  it('keeps values escaped where a placeholder carries markup', () => {
    const p = page('en', 'en-GB');
    const html = renderPayPage(
      { ...p, verification: { fingerprint: '<b>x</b>', verifyUrl: 'https://v.test/"><script>' } },
      '/api/v1/pay/x',
    );
    expect(html).toContain('<code>&lt;b&gt;x&lt;/b&gt;</code>');
    expect(html).toContain('href="https://v.test/&quot;&gt;&lt;script&gt;"');
    expect(html).not.toContain('\u0000');
  });

  it('follows Accept-Language where there is no invoice', () => {
    expect(acceptedLanguage('fr-CH, fr;q=0.9, en;q=0.8')).toBe('fr');
    expect(acceptedLanguage('nl-NL, de;q=0.7')).toBe('de');
    expect(acceptedLanguage('nl')).toBe('en');
    expect(acceptedLanguage(undefined)).toBe('en');
    expect(renderCompletePage('cancelled', 'de')).toContain('<h1>Zahlung abgebrochen</h1>');
  });
});
