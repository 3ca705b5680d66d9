// Background work: every minute, issue the recurring invoices that are due. Runs inside
// `sealbill serve` and alone as `sealbill worker`; several processes may run it at once, since a
// period is claimed by compare-and-set (see recurring.service.ts).
import type { Container } from './container.ts';

interface Log {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function startWorker(c: Container, log: Log, everyMs = 60_000): { stop(): void; tick(): Promise<void> } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const created = await c.services.recurring.runDue();
      if (created > 0) log.info({ created }, 'recurring invoices created');
    } catch (err) {
      log.error({ err }, 'recurring run failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  void tick();
  return { stop: () => clearInterval(timer), tick };
}
