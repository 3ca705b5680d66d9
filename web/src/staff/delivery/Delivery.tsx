// Sending a document (the delivery modes) and its delivery history with the evidence chain.
import { useState, type FormEvent } from 'react';
import { idempotencyKey, ok, staffApi } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import {
  DELIVERY_MODE_LABELS,
  kindPath,
  PLAIN_MODE_WARNING,
  type Answer,
  type DeliveryMode,
  type DocumentDto,
} from '../../lib/types.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { Badge, ErrorNotice, Notice } from '../../ui/feedback.tsx';
import { Button, Checkbox, SelectField, TextArea, TextField } from '../../ui/forms.tsx';

type SealedLinkCreated = Answer<'/api/v1/invoices/{id}/sealed-links', 'post'>;
type Delivery = Answer<'/api/v1/invoices/{id}/deliveries'>['items'][number];

export function SendDialog({
  open,
  doc,
  onClose,
  onSent,
}: {
  open: boolean;
  doc: DocumentDto;
  onClose: () => void;
  onSent: (message: string) => void;
}) {
  const [mode, setMode] = useState<DeliveryMode | ''>('');
  const [days, setDays] = useState('14');
  const [requireCode, setRequireCode] = useState(false);
  const [link, setLink] = useState<SealedLinkCreated | null>(null);
  // The wording staff edited for this sending (null: the template's, as previewed).
  const [edited, setEdited] = useState<{ subject: string; body: string } | null>(null);
  const path = { params: { path: { id: doc.id } } };
  const hours = () => Math.max(1, Math.min(90, Number(days) || 14)) * 24;
  const body = {
    ...(mode ? { mode } : {}),
    ...(mode === 'sealed-link' ? { sealedLink: { expiresInHours: hours(), maxDownloads: null, requireCode } } : {}),
    ...(edited ? { message: edited } : {}),
  };
  // The template's wording for the chosen mode; edits replace its opening in the text shown.
  const { message: _edited, ...previewBody } = body;
  const preview = useApiQuery(
    ['send-preview', doc.id, mode, requireCode],
    (signal) => ok(staffApi.POST(kindPath(doc.kind, '/{id}/send/preview'), { ...path, body: previewBody, signal })),
    { enabled: open },
  );
  const shown = preview.data;
  const send = useAction(() =>
    ok(staffApi.POST(kindPath(doc.kind, '/{id}/send'), { ...path, headers: idempotencyKey(), body })),
  );
  const makeLink = useAction(() =>
    ok(
      staffApi.POST(kindPath(doc.kind, '/{id}/sealed-links'), {
        ...path,
        body: { expiresInHours: hours(), maxDownloads: null, requireCode },
      }),
    ),
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await send.run();
    if (r) onSent(sendOutcome([r, ...r.alsoDelivered]));
  }

  return (
    <Dialog
      open={open}
      title={`Send ${doc.number ?? ''}`}
      onClose={link ? () => onSent('Sealed link created') : onClose}
    >
      {link ? (
        <>
          <Notice kind="success" title="Sealed link created">
            Share this link with your client. It is shown only now: the decryption key is the part after “#”, which
            Sealbill never stores. It expires {dateTime(link.expiresAt)}.
          </Notice>
          <p className="secret" data-testid="sealed-link-url">
            {link.url}
          </p>
          <Button variant="primary" onClick={() => onSent('Sealed link created')}>
            Done
          </Button>
        </>
      ) : (
        <form onSubmit={submit}>
          <ErrorNotice error={send.error ?? makeLink.error} title="Nothing was sent" />
          <SelectField
            label="Delivery mode"
            value={mode}
            onChange={(e) => setMode(e.target.value as DeliveryMode | '')}
            options={[
              { value: '', label: "The client's default" },
              ...Object.entries(DELIVERY_MODE_LABELS).map(([value, label]) => ({ value, label })),
            ]}
            hint={
              mode === 'plain'
                ? PLAIN_MODE_WARNING
                : "Encrypted modes need the client's OpenPGP key or S/MIME certificate on file."
            }
          />
          {mode === 'sealed-link' ? (
            <>
              <TextField
                label="Link valid for (days)"
                inputMode="numeric"
                value={days}
                onChange={(e) => setDays(e.target.value)}
              />
              <Checkbox
                label="Also require a one-time code sent by email"
                checked={requireCode}
                onChange={(e) => setRequireCode(e.target.checked)}
              />
            </>
          ) : null}
          <ErrorNotice error={preview.error} title="This sending would be refused" />
          {shown ? (
            <>
              <p>
                To:{' '}
                {shown.recipients
                  .map((r) => `${r.email} (${DELIVERY_MODE_LABELS[r.mode]}${r.billing ? ', billing address' : ''})`)
                  .join(', ')}
              </p>
              <TextField
                label="Subject"
                value={edited?.subject ?? shown.subject}
                onChange={(e) => setEdited({ subject: e.target.value, body: edited?.body ?? shown.opening })}
              />
              <TextArea
                label="Message"
                rows={4}
                value={edited?.body ?? shown.opening}
                onChange={(e) => setEdited({ subject: edited?.subject ?? shown.subject, body: e.target.value })}
                hint="The number, amount, fingerprint and the delivery mode’s instructions follow; they are not editable."
              />
              <details>
                <summary>The whole message</summary>
                <pre data-testid="send-preview-text">
                  {(edited?.body ?? shown.opening) + shown.text.slice(shown.opening.length)}
                </pre>
              </details>
            </>
          ) : null}
          <div className="actions">
            <Button type="submit" variant="primary" busy={send.busy}>
              Send by email
            </Button>
            {mode === 'sealed-link' ? (
              <Button
                busy={makeLink.busy}
                onClick={async () => {
                  const r = await makeLink.run();
                  if (r) setLink(r);
                }}
              >
                Create a link to share myself
              </Button>
            ) : null}
            <Button onClick={onClose}>Cancel</Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/** What the sending did, said plainly: a message saved to the outbox was not sent. */
export function sendOutcome(all: Delivery[]): string {
  const to = (d: Delivery) => d.recipient ?? 'the client';
  const failed = all.filter((d) => d.status === 'failed');
  if (failed.length === all.length) return `Sending failed: ${failed[0]?.error ?? 'see the delivery history'}`;
  if (all.some((d) => d.status === 'saved_to_outbox')) {
    return `Saved to the outbox, not sent — configure SMTP (SEALBILL_SMTP_URL) to send mail. Nothing reached ${all.map(to).join(' or ')}.`;
  }
  const ok = all.filter((d) => d.status !== 'failed');
  return `Sent to ${ok.map(to).join(' and ')}.${failed.length ? ` Failed for ${failed.map(to).join(', ')}.` : ''} The deliveries and their evidence are listed below.`;
}

const STATUS_LABEL: Record<string, string> = {
  saved_to_outbox: 'saved to the outbox, not sent',
  relayed: 'sent (accepted by the mail server)',
};

const TONE: Record<string, 'good' | 'warn' | 'bad' | 'info' | 'neutral'> = {
  submitted: 'info',
  relayed: 'info',
  saved_to_outbox: 'warn',
  accessed: 'good',
  acknowledged: 'good',
  failed: 'bad',
  bounced: 'bad',
  revoked: 'neutral',
};

export function DeliveryHistory({ doc }: { doc: DocumentDto }) {
  const list = useApiQuery(['deliveries', doc.id, doc.sentAt], (signal) =>
    ok(staffApi.GET(kindPath(doc.kind, '/{id}/deliveries'), { params: { path: { id: doc.id } }, signal })),
  );
  return (
    <section className="panel" aria-labelledby="delivery-h">
      <h2 id="delivery-h">Delivery history</h2>
      <ErrorNotice error={list.error} focus={false} />
      {list.data && list.data.items.length === 0 ? <p className="muted">Not sent yet.</p> : null}
      {list.data?.items.map((d) => (
        <details key={d.id} className="delivery">
          <summary>
            {dateTime(d.createdAt)} · {d.mode} to {d.recipient ?? 'the portal'}{' '}
            <Badge tone={TONE[d.status] ?? 'neutral'}>{STATUS_LABEL[d.status] ?? d.status}</Badge>
          </summary>
          {d.error ? <p className="field-error">{d.error}</p> : null}
          <p className="small">
            Document SHA-256: <code>{d.documentSha256}</code>
          </p>
          <p className="small">
            Evidence certificate:{' '}
            <a href={`/api/v1/deliveries/${d.id}/certificate.pdf`} download>
              PDF
            </a>{' '}
            ·{' '}
            <a href={`/api/v1/deliveries/${d.id}/certificate.json`} download>
              signed JSON
            </a>
          </p>
          <ol className="small">
            {d.events.map((e) => (
              <li key={e.seq}>
                {dateTime(e.at)} · {STATUS_LABEL[e.type] ?? e.type}
                {e.timestamped ? ' · timestamped (RFC 3161)' : ''} · <code>{e.hash.slice(0, 16)}…</code>
              </li>
            ))}
          </ol>
        </details>
      ))}
    </section>
  );
}
