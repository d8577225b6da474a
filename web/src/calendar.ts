// Pure calendar helpers of the roster calendar: the month and week grids (weeks start on Monday,
// as Vietnamese calendars do) and which days fall into a coverage gap. Dates are "yyyy-MM-dd"
// calendar days without a zone; instants are UTC milliseconds.
import { zoneOffsetMinutes } from './format';
import { t, type Key, type Lang } from './i18n';

export interface GridDay {
  date: string; // yyyy-MM-dd
  day: number; // day of the month, 1..31
  weekday: number; // 0 = Monday … 6 = Sunday
  inMonth: boolean; // false for the days of the adjacent months that fill the first and last week
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function ymd(year: number, month: number, day: number): string {
  const d = new Date(Date.UTC(year, month - 1, day));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function parse(date: string): { y: number; m: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not a yyyy-MM-dd date: ${date}`);
  return { y: +m[1], m: +m[2], d: +m[3] };
}

export function addDays(date: string, days: number): string {
  const { y, m, d } = parse(date);
  return ymd(y, m, d + days);
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayMonday0(date: string): number {
  const { y, m, d } = parse(date);
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

export function daysBetween(from: string, to: string): number {
  const a = parse(from);
  const b = parse(to);
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000);
}

function gridDay(date: string, month: number | null): GridDay {
  const { m, d } = parse(date);
  return { date, day: d, weekday: weekdayMonday0(date), inMonth: month === null || m === month };
}

/** The weeks (Monday first) that show `month` (1-12) of `year`, with the adjacent months' days. */
export function monthGrid(year: number, month: number): GridDay[][] {
  const first = ymd(year, month, 1);
  const last = ymd(year, month + 1, 0);
  let cur = addDays(first, -weekdayMonday0(first));
  const end = addDays(last, 6 - weekdayMonday0(last));
  const weeks: GridDay[][] = [];
  while (cur <= end) {
    const week: GridDay[] = [];
    for (let i = 0; i < 7; i += 1) {
      week.push(gridDay(cur, month));
      cur = addDays(cur, 1);
    }
    weeks.push(week);
  }
  return weeks;
}

/** The Monday-to-Sunday week containing `date`. */
export function weekOf(date: string): GridDay[] {
  const monday = addDays(date, -weekdayMonday0(date));
  return Array.from({ length: 7 }, (_, i) => gridDay(addDays(monday, i), null));
}

const WEEKDAY_KEYS: Key[] = ['cal.mon', 'cal.tue', 'cal.wed', 'cal.thu', 'cal.fri', 'cal.sat', 'cal.sun'];

/** "T2" … "T7", "CN" in Vietnamese; "Mon" … "Sun" in English. */
export function weekdayLabels(lang?: Lang): string[] {
  return WEEKDAY_KEYS.map((k) => t(k, undefined, lang));
}

/** The UTC instant of wall-clock `minuteOfDay` on `date` in `timeZone` (minutes may exceed a day). */
export function zonedToUtcMs(date: string, minuteOfDay: number, timeZone: string): number {
  const { y, m, d } = parse(date);
  const wall = Date.UTC(y, m - 1, d, 0, minuteOfDay);
  let guess = wall - zoneOffsetMinutes(new Date(wall), timeZone) * 60_000;
  guess = wall - zoneOffsetMinutes(new Date(guess), timeZone) * 60_000;
  return guess;
}

/** The span of the shift that starts on `date`: by default 08:00 to 08:00 the next day. */
export function shiftSpan(
  date: string,
  timeZone: string,
  startMinute = 8 * 60,
  lengthMinutes = 24 * 60,
): { from: number; to: number } {
  return {
    from: zonedToUtcMs(date, startMinute, timeZone),
    to: zonedToUtcMs(date, startMinute + lengthMinutes, timeZone),
  };
}

export interface GapLike {
  from: string | number;
  to: string | number;
  reason?: string;
}

const ms = (v: string | number) => (typeof v === 'number' ? v : Date.parse(v));

/** The first gap that the day's shift span (08:00 → 08:00) intersects, or null. */
export function gapOfDay<G extends GapLike>(
  date: string,
  gaps: G[],
  timeZone: string,
  startMinute = 8 * 60,
  lengthMinutes = 24 * 60,
): G | null {
  const span = shiftSpan(date, timeZone, startMinute, lengthMinutes);
  for (const g of gaps) {
    const from = ms(g.from);
    const to = ms(g.to);
    if (from < span.to && to > span.from) return g;
  }
  return null;
}

/** The days (of `days`) whose shift span intersects a gap. */
export function gapDays(days: string[], gaps: GapLike[], timeZone: string, startMinute = 8 * 60): Set<string> {
  return new Set(days.filter((d) => gapOfDay(d, gaps, timeZone, startMinute) !== null));
}

/** "yyyy-MM-dd" → "dd/MM/yyyy" (a calendar day needs no zone). */
export function formatYmd(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : date;
}

/** Today's calendar date in `timeZone`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const shifted = new Date(now.getTime() + zoneOffsetMinutes(now, timeZone) * 60_000);
  return ymd(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}
