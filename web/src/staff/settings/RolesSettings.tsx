// Roles: the built-in ones with their permissions, and custom roles (custom:<slug>) made of
// permissions the editor holds. Changing a role needs step-up.
import { useState, type FormEvent } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import type { Permission } from '../../lib/types.ts';
import { Badge, ErrorNotice } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { useStaff } from '../context.ts';

export function RolesSection({ onChange }: { onChange: (message: string) => void }) {
  const s = useStaff();
  const roles = useApiQuery(['org-roles'], (signal) => ok(staffApi.GET('/api/v1/org/roles', { signal })));
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [perms, setPerms] = useState<Permission[]>([]);
  const save = useAction(() =>
    ok(
      staffApi.PUT('/api/v1/org/roles/{slug}', {
        params: { path: { slug: slug.trim() } },
        body: { name: name.trim(), permissions: perms },
      }),
    ),
  );
  const remove = useAction((key: string) =>
    ok(staffApi.DELETE('/api/v1/org/roles/{slug}', { params: { path: { slug: key.replace(/^custom:/, '') } } })),
  );
  const f = save.error?.fields() ?? {};
  const manage = s.can('member:manage');

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await save.run()) {
      onChange(`Role “${name.trim()}” saved`);
      setSlug('');
      setName('');
      setPerms([]);
      roles.refetch();
    }
  }

  return (
    <section className="panel" aria-labelledby="roles-h">
      <h2 id="roles-h">Roles</h2>
      <ErrorNotice error={roles.error ?? remove.error} focus={false} />
      <ul className="plain-list">
        {roles.data?.items.map((r) => (
          <li key={r.key}>
            <details>
              <summary>
                <strong>{r.name}</strong> {r.builtIn ? <Badge>built-in</Badge> : <Badge tone="info">custom</Badge>} ·{' '}
                {r.permissions.length} permissions
              </summary>
              <p className="small">
                {r.permissions.map((p) => (
                  <code key={p}>{p} </code>
                ))}
              </p>
              {!r.builtIn && manage ? (
                <Button
                  variant="link"
                  onClick={async () => {
                    if (window.confirm(`Delete the role “${r.name}”?`) && (await remove.run(r.key)) !== undefined) {
                      onChange(`Role “${r.name}” deleted`);
                      roles.refetch();
                    }
                  }}
                >
                  Delete this role
                </Button>
              ) : null}
            </details>
          </li>
        ))}
      </ul>
      {manage ? (
        <form onSubmit={submit} noValidate>
          <h3>Custom role</h3>
          <p className="muted small">
            Give it only the permissions the job needs. Saving a role with an existing key changes it.
          </p>
          <ErrorNotice error={save.error} title="The role was not saved" />
          <div className="form-row">
            <TextField
              label="Key"
              value={slug}
              onChange={(e) => setSlug(e.target.value)}
              error={f.slug}
              hint="Lower-case letters, digits and dashes, e.g. bookkeeper"
            />
            <TextField label="Role name" value={name} onChange={(e) => setName(e.target.value)} error={f.name} />
          </div>
          <fieldset>
            <legend>Permissions</legend>
            <div className="scope-grid">
              {(s.me.permissions as Permission[]).map((p) => (
                <label key={p} className="scope">
                  <input
                    type="checkbox"
                    checked={perms.includes(p)}
                    onChange={(e) => setPerms((x) => (e.target.checked ? [...x, p] : x.filter((y) => y !== p)))}
                  />{' '}
                  <code>{p}</code>
                </label>
              ))}
            </div>
          </fieldset>
          <Button type="submit" busy={save.busy} disabled={!slug.trim() || !name.trim()}>
            Save role
          </Button>
        </form>
      ) : null}
    </section>
  );
}
