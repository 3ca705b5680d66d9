// Backup schedule and grandfather-father-son retention, as pure functions of time.
// Retention keeps the newest backup of each of the last `daily` days, `weekly` ISO weeks and
// `monthly` months that have backups (UTC); everything else may be deleted. The newest backup is
// always kept, whatever the policy says.

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface BackupItem {
  name: string;
  createdAt: Date;
}

const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const monthKey = (d: Date) => d.toISOString().slice(0, 7);

/** ISO 8601 week (e.g. 2026-W01): weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeekKey(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export function selectRetained(items: BackupItem[], policy: RetentionPolicy): { keep: string[]; remove: string[] } {
  const newestFirst = [...items].sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.name < b.name ? 1 : -1),
  );
  const keep = new Set<string>();
  const bucket = (keyOf: (d: Date) => string, count: number) => {
    const seen = new Set<string>();
    for (const it of newestFirst) {
      const k = keyOf(it.createdAt);
      if (seen.has(k)) continue;
      if (seen.size >= count) break;
      seen.add(k);
      keep.add(it.name);
    }
  };
  bucket(dayKey, policy.daily);
  bucket(isoWeekKey, policy.weekly);
  bucket(monthKey, policy.monthly);
  if (newestFirst[0]) keep.add(newestFirst[0].name);
  return {
    keep: newestFirst.filter((i) => keep.has(i.name)).map((i) => i.name),
    remove: newestFirst.filter((i) => !keep.has(i.name)).map((i) => i.name),
  };
}

/** The schedule slot an instant falls in (slots start at the Unix epoch, every `intervalHours`). */
export function scheduleSlot(now: Date, intervalHours: number): string {
  const ms = intervalHours * 3_600_000;
  return new Date(Math.floor(now.getTime() / ms) * ms).toISOString();
}

/** A scheduled backup is due when no backup succeeded in the current slot. */
export function isBackupDue(now: Date, intervalHours: number, lastSuccess: Date | null): boolean {
  if (intervalHours <= 0) return false;
  if (!lastSuccess) return true;
  return lastSuccess.toISOString() < scheduleSlot(now, intervalHours);
}

export const BACKUP_SUFFIX = '.jsonl.gz.age';

export function backupName(at: Date): string {
  return `sealbill-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')}${BACKUP_SUFFIX}`;
}

export function backupTime(name: string): Date | null {
  const m = /^sealbill-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.jsonl\.gz\.age$/.exec(name);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : null;
}
