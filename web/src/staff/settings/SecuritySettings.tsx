// Organization security: the MFA policy in force, the document signing identity (with its
// fingerprint, and replacing it with a CA-issued PKCS#12), and the public transparency page.
import { useState } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { queryClient, useApiQuery } from '../../lib/query.ts';
import type { Body } from '../../lib/types.ts';
import { Badge, ErrorNotice, Loading, Status } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { useStaff } from '../context.ts';
import { SettingsFrame } from './Settings.tsx';

const POLICIES = [
  { value: 'off', label: 'Optional', detail: 'Members choose whether to add a second factor.' },
  {
    value: 'admins',
    label: 'Required for admins',
    detail: 'Owners, admins and roles that manage the organization need a second factor.',
  },
  {
    value: 'everyone',
    label: 'Required for everyone',
    detail: 'Every member needs an authenticator app or a passkey.',
  },
  {
    value: 'passkeys',
    label: 'Passkeys for everyone',
    detail: 'Every member signs in with a passkey: phishing-resistant (NIST AAL3-capable).',
  },
] as const;

type MfaPolicy = Body<'/api/v1/org/security', 'put'>['mfa'];

export function SecuritySettingsPage() {
  const s = useStaff();
  const policy = useApiQuery(['org-security'], (signal) => ok(staffApi.GET('/api/v1/org/security', { signal })));
  const [status, setStatus] = useState<string | null>(null);
  const save = useAction((mfa: MfaPolicy) => ok(staffApi.PUT('/api/v1/org/security', { body: { mfa } })));
  const canManage = s.can('settings:security');

  return (
    <SettingsFrame title="Security settings">
      <Status message={status} />
      <fieldset className="panel">
        <legend>Two-step sign-in policy</legend>
        <ErrorNotice error={policy.error ?? save.error} />
        {policy.data ? (
          POLICIES.map((p) => (
            <div className="field field-check" key={p.value}>
              <input
                type="radio"
                id={`mfa-${p.value}`}
                name="mfa"
                value={p.value}
                checked={policy.data!.mfa === p.value}
                disabled={!canManage || save.busy}
                aria-describedby={`mfa-${p.value}-hint`}
                onChange={async () => {
                  const r = await save.run(p.value);
                  if (r) {
                    queryClient.setQueryData(['org-security'], r);
                    setStatus(`Policy set to “${p.label}”; members without the factor set it up at their next request`);
                    s.refresh();
                  }
                }}
              />
              <label htmlFor={`mfa-${p.value}`}>{p.label}</label>
              <p className="hint" id={`mfa-${p.value}-hint`}>
                {p.detail}
              </p>
            </div>
          ))
        ) : (
          <Loading />
        )}
        {!canManage ? <p className="muted small">Only owners and admins change the policy.</p> : null}
      </fieldset>
      <SigningIdentityPanel canManage={canManage} onStatus={setStatus} />
      <section className="panel" aria-labelledby="transparency-h">
        <h2 id="transparency-h">Public security page</h2>
        <p>
          Share your organization's security and transparency page with clients: it shows the controls in force and lets
          them check invoices. <a href={`/security/${s.me.orgId}`}>Open the security page</a>
        </p>
        <p className="small muted">
          Client portal address for your clients: <code>{`${window.location.origin}/portal?org=${s.me.orgId}`}</code>
        </p>
      </section>
    </SettingsFrame>
  );
}

function SigningIdentityPanel({ canManage, onStatus }: { canManage: boolean; onStatus: (m: string) => void }) {
  const id = useApiQuery(['signing-identity'], (signal) =>
    ok(staffApi.GET('/api/v1/org/signing-identity', { signal })),
  );
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const upload = useAction(async () => {
    const bytes = new Uint8Array(await file!.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
    return ok(staffApi.POST('/api/v1/org/signing-identity/pkcs12', { body: { pkcs12: btoa(bin), password } }));
  });
  return (
    <section className="panel" aria-labelledby="signing-h">
      <h2 id="signing-h">Signing identity</h2>
      <p className="muted small">
        Every issued document is signed with this key; the fingerprint is what a careful client compares.
      </p>
      <ErrorNotice error={id.error} focus={false} />
      {id.data ? (
        <dl className="facts">
          <dt>Fingerprint (SHA-256)</dt>
          <dd>
            <code data-testid="signing-fingerprint">{id.data.fingerprintSha256}</code>
          </dd>
          <dt>Key id</dt>
          <dd>
            <code>{id.data.keyId}</code>
          </dd>
          <dt>Certificate</dt>
          <dd>
            {id.data.source === 'generated' ? (
              <Badge tone="info">self-signed by Sealbill</Badge>
            ) : (
              <Badge tone="good">imported from a CA</Badge>
            )}{' '}
            valid until {dateTime(id.data.notAfter)}
          </dd>
        </dl>
      ) : null}
      {canManage ? (
        <form
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            if (!file) return;
            const r = await upload.run();
            if (r) {
              queryClient.setQueryData(['signing-identity'], r);
              setFile(null);
              setPassword('');
              onStatus('Signing identity replaced');
            }
          }}
        >
          <h3>Use a certificate from a CA</h3>
          <ErrorNotice error={upload.error} title="The certificate was not imported" />
          <div className="form-row">
            <TextField
              label="PKCS#12 file (.p12, .pfx)"
              type="file"
              accept=".p12,.pfx,application/x-pkcs12"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
            <TextField
              label="File password"
              type="password"
              autoComplete="off"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <Button type="submit" busy={upload.busy} disabled={!file}>
            Import and replace
          </Button>
        </form>
      ) : null}
    </section>
  );
}
