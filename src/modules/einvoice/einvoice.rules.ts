// Pre-issue checks: is this model complete and consistent for that format? Fast and in-process
// (no XSLT engine on the request path): a few hundred microseconds for a typical invoice. The
// rule ids are the official ones (EN 16931 BR-*, XRechnung BR-DE-*, Peppol PEPPOL-EN16931-*)
// so a user can look them up; Sealbill's own start with SB-. Each result names the Sealbill field
// to fix (einvoice.fields.ts). Tests prove that what these checks refuse, the official rules
// refuse too, for the designed-broken scenarios (test/einvoice/einvoice-rules.test.ts).
import type { EinvoiceFormat } from './einvoice.formats.ts';
import type { EinvoiceModel } from './einvoice.model.ts';
import { sealbillField } from './einvoice.fields.ts';
import { ciusRules } from './rules/cius.rules.ts';
import { coreRules } from './rules/core.rules.ts';
import { Findings } from './rules/findings.ts';
import { vatRules } from './rules/vat.rules.ts';

export interface EinvoiceIssue {
  /** e.g. BR-AE-02, BR-DE-15, PEPPOL-EN16931-R010, SB-CUR-01. */
  ruleId: string;
  message: string;
  /** Sealbill's name for what to fix, e.g. client.vatId, org.contactEmail, invoice.buyerReference. */
  field: string;
}

/** Every rule `model` breaks for `format`, in a stable order; empty when it may be issued. */
export function checkEinvoice(model: EinvoiceModel, format: EinvoiceFormat): EinvoiceIssue[] {
  const f = new Findings();
  coreRules(model, f);
  vatRules(model, f);
  ciusRules(model, format, f);
  const seen = new Set<string>();
  const issues: EinvoiceIssue[] = [];
  for (const finding of f.list) {
    const issue = {
      ruleId: finding.ruleId,
      message: finding.message,
      field: sealbillField(finding.path, finding.category),
    };
    const key = `${issue.ruleId}|${issue.field}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}
