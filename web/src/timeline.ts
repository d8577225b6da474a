// Pure logic of the playback timeline on the camera page: the window shown (a calendar day at the 24-hour
// zoom, a fixed span below it), zooming about a point and panning, tick marks in the unit's time zone,
// evidence holds and case markers placed on the window, what a click plays, and the mapping between a
// clip's media time and wall time (the server collapses gaps: recorded frames play back to back).
// Instants are UTC milliseconds; no clock of its own (`now` is passed in).
import type { Case, Hold, Recordings } from './api';
import { zoneOffsetMinutes, formatDateTime } from './format';
import { t, type Lang } from './i18n';
import { fold } from './tree';
import { dayOf, type Day } from './video';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The zoom levels, widest first: a calendar day, then fixed spans. */
export const ZOOMS = [
  { id: '24h', span: 24 * HOUR },
  { id: '6h', span: 6 * HOUR },
  { id: '1h', span: HOUR },
  { id: '10m', span: 10 * MINUTE },
  { id: '1m', span: MINUTE },
] as const;
export type ZoomId = (typeof ZOOMS)[number]['id'];
export const DAY_ZOOM = 0;

/** What the track shows: [start, end) and the zoom level (an index into ZOOMS). */
export interface View {
  start: number;
  end: number;
  zoom: number;
}

/** The calendar day (in the zone) that an instant falls in. */
export function dayAt(at: number, timeZone: string): Day {
  const local = formatDateTime(at, { timeZone }); // dd/MM/yyyy HH:mm
  return dayOf(`${local.slice(6, 10)}-${local.slice(3, 5)}-${local.slice(0, 2)}`, timeZone);
}

/** The whole day of `at`: the 24-hour zoom. */
export function dayView(at: number, timeZone: string): View {
  const d = dayAt(at, timeZone);
  return { start: d.start, end: d.end, zoom: DAY_ZOOM };
}

/**
 * Zoom to `zoom` keeping the instant `anchor` under the same point of the track (the pointer, or the
 * playhead). The 24-hour zoom is the calendar day of the anchor. Never past `now`'s day, and a narrow
 * window is kept from sliding wholly into the future.
 */
export function zoomView(v: View, zoom: number, anchor: number, timeZone: string, now: number): View {
  const z = Math.max(0, Math.min(ZOOMS.length - 1, zoom));
  if (z === DAY_ZOOM) return dayView(Math.min(anchor, now), timeZone);
  const span = ZOOMS[z].span;
  const f = v.end > v.start ? Math.min(1, Math.max(0, (anchor - v.start) / (v.end - v.start))) : 0.5;
  const start = Math.round(anchor - f * span);
  return clampView({ start, end: start + span, zoom: z }, now, timeZone);
}

/** Move the window by `by` ms (a whole day at a time at the 24-hour zoom), not past now. */
export function panView(v: View, by: number, timeZone: string, now: number): View {
  if (v.zoom === DAY_ZOOM) {
    if (Math.abs(by) < 12 * HOUR) return v;
    return clampView(dayView(by > 0 ? v.end + HOUR : v.start - HOUR, timeZone), now, timeZone);
  }
  return clampView({ start: v.start + by, end: v.end + by, zoom: v.zoom }, now, timeZone);
}

/** The window moved so that `at` is in view, at a quarter of its width when it has to move. */
export function viewShowing(v: View, at: number, timeZone: string, now: number): View {
  if (at >= v.start && at < v.end) return v;
  if (v.zoom === DAY_ZOOM) return dayView(at, timeZone);
  const span = v.end - v.start;
  const start = Math.round(at - span / 4);
  return clampView({ start, end: start + span, zoom: v.zoom }, now, timeZone);
}

/** No later than now's day; a narrow window keeps now at or right of its middle. */
export function clampView(v: View, now: number, timeZone: string): View {
  if (v.zoom === DAY_ZOOM) return v.start > now ? dayView(now, timeZone) : v;
  const span = v.end - v.start;
  if (v.start + span / 2 <= now) return v;
  const start = Math.round(now - span / 2);
  return { start, end: start + span, zoom: v.zoom };
}

