// The catalogue contract a translator works against: every shipped language has exactly English's
// keys, keeps each text's {placeholders}, and leaves nothing empty that English fills. A file
// dropped into locales/ is shipped (and checked here) without any code change.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import en from './locales/en.json' with { type: 'json' };
import {
  catalogueOf,
  LANGUAGES,
  messagesFor,
  parseCatalogue,
  placeholdersOf,
  plural,
  resolveLanguage,
  t,
  templatePlaceholdersOf,
} from './messages.ts';

const files = readdirSync(new URL('./locales/', import.meta.url)).filter((f) => f.endsWith('.json'));

describe('message catalogue', () => {
  it('ships at least English, German and French, one file each', () => {
    expect(LANGUAGES).toEqual(expect.arrayContaining(['en', 'de', 'fr']));
    expect(files.sort()).toEqual(LANGUAGES.map((l) => `${l}.json`));
  });

  describe.each(LANGUAGES.filter((l) => l !== 'en'))('%s', (lang) => {
    const messages = catalogueOf(lang)!;

    it('has every English key and no other', () => {
      const missing = Object.keys(en).filter((k) => !(k in messages));
      // A language with more plural forms than English may add `.zero/.two/.few/.many` to a plural key.
      const pluralForm = (k: string) => /\.(zero|two|few|many)$/.test(k) && k.replace(/\.\w+$/, '.other') in en;
      const unknown = Object.keys(messages).filter((k) => !(k in en) && !pluralForm(k));
      expect({ missing, unknown }).toEqual({ missing: [], unknown: [] });
    });

    it('keeps the placeholders of each text', () => {
      const changed = Object.entries(en)
        .filter(([k, text]) => k in messages && placeholdersOf(messages[k]!).join() !== placeholdersOf(text).join())
        .map(([k]) => k);
      expect(changed).toEqual([]);
    });

    it('keeps the {{placeholders}} of each email template', () => {
      const changed = Object.entries(en)
        .filter(
          ([k, text]) =>
            k in messages && templatePlaceholdersOf(messages[k]!).join() !== templatePlaceholdersOf(text).join(),
        )
        .map(([k]) => k);
      expect(changed).toEqual([]);
    });

    it('leaves no text empty that English fills', () => {
      const empty = Object.entries(en)
        .filter(([k, text]) => text !== '' && (messages[k] ?? '').trim() === '')
        .map(([k]) => k);
      expect(empty).toEqual([]);
    });
  });

  it('the checks catch a broken translation', () => {
    const broken = { ...en, 'einvoice.paymentTerms': 'Zahlbar bis {date}.' } as Record<string, string>;
    delete broken['pdf.total'];
    expect(Object.keys(en).filter((k) => !(k in broken))).toEqual(['pdf.total']);
    expect(placeholdersOf(broken['einvoice.paymentTerms']!)).not.toEqual(placeholdersOf(en['einvoice.paymentTerms']));
    const template = { ...en, 'template.invoice.subject': 'Rechnung {{document.nummer}}' } as Record<string, string>;
    expect(templatePlaceholdersOf(template['template.invoice.subject']!)).not.toEqual(
      templatePlaceholdersOf(en['template.invoice.subject']),
    );
    expect(() => parseCatalogue('xx.json', '{"pdf.total": 5}')).toThrow(/"pdf.total" must be a string/);
    expect(() => parseCatalogue('xx.json', '["Total"]')).toThrow(/JSON object/);
  });

  it('resolves tags to a shipped language, else English', () => {
    expect(resolveLanguage('de-AT')).toBe('de');
    expect(resolveLanguage('fr_CH')).toBe('fr');
    expect(resolveLanguage('FR')).toBe('fr');
    expect(resolveLanguage('en-US')).toBe('en');
    expect(resolveLanguage('tlh')).toBe('en');
    expect(resolveLanguage('')).toBe('en');
    expect(resolveLanguage(null)).toBe('en');
  });

  it('looks texts up with {placeholder} substitution and English fallback', () => {
    expect(t('de-DE', 'document.invoice')).toBe('Rechnung');
    expect(t('fr', 'document.invoice')).toBe('Facture');
    expect(t('es-ES', 'document.invoice')).toBe('Invoice');
    expect(t('de', 'einvoice.paymentTerms', { dueDate: '05.12.2026' })).toBe('Zahlbar bis zum 05.12.2026.');
    // A missing value shows the placeholder rather than silently dropping it.
    expect(t('en', 'einvoice.paymentTerms')).toBe('Payment due by {dueDate}.');
    expect(t('en', 'einvoice.paymentTerms', {})).toBe('Payment due by {dueDate}.');
    expect(messagesFor('fr-BE')['pdf.dueDate']).toBe('Date d’échéance');
    expect(messagesFor('xx')).toBe(messagesFor('en'));
  });

  it('leaves {{template placeholders}} to the template renderer', () => {
    expect(t('de', 'template.invoice.subject', { org: 'x' })).toBe('Rechnung {{document.number}} von {{org.name}}');
    expect(placeholdersOf('{{org.name}} {number}')).toEqual(['number']);
    expect(templatePlaceholdersOf('{{ org.name }} {number} {{document.number}}')).toEqual([
      'document.number',
      'org.name',
    ]);
  });

  it('chooses plural forms by the language (Intl.PluralRules)', () => {
    const n = (lang: string, count: number) => plural(lang, 'mail.sealed.expiryDownloads', count, { expiresAt: 'X' });
    expect(n('en', 1)).toBe('The link works until X UTC and for 1 download.');
    expect(n('en', 3)).toBe('The link works until X UTC and for 3 downloads.');
    expect(n('de', 1)).toBe('Der Link funktioniert bis X UTC und für 1 Download.');
    expect(n('de', 2)).toBe('Der Link funktioniert bis X UTC und für 2 Downloads.');
    // French counts 0 and 1 as singular.
    expect(n('fr', 0)).toContain('pour 0 téléchargement.');
    expect(n('fr', 5)).toContain('pour 5 téléchargements.');
    // A language Sealbill does not ship gets English, with English plural rules.
    expect(plural('pl', 'mail.sealed.expiryDownloads', 3, { expiresAt: 'X' })).toContain('3 downloads');
  });
});
