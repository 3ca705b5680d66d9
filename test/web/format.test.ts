// The web app's "today" (the default end of a report period, the day a payment is recorded on, a
// schedule's first day) is the organization's day, the one the server dates documents in; the
// browser's own day can be a different one.
import { describe, expect, it } from 'vitest';
import { todayIso } from '../../web/src/lib/format.ts';

describe('todayIso', () => {
  it('is the day in the given time zone', () => {
    // UTC+14 and UTC−11 are 25 hours apart: never the same day.
    const east = todayIso('Pacific/Kiritimati');
    const west = todayIso('Pacific/Pago_Pago');
    expect(east).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(east > west).toBe(true);
    expect(east).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(new Date()));
  });

  it("is the browser's own day without a zone", () => {
    expect(todayIso()).toBe(new Intl.DateTimeFormat('en-CA').format(new Date()));
  });
});
