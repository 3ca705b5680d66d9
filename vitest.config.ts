import { defineConfig } from 'vitest/config';

// Five projects, run together by `npm test` (and one at a time with `--project <name>`):
// - unit: src/**/*.test.ts, pure functions and single services.
// - integration: test/integration, each file boots the whole stack on its own database
//   (`npm run test:pg` runs them on PostgreSQL too).
// - einvoice: the EN 16931 rule harness (xmllint, ../shared/einvoice).
// - web: the web client's generated API types and client-side validation against the server.
// - e2e: chromium against an in-process server.
// Files in a project share a worker process (isolate: false): the module graph (Fastify, Kysely,
// the PDF and crypto stacks) is imported once per worker instead of once per file (import was 24%
// of the suite's tracked time before). This is safe because every test builds its own container, database
// and servers from scratch and no test mocks modules or mutates process-wide state without
// restoring it; module-level state in src is caches only (fonts, formatters, zxcvbn).
// A migrated SQLite database is made once per run (test/helpers/global-setup.ts) and copied into
// each test instance instead of migrating ~90 fresh databases.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
    globalSetup: ['test/helpers/global-setup.ts'],
    isolate: false,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'einvoice', include: ['test/einvoice/**/*.test.ts'] } },
      { extends: true, test: { name: 'web', include: ['test/web/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
