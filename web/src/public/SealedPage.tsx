// /s/:id — the sealed-link download page. Opening the document is a deliberate click (each
// fetch counts as a download, and mail scanners that pre-open links should not use one up).
// It speaks the client's language from the link's `?lang=` (PublicPages.tsx), since it may ask
// the server nothing before that click.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, ok, publicApi } from '../lib/api.ts';
import { dateTime, num } from '../lib/format.ts';
import { toApiError, useTitle } from '../lib/hooks.ts';
import { currentLanguage, t, tParts } from '../lib/i18n.ts';
import { useLocation } from '../lib/router.tsx';
import { ErrorNotice, Notice } from '../ui/feedback.tsx';
import { Button, TextField } from '../ui/forms.tsx';
import { decryptSealed, keyFromFragment, sha256Hex } from './sealed-crypto.ts';
import type { Answer } from '../lib/types.ts';

type SealedPayload = Answer<'/api/v1/sealed/{id}/open', 'post'>;
type SealedView = Exclude<Answer<'/api/v1/sealed/{id}'>, { ciphertext: string }>;

interface Opened {
  url: string;
  filename: string;
  sha256: string;
  organization: string;
  size: number;
}

/**
 * The server's problem details are English; the answers this page expects are said in the page's
 * language instead (the generic advice below them is translated by ErrorNotice).
 */
function inOwnWords(e: ApiError): ApiError {
  const own: Partial<Record<string, string>> = {
    not_found: t('public.sealed.gone.text'),
    unauthenticated: t('public.sealed.wrongCode'),
    validation_failed: t('public.sealed.codeFormat'),
    rate_limited: t('public.tooMany'),
  };
  const message = own[e.code];
  return message ? new ApiError(e.status, e.code, message, [], e.requestId) : e;
}

export function SealedPage({ id }: { id: string }) {
  const { hash } = useLocation();
  // A new fragment is a new key: start over rather than show the previous document.
  return <Sealed key={`${id}${hash}`} id={id} hash={hash} />;
}

function Sealed({ id, hash }: { id: string; hash: string }) {
  useTitle(t('public.sealed.title'));
  const [key] = useState(() => keyFromFragment(hash));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [needCode, setNeedCode] = useState<SealedView | null>(null);
  const [challenge, setChallenge] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [opened, setOpened] = useState<Opened | null>(null);
  const saveRef = useRef<HTMLAnchorElement>(null);

  useEffect(
    () => () => {
      if (opened) URL.revokeObjectURL(opened.url);
    },
    [opened],
  );
  useEffect(() => {
    // Offer the file at once; the visible link stays for a second save.
    if (opened) saveRef.current?.click();
  }, [opened]);

  async function decrypt(p: SealedPayload) {
    if (!key) return;
    let plain: ArrayBuffer;
    try {
      plain = await decryptSealed(id, p.ciphertext, key);
    } catch {
      throw new ApiError(0, 'decrypt_failed', t('public.sealed.decryptFailed'));
    }
    const blob = new Blob([plain], { type: 'application/pdf' });
    setOpened({
      url: URL.createObjectURL(blob),
      filename: p.filename,
      sha256: await sha256Hex(plain),
      organization: p.organization,
      size: plain.byteLength,
    });
  }

  async function run(step: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await step();
    } catch (e) {
      setError(inOwnWords(toApiError(e)));
    } finally {
      setBusy(false);
    }
  }

  const open = () =>
    run(async () => {
      const r = await ok(publicApi.GET('/api/v1/sealed/{id}', { params: { path: { id } } }));
      if ('ciphertext' in r) await decrypt(r);
      else setNeedCode(r);
    });
  const requestCode = () =>
    run(async () => {
      const r = await ok(publicApi.POST('/api/v1/sealed/{id}/code', { params: { path: { id } } }));
      setChallenge(r.challengeId);
    });
  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      // The code form is shown only once a challenge was issued.
      const r = await ok(
        publicApi.POST('/api/v1/sealed/{id}/open', {
          params: { path: { id } },
          body: { challengeId: challenge!, code: code.trim() },
        }),
      );
      await decrypt(r);
    });
  };

  if (!key) {
    return (
      <>
        <h1>{t('public.sealed.incomplete.heading')}</h1>
        <Notice kind="warning">{t('public.sealed.incomplete.text')}</Notice>
      </>
    );
  }

  if (opened) {
    return (
      <>
        <h1>{t('public.sealed.opened.heading')}</h1>
        <Notice kind="success" title={t('public.sealed.opened.from', { org: opened.organization })}>
          {t('public.sealed.opened.text')}
        </Notice>
        <p>
          <a ref={saveRef} className="btn btn-primary" href={opened.url} download={opened.filename}>
            {t('public.sealed.save', { filename: opened.filename })}
          </a>
        </p>
        <dl className="facts">
          <dt>{t('public.sealed.file')}</dt>
          <dd>{t('public.sealed.fileSize', { filename: opened.filename, size: num(opened.size) })}</dd>
          <dt>SHA-256</dt>
          <dd>
            <code>{opened.sha256}</code>
          </dd>
        </dl>
        <p>
          {tParts('public.sealed.checkAuthentic', {
            link: <a href={`/verify?lang=${currentLanguage()}`}>{t('public.sealed.verifyLink')}</a>,
          })}
        </p>
      </>
    );
  }

  return (
    <>
      <h1>{t('public.sealed.heading')}</h1>
      <p>{t('public.sealed.intro')}</p>
      <ErrorNotice error={error} title={error?.code === 'not_found' ? t('public.sealed.gone.title') : undefined} />
      {!needCode ? (
        <Button variant="primary" onClick={() => void open()} busy={busy}>
          {busy ? t('public.sealed.decrypting') : t('public.sealed.decrypt')}
        </Button>
      ) : (
        <div className="panel">
          <h2>{t('public.sealed.confirm.heading')}</h2>
          <p>{t('public.sealed.confirm.text', { org: needCode.organization, date: dateTime(needCode.expiresAt) })}</p>
          {!challenge ? (
            <Button variant="primary" onClick={() => void requestCode()} busy={busy}>
              {t('public.sealed.emailCode')}
            </Button>
          ) : (
            <form onSubmit={submitCode}>
              <p>{t('public.sealed.codeSent')}</p>
              <TextField
                className="code-input"
                label={t('public.sealed.code')}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
              <Button type="submit" variant="primary" busy={busy}>
                {t('public.sealed.decrypt')}
              </Button>
            </form>
          )}
        </div>
      )}
    </>
  );
}
