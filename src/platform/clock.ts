/** Injected time source, so tests can move time (session expiry, due dates, recurring runs). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class FixedClock implements Clock {
  private t: number;
  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(at: Date | string): void {
    this.t = new Date(at).getTime();
  }
}

export const isoNow = (clock: Clock): string => clock.now().toISOString();
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * Calendar date (YYYY-MM-DD) of an instant in an IANA time zone. The formatter is cached per time
 * zone: building an Intl.DateTimeFormat costs ~1 ms, and issuing asks for "today" on every document.
 */
export function dateInZone(at: Date, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }); // throws for an unknown zone: nothing cached
    if (dayFormats.size >= 256) dayFormats.clear();
    dayFormats.set(timeZone, f);
  }
  return f.format(at);
}
