// Calendar arithmetic for recurring schedules, on 'YYYY-MM-DD' dates in UTC. Monthly schedules
// keep their anchor day and clamp to the month's last day (Jan 31 → Feb 28 → Mar 31).
export type Frequency = 'weekly' | 'monthly' | 'quarterly' | 'yearly';

function daysInMonth(y: number, m0: number): number {
  return new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate();
}

export function nextRun(current: string, startOn: string, frequency: Frequency, interval: number): string {
  const [y, m, d] = current.split('-').map(Number) as [number, number, number];
  if (frequency === 'weekly') {
    const t = new Date(Date.UTC(y, m - 1, d + 7 * interval));
    return t.toISOString().slice(0, 10);
  }
  const months = (frequency === 'monthly' ? 1 : frequency === 'quarterly' ? 3 : 12) * interval;
  const anchorDay = Number(startOn.slice(8, 10));
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm0 = total % 12;
  const nd = Math.min(anchorDay, daysInMonth(ny, nm0));
  return `${ny}-${String(nm0 + 1).padStart(2, '0')}-${String(nd).padStart(2, '0')}`;
}

/** The earliest start a schedule may have without an admin's confirmation: one period before `today`. */
export function onePeriodBefore(today: string, frequency: Frequency, interval: number): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  if (frequency === 'weekly') return new Date(Date.UTC(y, m - 1, d - 7 * interval)).toISOString().slice(0, 10);
  const months = (frequency === 'monthly' ? 1 : frequency === 'quarterly' ? 3 : 12) * interval;
  const total = y * 12 + (m - 1) - months;
  const py = Math.floor(total / 12);
  const pm0 = ((total % 12) + 12) % 12;
  const pd = Math.min(d, daysInMonth(py, pm0));
  return `${String(py).padStart(4, '0')}-${String(pm0 + 1).padStart(2, '0')}-${String(pd).padStart(2, '0')}`;
}
