// The second step of a portal sign-in, for contacts who set up an authenticator app or a passkey:
// the emailed code or link alone opens nothing until this step succeeds.
import { useState, type FormEvent } from 'react';
import { ok, portalApi, setCsrfToken } from '../lib/api.ts';
import { useAction } from '../lib/hooks.ts';
import { ErrorNotice } from '../ui/feedback.tsx';
import { Button, TextField } from '../ui/forms.tsx';
import { passkeyStep, totpStep, type PortalSession } from './portal-auth-api.ts';

export function PortalSecondFactor({
  factors,
  onDone,
  onCancel,
}: {
  factors: PortalSession['secondFactors'];
  onDone: (s: PortalSession) => void;
  onCancel: () => void;
}) {
  const [code, setCode] = useState('');
  const totp = useAction(() => totpStep(code.replace(/\s/g, '')));
  const passkey = useAction(passkeyStep);
  const cancel = async () => {
    await ok(portalApi.POST('/api/v1/portal/auth/logout')).catch(() => undefined);
    setCsrfToken('portal', null);
    onCancel();
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const s = await totp.run();
    if (s) onDone(s);
  }

  return (
    <div>
      <h2>Confirm it's you</h2>
      <p>
        You turned on two-step sign-in for this portal. Finish signing in with{' '}
        {factors.totp && factors.passkey
          ? 'your authenticator app or your passkey'
          : factors.totp
            ? 'your authenticator app'
            : 'your passkey'}
        .
      </p>
      {factors.totp ? (
        <form onSubmit={submit} noValidate>
          <ErrorNotice error={totp.error} title="That code did not work" />
          <TextField
            className="code-input"
            label="6-digit code from your authenticator app"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoFocus
          />
          <Button type="submit" variant="primary" busy={totp.busy}>
            Continue
          </Button>
        </form>
      ) : null}
      {factors.passkey ? (
        <>
          {factors.totp ? <hr /> : null}
          <ErrorNotice error={passkey.error} title="The passkey check did not work" />
          <Button
            variant={factors.totp ? 'secondary' : 'primary'}
            busy={passkey.busy}
            onClick={async () => {
              const s = await passkey.run();
              if (s) onDone(s);
            }}
          >
            Use my passkey
          </Button>
        </>
      ) : null}{' '}
      <Button variant="link" onClick={() => void cancel()}>
        Cancel
      </Button>
    </div>
  );
}
