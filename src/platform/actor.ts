/** Who did something, as the audit log records it. In platform so the HTTP layer can name a request's
 * actor (http/actor.ts) without depending on the audit module. */
export interface AuditActor {
  type: 'user' | 'token' | 'portal' | 'system' | 'anonymous';
  id: string | null;
  ip?: string | null;
}
