// The notifications module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.

export interface NotificationsTable {
  id: string;
  org_id: string;
  user_id: string;
  kind: string;
  /** {title, body} under the org's data key (they name clients). */
  content_enc: string;
  /** A path in the staff app (/app/…), never an external address. */
  link: string | null;
  read_at: string | null;
  created_at: string;
}

/** A member's choice per kind; no row: the kind's defaults. */
export interface NotificationPreferencesTable {
  org_id: string;
  user_id: string;
  kind: string;
  in_app: number;
  email: number;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    notifications: NotificationsTable;
    notification_preferences: NotificationPreferencesTable;
  }
}
