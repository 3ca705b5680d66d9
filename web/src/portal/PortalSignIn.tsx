import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ok, publicApi, setCsrfToken } from '../lib/api.ts';
import { useAction, useTitle } from '../lib/hooks.ts';
import { t } from '../lib/i18n.ts';
import { navigate, useLocation } from '../lib/router.tsx';
import { ErrorNotice, Loading, Notice } from '../ui/feedback.tsx';
import { Button, TextField } from '../ui/forms.tsx';
import { portalOrg, type PortalMe } from './portal-context.ts';
import { passkeySignIn, pendingState, type PortalSession } from './portal-auth-api.ts';
import { PortalSecondFactor } from './PortalSecondFactor.tsx';

const KIND_PATH: Record<string, string> = { invoice: 'documents', quote: 'documents', credit_note: 'documents' };

export function PortalSignIn({ onSignedIn }: { onSignedIn: (me: PortalMe) => void }) {
  useTitle(t('portal.signIn.tabTitle'));
  const { search } = useLocation();
  const [orgId] = useState(() => portalOrg(search));
  const [email, setEmail] = useState('');
  const [challenge, setChallenge] = useState<string | null>(null);
  const [code, setCode] = useState('');
  /** Set when the emailed code was right but the contact's second factor is still due. */
  const [pending, setPending] = useState<PortalSession['secondFactors'] | null>(null);
  const request = useAction(() =>
    ok(publicApi.POST('/api/v1/portal/auth/code', { body: { orgId, email: email.trim() } })),
  );
  // The code form is shown only once a challenge was issued.
  const verify = useAction(() =>
    ok(publicApi.POST('/api/v1/portal/auth/code/verify', { body: { challengeId: challenge!, code: code.trim() } })),
  );
  const passkey = useAction(() => passkeySignIn(orgId));

  useEffect(() => {
    // A partial sign-in survives a reload: offer its second step again.
    void pendingState()
      .then((p) => {
        if (p?.level === 'mfa') setPending(p.secondFactors);
      })
      .catch(() => undefined);
  }, []);

  async function ask(e: FormEvent) {
    e.preventDefault();
    const r = await request.run();
    if (r) setChallenge(r.challengeId);
  }
  async function confirm(e: FormEvent) {
    e.preventDefault();
    const s = await verify.run();
    if (!s) return;
    setCsrfToken('portal', s.csrfToken);
    if (s.level === 'mfa') setPending(s.secondFactors);
    else onSignedIn(s);
  }

  if (!orgId) {
    return (
      <div className="auth-card panel">
        <h1>{t('portal.signIn.portal')}</h1>
        <Notice kind="info" title={t('portal.signIn.useAddressTitle')}>
          {t('portal.signIn.useAddress')}
        </Notice>
      </div>
    );
  }

  if (pending) {
    return (
      <div className="auth-card panel">
        <h1>{t('portal.signIn.heading')}</h1>
        <PortalSecondFactor
          factors={pending}
          onDone={onSignedIn}
          onCancel={() => {
            setPending(null);
            setChallenge(null);
            setCode('');
          }}
        />
      </div>
    );
  }

  return (
    <div className="auth-card panel">
      <h1>{t('portal.signIn.heading')}</h1>
      {!challenge ? (
        <>
          <form onSubmit={ask} noValidate>
            <p>{t('portal.signIn.intro')}</p>
            <ErrorNotice error={request.error} />
            <TextField
              label={t('portal.signIn.email')}
              type="email"
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={request.error?.fields().email}
              required
            />
            <Button type="submit" variant="primary" busy={request.busy}>
              {t('portal.signIn.emailMe')}
            </Button>
          </form>
          <hr />
          <ErrorNotice error={passkey.error} title={t('portal.signIn.passkeyFailed')} />
          <Button
            busy={passkey.busy}
            onClick={async () => {
              const s = await passkey.run();
              if (s) onSignedIn(s);
            }}
          >
            {t('portal.signIn.passkey')}
          </Button>
        </>
      ) : (
        <form onSubmit={confirm} noValidate>
          <Notice kind="info">{t('portal.signIn.codeSent', { email })}</Notice>
          <ErrorNotice error={verify.error} title={t('portal.signIn.codeFailed')} />
          <TextField
            className="code-input"
            label={t('portal.signIn.code')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={verify.error?.fields().code}
            autoFocus
          />
          <Button type="submit" variant="primary" busy={verify.busy}>
            {t('portal.signIn.submit')}
          </Button>{' '}
          <Button
            variant="link"
            onClick={() => {
              setChallenge(null);
              setCode('');
            }}
          >
            {t('portal.signIn.otherAddress')}
          </Button>
        </form>
      )}
    </div>
  );
}

/** /portal/magic#t=… (emailed sign-in link) and /portal/open#t=… (a delivery's personal link). */
export function PortalTokenSignIn({ kind }: { kind: 'magic' | 'link' }) {
  useTitle(t('portal.signIn.signingTab'));
  const { hash } = useLocation();
  const started = useRef(false);
  const redeem = useAction((token: string) =>
    ok(
      publicApi.POST(kind === 'magic' ? '/api/v1/portal/auth/magic' : '/api/v1/portal/auth/link', { body: { token } }),
    ),
  );
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('t');
  const [pending, setPending] = useState<PortalSession | null>(null);
  const go = (s: Pick<PortalSession, 'documentId' | 'documentKind'>) =>
    // Drop the token from the address bar and history: it is single-use anyway.
    navigate(s.documentId ? `/portal/${KIND_PATH[s.documentKind ?? 'invoice']}/${s.documentId}` : '/portal', {
      replace: true,
    });

  useEffect(() => {
    if (!token || started.current) return;
    started.current = true;
    void redeem.run(token).then((s) => {
      if (!s) return;
      setCsrfToken('portal', s.csrfToken);
      if (s.level === 'mfa') setPending(s);
      else go(s);
    });
  }, [token]);

  if (pending) {
    return (
      <div className="auth-card panel">
        <h1>{t('portal.signIn.signingIn')}</h1>
        <PortalSecondFactor
          factors={pending.secondFactors}
          onDone={() => go(pending)}
          onCancel={() => navigate('/portal', { replace: true })}
        />
      </div>
    );
  }

  if (!token) {
    return (
      <div className="auth-card panel">
        <h1>{t('portal.signIn.incompleteTitle')}</h1>
        <p>{t('portal.signIn.incomplete')}</p>
      </div>
    );
  }
  return (
    <div className="auth-card panel">
      <h1>{t('portal.signIn.signingIn')}</h1>
      {redeem.busy ? <Loading /> : null}
      <ErrorNotice error={redeem.error} title={t('portal.signIn.linkDead')} />
      {redeem.error ? <p>{t('portal.signIn.linkDeadHint')}</p> : null}
    </div>
  );
}
