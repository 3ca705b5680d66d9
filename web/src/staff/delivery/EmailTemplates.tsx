// Settings → Email templates (issue #15, item 3): the subject and opening of each message kind per
// language, with a live preview rendered by the server's own placeholder code (src/shared/
// templates.ts) on sample values. Without an own template, a language shows its built-in wording
// (the server's catalogue; English for a language Sealbill does not ship, as such clients get). The facts, links and instructions of each delivery mode follow
// the opening in every mail and are not editable; security mails keep fixed wording.
import { useState, type FormEvent } from 'react';
import { renderTemplate, unknownPlaceholders, type TemplateKind } from '../../../../src/shared/templates.ts';
import { ok, staffApi } from '../../lib/api.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import { ErrorNotice, Loading, Status } from '../../ui/feedback.tsx';
import { Button, SelectField, TextArea, TextField } from '../../ui/forms.tsx';
import { SettingsFrame } from '../settings/Settings.tsx';

const KIND_LABEL: Record<TemplateKind, string> = {
  invoice: 'Invoice',
  quote: 'Quote',
  credit_note: 'Credit note',
  reminder: 'Payment reminder (overdue)',
  reminder_before_due: 'Payment reminder (before due)',
  receipt: 'Payment receipt',
  portal_code: 'Portal sign-in code',
};
/** What every mail of the kind carries after the opening, whatever the template says. */
const FOLLOWED_BY: Partial<Record<TemplateKind, string>> = {
  receipt: '…followed by a line about the attached receipt.',
  portal_code: '…followed by the one-time code, the sign-in link and the warning, in fixed wording.',
};
const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'de', label: 'German' },
  { value: 'fr', label: 'French' },
  { value: 'nl', label: 'Dutch' },
  { value: 'es', label: 'Spanish' },
  { value: 'it', label: 'Italian' },
];
const SAMPLE: Record<string, string> = {
  'org.name': 'Your Company',
  'client.name': 'Globex Corporation',
  'document.number': 'INV-2026-00042',
  'document.kind': 'invoice',
  'document.total': '€1,234.56',
  'document.issueDate': '1 Dec 2026',
  'document.dueDate': '31 Dec 2026',
  'portal.url': 'https://billing.example.com/portal',
  'reminder.outstanding': '€1,234.56',
  'reminder.daysOverdue': '14',
  'reminder.totalDue': '€1,278.43',
  'payment.amount': '€1,234.56',
  'payment.date': '20 Dec 2026',
  'payment.method': 'bank transfer',
  'contact.name': 'Jane Doe',
};

export function EmailTemplatesPage() {
  const list = useApiQuery(['email-templates'], (signal) => ok(staffApi.GET('/api/v1/email-templates', { signal })));
  const [kind, setKind] = useState<TemplateKind>('invoice');
  const [language, setLanguage] = useState('en');
  const [status, setStatus] = useState<string | null>(null);
  const d = list.data;
  const saved = d?.items.find((t) => t.kind === kind && t.language === language);
  const builtIn = d?.kinds.find((k) => k.kind === kind);
  return (
    <SettingsFrame title="Email templates">
      <Status message={status} />
      <ErrorNotice error={list.error} />
      {!d || !builtIn ? (
        <Loading />
      ) : (
        <>
          <div className="panel">
            <p className="muted small">
              Word the subject and opening of the emails your clients receive, per language (a client’s language is on
              its page). The number, amount, fingerprint and the delivery mode’s instructions always follow; a portal
              sign-in code and its link always follow in fixed wording, and other security emails keep fixed wording.
            </p>
            <div className="form-row">
              <SelectField
                label="Message"
                value={kind}
                onChange={(e) => setKind(e.target.value as TemplateKind)}
                options={d.kinds.map((k) => ({ value: k.kind, label: KIND_LABEL[k.kind] }))}
              />
              <SelectField
                label="Language"
                value={language}
                onChange={(e) => setLanguage(e.target.value)}
                options={LANGUAGES}
              />
            </div>
          </div>
          <TemplateForm
            key={`${kind}:${language}:${saved?.updatedAt ?? 'built-in'}`}
            kind={kind}
            language={language}
            initial={saved ?? builtIn.builtIn[language] ?? builtIn.builtIn.en!}
            custom={!!saved}
            placeholders={builtIn.placeholders}
            onDone={(msg) => {
              setStatus(msg);
              void list.refetch();
            }}
          />
        </>
      )}
    </SettingsFrame>
  );
}

function TemplateForm({
  kind,
  language,
  initial,
  custom,
  placeholders,
  onDone,
}: {
  kind: TemplateKind;
  language: string;
  initial: { subject: string; body: string };
  custom: boolean;
  placeholders: string[];
  onDone: (msg: string) => void;
}) {
  const [subject, setSubject] = useState(initial.subject);
  const [body, setBody] = useState(initial.body);
  const at = { params: { path: { kind, language } } };
  const save = useAction(() =>
    ok(staffApi.PUT('/api/v1/email-templates/{kind}/{language}', { ...at, body: { subject, body } })),
  );
  const reset = useAction(async () => {
    await ok(staffApi.DELETE('/api/v1/email-templates/{kind}/{language}', at));
    return true;
  });
  const f = save.error?.fields() ?? {};
  const unknown = (text: string) => {
    const u = unknownPlaceholders(kind, text);
    return u.length ? `unknown placeholder ${u.map((x) => `{{${x}}}`).join(', ')}` : undefined;
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await save.run()) onDone('Template saved');
  }
  return (
    <form className="panel" onSubmit={submit} noValidate aria-label="Template">
      <h2>
        {KIND_LABEL[kind]} · {LANGUAGES.find((l) => l.value === language)?.label ?? language}
        {custom ? '' : ' (built-in wording)'}
      </h2>
      <ErrorNotice error={save.error ?? reset.error} title="The template was not saved" />
      <TextField
        label="Subject"
        value={subject}
        onChange={(e) => setSubject(e.target.value)}
        error={f.subject ?? unknown(subject)}
      />
      <TextArea
        label="Opening"
        rows={5}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        error={f.body ?? unknown(body)}
        hint={`Placeholders: ${placeholders.map((p) => `{{${p}}}`).join(' ')}`}
      />
      <section aria-label="Preview" className="preview">
        <h3>Preview (sample values)</h3>
        <p>
          <strong data-testid="preview-subject">{renderTemplate(subject, SAMPLE, 'header')}</strong>
        </p>
        <pre data-testid="preview-body">{renderTemplate(body, SAMPLE)}</pre>
        <p className="muted small">
          {FOLLOWED_BY[kind] ?? '…followed by the number, amount, fingerprint and the delivery mode’s instructions.'}
        </p>
      </section>
      <div className="actions">
        <Button variant="primary" type="submit" busy={save.busy}>
          Save template
        </Button>
        {custom ? (
          <Button
            busy={reset.busy}
            onClick={async () => {
              if (await reset.run()) onDone('Back to the built-in wording');
            }}
          >
            Use the built-in wording
          </Button>
        ) : null}
      </div>
    </form>
  );
}