/** The position of an instant across the window, 0..1 (clamped). */
export function fractionIn(at: number, v: Pick<View, 'start' | 'end'>): number {
  return Math.min(1, Math.max(0, (at - v.start) / (v.end - v.start)));
}

/** The instant at a position across the window. */
export function instantIn(fraction: number, v: Pick<View, 'start' | 'end'>): number {
  return Math.round(v.start + Math.min(1, Math.max(0, fraction)) * (v.end - v.start));
}

/** The calendar days the window touches: what the recordings request covers (whole days). */
export function fetchSpan(v: Pick<View, 'start' | 'end'>, timeZone: string): { from: number; to: number } {
  return { from: dayAt(v.start, timeZone).start, to: dayAt(v.end - 1, timeZone).end };
}

// ---- ticks --------------------------------------------------------------------------------------

const TICK_STEPS = [SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR];

/** The smallest step that puts at most `max` intervals across the window. */
export function tickStep(spanMs: number, max = 8): number {
  return TICK_STEPS.find((s) => spanMs / s <= max) ?? TICK_STEPS[TICK_STEPS.length - 1];
}

export interface Tick {
  at: number;
  left: number;
  /** "HH:mm" (or "HH:mm:ss" for steps under a minute), 24-hour, in the zone; "24:00" closes a day. */
  label: string;
  /** A midnight inside a narrow window: the label carries the date ("00:00 29/11"). */
  midnight: boolean;
}

/**
 * The ticks across the window at wall-clock multiples of the step in the zone (so that 03:00 is
 * 03:00 local time even in zones that are not whole hours from UTC, and across a clock change).
 */
export function ticks(v: View, timeZone: string, max = 8): Tick[] {
  const step = tickStep(v.end - v.start, max);
  const out: Tick[] = [];
  const toUtc = (wall: number) => {
    let guess = wall - zoneOffsetMinutes(new Date(wall), timeZone) * MINUTE;
    guess = wall - zoneOffsetMinutes(new Date(guess), timeZone) * MINUTE;
    return guess;
  };
  const localStart = v.start + zoneOffsetMinutes(new Date(v.start), timeZone) * MINUTE;
  for (let wall = Math.ceil(localStart / step) * step; out.length < 100; wall += step) {
    const at = toUtc(wall);
    if (at > v.end) break;
    if (at < v.start || (out.length && out[out.length - 1].at === at)) continue;
    const text = formatDateTime(at, { seconds: true, timeZone }); // dd/MM/yyyy HH:mm:ss
    const time = step < MINUTE ? text.slice(11) : text.slice(11, 16);
    const atMidnight = text.slice(11) === '00:00:00';
    const closesDay = v.zoom === DAY_ZOOM && at === v.end;
    out.push({
      at,
      left: fractionIn(at, v),
      label: closesDay ? '24:00' : atMidnight && v.zoom !== DAY_ZOOM ? `${time} ${text.slice(0, 5)}` : time,
      midnight: atMidnight && v.zoom !== DAY_ZOOM,
    });
  }
  return out;
}

