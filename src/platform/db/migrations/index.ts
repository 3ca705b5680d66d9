// The ordered list of migrations. Add new files here; never edit a migration that has shipped.
import type { SealbillMigration } from './types.ts';
import * as m0001 from './0001-foundation.ts';
import * as m0002 from './0002-sessions.ts';

export const MIGRATIONS: Record<string, SealbillMigration> = {
  '0001-foundation': m0001,
  '0002-sessions': m0002,
};
