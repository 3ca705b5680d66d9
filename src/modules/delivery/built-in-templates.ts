// The built-in wording of each message kind, per language, from the server's message catalogue
// (`template.<kind>.subject` / `.body` in src/shared/i18n/locales). Used when the organization has
// not worded a kind for the language (templates.service.ts); its `{{placeholders}}` pass through
// the catalogue untouched and are rendered like any template (src/shared/templates.ts).
import { LANGUAGES, t } from '../../shared/i18n/messages.ts';
import { type MessageTemplate, type TemplateKind } from '../../shared/templates.ts';

/** The built-in subject and opening of `kind` in `language` (English for a language not shipped). */
export function builtInTemplate(kind: TemplateKind, language: string): MessageTemplate {
  return {
    subject: t(language, `template.${kind}.subject` as const),
    body: t(language, `template.${kind}.body` as const),
  };
}

/** Every shipped language's built-in wording of `kind` (the template editor shows it per language). */
export function builtInTemplates(kind: TemplateKind): Record<string, MessageTemplate> {
  return Object.fromEntries(LANGUAGES.map((lang) => [lang, builtInTemplate(kind, lang)]));
}