/** "28/11/2026 08:00 – 09:00", what the window spans, for its label. */
export function viewText(v: View, timeZone: string): string {
  const a = formatDateTime(v.start, { seconds: v.zoom >= 3, timeZone });
  const b = formatDateTime(v.end, { seconds: v.zoom >= 3, timeZone });
  if (v.zoom === DAY_ZOOM) return `${a} – 24:00`;
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} – ${b.slice(11)}` : `${a} – ${b}`;
}

// ---- holds and cases on the window --------------------------------------------------------------

export interface Band {
  id: number;
  start: number;
  end: number;
  left: number;
  width: number;
  active: boolean;
  caseId: number | null;
  title: string;
}

/** A camera's holds clipped to the window, in force first (drawn on top), then by start. */
export function holdBands(holds: Hold[] | null | undefined, v: View, timeZone: string, lang?: Lang): Band[] {
  const out: Band[] = [];
  for (const h of holds ?? []) {
    const from = Date.parse(h.from);
    const to = Date.parse(h.to);
    const start = Math.max(from, v.start);
    const end = Math.min(to, v.end);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) continue;
    const active = !h.released_at;
    const span = `${formatDateTime(from, { seconds: true, timeZone })} – ${formatDateTime(to, { seconds: true, timeZone })}`;
    const title = t(active ? 'playback.holdBand' : 'playback.holdBandReleased', { span, reason: h.reason, case: h.case_number ?? '—' }, lang);
    out.push({ id: h.id, start, end, left: fractionIn(start, v), width: fractionIn(end, v) - fractionIn(start, v), active, caseId: h.case_id, title });
  }
  return out.sort((a, b) => Number(a.active) - Number(b.active) || a.start - b.start);
}

export interface Marker {
  caseId: number;
  number: string;
  at: number;
  left: number;
  from: number;
  to: number;
  label: string;
}

/** Whether a case names this camera: cases refer to cameras by their name, typed or filled in. */
export function namesCamera(ref: string, camera: { id: number; name: string }): boolean {
  const r = fold(ref.trim());
  return r !== '' && (r === fold(camera.name.trim()) || r === `#${camera.id}`);
}

/**
 * Case markers on the window: each case that names this camera, at its observation time when that
 * falls in the case's window for this camera, else at the start of that window. The case list cannot
 * be filtered by camera on the server: it is filtered here.
 */
export function caseMarkers(cases: Case[] | null | undefined, camera: { id: number; name: string }, v: View, timeZone: string, lang?: Lang): Marker[] {
  const out: Marker[] = [];
  for (const c of cases ?? []) {
    const observed = Date.parse(c.observed_at);
    for (const w of c.cameras ?? []) {
      if (!namesCamera(w.camera, camera)) continue;
      const from = Date.parse(w.from);
      const to = Date.parse(w.to);
      if (!Number.isFinite(from) || !Number.isFinite(to)) continue;
      const at = observed >= from && observed <= to ? observed : from;
      if (at < v.start || at >= v.end) continue;
      const label = t(
        'playback.caseMarker',
        { number: c.number, time: formatDateTime(at, { seconds: true, timeZone }), subject: c.suspected_violation || c.description || c.site },
        lang,
      );
      out.push({ caseId: c.id, number: c.number, at, left: fractionIn(at, v), from, to, label });
      break; // one marker per case
    }
  }
  return out.sort((a, b) => a.at - b.at || a.caseId - b.caseId);
}

// ---- clips and their time --------------------------------------------------------------------------

export interface Run {
  start: number;
  end: number;
}

/**
 * The recorded runs, in time order, touching or overlapping ones merged. The run being recorded
 * (`live`) reaches `now`: playback goes on into what was recorded since the list was fetched.
 */
