// Settings → Organization → Logo: upload (PNG or JPEG, checked by the server from the file's own
// bytes), preview and removal. The logo prints at the top of documents issued from now on and
// shows on the client portal and pay page; documents already issued keep theirs.
import { useState, type FormEvent } from 'react';
import { api, type ApiError } from '../../lib/api.ts';
import { useAction } from '../../lib/hooks.ts';
import { t } from '../../lib/i18n.ts';
import { ErrorNotice, Status } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { useStaff } from '../context.ts';

const MAX_BYTES = 512 * 1024;

export function LogoPanel() {
  const s = useStaff();
  const logo = s.org?.logo ?? null;
  const canEdit = s.can('org:update');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | null>(null);
  // A raw file body has no JSON schema to type: the untyped helper sends it as is.
  const upload = useAction(async (f: File) =>
    api.put('/api/v1/org/logo', undefined, {
      raw: { body: await f.arrayBuffer(), contentType: f.type === 'image/jpeg' ? 'image/jpeg' : 'image/png' },
    }),
  );
  const remove = useAction(async () => {
    await api.del('/api/v1/org/logo');
    return true;
  });

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    if (!file) return setFileError(t('settings.logo.choose'));
    if (file.size > MAX_BYTES) return setFileError(t('settings.logo.tooLarge'));
    setFileError(undefined);
    if ((await upload.run(file)) !== undefined) {
      setStatus(t('settings.logo.saved'));
      setFile(null);
      form.reset(); // the file input shows no file once it is saved
      s.refresh();
    }
  }
  async function removeLogo() {
    if (await remove.run()) {
      setStatus(t('settings.logo.removed'));
      s.refresh();
    }
  }

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="logo-heading">
      <h2 id="logo-heading">{t('settings.logo.title')}</h2>
      <p className="muted small">{t('settings.logo.hint')}</p>
      <ErrorNotice error={(upload.error ?? remove.error) as ApiError | null} title={t('settings.logo.failed')} />
      <Status message={status} />
      {logo ? (
        <figure className="logo-preview">
          <img src={`/api/v1/org/logo?v=${logo.sha256.slice(0, 16)}`} alt={t('settings.logo.alt')} />
          <figcaption className="muted small">
            {t('settings.logo.facts', {
              type: logo.contentType === 'image/png' ? 'PNG' : 'JPEG',
              width: logo.width,
              height: logo.height,
              size: Math.ceil(logo.size / 1024),
            })}
          </figcaption>
        </figure>
      ) : (
        <p className="small">{t('settings.logo.none')}</p>
      )}
      {canEdit ? (
        <>
          <TextField
            label={t('settings.logo.file')}
            type="file"
            accept="image/png,image/jpeg,.png,.jpg,.jpeg"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            error={fileError}
          />
          <div className="actions">
            <Button type="submit" variant="primary" busy={upload.busy}>
              {logo ? t('settings.logo.replace') : t('settings.logo.upload')}
            </Button>
            {logo ? (
              <Button type="button" busy={remove.busy} onClick={() => void removeLogo()}>
                {t('settings.logo.remove')}
              </Button>
            ) : null}
          </div>
        </>
      ) : null}
    </form>
  );
}
