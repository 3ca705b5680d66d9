// A partial sign-in: the second factor is still due ('mfa'), or the organization's policy
// requires a factor this user does not have yet ('enrol': forced enrolment).
import { useState } from 'react';
import { useTitle } from '../../lib/hooks.ts';
import { Notice } from '../../ui/feedback.tsx';
import { Button } from '../../ui/forms.tsx';
import { PublicShell } from '../../ui/PublicShell.tsx';
import type { SessionState } from './auth-api.ts';
import { PasskeySetup, RecoveryCodes, TotpSetup } from './Factors.tsx';
import { SecondFactorForm } from './SecondFactor.tsx';

export function EnrolPage({
  state,
  onDone,
  onSignOut,
}: {
  state: SessionState;
  onDone: () => void;
  onSignOut: () => Promise<void>;
}) {
  useTitle(state.level === 'mfa' ? 'Confirm it’s you' : 'Set up two-step sign-in');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [method, setMethod] = useState<'totp' | 'passkey'>(state.requirement === 'passkey' ? 'passkey' : 'totp');

  return (
    <PublicShell>
      <div className="auth-card panel">
        {state.level === 'mfa' ? (
          <>
            <h1>Confirm it's you</h1>
            <SecondFactorForm onDone={onDone} />
          </>
        ) : codes ? (
          <RecoveryCodes codes={codes} onDone={onDone} />
        ) : (
          <>
            <h1>Set up two-step sign-in</h1>
            <Notice kind="info">
              {state.org.name} requires {state.requirement === 'passkey' ? 'a passkey' : 'a second factor'} for your
              account. Set it up now to continue.
            </Notice>
            {state.requirement !== 'passkey' ? (
              <div className="actions" role="group" aria-label="Choose a method">
                <Button
                  variant={method === 'totp' ? 'primary' : 'secondary'}
                  aria-pressed={method === 'totp'}
                  onClick={() => setMethod('totp')}
                >
                  Authenticator app
                </Button>
                <Button
                  variant={method === 'passkey' ? 'primary' : 'secondary'}
                  aria-pressed={method === 'passkey'}
                  onClick={() => setMethod('passkey')}
                >
                  Passkey
                </Button>
              </div>
            ) : null}
            {method === 'totp' ? (
              <TotpSetup onDone={(c) => (c && c.length ? setCodes(c) : onDone())} />
            ) : (
              <PasskeySetup onDone={(c) => (c && c.length ? setCodes(c) : onDone())} />
            )}
          </>
        )}
        <p>
          <Button variant="link" onClick={() => void onSignOut()}>
            Sign out
          </Button>
        </p>
      </div>
    </PublicShell>
  );
}
