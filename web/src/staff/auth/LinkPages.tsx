// Pages behind the links Sealbill emails (the token is in the URL fragment, so it never reaches a
// server log or a Referer header): password reset, email verification, unlock, invitation,
// sign-up confirmation; plus the "forgot password" and self-service sign-up request forms.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ok as answer, publicApi } from '../../lib/api.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Link, useLocation } from '../../lib/router.tsx';
import { ErrorNotice, Loading, Notice } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { PublicShell } from '../../ui/PublicShell.tsx';

export const LINK_PAGES = [
  '/app/forgot-password',
  '/app/reset-password',
  '/app/verify-email',
  '/app/unlock',
  '/app/invitation',
  '/app/signup',
];

function useFragmentToken(): string | null {
  const { hash } = useLocation();
  return new URLSearchParams(hash.replace(/^#/, '')).get('token');
}

function Card({ title, children }: { title: string; children: ReactNode }) {
  useTitle(title);
  return (
    <PublicShell>
      <div className="auth-card panel">
        <h1>{title}</h1>
        {children}
      </div>
    </PublicShell>
  );
}

const toSignIn = (
  <p>
    <Link to="/app">Go to sign-in</Link>
  </p>
);

function ForgotPassword() {
  const [email, setEmail] = useState('');
  const req = useAction(() => answer(publicApi.POST('/api/v1/auth/password-reset', { body: { email: email.trim() } })));
  const [done, setDone] = useState<string | null>(null);
  return (
    <Card title="Reset your password">
      {done ? (
        <Notice kind="success">{done}</Notice>
      ) : (
        <form
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await req.run();
            if (r) setDone(r.message);
          }}
        >
          <ErrorNotice error={req.error} />
          <TextField
            label="Email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={req.error?.fields().email}
          />
          <Button type="submit" variant="primary" busy={req.busy}>
            Email me a reset link
          </Button>
        </form>
      )}
      {toSignIn}
    </Card>
  );
}

function ResetPassword({ token }: { token: string }) {
  const [pw, setPw] = useState('');
  const set = useAction(() =>
    answer(publicApi.POST('/api/v1/auth/password-reset/confirm', { body: { token, newPassword: pw } })),
  );
  const [done, setDone] = useState(false);
  return (
    <Card title="Choose a new password">
      {done ? (
        <Notice kind="success" title="Password changed">
          Every session was signed out. Sign in with the new password (your second factor is still asked for).
        </Notice>
      ) : (
        <form
          noValidate
          onSubmit={async (e: FormEvent) => {
            e.preventDefault();
            if (await set.run()) setDone(true);
          }}
        >
          <ErrorNotice error={set.error} title="The password was not changed" />
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            value={pw}
            onChange={(e) => setPw(e.target.value)}
            error={set.error?.fields().newPassword}
          />
          <Button type="submit" variant="primary" busy={set.busy}>
            Set password
          </Button>
        </form>
      )}
      {toSignIn}
    </Card>
  );
}

/** A link that does its work on arrival (verify email, unlock, sign-up confirmation). */
function OneShot({
  title,
  path,
  done,
}: {
  title: string;
  path: '/api/v1/auth/verify-email' | '/api/v1/auth/unlock' | '/api/v1/auth/signup/confirm';
  done: string;
}) {
  const token = useFragmentToken()!;
  const started = useRef(false);
  const run = useAction(() => answer(publicApi.POST(path, { body: { token } })));
  const [ok, setOk] = useState(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void run.run().then((r) => setOk(r !== undefined));
  }, []);
  return (
    <Card title={title}>
      {run.busy ? <Loading /> : null}
      {ok ? <Notice kind="success">{done}</Notice> : null}
      <ErrorNotice error={run.error} title="This link no longer works" />
      {toSignIn}
    </Card>
  );
}

