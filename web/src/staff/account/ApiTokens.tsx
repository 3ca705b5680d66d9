// API tokens for integrations: scoped to permissions you hold, expiring, shown once.
import { useState, type FormEvent } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import type { Permission } from '../../lib/types.ts';
import { Badge, ErrorNotice, Notice } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { useStaff } from '../context.ts';

export function ApiTokens({ onStatus }: { onStatus: (m: string) => void }) {
  const s = useStaff();
  const list = useApiQuery(['me-tokens'], (signal) => ok(staffApi.GET('/api/v1/me/tokens', { signal })));
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [scopes, setScopes] = useState<Permission[]>(
    () => s.me.permissions.filter((p) => p.endsWith(':read')) as Permission[],
  );
  const [created, setCreated] = useState<string | null>(null);
  const create = useAction(() =>
    ok(staffApi.POST('/api/v1/me/tokens', { body: { name: name.trim(), scopes, expiresInDays: Number(days) || 90 } })),
  );
  const revoke = useAction((id: string) => ok(staffApi.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id } } })));
  const f = create.error?.fields() ?? {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await create.run();
    if (r) {
      setCreated(r.token);
      setName('');
      list.refetch();
    }
  }

  const live = list.data?.items.filter((t) => !t.revokedAt) ?? [];
  return (
    <section className="panel" aria-labelledby="tokens-h">
      <h2 id="tokens-h">API tokens</h2>
      <p className="muted small">
        For scripts and integrations. A token can do only what its scopes allow and what your role still allows.
      </p>
      <ErrorNotice error={list.error ?? revoke.error} focus={false} />
      {created ? (
        <Notice kind="success" title="Token created: copy it now">
          <p>It is shown only once.</p>
          <p className="secret">{created}</p>
          <Button onClick={() => setCreated(null)}>Done</Button>
        </Notice>
      ) : null}
      {live.length === 0 ? <p className="muted">No active tokens.</p> : null}
      {live.length > 0 ? (
        <ul className="plain-list">
          {live.map((t) => (
            <li key={t.id}>
              <strong>{t.name}</strong> · {t.scopes.length} scope{t.scopes.length === 1 ? '' : 's'} ·{' '}
              {t.expiresAt ? `expires ${dateTime(t.expiresAt)}` : <Badge tone="warn">never expires</Badge>} ·{' '}
              {t.lastUsedAt ? `last used ${dateTime(t.lastUsedAt)}` : 'never used'}{' '}
              <Button
                variant="link"
                aria-label={`Revoke token ${t.name}`}
                onClick={async () => {
                  if (
                    window.confirm(`Revoke “${t.name}”? Integrations using it stop working.`) &&
                    (await revoke.run(t.id))
                  ) {
                    onStatus('Token revoked');
                    list.refetch();
                  }
                }}
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      <form onSubmit={submit} noValidate>
        <h3>New token</h3>
        <ErrorNotice error={create.error} title="The token was not created" />
        <div className="form-row">
          <TextField
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={f.name}
            hint="e.g. “Accounting export”"
          />
          <TextField
            label="Expires after (days)"
            inputMode="numeric"
            value={days}
            onChange={(e) => setDays(e.target.value)}
            error={f.expiresInDays}
          />
        </div>
        <fieldset>
          <legend>Scopes</legend>
          {f.scopes ? <p className="field-error">{f.scopes}</p> : null}
          <div className="scope-grid">
            {(s.me.permissions as Permission[]).map((p) => (
              <label key={p} className="scope">
                <input
                  type="checkbox"
                  checked={scopes.includes(p)}
                  onChange={(e) => setScopes((x) => (e.target.checked ? [...x, p] : x.filter((y) => y !== p)))}
                />{' '}
                <code>{p}</code>
              </label>
            ))}
          </div>
        </fieldset>
        <Button type="submit" busy={create.busy}>
          Create token
        </Button>
      </form>
    </section>
  );
}
