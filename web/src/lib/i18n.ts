// The seam for translations: screens take their words from a message catalogue by key, so a
// second language is a second catalogue, not an edit of every screen. English is the only
// catalogue today; `t` falls back to it. `{name}` placeholders are filled from `vars`.
import { en } from './messages.en.ts';

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

const catalogues: Record<string, Partial<Catalogue>> = { en };
let current: Partial<Catalogue> = en;

/** Selects the catalogue for a language tag (e.g. "de-DE" → "de"); unknown languages stay English. */
export function setLanguage(tag: string): void {
  current = catalogues[tag] ?? catalogues[tag.split('-')[0]!] ?? en;
}

export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const text = current[key] ?? en[key];
  return vars ? text.replace(/\{(\w+)\}/g, (m: string, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}
