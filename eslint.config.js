import tseslint from 'typescript-eslint';

// Kysely's query builder (db.selectFrom/insertInto/updateTable/deleteFrom) only in *.repo.ts and
// src/platform/db; the import rules (node:crypto, Fastify, repos, cycles) are in .dependency-cruiser.cjs.
// ALLOW-LIST: files that still build queries outside a repo, each with its reason. Shrink it.
const queryBuilderAllow = [
  'src/modules/backup/backup.service.ts', // org ids from the orgs table (needs an orgs service method) and the applied migrations (database administration)
];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'web/dist/', 'coverage/', 'test-artifacts/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config/env.ts only.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.repo.ts', 'src/platform/db/**', 'src/**/*.test.ts', ...queryBuilderAllow],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression > MemberExpression.callee > Identifier.property[name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]',
          message: 'Queries live in a *.repo.ts of the module that owns the table (docs/ARCHITECTURE.md, "Rules").',
        },
      ],
    },
  },
  {
    files: ['src/config/**', 'test/**', 'bench/**', 'vitest.config.ts', '**/*.test.ts'],
    rules: { 'no-restricted-properties': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
