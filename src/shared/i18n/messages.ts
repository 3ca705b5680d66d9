// The server's message catalogue (issue #15 item 4): the words on documents (PDF labels, legal VAT
// wordings, e-invoice free texts) by key, one JSON file per language in ./locales. A translator
// adds a language by adding `<tag>.json` there (a copy of en.json with its values translated):
// the directory is read once at load, so no code changes. messages.test.ts fails when a shipped
// file lacks a key English has, has one it does not, or changes a {placeholder}.
//
// The only I/O is reading these data files once, like the PDF fonts; lookups are pure.
import { readdirSync, readFileSync } from 'node:fs';
import en from './locales/en.json' with { type: 'json' };

export type MessageKey = keyof typeof en;
export type Messages = Readonly<Record<MessageKey, string>>;
export type MessageParams = Readonly<Record<string, string | number>>;

/** English is the reference catalogue and the fallback for any language or key we lack. */
export const FALLBACK_LANGUAGE = 'en';

const LOCALES_DIR = new URL('./locales/', import.meta.url);

/** Parses one catalogue file: a flat JSON object of strings (anything else is a broken file). */
export function parseCatalogue(name: string, text: string): Record<string, string> {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new Error(`i18n: ${name} must be a JSON object of "key": "text" pairs`);
  for (const [key, value] of Object.entries(data))
    if (typeof value !== 'string') throw new Error(`i18n: ${name}: "${key}" must be a string`);
  return data as Record<string, string>;
}

function loadCatalogues(): ReadonlyMap<string, Readonly<Record<string, string>>> {
  const all = new Map<string, Record<string, string>>();
  for (const file of readdirSync(LOCALES_DIR).sort()) {
    const m = /^([a-z]{2,3}(?:-[a-z0-9]{2,8})*)\.json$/i.exec(file);
    if (!m) continue;
    all.set(m[1]!.toLowerCase(), parseCatalogue(file, readFileSync(new URL(file, LOCALES_DIR), 'utf8')));
  }
  all.set(FALLBACK_LANGUAGE, en);
  return all;
}

const catalogues = loadCatalogues();

/** The languages shipped as catalogue files ("de", "en", "fr", …), sorted. */
export const LANGUAGES: readonly string[] = [...catalogues.keys()].sort();

/** The raw catalogue of a shipped language (for the completeness test and tooling). */
export function catalogueOf(language: string): Readonly<Record<string, string>> | undefined {
  return catalogues.get(language.toLowerCase());
}

/**
 * The catalogue language for a BCP 47 tag: the whole tag if a file has it ("pt-br"), else its
 * primary language ("de-AT" → "de"), else English.
 */
export function resolveLanguage(tag: string | null | undefined): string {
  if (!tag) return FALLBACK_LANGUAGE;
  const lower = tag.replace(/_/g, '-').toLowerCase();
  if (catalogues.has(lower)) return lower;
  const primary = lower.split('-')[0]!;
  return catalogues.has(primary) ? primary : FALLBACK_LANGUAGE;
}

// `{name}` is filled by t(); `{{name.path}}` belongs to the email template language
// (src/shared/templates.ts) and passes through t() untouched, to be rendered later.
const PARAM = /(?<!\{)\{(\w+)\}(?!\})/g;
const TEMPLATE_PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

/** The `{name}` placeholders of a text, sorted (what a translation must keep). */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PARAM)].map((m) => m[1]!))].sort();
}

/** The `{{name}}` template placeholders of a text, sorted (a translated template must offer the same). */
export function templatePlaceholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(TEMPLATE_PLACEHOLDER)].map((m) => m[1]!))].sort();
}

/**
 * The text of `key` in `language` (any BCP 47 tag; see resolveLanguage), with `{name}`
 * placeholders filled from `params`. A key the language lacks falls back to English; a
 * placeholder without a value stays as written, so a mistake shows instead of vanishing.
 */
export function t(language: string, key: MessageKey, params?: MessageParams): string {
  const text = catalogues.get(resolveLanguage(language))?.[key] ?? en[key];
  return params
    ? text.replace(PARAM, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole))
    : text;
}

const pluralRules = new Map<string, Intl.PluralRules>();

/** Keys with one text per plural category (CLDR: `.one`, `.other`, and `.few`/`.many` where a language needs them). */
type PluralBase = MessageKey extends infer K ? (K extends `${infer B}.other` ? B : never) : never;

/**
 * The text of `base` for `count`, by the language's plural rules (Intl.PluralRules): `base.one`,
 * `base.other`, … A category the catalogue lacks (a language with more forms than English) falls
 * back to `.other`. `{count}` is filled with the count; other params as in t().
 */
export function plural(language: string, base: PluralBase, count: number, params?: MessageParams): string {
  const lang = resolveLanguage(language);
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang))); // one per supported language
  const category = rules.select(count);
  const key = `${base}.${category}`;
  const chosen = (key in (catalogues.get(lang) ?? {}) || key in en ? key : `${base}.other`) as MessageKey;
  return t(lang, chosen, { count, ...params });
}

/** Every message of a language (English where it lacks one): for callers that need many keys at once. */
export function messagesFor(language: string): Messages {
  const lang = resolveLanguage(language);
  let all = merged.get(lang);
  if (!all) {
    all = Object.freeze({ ...en, ...catalogues.get(lang) }) as Messages;
    merged.set(lang, all);
  }
  return all;
}
const merged = new Map<string, Messages>();
