// Security: the contact's own second factors. Once an authenticator app or a passkey is set up,
// the emailed code or link alone no longer opens the portal. Changing them needs a sign-in within
// the last 5 minutes; when it is older, the page offers to sign in again (and comes back here).
import { useState } from 'react';
import { dateTime } from '../lib/format.ts';
import { useAction, useTitle } from '../lib/hooks.ts';
import { t } from '../lib/i18n.ts';
import { useApiQuery } from '../lib/query.ts';
import type { ApiError } from '../lib/api.ts';
import { Badge, ErrorNotice, Loading, Notice, Status } from '../ui/feedback.tsx';
import { Button } from '../ui/forms.tsx';
import { PasskeySetup, TotpSetup } from '../staff/auth/Factors.tsx';
import { confirmTotp, listFactors, registerPasskey, removePasskey, removeTotp, startTotp } from './portal-auth-api.ts';
import { usePortal } from './portal-context.ts';
import { PortalPaymentMethods } from './PortalPaymentMethods.tsx';

const stale = (e: ApiError | null | undefined) => e?.code === 'step_up_required';

export function PortalSecurityPage() {
  useTitle(t('portal.security.title'));
  const { reauth } = usePortal();
  const factors = useApiQuery(['portal-factors'], (signal) => listFactors(signal));
  const [adding, setAdding] = useState<'totp' | 'passkey' | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [needsSignIn, setNeedsSignIn] = useState(false);
  /** A change refused for an old sign-in: show the way back instead of a bare error. */
  const guard =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await fn(...a);
      } catch (e) {
        if (stale(e as ApiError)) setNeedsSignIn(true);
        throw e;
      }
    };
  const dropTotp = useAction(guard(removeTotp));
  const dropPasskey = useAction(guard(removePasskey));
  const done = (message: string) => () => {
    setAdding(null);
    setStatus(message);
    void factors.refetch();
  };
  const f = factors.data;

  return (
    <>
      <h1>{t('portal.security.title')}</h1>
      <p>{t('portal.security.intro')}</p>
      <Status message={status} />
      {needsSignIn ? (
        <Notice kind="warning" title={t('portal.security.reauthTitle')}>
          {t('portal.security.reauth')}{' '}
          <Button onClick={() => void reauth()}>{t('portal.security.reauthButton')}</Button>
        </Notice>
      ) : null}
      <ErrorNotice
        error={
          factors.error ??
          (stale(dropTotp.error) ? null : dropTotp.error) ??
          (stale(dropPasskey.error) ? null : dropPasskey.error)
        }
      />
      {factors.isPending ? <Loading /> : null}
      {f ? (
        <>
          <section className="panel" aria-labelledby="portal-totp-h">
            <h2 id="portal-totp-h">{t('portal.security.totp')}</h2>
            {f.totp ? (
              <p>
                <Badge tone="good">{t('portal.security.on')}</Badge>{' '}
                <Button
                  variant="link"
                  busy={dropTotp.busy}
                  onClick={async () => {
                    if (await dropTotp.run()) done(t('portal.security.totpRemoved'))();
                  }}
                >
                  {t('portal.security.removeTotp')}
                </Button>
              </p>
            ) : adding === 'totp' ? (
              <TotpSetup
                onDone={done(t('portal.security.totpAdded'))}
                api={{ start: guard(startTotp), confirm: guard(confirmTotp) }}
              />
            ) : (
              <Button variant="primary" onClick={() => setAdding('totp')}>
                {t('portal.security.setupTotp')}
              </Button>
            )}
          </section>

          <section className="panel" aria-labelledby="portal-passkeys-h">
            <h2 id="portal-passkeys-h">{t('portal.security.passkeys')}</h2>
            {f.passkeys.length > 0 ? (
              <ul className="plain-list" data-testid="portal-passkeys">
                {f.passkeys.map((p) => (
                  <li key={p.id}>
                    <strong>{p.name}</strong> · {t('portal.security.added', { date: dateTime(p.createdAt) })} ·{' '}
                    {p.lastUsedAt
                      ? t('portal.security.lastUsed', { date: dateTime(p.lastUsedAt) })
                      : t('portal.security.notUsed')}{' '}
                    <Button
                      variant="link"
                      aria-label={t('portal.security.revokeLabel', { name: p.name })}
                      onClick={async () => {
                        if (await dropPasskey.run(p.id)) done(t('portal.security.revoked', { name: p.name }))();
                      }}
                    >
                      {t('portal.security.revoke')}
                    </Button>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('portal.security.noPasskeys')}</p>
            )}
            {adding === 'passkey' ? (
              <PasskeySetup onDone={done(t('portal.security.passkeyAdded'))} register={guard(registerPasskey)} />
            ) : (
              <Button onClick={() => setAdding('passkey')}>{t('portal.security.addPasskey')}</Button>
            )}
          </section>
        </>
      ) : null}
      <PortalPaymentMethods />
    </>
  );
}
