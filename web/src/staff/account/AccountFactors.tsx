// Two-step sign-in: the authenticator app, passkeys and recovery codes of one's own account.
// Adding or removing a factor needs a recent sign-in (the step-up dialog appears when needed).
import { useState } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Badge, ErrorNotice } from '../../ui/feedback.tsx';
import { Button } from '../../ui/forms.tsx';
import { regenerateRecoveryCodes, removePasskey, removeTotp } from '../auth/auth-api.ts';
import { PasskeySetup, RecoveryCodes, TotpSetup } from '../auth/Factors.tsx';
import { useStaff } from '../context.ts';

export function Factors({ onStatus }: { onStatus: (m: string) => void }) {
  const s = useStaff();
  const f = s.state.factors;
  const [adding, setAdding] = useState<'totp' | 'passkey' | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const passkeys = useApiQuery(['me-passkeys', f.passkeys], (signal) =>
    ok(staffApi.GET('/api/v1/me/passkeys', { signal })),
  );
  const dropTotp = useAction(removeTotp);
  const dropPasskey = useAction(removePasskey);
  const regen = useAction(regenerateRecoveryCodes);
  const done = (message: string) => (c: string[] | null) => {
    setAdding(null);
    if (c && c.length) setCodes(c);
    onStatus(message);
    s.refresh();
  };

  return (
    <section className="panel" aria-labelledby="factors-h">
      <h2 id="factors-h">Two-step sign-in</h2>
      <p className="muted small">
        Your organization's policy:{' '}
        {s.state.org.mfaPolicy === 'off'
          ? 'optional'
          : s.state.org.mfaPolicy === 'passkeys'
            ? 'passkeys required'
            : 'a second factor is required'}
        .
      </p>
      {codes ? <RecoveryCodes codes={codes} onDone={() => setCodes(null)} /> : null}
      <ErrorNotice error={dropTotp.error ?? dropPasskey.error ?? regen.error} />

      <h3>Authenticator app</h3>
      {f.totp ? (
        <p>
          <Badge tone="good">On</Badge>{' '}
          <Button
            variant="link"
            onClick={async () => {
              if (window.confirm('Remove the authenticator app from your account?') && (await dropTotp.run())) {
                onStatus('Authenticator app removed');
                s.refresh();
              }
            }}
          >
            Remove
          </Button>
        </p>
      ) : adding === 'totp' ? (
        <TotpSetup onDone={done('Authenticator app added')} />
      ) : (
        <Button variant="primary" onClick={() => setAdding('totp')}>
          Set up an authenticator app
        </Button>
      )}

      <h3>Passkeys</h3>
      {passkeys.data && passkeys.data.items.length > 0 ? (
        <ul className="plain-list">
          {passkeys.data.items.map((p) => (
            <li key={p.id}>
              <strong>{p.name}</strong> · added {dateTime(p.createdAt)} ·{' '}
              {p.lastUsedAt ? `last used ${dateTime(p.lastUsedAt)}` : 'not used yet'}{' '}
              {p.backedUp ? <Badge tone="info">synced</Badge> : null}{' '}
              <Button
                variant="link"
                aria-label={`Remove passkey ${p.name}`}
                onClick={async () => {
                  if (window.confirm(`Remove the passkey “${p.name}”?`) && (await dropPasskey.run(p.id))) {
                    onStatus('Passkey removed');
                    s.refresh();
                  }
                }}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">
          No passkeys yet. A passkey signs you in with your device's screen lock and cannot be phished.
        </p>
      )}
      {adding === 'passkey' ? (
        <PasskeySetup onDone={done('Passkey added')} />
      ) : (
        <Button onClick={() => setAdding('passkey')}>Add a passkey</Button>
      )}

      <h3>Recovery codes</h3>
      <p>
        {f.recoveryCodes} unused recovery code{f.recoveryCodes === 1 ? '' : 's'} left.{' '}
        {f.totp || f.passkeys > 0 ? (
          <Button
            variant="link"
            busy={regen.busy}
            onClick={async () => {
              if (!window.confirm('Generate new recovery codes? The old ones stop working.')) return;
              const r = await regen.run();
              if (r) {
                setCodes(r.recoveryCodes);
                s.refresh();
              }
            }}
          >
            Generate new codes
          </Button>
        ) : null}
      </p>
    </section>
  );
}
