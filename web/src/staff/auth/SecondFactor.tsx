// The second step of signing in: an authenticator-app code, a passkey, or a recovery code.
import { useState, type FormEvent } from 'react';
import { useAction } from '../../lib/hooks.ts';
import { ErrorNotice } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { passkeySignIn, recoverySignIn, totpSignIn } from './auth-api.ts';

export function SecondFactorForm({ onDone, passkeys = true }: { onDone: () => void; passkeys?: boolean }) {
  const [mode, setMode] = useState<'totp' | 'recovery'>('totp');
  const [code, setCode] = useState('');
  const submitCode = useAction(() =>
    mode === 'totp' ? totpSignIn(code.replace(/\s/g, '')) : recoverySignIn(code.trim()),
  );
  const pk = useAction(() => passkeySignIn({ second: true }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await submitCode.run();
    if (r) onDone();
  }

  return (
    <>
      <form onSubmit={submit} noValidate>
        <ErrorNotice error={submitCode.error} title="That code did not work" />
        {mode === 'totp' ? (
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
        ) : (
          <TextField
            label="Recovery code"
            autoComplete="off"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            hint="Each recovery code works once."
            autoFocus
          />
        )}
        <Button type="submit" variant="primary" busy={submitCode.busy}>
          Continue
        </Button>{' '}
        <Button
          variant="link"
          onClick={() => {
            setMode(mode === 'totp' ? 'recovery' : 'totp');
            setCode('');
          }}
        >
          {mode === 'totp' ? 'Use a recovery code instead' : 'Use my authenticator app instead'}
        </Button>
      </form>
      {passkeys ? (
        <>
          <hr />
          <ErrorNotice error={pk.error} title="Passkey check did not work" />
          <Button
            onClick={async () => {
              if (await pk.run()) onDone();
            }}
            busy={pk.busy}
          >
            Use a passkey
          </Button>
        </>
      ) : null}
    </>
  );
}
