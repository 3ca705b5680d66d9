import { describe, expect, it } from 'vitest';
import { backupName, backupTime, isBackupDue, isoWeekKey, scheduleSlot, selectRetained } from './backup.retention.ts';

const daily = (from: string, days: number) =>
  Array.from({ length: days }, (_, i) => {
    const d = new Date(Date.parse(from) - i * 86_400_000);
    return { name: backupName(d), createdAt: d };
  });

describe('backup retention (GFS)', () => {
  it.each([
    ['2026-01-01', '2026-W01'],
    ['2025-12-29', '2026-W01'],
    ['2025-12-28', '2025-W52'],
    ['2021-01-03', '2020-W53'],
    ['2024-12-30', '2025-W01'],
  ])('ISO week of %s is %s', (day, week) => expect(isoWeekKey(new Date(`${day}T12:00:00Z`))).toBe(week));

  it('keeps 7 daily, 4 weekly and 12 monthly from a year of daily backups', () => {
    const items = daily('2026-06-30T02:00:00Z', 400);
    const { keep, remove } = selectRetained(items, { daily: 7, weekly: 4, monthly: 12 });
    expect(keep.length + remove.length).toBe(400);
    const days = keep.map((n) => backupTime(n)!.toISOString().slice(0, 10));
    // The last 7 days.
    expect(days.slice(0, 7)).toEqual([
      '2026-06-30',
      '2026-06-29',
      '2026-06-28',
      '2026-06-27',
      '2026-06-26',
      '2026-06-25',
      '2026-06-24',
    ]);
    // Newest of each of the last 4 ISO weeks (some coincide with dailies), newest of 12 months.
    for (const d of ['2026-06-21', '2026-06-14', '2026-05-31', '2026-04-30', '2025-07-31']) expect(days).toContain(d);
    expect(days).not.toContain('2025-06-30');
    expect(new Set(keep.map((n) => backupTime(n)!.toISOString().slice(0, 7))).size).toBe(12);
    expect(keep.length).toBeLessThanOrEqual(7 + 4 + 12);
  });

  it('keeps only the newest of several backups on one day, and always the newest overall', () => {
    const at = (iso: string) => ({ name: backupName(new Date(iso)), createdAt: new Date(iso) });
    const items = [at('2026-01-05T01:00:00Z'), at('2026-01-05T13:00:00Z'), at('2026-01-04T01:00:00Z')];
    expect(selectRetained(items, { daily: 1, weekly: 0, monthly: 0 })).toEqual({
      keep: [items[1]!.name],
      remove: [items[0]!.name, items[2]!.name],
    });
    expect(selectRetained(items, { daily: 0, weekly: 0, monthly: 0 }).keep).toEqual([items[1]!.name]);
  });

  it('names round-trip and schedules by slot', () => {
    const d = new Date('2026-03-04T05:06:07.890Z');
    expect(backupName(d)).toBe('sealbill-20260304T050607Z.jsonl.gz.age');
    expect(backupTime(backupName(d))?.toISOString()).toBe('2026-03-04T05:06:07.000Z');
    expect(backupTime('../etc/passwd')).toBeNull();
    expect(scheduleSlot(d, 24)).toBe('2026-03-04T00:00:00.000Z');
    expect(isBackupDue(d, 24, null)).toBe(true);
    expect(isBackupDue(d, 24, new Date('2026-03-04T00:30:00Z'))).toBe(false);
    expect(isBackupDue(d, 24, new Date('2026-03-03T23:59:00Z'))).toBe(true);
    expect(isBackupDue(d, 0, null)).toBe(false);
  });
});
