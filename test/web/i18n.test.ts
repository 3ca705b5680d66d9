// The web catalogue contract (issue #15 item 4): every shipped web language translates every key
// of the client portal and the shared UI it shows (`portal.*`, `ui.*`, `statement.*`) and of the
// public pages a client reaches (`public.*`: sealed link, verification), keeps each text's
// {placeholders}, leaves none empty and invents no key; the staff app's keys may stay English.
// Switching the language switches the words and, for the portal, the formats.
import { afterEach, describe, expect, it } from 'vitest';
import { date, money } from '../../web/src/lib/format.ts';
import {
  CATALOGUES,
  currentLanguage,
  setLanguage,
  shippedLanguage,
  t,
  tParts,
  TRANSLATED_PREFIXES,
  type Catalogue,
} from '../../web/src/lib/i18n.ts';
import { en } from '../../web/src/lib/messages.en.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const translated = Object.keys(en).filter((k) => TRANSLATED_PREFIXES.some((p) => k.startsWith(p)));

/** What is wrong with a catalogue, empty when nothing is. */
function problems(c: Partial<Catalogue>) {
  const all = en as Record<string, string>;
  const own = c as Record<string, string>;
  return {
    missing: translated.filter((k) => !(k in own)),
    unknown: Object.keys(own).filter((k) => !(k in all)),
    placeholders: Object.keys(own).filter(
      (k) => k in all && placeholders(own[k]!).join() !== placeholders(all[k]!).join(),
    ),
    empty: Object.keys(own).filter((k) => own[k]!.trim() === ''),
  };
}
const none = { missing: [], unknown: [], placeholders: [], empty: [] };

describe('web catalogues', () => {
  afterEach(() => setLanguage('en', { formats: true }));

  it('ship English, German and French, and translate a real share of the screens', () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual(['de', 'en', 'fr']);
    expect(translated.length).toBeGreaterThan(150);
    // The sealed-link and verification pages are among them.
    expect(translated.filter((k) => k.startsWith('public.')).length).toBeGreaterThan(80);
  });

  it.each(Object.keys(CATALOGUES).filter((l) => l !== 'en'))('%s has every portal and shared-UI key', (lang) => {
    expect(problems(CATALOGUES[lang]!)).toEqual(none);
  });

  it('the check catches a missing key, a changed placeholder and an unknown key', () => {
    const broken: Record<string, string> = { ...(CATALOGUES.de as Record<string, string>) };
    delete broken['portal.signOut'];
    broken['portal.pay.heading'] = '{betrag} bezahlen';
    broken['portal.nope'] = 'x';
    expect(problems(broken)).toEqual({
      missing: ['portal.signOut'],
      unknown: ['portal.nope'],
      placeholders: ['portal.pay.heading'],
      empty: [],
    });
  });

  it('switches words and formats with the language; unknown languages get English', () => {
    setLanguage('de-AT', { formats: true });
    expect(currentLanguage()).toBe('de');
    expect(money(123_456, 'EUR')).toMatch(/^€\s1\.234,56$/); // Austrian, as the client's documents write it
    setLanguage('de-DE', { formats: true });
    expect(t('portal.nav.invoices')).toBe('Rechnungen');
    expect(t('portal.header', { org: 'Acme', client: 'Zeta' })).toBe('Acme · Kundenportal für Zeta');
    expect(money(123_456, 'EUR')).toMatch(/^1\.234,56\s€$/);
    // Staff keys are not translated: English.
    expect(t('clients.title')).toBe('Clients');
    setLanguage('fr-FR', { formats: true });
    expect(t('ui.status.partially_paid')).toBe('Payé en partie');
    expect(date('2026-12-31')).toBe('31 déc. 2026');
    expect(t('public.verdict.authentic.quote', { issuer: 'Acme' })).toBe('Authentique : ce devis a été émis par Acme');
    setLanguage('nl-NL', { formats: true });
    expect(currentLanguage()).toBe('en');
    expect(t('portal.nav.invoices')).toBe('Invoices');
    expect(shippedLanguage('pt-BR')).toBeNull();
    expect(shippedLanguage('FR_ca')).toBe('fr');
  });

  it('puts markup where each language puts its placeholder', () => {
    setLanguage('fr');
    const parts = tParts('portal.pay.fingerprint', { fingerprint: 'FP', link: 'LINK' });
    const text = parts.map((p) => String((p.props as { children: unknown }).children)).join('');
    expect(text).toBe(
      'Empreinte de vérification : FP. Elle doit correspondre à celle imprimée sur le PDF de votre facture ; LINK avant de payer.',
    );
  });
});
