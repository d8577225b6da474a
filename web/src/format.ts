// Times arrive as ISO-8601 UTC; operators read them in Vietnam time in the Vietnamese layout
// (dd/MM/yyyy HH:mm) whatever the browser's own zone or language.

export const DISPLAY_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Two-digit day, month, hour and minute (and second), four-digit year, 24-hour clock, in `timeZone`. */
function dateTimeFields(timeZone: string, seconds: boolean): Intl.DateTimeFormatOptions {
  return {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: seconds ? '2-digit' : undefined,
    hourCycle: 'h23',
  };
}

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, seconds: boolean): Intl.DateTimeFormat {
  const k = `${timeZone}|${seconds}`;
  let f = cache.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat('vi-VN', dateTimeFields(timeZone, seconds));
    cache.set(k, f);
  }
  return f;
}

function toDate(value: string | number | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * "dd/MM/yyyy HH:mm" (or with ":ss") in the given zone. The parts are assembled by hand so that
 * no ICU version can slip in "lúc" or reorder them. Returns "" for a missing or invalid value.
 */
export function formatDateTime(
  value: string | number | Date | null | undefined,
  opts: { seconds?: boolean; timeZone?: string } = {},
): string {
  if (value === null || value === undefined || value === '') return '';
  const d = toDate(value);
  if (!d) return '';
  const parts: Record<string, string> = {};
  for (const p of formatter(opts.timeZone ?? DISPLAY_TIME_ZONE, !!opts.seconds).formatToParts(d)) {
    parts[p.type] = p.value;
  }
  const base = `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
  return opts.seconds ? `${base}:${parts.second}` : base;
}

/** "dd/MM/yyyy" in the given zone. */
export function formatDate(value: string | number | Date | null | undefined, timeZone = DISPLAY_TIME_ZONE): string {
  const s = formatDateTime(value, { timeZone });
  return s ? s.slice(0, 10) : '';
}

/** Offset of `timeZone` from UTC in minutes at instant `d` (e.g. 420 for Asia/Ho_Chi_Minh). */
export function zoneOffsetMinutes(d: Date, timeZone: string): number {
  const parts: Record<string, string> = {};
  const f = new Intl.DateTimeFormat('en-US', dateTimeFields(timeZone, true));
  for (const p of f.formatToParts(d)) parts[p.type] = p.value;
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((asUtc - Math.floor(d.getTime() / 1000) * 1000) / 60000);
}

/**
 * The UTC instant (ISO, with milliseconds and Z) of a wall-clock time in `timeZone`.
 * `date` is "yyyy-MM-dd" as an <input type="date"> gives it; `endOfDay` picks 23:59:59.999.
 */
export function zonedDateToUtcIso(date: string, endOfDay = false, timeZone = DISPLAY_TIME_ZONE): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const wall = endOfDay
    ? Date.UTC(+m[1], +m[2] - 1, +m[3], 23, 59, 59, 999)
    : Date.UTC(+m[1], +m[2] - 1, +m[3], 0, 0, 0, 0);
  // Two passes settle the offset even across a DST change in zones that have one.
  let guess = wall - zoneOffsetMinutes(new Date(wall), timeZone) * 60000;
  guess = wall - zoneOffsetMinutes(new Date(guess), timeZone) * 60000;
  return new Date(guess).toISOString();
}

/**
 * Read a Vietnamese-style date "dd/MM/yyyy" (also d/M/yyyy, '-' or '.' as separator) into
 * "yyyy-MM-dd"; null when it is not a real calendar date.
 */
export function parseViDate(text: string): string | null {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "HH:mm dd/MM/yyyy" in the given zone: how a shift boundary is written ("08:00 27/11/2026"). */
export function formatTimeDate(value: string | number | Date | null | undefined, timeZone = DISPLAY_TIME_ZONE): string {
  const s = formatDateTime(value, { timeZone });
  return s ? `${s.slice(11)} ${s.slice(0, 10)}` : '';
}

/** A shift's span: "08:00 27/11/2026 – 08:00 28/11/2026". */
export function formatSpan(
  from: string | number | Date | null | undefined,
  to: string | number | Date | null | undefined,
  timeZone = DISPLAY_TIME_ZONE,
): string {
  return `${formatTimeDate(from, timeZone)} – ${formatTimeDate(to, timeZone)}`;
}

/** "HH:mm" in the given zone. */
export function formatTime(value: string | number | Date | null | undefined, timeZone = DISPLAY_TIME_ZONE): string {
  const s = formatDateTime(value, { timeZone });
  return s ? s.slice(11) : '';
}