export function runsOf(rec: Recordings | null | undefined, now?: number): Run[] {
  const runs = (rec?.segments ?? [])
    .map((s) => ({ start: Date.parse(s.start), end: Math.max(Date.parse(s.end), s.live && now !== undefined ? now : -Infinity) }))
    .filter((r) => Number.isFinite(r.start) && Number.isFinite(r.end) && r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const out: Run[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

export interface Clip {
  /** What is asked of the server: [from, to). */
  from: number;
  to: number;
  /** `at` fell in a gap: the clip starts at the next recording. */
  snapped: boolean;
}

/** At most this much wall time per request: it seeks well and starts at once. */
export const CLIP_SPAN_MS = HOUR;

/**
 * What playing from `at` asks for: from `at` (or the next recording when `at` is in a gap) for up to
 * an hour of wall time, gaps included (the server collapses them), not past `limit` (what the
 * recordings loaded cover, or now). Null when nothing is recorded from `at` to `limit`.
 */
export function clipAt(runs: Run[], at: number, limit: number, spanMs = CLIP_SPAN_MS): Clip | null {
  const inside = runs.find((r) => r.start <= at && at < r.end);
  const from = inside ? at : runs.find((r) => r.start > at)?.start;
  if (from === undefined || from >= limit) return null;
  return { from, to: Math.min(from + spanMs, limit), snapped: !inside };
}

/** The recorded pieces of a clip that starts (first frame shown) at `first` and ends at `last`. */
export function clipPieces(runs: Run[], first: number, last: number): Run[] {
  const out: Run[] = [];
  for (const r of runs) {
    const start = Math.max(r.start, first);
    const end = Math.min(r.end, last);
    if (end > start) out.push({ start, end });
  }
  // Recordings not loaded for this clip: the clock runs straight from its first frame.
  if (!out.length) return [{ start: first, end: Math.max(first, last) }];
  // The header's first frame can sit a few milliseconds before the run's indexed start.
  if (out[0].start > first && out[0].start - first < 2 * SECOND) out[0].start = first;
  return out;
}

/**
 * Media time (seconds from the first frame shown) → wall time. Recorded pieces follow each other with
 * no gap in media time; past the last piece the clock runs on from its end.
 */
export function mediaToWall(pieces: Run[], seconds: number): number {
  let rest = Math.max(0, seconds * 1000);
  for (const p of pieces) {
    const len = p.end - p.start;
    if (rest < len) return p.start + rest;
    rest -= len;
  }
  const last = pieces[pieces.length - 1];
  return last ? last.end + rest : rest;
}

/**
 * Wall time → media time (seconds) in the clip; a time in a collapsed gap maps to the start of the
 * next piece; null when it is outside the clip.
 */
export function wallToMedia(pieces: Run[], at: number): number | null {
  if (!pieces.length || at < pieces[0].start || at >= pieces[pieces.length - 1].end) return null;
  let media = 0;
  for (const p of pieces) {
    if (at < p.start) return media / 1000;
    if (at < p.end) return (media + at - p.start) / 1000;
    media += p.end - p.start;
  }
  return null;
}

// ---- speeds, frames, typed times ------------------------------------------------------------------

export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8] as const;

/** "¼×", "½×", "1×", "8×". */
export function speedLabel(s: number): string {
  return s === 0.25 ? '¼×' : s === 0.5 ? '½×' : `${s}×`;
}

/** One frame, in seconds, at the camera's measured rate (25 fps when it is not known). */
export function frameSeconds(fps: number | null | undefined): number {
  return typeof fps === 'number' && Number.isFinite(fps) && fps >= 1 && fps <= 240 ? 1 / fps : 1 / 25;
}

/** A typed time of day, "HH:mm" or "HH:mm:ss" (also "8h30", "08.30"), → seconds of the day; null when not one. */
export function parseClockSeconds(text: string): number | null {
  const m = /^\s*(\d{1,2})[:h.](\d{2})(?:[:.](\d{2}))?\s*$/.exec(text);
  if (!m || +m[1] > 23 || +m[2] > 59 || (m[3] !== undefined && +m[3] > 59)) return null;
  return +m[1] * 3600 + +m[2] * 60 + (m[3] ? +m[3] : 0);
}

/** The instant of a wall-clock time (seconds of the day) on a calendar day in the zone. */
export function zonedInstant(date: string, secondOfDay: number, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + secondOfDay * SECOND;
  let guess = wall - zoneOffsetMinutes(new Date(wall), timeZone) * MINUTE;
  guess = wall - zoneOffsetMinutes(new Date(guess), timeZone) * MINUTE;
  return guess;
}

// ---- holds changed elsewhere on the page ------------------------------------------------------------

const holdListeners = new Set<(cameraId: number) => void>();

/** The holds panel placed or released a hold: the timeline draws the camera's holds again. */
export function announceHoldsChanged(cameraId: number): void {
  for (const fn of [...holdListeners]) fn(cameraId);
}

export function onHoldsChanged(fn: (cameraId: number) => void): () => void {
  holdListeners.add(fn);
  return () => holdListeners.delete(fn);
}
