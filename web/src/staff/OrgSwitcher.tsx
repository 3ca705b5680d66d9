// Switching between the organizations a member belongs to (POST /api/v1/auth/switch-org: a new
// session token bound to the other org). The page then reloads from scratch, so nothing read in
// the previous organization stays in memory or on screen.
import { useState, type FormEvent } from 'react';
import { ok, setCsrfToken, staffApi } from '../lib/api.ts';
import { useAction } from '../lib/hooks.ts';
import { ErrorNotice } from '../ui/feedback.tsx';
import { Button, SelectField } from '../ui/forms.tsx';
import { useStaff } from './context.ts';

export function OrgSwitcher() {
  const s = useStaff();
  const current = s.state.org.id;
  const [target, setTarget] = useState(current);
  const change = useAction(async (orgId: string) => {
    const r = await ok(staffApi.POST('/api/v1/auth/switch-org', { body: { orgId } }));
    setCsrfToken('staff', r.csrfToken);
    return r;
  });
  if (s.state.memberships.length < 2) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (target === current) return;
    if (await change.run(target)) window.location.assign('/app');
  }

  return (
    <form className="org-switch" onSubmit={submit} noValidate>
      <SelectField
        label="Organization"
        value={target}
        onChange={(e) => setTarget(e.target.value)}
        options={s.state.memberships.map((m) => ({ value: m.orgId, label: `${m.orgName} (${m.role})` }))}
      />
      <Button type="submit" busy={change.busy} disabled={target === current}>
        Switch organization
      </Button>
      <ErrorNotice error={change.error} title="Could not switch" />
    </form>
  );
}
