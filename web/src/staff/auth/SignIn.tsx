import { useState, type FormEvent } from 'react';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { Link } from '../../lib/router.tsx';
import { ErrorNotice } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { PublicShell } from '../../ui/PublicShell.tsx';
import { passkeySignIn, passwordSignIn } from './auth-api.ts';
import { SecondFactorForm } from './SecondFactor.tsx';

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  useTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<'password' | 'second'>('password');
  const pw = useAction(() => passwordSignIn(email.trim(), password));
  const pk = useAction(() => passkeySignIn());

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await pw.run();
    if (!r) return;
    setPassword('');
    if (r.level === 'mfa') setStep('second');
    else onSignedIn();
  }

  return (
    <PublicShell>
      <div className="auth-card panel">
        {step === 'password' ? (
          <>
            <h1>Sign in to Sealbill</h1>
            <form onSubmit={submit} noValidate>
              <ErrorNotice error={pw.error} title="You are not signed in" />
              <TextField
                label="Email"
                type="email"
                autoComplete="username webauthn"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                required
              />
              <TextField
                label="Password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
              <div className="actions">
                <Button type="submit" variant="primary" busy={pw.busy}>
                  Sign in
                </Button>
                <Link to="/app/forgot-password">Forgot your password?</Link>
              </div>
            </form>
            <hr />
            <ErrorNotice error={pk.error} title="Passkey sign-in did not work" />
            <Button
              onClick={async () => {
                const r = await pk.run();
                if (r) onSignedIn();
              }}
              busy={pk.busy}
            >
              Sign in with a passkey
            </Button>
            <p className="muted small">A passkey signs you in without a password, and cannot be phished.</p>
          </>
        ) : (
          <>
            <h1>Confirm it's you</h1>
            <SecondFactorForm onDone={onSignedIn} />
          </>
        )}
      </div>
    </PublicShell>
  );
}
