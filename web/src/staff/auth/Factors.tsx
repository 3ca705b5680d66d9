// Enrolling second factors (used by forced enrolment and by My account): an authenticator app
// (TOTP, RFC 6238) with its QR code, a passkey, and the one-time display of recovery codes.
// The client portal reuses the set-up forms with its own API calls (the `api` props), so their
// words are translated (`ui.factors.*`) like the rest of the portal.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useAction } from '../../lib/hooks.ts';
import { t } from '../../lib/i18n.ts';
import { ErrorNotice, Notice } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { confirmTotp, registerPasskey, startTotp, type TotpEnrolment } from './auth-api.ts';

// The QR code arrives as a data: URL and is shown as an <img> (never inserted as markup).
const qrSource = (e: TotpEnrolment): string | null => (e.qrCode.startsWith('data:image/') ? e.qrCode : null);

/** What a factor change answers (staff answers also carry recovery codes for a first factor). */
type FactorAnswer = { recoveryCodes?: string[] | null; csrfToken?: string | null };

/** Where the forms send their requests: the staff account API unless the portal passes its own. */
export interface TotpApi {
  start: () => Promise<TotpEnrolment>;
  confirm: (code: string) => Promise<FactorAnswer>;
}

export function TotpSetup({
  onDone,
  api = { start: startTotp, confirm: confirmTotp },
}: {
  onDone: (recoveryCodes: string[] | null) => void;
  api?: TotpApi;
}) {
  const start = useAction(api.start);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const confirm = useAction(() => api.confirm(code.replace(/\s/g, '')));
  const qr = useMemo(() => (enrolment ? qrSource(enrolment) : null), [enrolment]);

  useEffect(() => {
    void start.run().then((e) => e && setEnrolment(e));
    // Starting once per mount is the point: a new secret each time the form opens.
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await confirm.run();
    if (r) onDone(r.recoveryCodes ?? null);
  }

  return (
    <div>
      <ErrorNotice error={start.error} title={t('ui.factors.startFailed')} />
      {enrolment ? (
        <form onSubmit={submit} noValidate>
          <ol>
            <li>
              {t('ui.factors.scan')}
              {qr ? <img className="qr" src={qr} alt={t('ui.factors.qrAlt')} /> : null}
            </li>
            <li>
              {t('ui.factors.typeKey')}{' '}
              <code className="secret" data-testid="totp-secret">
                {enrolment.secret}
              </code>
            </li>
            <li>{t('ui.factors.enterCode')}</li>
          </ol>
          <ErrorNotice error={confirm.error} title={t('ui.factors.codeFailed')} />
          <TextField
            className="code-input"
            label={t('ui.factors.code')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <Button type="submit" variant="primary" busy={confirm.busy}>
            {t('ui.factors.turnOn')}
          </Button>
        </form>
      ) : null}
    </div>
  );
}

export function PasskeySetup({
  onDone,
  register = registerPasskey,
}: {
  onDone: (recoveryCodes: string[] | null) => void;
  register?: (name: string) => Promise<FactorAnswer>;
}) {
  const [name, setName] = useState(() =>
    navigator.platform ? t('ui.factors.passkeyOn', { platform: navigator.platform }) : t('ui.factors.myPasskey'),
  );
  const reg = useAction(() => register(name.trim() || t('ui.factors.passkey')));
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await reg.run();
        if (r) onDone(r.recoveryCodes ?? null);
      }}
      noValidate
    >
      <ErrorNotice error={reg.error} title={t('ui.factors.passkeyFailed')} />
      <TextField
        label={t('ui.factors.passkeyName')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        hint={t('ui.factors.passkeyNameHint')}
      />
      <Button type="submit" variant="primary" busy={reg.busy}>
        {t('ui.factors.createPasskey')}
      </Button>
    </form>
  );
}

export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const href = useMemo(
    () =>
      URL.createObjectURL(
        new Blob([`Sealbill recovery codes\n\n${codes.join('\n')}\n\nEach code works once.\n`], { type: 'text/plain' }),
      ),
    [codes],
  );
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <div>
      <Notice kind="warning" title="Save your recovery codes now">
        They are shown only once. Each one signs you in once if you lose your authenticator or passkey.
      </Notice>
      <ul className="codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="actions">
        <a className="btn btn-secondary" href={href} download="sealbill-recovery-codes.txt">
          Download as a text file
        </a>
        <Button variant="primary" onClick={onDone}>
          I have saved them
        </Button>
      </div>
    </div>
  );
}
