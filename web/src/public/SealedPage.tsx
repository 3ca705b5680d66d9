// /s/:id — the sealed-link download page. Opening the document is a deliberate click (each
// fetch counts as a download, and mail scanners that pre-open links should not use one up).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, ok, publicApi } from '../lib/api.ts';
import { dateTime, num } from '../lib/format.ts';
import { toApiError, useTitle } from '../lib/hooks.ts';
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

export function SealedPage({ id }: { id: string }) {
  const { hash } = useLocation();
  // A new fragment is a new key: start over rather than show the previous document.
  return <Sealed key={`${id}${hash}`} id={id} hash={hash} />;
}

function Sealed({ id, hash }: { id: string; hash: string }) {
  useTitle('Secure document');
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
      throw new ApiError(
        0,
        'decrypt_failed',
        'The document could not be decrypted: the link is incomplete or was altered. Ask the sender for the full link.',
      );
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
      setError(toApiError(e));
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
        <h1>This link is incomplete</h1>
        <Notice kind="warning">
          The part of the link after “#” holds the key that decrypts the document, and it is missing or damaged. Copy
          the whole link from the email again, or ask the sender for a new one.
        </Notice>
      </>
    );
  }

  if (opened) {
    return (
      <>
        <h1>Your document is decrypted</h1>
        <Notice kind="success" title={`From ${opened.organization}`}>
          It was decrypted in this browser; the key in the link never reached the server.
        </Notice>
        <p>
          <a ref={saveRef} className="btn btn-primary" href={opened.url} download={opened.filename}>
            Save {opened.filename}
          </a>
        </p>
        <dl className="facts">
          <dt>File</dt>
          <dd>
            {opened.filename} ({num(opened.size)} bytes)
          </dd>
          <dt>SHA-256</dt>
          <dd>
            <code>{opened.sha256}</code>
          </dd>
        </dl>
        <p>
          To check that it is authentic, upload it on the <a href="/verify">verification page</a>.
        </p>
      </>
    );
  }

  return (
    <>
      <h1>A secure document was shared with you</h1>
      <p>The document is end-to-end encrypted. It is decrypted here, in your browser, with the key in your link.</p>
      <ErrorNotice error={error} title={error?.code === 'not_found' ? 'This link no longer works' : undefined} />
      {error?.code === 'not_found' ? (
        <p>
          It may have expired, been used the allowed number of times, or been revoked. Ask the sender for a new link.
        </p>
      ) : null}
      {!needCode ? (
        <Button variant="primary" onClick={() => void open()} busy={busy}>
          {busy ? 'Decrypting…' : 'Decrypt and download'}
        </Button>
      ) : (
        <div className="panel">
          <h2>Confirm it is you</h2>
          <p>
            {needCode.organization} asked for a one-time code before the document opens. It expires{' '}
            {dateTime(needCode.expiresAt)}.
          </p>
          {!challenge ? (
            <Button variant="primary" onClick={() => void requestCode()} busy={busy}>
              Email me a code
            </Button>
          ) : (
            <form onSubmit={submitCode}>
              <p>We sent a 6-digit code to the email address the document was sent to.</p>
              <TextField
                className="code-input"
                label="One-time code"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
              <Button type="submit" variant="primary" busy={busy}>
                Decrypt and download
              </Button>
            </form>
          )}
        </div>
      )}
    </>
  );
}
