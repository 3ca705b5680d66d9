// A client's encryption keys for the OpenPGP and S/MIME delivery modes: paste an armored public
// key or a PEM certificate, or look the OpenPGP key up in the client's Web Key Directory.
import { useState } from 'react';
import { api } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction, useAsync } from '../../lib/hooks.ts';
import type { ClientKeys as Keys } from '../../../../src/modules/delivery/delivery.schemas.ts';
import { Badge, ErrorNotice } from '../../ui/feedback.tsx';
import { Button, TextArea } from '../../ui/forms.tsx';

export function ClientKeys({ clientId, onStatus }: { clientId: string; onStatus: (m: string) => void }) {
  const keys = useAsync((signal) => api.get<Keys>(`/api/v1/clients/${clientId}/keys`, { signal }), [clientId]);
  const [pgp, setPgp] = useState('');
  const [cert, setCert] = useState('');
  const save = useAction((body: Record<string, string | null>) => api.put<Keys>(`/api/v1/clients/${clientId}/keys`, body));
  const wkd = useAction(() => api.post<Keys>(`/api/v1/clients/${clientId}/keys/wkd`, {}));
  const k = keys.data;
  const f = save.error?.fields() ?? {};

  async function put(body: Record<string, string | null>, message: string) {
    const r = await save.run(body);
    if (r) {
      keys.setData(r);
      setPgp('');
      setCert('');
      onStatus(message);
    }
  }

  return (
    <section className="panel" aria-labelledby="keys-h">
      <h2 id="keys-h">Encryption keys</h2>
      <p className="muted small">Needed for the OpenPGP and S/MIME delivery modes: the PDF is then encrypted to this client.</p>
      <ErrorNotice error={keys.error ?? wkd.error} focus={false} />
      {k ? (
        <dl className="facts">
          <dt>OpenPGP</dt>
          <dd>
            {k.openpgp ? (
              <>
                <code>{k.openpgp.fingerprint}</code> {k.openpgp.usable ? <Badge tone="good">usable</Badge> : <Badge tone="bad">not usable</Badge>} {k.openpgp.userIds.join(', ')}
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
                {k.smime.subject} {k.smime.usable ? <Badge tone="good">usable</Badge> : <Badge tone="bad">not usable</Badge>}
                {k.smime.notAfter ? ` · valid until ${dateTime(k.smime.notAfter)}` : ''}{' '}
                <Button variant="link" onClick={() => void put({ smimeCertificatePem: null }, 'S/MIME certificate removed')}>
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
          <TextArea label="OpenPGP public key (armored)" value={pgp} onChange={(e) => setPgp(e.target.value)} error={f.openpgpPublicKey} rows={4} className="mono" />
          <div className="actions">
            <Button type="submit" busy={save.busy} disabled={!pgp.trim()}>
              Save OpenPGP key
            </Button>
            <Button
              busy={wkd.busy}
              onClick={async () => {
                const r = await wkd.run();
                if (r) {
                  keys.setData(r);
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
          <TextArea label="S/MIME certificate (PEM)" value={cert} onChange={(e) => setCert(e.target.value)} error={f.smimeCertificatePem} rows={4} className="mono" />
          <Button type="submit" busy={save.busy} disabled={!cert.trim()}>
            Save certificate
          </Button>
        </form>
      </div>
    </section>
  );
}
