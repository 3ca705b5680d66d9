// Step-up re-authentication. When the API answers 401 `step_up_required`, the API client asks
// this dialog; the user confirms with password (+ code) or a passkey; the request is retried.
import { useCallback, useRef, useState, type FormEvent } from 'react';
import { useAction } from '../../lib/hooks.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorNotice } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { stepUpPasskey, stepUpPassword } from './auth-api.ts';

export interface StepUpController {
  open: boolean;
  reason: string;
  request: (reason: string) => Promise<boolean>;
  settle: (ok: boolean) => void;
}

export function useStepUp(): StepUpController {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const pending = useRef<((ok: boolean) => void) | null>(null);
  const request = useCallback((why: string) => {
    pending.current?.(false);
    setReason(why);
    setOpen(true);
    return new Promise<boolean>((resolve) => {
      pending.current = resolve;
    });
  }, []);
  const settle = useCallback((ok: boolean) => {
    setOpen(false);
    pending.current?.(ok);
    pending.current = null;
  }, []);
  return { open, reason, request, settle };
}

export function StepUpDialog({ controller: c }: { controller: StepUpController }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const pw = useAction(() => stepUpPassword(password, code.replace(/\s/g, '') || null));
  const pk = useAction(stepUpPasskey);

  const finish = (ok: boolean) => {
    setPassword('');
    setCode('');
    pw.setError(null);
    pk.setError(null);
    c.settle(ok);
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await pw.run()) finish(true);
  }

  return (
    <Dialog open={c.open} title="Confirm it's you" onClose={() => finish(false)}>
      <p>{c.reason || 'This action needs you to sign in again.'}</p>
      <form onSubmit={submit} noValidate>
        <ErrorNotice error={pw.error} title="Not confirmed" />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoFocus
        />
        <TextField
          label="Code from your authenticator app (if you use one)"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <div className="actions">
          <Button type="submit" variant="primary" busy={pw.busy}>
            Confirm
          </Button>
          <Button
            busy={pk.busy}
            onClick={async () => {
              if (await pk.run()) finish(true);
            }}
          >
            Use a passkey
          </Button>
          <Button variant="link" onClick={() => finish(false)}>
            Cancel
          </Button>
        </div>
        <ErrorNotice error={pk.error} title="Passkey check did not work" />
      </form>
    </Dialog>
  );
}
