// The second step of a portal sign-in, for contacts who set up an authenticator app or a passkey:
// the emailed code or link alone opens nothing until this step succeeds.
import { useState, type FormEvent } from 'react';
import { ok, portalApi, setCsrfToken } from '../lib/api.ts';
import { useAction } from '../lib/hooks.ts';
import { t } from '../lib/i18n.ts';
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
      <h2>{t('portal.mfa.heading')}</h2>
      <p>
        {factors.totp && factors.passkey
          ? t('portal.mfa.intro.both')
          : factors.totp
            ? t('portal.mfa.intro.totp')
            : t('portal.mfa.intro.passkey')}
      </p>
      {factors.totp ? (
        <form onSubmit={submit} noValidate>
          <ErrorNotice error={totp.error} title={t('portal.signIn.codeFailed')} />
          <TextField
            className="code-input"
            label={t('portal.mfa.code')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoFocus
          />
          <Button type="submit" variant="primary" busy={totp.busy}>
            {t('portal.mfa.continue')}
          </Button>
        </form>
      ) : null}
      {factors.passkey ? (
        <>
          {factors.totp ? <hr /> : null}
          <ErrorNotice error={passkey.error} title={t('portal.mfa.passkeyFailed')} />
          <Button
            variant={factors.totp ? 'secondary' : 'primary'}
            busy={passkey.busy}
            onClick={async () => {
              const s = await passkey.run();
              if (s) onDone(s);
            }}
          >
            {t('portal.mfa.usePasskey')}
          </Button>
        </>
      ) : null}{' '}
      <Button variant="link" onClick={() => void cancel()}>
        {t('portal.mfa.cancel')}
      </Button>
    </div>
  );
}
