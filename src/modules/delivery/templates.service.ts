// Email templates (issue #15, item 3): an organization words the subject and opening of each
// message kind per language; the built-in wording of that language (the message catalogue, see
// built-in-templates.ts) stands in for the rest. A template is checked when saved — only the
// kind's placeholders, no bank details (the payment-details rule of printed text) — and rendered
// without evaluating anything.
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { notFound, unprocessable, type FieldError } from '../../platform/errors.ts';
import { FALLBACK_LANGUAGE } from '../../shared/i18n/messages.ts';
import {
  PLACEHOLDERS,
  renderTemplate,
  TEMPLATE_KINDS,
  unknownPlaceholders,
  type MessageTemplate,
  type TemplateKind,
  type TemplateValues,
} from '../../shared/templates.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import { builtInTemplate, builtInTemplates } from './built-in-templates.ts';
import { deleteTemplate, findTemplate, listTemplates, upsertTemplate } from './templates.repo.ts';

/** "de-DE" → "de". */
export const languageOf = (tag: string): string => tag.split('-')[0]!.toLowerCase();

/**
 * The language whose organization wording a message uses: the message's catalogue language, or
 * the client's own when Sealbill ships no catalogue for it (an org may word Dutch mails itself;
 * the fixed parts then stay English).
 */
export const wordingLanguageOf = (catalogueLanguage: string, clientLanguage: string | null | undefined): string =>
  catalogueLanguage === FALLBACK_LANGUAGE && clientLanguage ? languageOf(clientLanguage) : catalogueLanguage;

/** A message's subject (header-safe) and opening, as sent. */
export interface RenderedWording {
  subject: string;
  opening: string;
}

/** Field errors for placeholders the kind does not offer, at the paths of a template body. */
export function placeholderErrors(
  kind: TemplateKind,
  t: MessageTemplate,
  at: (field: 'subject' | 'body') => string,
): FieldError[] {
  return (['subject', 'body'] as const).flatMap((field) => {
    const unknown = unknownPlaceholders(kind, t[field]);
    return unknown.length
      ? [{ path: at(field), message: `unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(', ')}` }]
      : [];
  });
}

export function createTemplatesService({ db, clock, audit }: { db: Database; clock: Clock; audit: AuditService }) {
  /** The organization's wording of `kind` in `language`, or null (the built-in wording). */
  async function pick(orgId: string, kind: TemplateKind, language: string): Promise<MessageTemplate | null> {
    const row = await findTemplate(db, orgId, kind, language);
    return row ? { subject: row.subject, body: row.body } : null;
  }

  return {
    async list(orgId: string) {
      return {
        items: (await listTemplates(db, orgId)).map((r) => ({
          kind: r.kind as TemplateKind,
          language: r.language,
          subject: r.subject,
          body: r.body,
          updatedAt: r.updated_at,
        })),
        kinds: TEMPLATE_KINDS.map((kind) => ({
          kind,
          placeholders: [...PLACEHOLDERS[kind]],
          // Per shipped language: the editor shows the wording a client in that language gets today.
          builtIn: builtInTemplates(kind),
        })),
      };
    },

    async save(orgId: string, kind: TemplateKind, language: string, input: MessageTemplate, actor: AuditActor) {
      const errors = placeholderErrors(kind, input, (f) => `/body/${f}`);
      if (errors.length) throw unprocessable('The template uses placeholders this message does not offer', errors);
      const at = clock.now().toISOString();
      await inTx(db, async (tx) => {
        await upsertTemplate(tx, {
          org_id: orgId,
          kind,
          language,
          subject: input.subject,
          body: input.body,
          updated_by: actor.id ?? 'unknown',
          updated_at: at,
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'template.saved',
          objectType: 'message_template',
          objectId: `${kind}:${language}`,
        });
      });
      return { kind, language, subject: input.subject, body: input.body, updatedAt: at };
    },

    async remove(orgId: string, kind: TemplateKind, language: string, actor: AuditActor): Promise<void> {
      await inTx(db, async (tx) => {
        if (!(await deleteTemplate(tx, orgId, kind, language))) throw notFound('Template');
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'template.deleted',
          objectType: 'message_template',
          objectId: `${kind}:${language}`,
        });
      });
    },

    pick,

    /**
     * Renders `kind` for a client: the organization's wording for the client's language, else the
     * built-in one in the catalogue language `language`. For mails outside a delivery (receipts,
     * portal sign-in codes), whose fixed parts the caller appends.
     */
    async render(
      orgId: string,
      kind: TemplateKind,
      language: string,
      clientLanguage: string | null | undefined,
      values: TemplateValues,
    ): Promise<RenderedWording> {
      const own = await pick(orgId, kind, wordingLanguageOf(language, clientLanguage));
      const wording = own ?? builtInTemplate(kind, language);
      return {
        subject: renderTemplate(wording.subject, values, 'header'),
        opening: renderTemplate(wording.body, values).trim(),
      };
    },
  };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;
