// The language a document is written in (issue #15 item 4): the client's, where Sealbill ships a
// catalogue for it (src/shared/i18n/locales), else English. It is decided when the snapshot is
// built, so an issued document keeps its language when the client's changes later, and a draft
// preview shows the client's current one.
import { FALLBACK_LANGUAGE, resolveLanguage, t, type MessageKey } from '../../shared/i18n/messages.ts';
import type { VatCategory } from '../einvoice/einvoice.model.ts';
import type { EinvoiceSnapshot, StoredLine } from './document.schemas.ts';
import { lineCategory } from './line-category.ts';
import { dateFormatter } from './pdf/document-view.ts';

export interface DocumentLanguage {
  /** The catalogue language ("de"). */
  language: string;
  /** The BCP 47 locale dates and numbers are written in ("de-AT"). */
  formatLocale: string;
}

function canonical(tag: string | null | undefined): string | null {
  if (!tag) return null;
  try {
    return Intl.getCanonicalLocales(tag.replace(/_/g, '-'))[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * Words and formats always agree: a client in "de-AT" gets German words with Austrian dates and
 * numbers; a client whose language Sealbill does not ship gets English, formatted in the org's
 * locale when that is English (as every document was before languages), else in en-GB.
 */
export function documentLanguage(clientLanguage: string | null | undefined, orgLocale: string): DocumentLanguage {
  const client = canonical(clientLanguage);
  const language = resolveLanguage(client);
  if (client && (language !== FALLBACK_LANGUAGE || client.toLowerCase().split('-')[0] === FALLBACK_LANGUAGE))
    return { language, formatLocale: client };
  const org = canonical(orgLocale);
  return {
    language: FALLBACK_LANGUAGE,
    formatLocale: org && resolveLanguage(org) === FALLBACK_LANGUAGE ? org : 'en-GB',
  };
}

// The categories whose exemption reason (BT-120) Sealbill can state itself (einvoice.totals.ts'
// STANDARD_EXEMPTIONS); an exemption E must name its own legal basis, so it gets no default.
const DEFAULT_REASON: Partial<Record<VatCategory, MessageKey>> = {
  AE: 'einvoice.exemption.AE',
  K: 'einvoice.exemption.K',
  G: 'einvoice.exemption.G',
  O: 'einvoice.exemption.O',
};

/** The e-invoice free texts of a document in its language, frozen in the snapshot at issue. */
export function einvoiceTexts(
  lang: DocumentLanguage,
  lines: ReadonlyArray<Pick<StoredLine, 'taxCategory' | 'taxRateBp'>>,
  dueDate: string | null,
): NonNullable<EinvoiceSnapshot['texts']> {
  const exemptionReasons: Partial<Record<VatCategory, string>> = {};
  for (const l of lines) {
    const category = lineCategory(l);
    const key = DEFAULT_REASON[category];
    if (key) exemptionReasons[category] = t(lang.language, key);
  }
  const paymentTerms = dueDate
    ? t(lang.language, 'einvoice.paymentTerms', { dueDate: dateFormatter(lang.formatLocale)(dueDate) })
    : null;
  return { exemptionReasons, paymentTerms };
}