function Invitation({ token }: { token: string }) {
  const info = useApiQuery(['invitation', token], () =>
    answer(publicApi.POST('/api/v1/auth/invitations/inspect', { body: { token } })),
  );
  const [v, setV] = useState({ name: '', password: '' });
  const accept = useAction(() =>
    answer(
      publicApi.POST('/api/v1/auth/invitations/accept', {
        body: { token, ...(info.data?.accountExists ? {} : { name: v.name.trim(), password: v.password }) },
      }),
    ),
  );
  const [done, setDone] = useState(false);
  const f = accept.error?.fields() ?? {};
  return (
    <Card title="Join an organization">
      <ErrorNotice error={info.error} title="This invitation no longer works" />
      {info.isPending ? <Loading /> : null}
      {done ? (
        <Notice kind="success" title="Invitation accepted">
          Sign in to start.
        </Notice>
      ) : null}
      {info.data && !done ? (
        <form
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            if (await accept.run()) setDone(true);
          }}
        >
          <p>
            You are invited to <strong>{info.data.orgName}</strong> as <strong>{info.data.role}</strong>, with the
            address {info.data.email}.
          </p>
          <ErrorNotice error={accept.error} title="The invitation was not accepted" />
          {info.data.accountExists ? null : (
            <>
              <TextField
                label="Your name"
                value={v.name}
                onChange={(e) => setV({ ...v, name: e.target.value })}
                error={f.name}
                autoComplete="name"
              />
              <TextField
                label="Choose a password"
                type="password"
                value={v.password}
                onChange={(e) => setV({ ...v, password: e.target.value })}
                error={f.password}
                autoComplete="new-password"
              />
            </>
          )}
          <Button type="submit" variant="primary" busy={accept.busy}>
            Accept invitation
          </Button>
        </form>
      ) : null}
      {toSignIn}
    </Card>
  );
}

function SignUp() {
  const [v, setV] = useState({ org: '', name: '', email: '', password: '' });
  const req = useAction(() =>
    answer(
      publicApi.POST('/api/v1/auth/signup', {
        body: {
          organization: { name: v.org.trim() },
          owner: { name: v.name.trim(), email: v.email.trim(), password: v.password },
        },
      }),
    ),
  );
  const [done, setDone] = useState<string | null>(null);
  const f = req.error?.fields() ?? {};
  return (
    <Card title="Create an organization">
      {done ? (
        <Notice kind="success">{done}</Notice>
      ) : (
        <form
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await req.run();
            if (r) setDone(r.message);
          }}
        >
          <ErrorNotice error={req.error} />
          <TextField
            label="Organization name"
            value={v.org}
            onChange={(e) => setV({ ...v, org: e.target.value })}
            error={f['organization/name']}
          />
          <TextField
            label="Your name"
            value={v.name}
            onChange={(e) => setV({ ...v, name: e.target.value })}
            error={f['owner/name']}
            autoComplete="name"
          />
          <TextField
            label="Email"
            type="email"
            value={v.email}
            onChange={(e) => setV({ ...v, email: e.target.value })}
            error={f['owner/email']}
            autoComplete="username"
          />
          <TextField
            label="Password"
            type="password"
            value={v.password}
            onChange={(e) => setV({ ...v, password: e.target.value })}
            error={f['owner/password']}
            autoComplete="new-password"
          />
          <Button type="submit" variant="primary" busy={req.busy}>
            Sign up
          </Button>
        </form>
      )}
      {toSignIn}
    </Card>
  );
}

export function LinkPage({ path }: { path: string }) {
  const token = useFragmentToken();
  if (path === '/app/forgot-password') return <ForgotPassword />;
  if (path === '/app/signup' && !token) return <SignUp />;
  if (!token) {
    return (
      <Card title="This link is incomplete">
        <p>Copy the whole link from the email (including the part after “#”) and open it again.</p>
        {toSignIn}
      </Card>
    );
  }
  if (path === '/app/reset-password') return <ResetPassword token={token} />;
  if (path === '/app/invitation') return <Invitation token={token} />;
  if (path === '/app/verify-email')
    return (
      <OneShot title="Confirm your email" path="/api/v1/auth/verify-email" done="Your email address is confirmed." />
    );
  if (path === '/app/unlock')
    return (
      <OneShot
        title="Unlock sign-in"
        path="/api/v1/auth/unlock"
        done="Signing in is unlocked. If the failed attempts were not yours, change your password after signing in."
      />
    );
  return (
    <OneShot
      title="Confirm your sign-up"
      path="/api/v1/auth/signup/confirm"
      done="Your organization is created. Sign in with the email and password you chose."
    />
  );
}
