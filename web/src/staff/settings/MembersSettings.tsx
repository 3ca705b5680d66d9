// Members and roles, invitations. Role changes and deactivation need step-up (the dialog appears).
import { useState, type FormEvent } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import type { Answer } from '../../lib/types.ts';
import { Badge, EmptyState, ErrorNotice, Loading, Status } from '../../ui/feedback.tsx';
import { Button, SelectField, TextField } from '../../ui/forms.tsx';
import { useStaff } from '../context.ts';
import { RolesSection } from './RolesSettings.tsx';
import { SettingsFrame } from './Settings.tsx';
import { ActionsHeader, DataTable } from '../../ui/DataTable.tsx';

type Member = Answer<'/api/v1/members'>['items'][number];

export function MembersPage() {
  const s = useStaff();
  const members = useApiQuery(['members'], (signal) => ok(staffApi.GET('/api/v1/members', { signal })));
  const roles = useApiQuery(['org-roles'], (signal) => ok(staffApi.GET('/api/v1/org/roles', { signal })));
  const invites = useApiQuery(['invitations'], (signal) =>
    s.can('member:manage')
      ? ok(staffApi.GET('/api/v1/members/invitations', { signal }))
      : Promise.resolve({ items: [] }),
  );
  const [status, setStatus] = useState<string | null>(null);
  const setRole = useAction((userId: string, role: string) =>
    ok(staffApi.PATCH('/api/v1/members/{userId}', { params: { path: { userId } }, body: { role } })),
  );
  const toggle = useAction((m: Member) =>
    ok(
      staffApi.POST(m.active ? '/api/v1/members/{userId}/deactivate' : '/api/v1/members/{userId}/reactivate', {
        params: { path: { userId: m.userId } },
      }),
    ),
  );
  const unlock = useAction((m: Member) =>
    ok(staffApi.POST('/api/v1/members/{userId}/unlock', { params: { path: { userId: m.userId } } })),
  );
  const revokeInvite = useAction((id: string) =>
    ok(staffApi.DELETE('/api/v1/members/invitations/{id}', { params: { path: { id } } })),
  );
  const manage = s.can('member:manage');
  const roleOptions = (roles.data?.items ?? []).map((r) => ({ value: r.key, label: r.name }));

  return (
    <SettingsFrame title="Members">
      <Status message={status} />
      <ErrorNotice error={members.error ?? setRole.error ?? toggle.error ?? unlock.error ?? revokeInvite.error} />
      {members.isPending ? <Loading /> : null}
      {members.data ? (
        <DataTable
          label="Members"
          caption="Members"
          rows={members.data.items}
          rowKey={(m) => m.userId}
          columns={[
            {
              header: 'Member',
              cell: (m) => (
                <>
                  {m.name} {m.userId === s.me.userId ? <Badge tone="info">you</Badge> : null}{' '}
                  {!m.active ? <Badge>deactivated</Badge> : null} {m.locked ? <Badge tone="bad">locked</Badge> : null}
                  <div className="muted small">{m.email}</div>
                </>
              ),
            },
            {
              header: 'Role',
              cell: (m) =>
                manage && m.userId !== s.me.userId && m.active ? (
                  <SelectField
                    label={<span className="visually-hidden">Role of {m.name}</span>}
                    value={m.role}
                    options={roleOptions.length ? roleOptions : [{ value: m.role, label: m.role }]}
                    onChange={async (e) => {
                      if (await setRole.run(m.userId, e.target.value)) {
                        setStatus(`${m.name} is now ${e.target.value}`);
                        void members.refetch();
                      }
                    }}
                  />
                ) : (
                  m.role
                ),
            },
            {
              header: 'Second factor',
              cell: (m) => (
                <>
                  {m.factors.passkeys > 0 ? <Badge tone="good">passkey</Badge> : null}{' '}
                  {m.factors.totp ? <Badge tone="good">app</Badge> : null}
                  {!m.factors.totp && m.factors.passkeys === 0 ? <Badge tone="warn">none</Badge> : null}
                </>
              ),
            },
            { header: 'Last sign-in', cell: (m) => (m.lastLoginAt ? dateTime(m.lastLoginAt) : 'never') },
            manage && {
              header: <ActionsHeader />,
              className: 'actions',
              cell: (m) => (
                <>
                  {m.locked ? (
                    <Button className="btn-small" onClick={async () => (await unlock.run(m)) && members.refetch()}>
                      Unlock
                    </Button>
                  ) : null}
                  {m.userId !== s.me.userId ? (
                    <Button
                      className="btn-small"
                      variant={m.active ? 'danger' : 'secondary'}
                      onClick={async () => {
                        if (m.active && !window.confirm(`Deactivate ${m.name}? Their sessions and API tokens end now.`))
                          return;
                        if (await toggle.run(m)) {
                          setStatus(m.active ? `${m.name} deactivated` : `${m.name} reactivated`);
                          void members.refetch();
                        }
                      }}
                    >
                      {m.active ? 'Deactivate' : 'Reactivate'}
                    </Button>
                  ) : null}
                </>
              ),
            },
          ]}
        />
      ) : null}
      {manage ? (
        <>
          <InviteForm
            roles={roleOptions}
            onInvited={(email) => {
              setStatus(`Invitation sent to ${email}`);
              invites.refetch();
            }}
          />
          <section className="panel" aria-labelledby="invites-h">
            <h2 id="invites-h">Pending invitations</h2>
            {invites.data && invites.data.items.filter((i) => i.status === 'pending').length === 0 ? (
              <EmptyState title="No pending invitations" />
            ) : null}
            <ul className="plain-list">
              {invites.data?.items
                .filter((i) => i.status === 'pending')
                .map((i) => (
                  <li key={i.id}>
                    {i.email} as {i.role} · expires {dateTime(i.expiresAt)}{' '}
                    <Button
                      variant="link"
                      aria-label={`Revoke the invitation of ${i.email}`}
                      onClick={async () => (await revokeInvite.run(i.id)) && invites.refetch()}
                    >
                      Revoke
                    </Button>
                  </li>
                ))}
            </ul>
          </section>
        </>
      ) : null}
      <RolesSection
        onChange={(m) => {
          setStatus(m);
          roles.refetch();
        }}
      />
    </SettingsFrame>
  );
}

function InviteForm({
  roles,
  onInvited,
}: {
  roles: Array<{ value: string; label: string }>;
  onInvited: (email: string) => void;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('viewer');
  const invite = useAction(() =>
    ok(staffApi.POST('/api/v1/members/invitations', { body: { email: email.trim(), role } })),
  );
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await invite.run()) {
      onInvited(email.trim());
      setEmail('');
    }
  }
  return (
    <form className="panel" onSubmit={submit} noValidate>
      <h2>Invite someone</h2>
      <ErrorNotice error={invite.error} title="The invitation was not sent" />
      <div className="form-row">
        <TextField
          label="Email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={invite.error?.fields().email}
        />
        <SelectField
          label="Role"
          value={role}
          onChange={(e) => setRole(e.target.value)}
          options={roles.length ? roles : [{ value: 'viewer', label: 'Viewer' }]}
          error={invite.error?.fields().role}
        />
      </div>
      <Button type="submit" variant="primary" busy={invite.busy}>
        Send invitation
      </Button>
    </form>
  );
}
