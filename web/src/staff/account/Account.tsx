// My account: profile, password, sign-in factors, active sessions and API tokens.
import { NotificationPreferences } from './Notifications.tsx';
import { useState, type FormEvent } from 'react';
import { ok, setCsrfToken, staffApi } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import { useQuery } from '../../lib/router.tsx';
import { Badge, ErrorNotice, Notice, Status } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { useStaff } from '../context.ts';
import { ApiTokens } from './ApiTokens.tsx';
import { Factors } from './AccountFactors.tsx';

export function AccountPage() {
  useTitle('My account');
  const s = useStaff();
  const welcome = useQuery().get('welcome') === '1';
  const [status, setStatus] = useState<string | null>(null);
  return (
    <>
      <PageHead title="My account" />
      {welcome && !s.state.factors.totp && s.state.factors.passkeys === 0 ? (
        <Notice kind="warning" title="Secure your account next">
          You are the owner: add an authenticator app or a passkey below, so a stolen password alone cannot open your
          organization.
        </Notice>
      ) : null}
      <Status message={status} />
      <Profile onStatus={setStatus} />
      <Factors onStatus={setStatus} />
      <Password onStatus={setStatus} />
      <Sessions onStatus={setStatus} />
      <ApiTokens onStatus={setStatus} />
      <NotificationPreferences onStatus={setStatus} />
    </>
  );
}

function Profile({ onStatus }: { onStatus: (m: string) => void }) {
  const s = useStaff();
  const [name, setName] = useState(s.name ?? '');
  const [email, setEmail] = useState('');
  const rename = useAction(() => ok(staffApi.PATCH('/api/v1/me', { body: { name: name.trim() } })));
  const changeEmail = useAction(() => ok(staffApi.PUT('/api/v1/me/email', { body: { email: email.trim() } })));
  const resend = useAction(() => ok(staffApi.POST('/api/v1/me/email/verify')));
  return (
    <section className="panel" aria-labelledby="profile-h">
      <h2 id="profile-h">Profile</h2>
      <p>
        Signed in as <strong>{s.email}</strong>{' '}
        {s.state.user.emailVerified ? <Badge tone="good">verified</Badge> : <Badge tone="warn">not verified</Badge>} ·
        role {s.me.role} in {s.state.org.name}
        {!s.state.user.emailVerified ? (
          <>
            {' '}
            <Button
              variant="link"
              busy={resend.busy}
              onClick={async () => {
                if ((await resend.run()) !== undefined) onStatus(`A verification link was sent to ${s.email}`);
              }}
            >
              Send a verification link
            </Button>
          </>
        ) : null}
      </p>
      <ErrorNotice error={resend.error} focus={false} />
      <div className="grid grid-2">
        <form
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            if (await rename.run()) {
              onStatus('Name saved');
              s.refresh();
            }
          }}
        >
          <ErrorNotice error={rename.error} />
          <TextField
            label="Your name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={rename.error?.fields().name}
            autoComplete="name"
          />
          <Button type="submit" busy={rename.busy}>
            Save name
          </Button>
        </form>
        <form
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            if (await changeEmail.run()) onStatus(`A confirmation link was sent to ${email.trim()}`);
          }}
        >
          <ErrorNotice error={changeEmail.error} />
          <TextField
            label="New email address"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={changeEmail.error?.fields().email}
            autoComplete="email"
            hint="The change takes effect when you click the link we send there."
          />
          <Button type="submit" busy={changeEmail.busy}>
            Change email
          </Button>
        </form>
      </div>
    </section>
  );
}

function Password({ onStatus }: { onStatus: (m: string) => void }) {
  const [v, setV] = useState({ current: '', next: '', repeat: '' });
  const [mismatch, setMismatch] = useState<string | undefined>();
  const change = useAction(() =>
    ok(staffApi.PUT('/api/v1/me/password', { body: { currentPassword: v.current, newPassword: v.next } })),
  );
  const f = change.error?.fields() ?? {};
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (v.next !== v.repeat) return setMismatch('The two new passwords differ');
    setMismatch(undefined);
    const r = await change.run();
    if (r) {
      setCsrfToken('staff', r.csrfToken);
      setV({ current: '', next: '', repeat: '' });
      onStatus('Password changed; your other sessions were signed out');
    }
  }
  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="password-h">
      <h2 id="password-h">Password</h2>
      <ErrorNotice error={change.error} title="The password was not changed" />
      <div className="form-row">
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={v.current}
          onChange={(e) => setV({ ...v, current: e.target.value })}
          error={f.currentPassword}
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={v.next}
          onChange={(e) => setV({ ...v, next: e.target.value })}
          error={f.newPassword}
          hint="8 or more characters; common passwords are refused."
        />
        <TextField
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          value={v.repeat}
          onChange={(e) => setV({ ...v, repeat: e.target.value })}
          error={mismatch}
        />
      </div>
      <Button type="submit" busy={change.busy}>
        Change password
      </Button>
    </form>
  );
}

function Sessions({ onStatus }: { onStatus: (m: string) => void }) {
  const list = useApiQuery(['me-sessions'], (signal) => ok(staffApi.GET('/api/v1/me/sessions', { signal })));
  const end = useAction((id: string) => ok(staffApi.DELETE('/api/v1/me/sessions/{id}', { params: { path: { id } } })));
  const endAll = useAction(() => ok(staffApi.DELETE('/api/v1/me/sessions')));
  const others = list.data?.items.filter((x) => !x.current).length ?? 0;
  return (
    <section className="panel" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Where you are signed in</h2>
      <ErrorNotice error={list.error ?? end.error ?? endAll.error} focus={false} />
      {list.data ? (
        <ul className="plain-list">
          {list.data.items.map((x) => (
            <li key={x.id}>
              {x.userAgent ?? 'Unknown browser'} · {x.ip ?? 'unknown IP'} · last active {dateTime(x.lastSeenAt)}{' '}
              {x.current ? <Badge tone="info">this browser</Badge> : null}{' '}
              {!x.current ? (
                <Button
                  variant="link"
                  onClick={async () => {
                    if ((await end.run(x.id)) !== undefined) {
                      onStatus('Session ended');
                      void list.refetch();
                    }
                  }}
                >
                  Sign out this session
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {others > 0 ? (
        <Button
          variant="danger"
          busy={endAll.busy}
          onClick={async () => {
            const r = await endAll.run();
            if (r) {
              onStatus(`${r.ended} other session(s) signed out`);
              void list.refetch();
            }
          }}
        >
          Sign out everywhere else
        </Button>
      ) : null}
    </section>
  );
}
