// First run: create the organization and its owner (POST /api/v1/setup works once, all or
// nothing), then sign in with the new password. The bootstrap API token the endpoint returns is
// shown once, with its expiry (24 hours). Should the sign-in after a completed set-up fail, the
// page says so and offers the sign-in page, rather than "set-up did not complete".
import { useState, type FormEvent } from 'react';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { navigate } from '../../lib/router.tsx';
import { ApiError, ok, publicApi } from '../../lib/api.ts';
import { toApiError } from '../../lib/hooks.ts';
import { ErrorNotice, Notice } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { PublicShell } from '../../ui/PublicShell.tsx';
import { passwordSignIn } from './auth-api.ts';

const guessZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function SetupPage({ onDone }: { onDone: () => void }) {
  useTitle('Set up Sealbill');
  const [v, setV] = useState({
    org: '',
    currency: 'EUR',
    locale: navigator.language || 'en-GB',
    timeZone: guessZone(),
    name: '',
    email: '',
    password: '',
    confirm: '',
  });
  const [mismatch, setMismatch] = useState<string | undefined>();
  const [done, setDone] = useState<{ token: string; tokenExpiresAt: string; signInError: ApiError | null } | null>(
    null,
  );
  const setup = useAction(async () => {
    const r = await ok(
      publicApi.POST('/api/v1/setup', {
        body: {
          organization: {
            name: v.org.trim(),
            defaultCurrency: v.currency.trim().toUpperCase(),
            locale: v.locale.trim(),
            timeZone: v.timeZone.trim(),
          },
          owner: { name: v.name.trim(), email: v.email.trim(), password: v.password },
        },
      }),
    );
    // The organization exists from here on: a failed sign-in is reported as such, not as a failed set-up.
    const signInError = await passwordSignIn(v.email.trim(), v.password).then(
      () => null,
      (e: unknown) => toApiError(e),
    );
    return { ...r, signInError };
  });
  const f = setup.error?.fields() ?? {};
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (v.password !== v.confirm) return setMismatch('The two passwords differ');
    setMismatch(undefined);
    const r = await setup.run();
    if (r) setDone({ token: r.token, tokenExpiresAt: r.tokenExpiresAt, signInError: r.signInError });
  }

  if (done) {
    return (
      <PublicShell>
        <div className="panel">
          <h1>Sealbill is ready</h1>
          {done.signInError ? (
            <ErrorNotice error={done.signInError} title="Your organization was created, but signing you in failed" />
          ) : (
            <Notice kind="success">
              Your organization and your owner account were created, and you are signed in.
            </Notice>
          )}
          <p>
            An owner API token was also created for scripts and integrations. It holds every permission, so it works for
            24 hours only (until {new Date(done.tokenExpiresAt).toLocaleString()}); it is shown only now. For lasting
            integrations, create a scoped token in <strong>My account → API tokens</strong>.
          </p>
          <p className="secret" data-testid="bootstrap-token">
            {done.token}
          </p>
          <Button
            variant="primary"
            onClick={() => {
              navigate(done.signInError ? '/app' : '/app/account?welcome=1');
              onDone();
            }}
          >
            {done.signInError ? 'Go to sign-in' : 'Continue: secure your account'}
          </Button>
        </div>
      </PublicShell>
    );
  }

  return (
    <PublicShell>
      <div className="panel">
        <h1>Set up Sealbill</h1>
        <p>Create your organization and its owner account. This page works only once, on a new installation.</p>
        <form onSubmit={submit} noValidate>
          <ErrorNotice error={setup.error} title="Set-up did not complete" />
          <fieldset>
            <legend>Organization</legend>
            <TextField
              label="Organization name"
              value={v.org}
              onChange={set('org')}
              error={f['organization/name']}
              required
              autoComplete="organization"
            />
            <div className="form-row">
              <TextField
                label="Currency"
                value={v.currency}
                maxLength={3}
                onChange={set('currency')}
                error={f['organization/defaultCurrency']}
                hint="e.g. EUR, GBP, USD"
              />
              <TextField
                label="Locale"
                value={v.locale}
                onChange={set('locale')}
                error={f['organization/locale']}
                hint="Format of your documents, e.g. en-GB"
              />
              <TextField
                label="Time zone"
                value={v.timeZone}
                onChange={set('timeZone')}
                error={f['organization/timeZone']}
              />
            </div>
          </fieldset>
          <fieldset>
            <legend>Owner account</legend>
            <TextField
              label="Your name"
              value={v.name}
              onChange={set('name')}
              error={f['owner/name']}
              required
              autoComplete="name"
            />
            <TextField
              label="Email"
              type="email"
              value={v.email}
              onChange={set('email')}
              error={f['owner/email']}
              required
              autoComplete="username"
            />
            <TextField
              label="Password"
              type="password"
              value={v.password}
              onChange={set('password')}
              error={f['owner/password']}
              required
              autoComplete="new-password"
              hint="At least 8 characters and hard to guess: a passphrase of three or four unrelated words is best."
            />
            <TextField
              label="Repeat the password"
              type="password"
              value={v.confirm}
              onChange={set('confirm')}
              error={mismatch}
              required
              autoComplete="new-password"
            />
          </fieldset>
          <Button type="submit" variant="primary" busy={setup.busy}>
            Create organization
          </Button>
        </form>
      </div>
    </PublicShell>
  );
}
