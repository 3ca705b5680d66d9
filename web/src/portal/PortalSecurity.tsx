// Security: the contact's own second factors. Once an authenticator app or a passkey is set up,
// the emailed code or link alone no longer opens the portal. Changing them needs a sign-in within
// the last 5 minutes; when it is older, the page offers to sign in again (and comes back here).
import { useState } from 'react';
import { dateTime } from '../lib/format.ts';
import { useAction, useTitle } from '../lib/hooks.ts';
import { useApiQuery } from '../lib/query.ts';
import type { ApiError } from '../lib/api.ts';
import { Badge, ErrorNotice, Loading, Notice, Status } from '../ui/feedback.tsx';
import { Button } from '../ui/forms.tsx';
import { PasskeySetup, TotpSetup } from '../staff/auth/Factors.tsx';
import { confirmTotp, listFactors, registerPasskey, removePasskey, removeTotp, startTotp } from './portal-auth-api.ts';
import { usePortal } from './portal-context.ts';

const stale = (e: ApiError | null | undefined) => e?.code === 'step_up_required';

export function PortalSecurityPage() {
  useTitle('Security');
  const { reauth } = usePortal();
  const factors = useApiQuery(['portal-factors'], (signal) => listFactors(signal));
  const [adding, setAdding] = useState<'totp' | 'passkey' | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [needsSignIn, setNeedsSignIn] = useState(false);
  /** A change refused for an old sign-in: show the way back instead of a bare error. */
  const guard =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await fn(...a);
      } catch (e) {
        if (stale(e as ApiError)) setNeedsSignIn(true);
        throw e;
      }
    };
  const dropTotp = useAction(guard(removeTotp));
  const dropPasskey = useAction(guard(removePasskey));
  const done = (message: string) => () => {
    setAdding(null);
    setStatus(message);
    void factors.refetch();
  };
  const f = factors.data;

  return (
    <>
      <h1>Security</h1>
      <p>
        Two-step sign-in protects your documents even if someone gets into your mailbox: after the emailed code or link,
        the portal also asks for your authenticator app or your passkey. A passkey can also sign you in on its own.
      </p>
      <Status message={status} />
      {needsSignIn ? (
        <Notice kind="warning" title="Please sign in again">
          Changing your sign-in methods needs a sign-in within the last 5 minutes.{' '}
          <Button onClick={() => void reauth()}>Sign in again</Button>
        </Notice>
      ) : null}
      <ErrorNotice
        error={
          factors.error ??
          (stale(dropTotp.error) ? null : dropTotp.error) ??
          (stale(dropPasskey.error) ? null : dropPasskey.error)
        }
      />
      {factors.isPending ? <Loading /> : null}
      {f ? (
        <>
          <section className="panel" aria-labelledby="portal-totp-h">
            <h2 id="portal-totp-h">Authenticator app</h2>
            {f.totp ? (
              <p>
                <Badge tone="good">On</Badge>{' '}
                <Button
                  variant="link"
                  busy={dropTotp.busy}
                  onClick={async () => {
                    if (await dropTotp.run()) done('Authenticator app removed')();
                  }}
                >
                  Remove the authenticator app
                </Button>
              </p>
            ) : adding === 'totp' ? (
              <TotpSetup
                onDone={done('Authenticator app added')}
                api={{ start: guard(startTotp), confirm: guard(confirmTotp) }}
              />
            ) : (
              <Button variant="primary" onClick={() => setAdding('totp')}>
                Set up an authenticator app
              </Button>
            )}
          </section>

          <section className="panel" aria-labelledby="portal-passkeys-h">
            <h2 id="portal-passkeys-h">Passkeys</h2>
            {f.passkeys.length > 0 ? (
              <ul className="plain-list" data-testid="portal-passkeys">
                {f.passkeys.map((p) => (
                  <li key={p.id}>
                    <strong>{p.name}</strong> · added {dateTime(p.createdAt)} ·{' '}
                    {p.lastUsedAt ? `last used ${dateTime(p.lastUsedAt)}` : 'not used yet'}{' '}
                    <Button
                      variant="link"
                      aria-label={`Revoke passkey ${p.name}`}
                      onClick={async () => {
                        if (await dropPasskey.run(p.id)) done(`Passkey “${p.name}” revoked`)();
                      }}
                    >
                      Revoke
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
              <PasskeySetup onDone={done('Passkey added')} register={guard(registerPasskey)} />
            ) : (
              <Button onClick={() => setAdding('passkey')}>Add a passkey</Button>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
