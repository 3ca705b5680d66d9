// Calendar dates as ISO text (YYYY-MM-DD), computed in UTC so no time zone or daylight-saving
// change moves a day. Which day "today" is for an organization is platform/clock.ts's dateInZone.
const DAY_MS = 86_400_000;

/** The date `days` after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
