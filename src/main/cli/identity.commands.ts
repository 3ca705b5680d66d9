// `sealbill user …` and `sealbill token …`: the local administrator's tools for accounts. The CLI
// runs with access to the database and master key, so it is trusted (no step-up); every action
// is still audited and announced to the user by email.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MAX_TOKEN_DAYS } from '../../modules/identity/tokens/api-tokens.service.ts';
import { isPermission, PERMISSIONS } from '../../modules/identity/members/rbac.ts';
import { permissionsOfInTx } from '../../modules/identity/members/roles.service.ts';
import { findMembership, findUserByEmail, listActiveMemberships } from '../../modules/identity/accounts/users.repo.ts';
import { CLI_ACTOR, CliUsageError, type CliCommand } from './command.ts';

export const userCommand: CliCommand = {
  name: 'user',
  usage:
    'user reset-mfa --email E        remove a user’s second factors and end their sessions (lost device)\n' +
    '  user unlock --email E            lift a sign-in lock after too many failed attempts',
  async run({ argv, container, out }) {
    const [sub, ...rest] = argv;
    const { values } = parseArgs({ args: rest, options: { email: { type: 'string' } } });
    if ((sub !== 'reset-mfa' && sub !== 'unlock') || !values.email)
      throw new CliUsageError('usage: sealbill user reset-mfa --email E | user unlock --email E');
    const email = z.email().parse(values.email);
    const c = await container();
    const id = c.services.identity;
    if (sub === 'reset-mfa') {
      await id.members.resetMfa(email, CLI_ACTOR);
      await id.notifier.settled();
      out(
        `Removed the second factors of ${email} and ended their sessions. They will set up a factor at their next sign-in if their organization requires one.\n`,
      );
      return;
    }
    if (!(await id.members.unlockAccount(email, CLI_ACTOR))) throw new CliUsageError(`No user ${email}`);
    out(`Sign-in for ${email} is unlocked.\n`);
  },
};

export const tokenCommand: CliCommand = {
  name: 'token',
  usage:
    'token create --email E [--org ID] --name N --scopes a,b --expires-days N\n                                   create an API token for a user (shown once)',
  async run({ argv, container, out }) {
    const [sub, ...rest] = argv;
    const { values } = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        org: { type: 'string' },
        name: { type: 'string' },
        scopes: { type: 'string' },
        'expires-days': { type: 'string' },
      },
    });
    if (sub !== 'create' || !values.email || !values.name || !values.scopes || !values['expires-days']) {
      throw new CliUsageError(
        'usage: sealbill token create --email E [--org ID] --name N --scopes a,b --expires-days N',
      );
    }
    const scopes = values.scopes
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const unknown = scopes.filter((x) => !isPermission(x));
    if (unknown.length > 0 || scopes.length === 0)
      throw new CliUsageError(
        `Unknown scope(s): ${unknown.join(', ') || '(none given)'}. Known: ${PERMISSIONS.join(', ')}`,
      );
    const days = z.coerce.number().int().min(1).max(MAX_TOKEN_DAYS).parse(values['expires-days']);
    const c = await container();
    const user = await findUserByEmail(c.db, values.email);
    if (!user) throw new CliUsageError(`No user ${values.email}`);
    const memberships = await listActiveMemberships(c.db, user.id);
    const orgId = values.org ?? (memberships.length === 1 ? memberships[0]!.orgId : undefined);
    if (!orgId)
      throw new CliUsageError(
        memberships.length === 0
          ? `${values.email} has no active membership`
          : `${values.email} belongs to several organizations: pass --org ID`,
      );
    const m = await findMembership(c.db, orgId, user.id);
    const held = m && !m.deactivated_at ? await permissionsOfInTx(c.db, orgId, m.role) : null;
    if (!held) throw new CliUsageError(`${values.email} is not an active member of ${orgId}`);
    const r = await c.services.tokens.issue(
      { orgId, userId: user.id, name: values.name, scopes: scopes.filter(isPermission), expiresInDays: days },
      held,
      CLI_ACTOR,
    );
    out(
      `API token "${r.name}" for ${values.email} in ${orgId}, scopes ${r.scopes.join(',')}, expires ${r.expiresAt}.\nShown once; store it in a password manager:\n  ${r.token}\n`,
    );
  },
};
