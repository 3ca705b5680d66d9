// The architecture rules of docs/ARCHITECTURE.md ("Rules (checked by npm run lint)"), as checks.
// Run: npm run lint:arch (part of npm run lint, so of CI). Module-level cycles are checked by
// scripts/check-module-cycles.ts, which reads the same import graph.
//
// ALLOW-LIST: every exception below is a path in an `allow` array with the reason beside it.
// Shrink it; never grow it without a reason a reviewer accepts.

/** Files that may import node:crypto directly although they live outside src/platform/crypto. */
const cryptoAllow = [
  // PKI/CMS: X.509 parsing, CMS/PAdES/CAdES signing and S/MIME need KeyObject, X509Certificate and
  // webcrypto (for pkijs) directly; wrapping every one of them in platform/crypto would only rename them.
  'src/modules/verification/pki\\.ts$',
  'src/modules/verification/pades\\.ts$',
  'src/modules/verification/cades-template\\.ts$',
  'src/modules/delivery/smime\\.ts$',
  'src/platform/http/dev-cert\\.ts$', // self-signed development certificate (pkijs + webcrypto)
];

/** Files outside a *.repo.ts / platform/db that still import Kysely's runtime (sql, Kysely). */
const kyselyAllow = [
  'src/modules/identity/accounts/bootstrap\\.service\\.ts$', // the first-run advisory lock (sql`select pg_advisory_xact_lock`): move into a repo
  'src/modules/backup/backup\\.restore\\.ts$', // restore drops and recreates tables: database administration, not a query
];

/** Imports of another module's repo. */
const repoAllow = [
  'src/main/', // the composition root and its CLI commands (wiring, not a module)
];

/** Files outside *.routes.ts, platform/http and main that import Fastify types. */
const fastifyAllow = [
  'src/modules/identity/sessions/http-session\\.ts$', // cookie/CSRF glue shared by identity's routes files
];

/**
 * Not checked by a rule (a table is a string, not an import), listed so the exceptions stay in one place:
 * identity's repos read another module's table `orgs` — only `orgs.name` beside the foreign key
 * (memberships and invitations show the org's name; a per-membership OrgService.get would decrypt
 * each profile on every session check) — and `orgs.security_policy`, a column identity owns.
 * See docs/ARCHITECTURE.md, "Rules of the house".
 */
// src/modules/identity/accounts/users.repo.ts (listActiveMemberships), members/invitations.repo.ts
// (findInvitationByTokenHash), members/org-policy.repo.ts (getOrgName, the security policy column)

/** Files allowed in an import cycle among themselves. */
const cycleAllow = [
  // roles ⇄ members ⇄ session-state (permissionsOf / Acting / SessionStateService): not yet untangled
  'src/modules/identity/members/(roles|members)\\.service\\.ts$',
  'src/modules/identity/sessions/session-state\\.ts$',
];

const notTest = '(\\.test\\.ts$|^test/)';

module.exports = {
  forbidden: [
    {
      name: 'platform-imports-no-module',
      comment: 'src/platform is the bottom layer: it must not know any feature module.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'shared-imports-nothing-above',
      comment: 'src/shared is a pure kernel (money, currency, numbering): no modules, no platform, no wiring.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/(modules|platform|main|config)/' },
    },
    {
      name: 'repo-only-inside-its-module',
      comment: "A module's *.repo.ts is its private table access; other modules call its service.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/', pathNot: [notTest, ...repoAllow] },
      to: { path: '^src/modules/[^/]+/.*\\.repo\\.ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'repo-only-inside-a-module',
      comment: 'Outside src/modules only the composition root (src/main) builds repos.',
      severity: 'error',
      from: { path: '^src/(platform|shared|config)/' },
      to: { path: '^src/modules/.*\\.repo\\.ts$' },
    },
    {
      name: 'kysely-only-in-repos',
      comment: 'Queries live in *.repo.ts and src/platform/db; elsewhere only the Tx/Executor types from platform/db.',
      severity: 'error',
      from: { pathNot: ['\\.repo\\.ts$', '^src/platform/db/', notTest, ...kyselyAllow] },
      to: { path: '(^|/)node_modules/kysely/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'fastify-only-at-the-edge',
      comment: 'HTTP types stay in *.routes.ts, src/platform/http and src/main; services know nothing of requests.',
      severity: 'error',
      from: { pathNot: ['\\.routes\\.ts$', '^src/platform/http/', '^src/main/', notTest, ...fastifyAllow] },
      to: { path: '(^|/)node_modules/(fastify|@fastify/[^/]+|fastify-type-provider-zod|fastify-plugin)/' },
    },
    {
      name: 'node-crypto-only-in-platform-crypto',
      comment: 'One door for crypto: src/platform/crypto. The PKI/CMS allow-list is at the top of this file.',
      severity: 'error',
      from: { pathNot: ['^src/platform/crypto/', notTest, ...cryptoAllow] },
      to: { path: '^(node:)?crypto$', dependencyTypes: ['core'] },
    },
    {
      name: 'no-file-cycle',
      comment: 'No import cycles between files (type-only imports count: they couple the files all the same).',
      severity: 'error',
      from: { pathNot: cycleAllow },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.js'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    exclude: { path: '^src/.*\\.d\\.ts$' },
  },
};
