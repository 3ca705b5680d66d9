// /verify and /verify/:token — is this invoice authentic? Three ways in: the QR code's link, an
// uploaded PDF (checked byte for byte; a Factur-X / ZUGFeRD PDF's XML compared with the signed
// data) or e-invoice XML (XRechnung, UBL, CII), or the number + amount + bank account typed from paper.
// In the reader's language: `?lang=`, else the browser's (PublicPages.tsx).
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, ok, publicApi } from '../lib/api.ts';
import { toApiError, useTitle } from '../lib/hooks.ts';
import { currentLanguage, t } from '../lib/i18n.ts';
import { useQuery } from '../lib/router.tsx';
import { ErrorNotice, Loading } from '../ui/feedback.tsx';
import { Button, TextField } from '../ui/forms.tsx';
import { VerificationVerdict, type VerificationResult } from './VerificationVerdict.tsx';

const MAX_PDF = 10 * 1024 * 1024;
const MAX_XML = 2 * 1024 * 1024;
const isXml = (f: File): boolean => /xml/i.test(f.type) || /\.xml$/i.test(f.name);

/** Pay pages link here as /verify#fp=<fingerprint> (a fragment: it never reaches a server log). */
const fingerprintFromLink = (): string =>
  (new URLSearchParams(window.location.hash.slice(1)).get('fp') ?? '').slice(0, 40);

export function VerifyPage({ token }: { token: string | null }) {
  useTitle(t('public.verify.title'));
  const org = useQuery().get('org') ?? '';
  const [result, setResult] = useState<VerificationResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | undefined>();
  const [d, setD] = useState(() => ({ fingerprint: fingerprintFromLink(), number: '', amount: '', iban: '' }));

  async function check(fn: () => Promise<VerificationResult>) {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await fn());
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    if (token) void check(() => ok(publicApi.GET('/api/v1/verify/{token}', { params: { path: { token } } })));
  }, [token]);

  function upload(e: FormEvent) {
    e.preventDefault();
    if (!file) return setFileError(t('public.verify.upload.choose'));
    const xml = isXml(file);
    if (file.size > (xml ? MAX_XML : MAX_PDF))
      return setFileError(t('public.verify.upload.tooLarge', { mb: xml ? 2 : 10 }));
    setFileError(undefined);
    // A raw PDF or XML body has no JSON schema to type: the untyped helper sends it as is.
    const query = org ? `?org=${encodeURIComponent(org)}` : '';
    void check(async () =>
      api.post<VerificationResult>(`/api/v1/verify/${xml ? 'einvoice' : 'pdf'}${query}`, undefined, {
        realm: 'public',
        raw: { body: await file.arrayBuffer(), contentType: xml ? 'application/xml' : 'application/pdf' },
      }),
    );
  }

  function details(e: FormEvent) {
    e.preventDefault();
    void check(() =>
      ok(
        publicApi.POST('/api/v1/verify/details', {
          body: {
            ...(org ? { orgId: org } : {}),
            ...(d.fingerprint.trim() ? { fingerprint: d.fingerprint.trim() } : {}),
            number: d.number.trim(),
            amount: d.amount.trim(),
            iban: d.iban.trim(),
          },
        }),
      ),
    );
  }
  const f = error?.fields() ?? {};

  return (
    <>
      <h1>{t('public.verify.heading')}</h1>
      <p>{t('public.verify.intro')}</p>
      <div aria-live="polite">
        {busy ? <Loading label={t('public.verify.checking')} /> : null}
        {result ? <VerificationVerdict result={result} /> : null}
      </div>
      <ErrorNotice error={error} />

      {!token ? (
        <>
          <form className="panel" onSubmit={upload} noValidate>
            <h2>{t('public.verify.upload.heading')}</h2>
            <p className="muted small">{t('public.verify.upload.note')}</p>
            <TextField
              label={t('public.verify.upload.label')}
              type="file"
              accept="application/pdf,.pdf,application/xml,text/xml,.xml"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              error={fileError}
            />
            <Button type="submit" variant="primary" busy={busy}>
              {t('public.verify.upload.submit')}
            </Button>
          </form>
          <form className="panel" onSubmit={details} noValidate>
            <h2>{t('public.verify.details.heading')}</h2>
            <p className="muted small">{t('public.verify.details.note')}</p>
            <div className="form-row">
              {org ? null : (
                <TextField
                  label={t('public.verify.details.code')}
                  value={d.fingerprint}
                  onChange={(e) => setD({ ...d, fingerprint: e.target.value })}
                  error={f.fingerprint ?? f.orgId}
                  hint={t('public.verify.details.codeHint')}
                />
              )}
              <TextField
                label={t('public.verify.details.number')}
                value={d.number}
                onChange={(e) => setD({ ...d, number: e.target.value })}
                error={f.number}
              />
              <TextField
                label={t('public.verify.details.amount')}
                inputMode="decimal"
                value={d.amount}
                onChange={(e) => setD({ ...d, amount: e.target.value })}
                error={f.amount}
                hint={t('public.verify.details.amountHint')}
              />
              <TextField
                label={t('public.verify.details.iban')}
                value={d.iban}
                onChange={(e) => setD({ ...d, iban: e.target.value })}
                error={f.iban}
                autoComplete="off"
              />
            </div>
            <Button type="submit" variant="primary" busy={busy}>
              {t('public.verify.details.submit')}
            </Button>
          </form>
        </>
      ) : (
        <p>
          <a href={`/verify?lang=${currentLanguage()}`}>{t('public.verify.another')}</a>
        </p>
      )}
    </>
  );
}
