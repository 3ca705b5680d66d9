// Periodic data-protection work for the worker: signed audit checkpoints for every log that grew
// (every SEALBILL_AUDIT_CHECKPOINT_MINUTES) and scheduled encrypted backups with retention (when
// SEALBILL_BACKUP_* is configured; the slot is claimed in the database, so one worker runs it).
import type { Container } from './container.ts';

interface Log {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function createDataProtectionTasks(c: Container, log: Log, now: () => number = Date.now) {
  let lastCheckpoints = 0;
  return async function tick(): Promise<void> {
    const every = c.config.audit.checkpointMinutes * 60_000;
    if (every > 0 && now() - lastCheckpoints >= every) {
      lastCheckpoints = now();
      try {
        const made = await c.services.checkpoints.createDue();
        if (made > 0) log.info({ made }, 'audit checkpoints signed');
      } catch (err) {
        log.error({ err: { message: (err as Error).message } }, 'signing audit checkpoints failed');
      }
    }
    try {
      const r = await c.services.backups.runScheduled();
      if (r) log.info({ name: r.name, size: r.size, sha256: r.sha256, target: r.target }, 'backup written');
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, 'scheduled backup failed');
    }
  };
}
