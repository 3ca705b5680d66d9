// A client's encryption keys for the OpenPGP and S/MIME delivery modes: paste an armored public
// key or a PEM certificate, or look the OpenPGP key up in the client's Web Key Directory.
import { useState } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { queryClient, useApiQuery } from '../../lib/query.ts';
import type { Body } from '../../lib/types.ts';
import { Badge, ErrorNotice } from '../../ui/feedback.tsx';
import { Button, TextArea } from '../../ui/forms.tsx';

type KeysBody = Body<'/api/v1/clients/{id}/keys', 'put'>;

export function ClientKeys({ clientId, onStatus }: { clientId: string; onStatus: (m: string) => void }) {
  const keys = useApiQuery(['client-keys', clientId], (signal) =>
    ok(staffApi.GET('/api/v1/clients/{id}/keys', { params: { path: { id: clientId } }, signal })),
  );
  const [pgp, setPgp] = useState('');
  const [cert, setCert] = useState('');
  const save = useAction((body: KeysBody) =>
    ok(staffApi.PUT('/api/v1/clients/{id}/keys', { params: { path: { id: clientId } }, body })),
  );
  const wkd = useAction(() =>
    ok(staffApi.POST('/api/v1/clients/{id}/keys/wkd', { params: { path: { id: clientId } } })),
  );
  const k = keys.data;
  const f = save.error?.fields() ?? {};

  async function put(body: KeysBody, message: string) {
    const r = await save.run(body);
    if (r) {
      queryClient.setQueryData(['client-keys', clientId], r);
      setPgp('');
      setCert('');
      onStatus(message);
    }
  }

  return (
    <section className="panel" aria-labelledby="keys-h">
      <h2 id="keys-h">Encryption keys</h2>
      <p className="muted small">
        Needed for the OpenPGP and S/MIME delivery modes: the PDF is then encrypted to this client.
      </p>
      <ErrorNotice error={keys.error ?? wkd.error} focus={false} />
      {k ? (
        <dl className="facts">
          <dt>OpenPGP</dt>
          <dd>
            {k.openpgp ? (
              <>
                <code>{k.openpgp.fingerprint}</code>{' '}
                {k.openpgp.usable ? <Badge tone="good">usable</Badge> : <Badge tone="bad">not usable</Badge>}{' '}
                {k.openpgp.userIds.join(', ')}
                {k.openpgp.expiresAt ? ` · expires ${dateTime(k.openpgp.expiresAt)}` : ''}{' '}
                <Button variant="link" onClick={() => void put({ openpgpPublicKey: null }, 'OpenPGP key removed')}>
                  Remove
                </Button>
              </>
            ) : (
              'none'
            )}
          </dd>
          <dt>S/MIME</dt>
          <dd>
            {k.smime ? (
              <>
                {k.smime.subject}{' '}
                {k.smime.usable ? <Badge tone="good">usable</Badge> : <Badge tone="bad">not usable</Badge>}
                {k.smime.notAfter ? ` · valid until ${dateTime(k.smime.notAfter)}` : ''}{' '}
                <Button
                  variant="link"
                  onClick={() => void put({ smimeCertificatePem: null }, 'S/MIME certificate removed')}
                >
                  Remove
                </Button>
              </>
            ) : (
              'none'
            )}
          </dd>
        </dl>
      ) : null}
      <ErrorNotice error={save.error} title="The key was not saved" />
      <div className="grid grid-2">
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void put({ openpgpPublicKey: pgp.trim() }, 'OpenPGP key saved');
          }}
        >
          <TextArea
            label="OpenPGP public key (armored)"
            value={pgp}
            onChange={(e) => setPgp(e.target.value)}
            error={f.openpgpPublicKey}
            rows={4}
            className="mono"
          />
          <div className="actions">
            <Button type="submit" busy={save.busy} disabled={!pgp.trim()}>
              Save OpenPGP key
            </Button>
            <Button
              busy={wkd.busy}
              onClick={async () => {
                const r = await wkd.run();
                if (r) {
                  queryClient.setQueryData(['client-keys', clientId], r);
                  onStatus(r.openpgp ? 'Key found in the Web Key Directory' : 'No key published for this address');
                }
              }}
            >
              Look up (WKD)
            </Button>
          </div>
        </form>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void put({ smimeCertificatePem: cert.trim() }, 'S/MIME certificate saved');
          }}
        >
          <TextArea
            label="S/MIME certificate (PEM)"
            value={cert}
            onChange={(e) => setCert(e.target.value)}
            error={f.smimeCertificatePem}
            rows={4}
            className="mono"
          />
          <Button type="submit" busy={save.busy} disabled={!cert.trim()}>
            Save certificate
          </Button>
        </form>
      </div>
    </section>
  );
}
