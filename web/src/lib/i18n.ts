// The seam for translations: screens take their words from a message catalogue by key, so a
// second language is a second catalogue, not an edit of every screen. `t` falls back to English;
// `{name}` placeholders are filled from `vars`.
// The client portal (and the shared pieces it shows: status badges, document lines and totals,
// notices) is translated into every shipped language (issue #15 item 4): its keys are the
// `TranslatedKey`s, which each catalogue must have (the type says so, test/web/i18n.test.ts
// checks keys and placeholders). The staff app is English for now; its keys need no translation.
import { createElement, Fragment, type ReactNode } from 'react';
import { setFormatLocale } from './format.ts';
import { de } from './messages.de.ts';
import { en } from './messages.en.ts';
import { fr } from './messages.fr.ts';

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

/**
 * Key prefixes of the screens every shipped language translates: the client portal and the UI it
 * shares (statements), and the public pages a client reaches (sealed link, verification).
 */
export const TRANSLATED_PREFIXES = ['portal.', 'ui.', 'statement.', 'public.'] as const;
export type TranslatedKey = Extract<MessageKey, `${(typeof TRANSLATED_PREFIXES)[number]}${string}`>;
/** A shipped language's catalogue: every translated key, optionally staff keys too. */
export type Translation = Record<TranslatedKey, string> & Partial<Catalogue>;

/** The shipped web languages (add one here and in its messages.<tag>.ts). */
export const CATALOGUES: Readonly<Record<string, Partial<Catalogue>>> = { en, de, fr };
let current: Partial<Catalogue> = en;
let currentTag = 'en';

/** The shipped language for a tag ("de-AT" → "de"); null when none ships. */
export function shippedLanguage(tag: string | null | undefined): string | null {
  if (!tag) return null;
  const lower = tag.replace(/_/g, '-').toLowerCase();
  if (CATALOGUES[lower]) return lower;
  const primary = lower.split('-')[0]!;
  return CATALOGUES[primary] ? primary : null;
}

/**
 * Selects the catalogue for a language tag (e.g. "de-DE" → "de"; unknown languages stay English)
 * and, with `formats`, writes numbers and dates in that tag's locale too. Screens read `t` when
 * they render, so the caller re-renders (a state change) after switching.
 */
export function setLanguage(tag: string, opts: { formats?: boolean } = {}): void {
  currentTag = shippedLanguage(tag) ?? 'en';
  current = CATALOGUES[currentTag] ?? en;
  if (opts.formats) setFormatLocale(currentTag === 'en' && shippedLanguage(tag) === null ? null : tag);
}

/** The language the screens speak now ("en", "de", …). */
export const currentLanguage = (): string => currentTag;

/** The first shipped language the browser prefers (before a portal contact has signed in), else English. */
export function browserLanguage(): string {
  const wanted = typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : [];
  for (const tag of wanted) if (shippedLanguage(tag)) return tag;
  return 'en';
}

export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const text = current[key] ?? en[key];
  return vars ? text.replace(/\{(\w+)\}/g, (m: string, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

/**
 * Like t, for a sentence with markup inside ("check {link} before paying"): the placeholders in
 * `parts` become those elements, in the order the language puts them; the words stay text.
 */
export function tParts(key: MessageKey, parts: Record<string, ReactNode>, vars?: Record<string, string | number>) {
  const text = t(key, vars);
  return text
    .split(/(\{\w+\})/)
    .filter((s) => s !== '')
    .map((s, i) => {
      const name = /^\{(\w+)\}$/.exec(s)?.[1];
      return createElement(Fragment, { key: i }, name && name in parts ? parts[name] : s);
    });
}
