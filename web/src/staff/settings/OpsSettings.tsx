// Operations settings: outgoing email (SMTP from the server configuration, with a test send)
// and the instance's encrypted backups.
import { useState } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { dateTime, num } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Badge, ErrorNotice, Loading, Notice, Status } from '../../ui/feedback.tsx';
import { Button } from '../../ui/forms.tsx';
import { SettingsFrame } from './Settings.tsx';
import { DataTable } from '../../ui/DataTable.tsx';

export function EmailSettingsPage() {
  const st = useApiQuery(['security-email'], (signal) => ok(staffApi.GET('/api/v1/security/email', { signal })));
  const test = useAction(() => ok(staffApi.POST('/api/v1/security/email/test')));
  const [status, setStatus] = useState<string | null>(null);
  const d = st.data;
  return (
    <SettingsFrame title="Email settings">
      <Status message={status} />
      <section className="panel" aria-labelledby="email-h">
        <h2 id="email-h">Outgoing email</h2>
        <p className="muted small">
          Set on the server with SEALBILL_SMTP_URL and SEALBILL_MAIL_FROM (see the README); passwords are never shown
          here.
        </p>
        <ErrorNotice error={st.error ?? test.error} />
        {st.isPending ? <Loading /> : null}
        {d ? (
          <>
            {d.transport === 'outbox' ? (
              <Notice kind="warning" title="No SMTP relay configured">
                Emails are written to the outbox folder on the server instead of being sent. Set SEALBILL_SMTP_URL to
                send them.
              </Notice>
            ) : null}
            {d.transport === 'smtp' && d.tls === 'none' ? (
              <Notice kind="warning" title="Email leaves without TLS">
                The relay is reached in plain text: documents, sign-in codes and links can be read on the network. Use
                smtps:// or STARTTLS.
              </Notice>
            ) : null}
            <dl className="facts">
              <dt>Transport</dt>
              <dd>{d.transport === 'smtp' ? 'SMTP relay' : 'Outbox folder (not sent)'}</dd>
              {d.host ? (
                <>
                  <dt>Relay</dt>
                  <dd>
                    <code>
                      {d.host}:{d.port}
                    </code>
                  </dd>
                  <dt>Encryption</dt>
                  <dd>
                    {d.tls === 'implicit' ? (
                      <Badge tone="good">TLS (smtps)</Badge>
                    ) : d.tls === 'starttls' ? (
                      <Badge tone="good">STARTTLS required</Badge>
                    ) : d.tls === 'opportunistic' ? (
                      <Badge tone="warn">STARTTLS if offered</Badge>
                    ) : (
                      <Badge tone="bad">none</Badge>
                    )}
                  </dd>
                </>
              ) : null}
              <dt>From</dt>
              <dd>{d.from}</dd>
            </dl>
            <Button
              busy={test.busy}
              onClick={async () => {
                const r = await test.run();
                if (r)
                  setStatus(
                    r.ok
                      ? `Test email sent to ${r.to}`
                      : r.outcome === 'saved_to_outbox'
                        ? `Saved to the outbox, not sent — configure SMTP (SEALBILL_SMTP_URL). Nothing reached ${r.to}.`
                        : `The test email failed: ${r.error}`,
                  );
              }}
            >
              Send me a test email
            </Button>
          </>
        ) : null}
      </section>
    </SettingsFrame>
  );
}

export function BackupsPage() {
  const st = useApiQuery(['security-backups'], (signal) => ok(staffApi.GET('/api/v1/security/backups', { signal })));
  const d = st.data;
  return (
    <SettingsFrame title="Backups">
      <section className="panel" aria-labelledby="backups-h">
        <h2 id="backups-h">Encrypted backups</h2>
        <p className="muted small">
          Backups are encrypted to recipients whose private keys this server does not hold, and written to a separate
          target.
        </p>
        <ErrorNotice error={st.error} />
        {st.isPending ? <Loading /> : null}
        {d ? (
          <>
            {!d.configured ? (
              <Notice kind="warning" title="Backups are not configured">
                Set SEALBILL_BACKUP_TARGET and SEALBILL_BACKUP_RECIPIENTS on the server (see the README). Until then,
                nothing protects your data against a lost disk.
              </Notice>
            ) : null}
            <dl className="facts">
              <dt>Schedule</dt>
              <dd>{d.intervalHours ? `every ${d.intervalHours} h` : 'none'}</dd>
              <dt>Last successful backup</dt>
              <dd>{d.lastSuccessAt ? dateTime(d.lastSuccessAt) : 'never'}</dd>
            </dl>
            {d.runs.length > 0 ? (
              <DataTable
                label="Backup runs"
                caption="Recent runs"
                showCaption
                rows={d.runs}
                rowKey={(r) => r.startedAt}
                columns={[
                  { header: 'Started', cell: (r) => dateTime(r.startedAt) },
                  { header: 'Finished', cell: (r) => dateTime(r.finishedAt) },
                  {
                    header: 'Status',
                    cell: (r) => (
                      <>
                        <Badge tone={r.status === 'done' ? 'good' : r.status === 'failed' ? 'bad' : 'info'}>
                          {r.status === 'done' ? 'succeeded' : r.status}
                        </Badge>
                        {r.error ? <div className="field-error">{r.error}</div> : null}
                      </>
                    ),
                  },
                  {
                    header: 'Size',
                    numeric: true,
                    cell: (r) => (r.size === null ? '—' : `${num(Math.round(r.size / 1024))} KiB`),
                  },
                ]}
              />
            ) : null}
          </>
        ) : null}
      </section>
    </SettingsFrame>
  );
}
