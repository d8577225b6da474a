// Playback on the camera page (xem lại): a zoomable timeline (a day down to a minute) of recordings,
// gaps with their cause, evidence holds and case markers; a player with speeds ¼× to 8×, frame steps
// when paused, a typed time to jump to, a playhead that follows the picture, and clips chained one
// after another. The logic lives in ../timeline.ts; this file draws it and talks to the server.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, casesApi, GAP_CAUSES, MAX_PAGE, videoApi, type Camera, type CameraGrant, type Case, type Hold } from '../api';
import { formatDateTime, parseViDate } from '../format';
import { t } from '../i18n';
import { Field, ProblemBox } from '../ui';
import {
  caseMarkers,
  clipAt,
  clipPieces,
  dayAt,
  DAY_ZOOM,
  dayView,
  fetchSpan,
  fractionIn,
  frameSeconds,
  holdBands,
  instantIn,
  onHoldsChanged,
  panView,
  parseClockSeconds,
  runsOf,
  SPEEDS,
  speedLabel,
  ticks,
  viewShowing,
  viewText,
  wallToMedia,
  mediaToWall,
  zonedInstant,
  zoomView,
  ZOOMS,
  type Band,
  type Clip,
  type Marker,
  type Run,
  type View,
} from '../timeline';
import { barTitle, causesIn, gapAt, gapCauseName, timelineBars, type Bar } from '../video';
import { useLoad, useNow } from '../hooks';
import { ExportDialog } from './Evidence';
import { GrantWindow } from './SharingParts';

const iso = (ms: number) => new Date(ms).toISOString();
const pct = (f: number) => `${(f * 100).toFixed(4)}%`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** "HH:mm:ss" in the zone, with the date when it is not the day shown. */
function timeText(at: number, tz: string, day?: string): string {
  const s = formatDateTime(at, { seconds: true, timeZone: tz });
  return day && s.slice(0, 10) === day ? s.slice(11) : day ? s : s.slice(11);
}

/** Keyboard steps of the chosen time per zoom level: [arrow, Shift+arrow]. */
const KEY_STEPS: [number, number][] = [
  [60_000, 15 * 60_000],
  [15_000, 5 * 60_000],
  [5_000, 60_000],
  [1_000, 10_000],
  [1_000, 5_000],
];

// ---- the timeline ---------------------------------------------------------------------------------

/**
 * The track: recorded runs green, gaps coloured by cause, holds as bands and cases as markers above it,
 * ticks in the unit's time zone, a "now" marker and the chosen time or the playhead. A click (or
 * Enter) plays from the time under it; dragging pans, the wheel (or a pinch) zooms about the pointer;
 * the arrow keys move the chosen time and the window follows; + and − zoom.
 */
export function Timeline({
  view,
  tz,
  bars,
  holds,
  markers,
  selected,
  playhead,
  now,
  onPick,
  onView,
}: {
  view: View;
  tz: string;
  bars: Bar[];
  holds: Band[];
  markers: Marker[];
  selected: number | null;
  playhead: number | null;
  now: number;
  onPick: (at: number, play: boolean) => void;
  onView: (v: View) => void;
}) {
  const trackRef = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; view: View; moved: boolean } | null>(null);
  const pointers = useRef(new Map<number, number>());
  const pinch = useRef<number | null>(null);
  const wheel = useRef(0);
  const day = dayAt(view.start, tz);
  const cursor = playhead ?? selected;
  const inView = (at: number | null) => at !== null && at >= view.start && at < view.end;
  const causes = causesIn(bars, GAP_CAUSES);
  const zoomId = ZOOMS[view.zoom].id;
  const span = view.end - view.start;
  const label = view.zoom === DAY_ZOOM ? day.date.split('-').reverse().join('/') : viewText(view, tz);

  const fractionAt = (clientX: number) => {
    const r = trackRef.current?.getBoundingClientRect();
    return r && r.width > 0 ? (clientX - r.left) / r.width : null;
  };
  const zoomAt = (zoom: number, anchor: number) => {
    if (zoom < 0 || zoom >= ZOOMS.length || zoom === view.zoom) return;
    onView(zoomView(view, zoom, anchor, tz, now));
  };
  // The playhead or the selected instant; else now when the window holds it (today's afternoon zooms to now,
  // not to noon); else the middle of the window.
  const anchorOf = () => (inView(cursor) ? (cursor as number) : now >= view.start && now < view.end ? now : view.start + span / 2);

  const onClick = (e: MouseEvent) => {
    if (drag.current?.moved) return;
    const f = fractionAt(e.clientX);
    if (f === null) return;
    onPick(Math.min(instantIn(f, view), view.end - 1), true);
  };
  const onPointerDown = (e: PointerEvent) => {
    pointers.current.set(e.pointerId, e.clientX);
    if (pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      pinch.current = Math.abs(a - b);
    }
    drag.current = { x: e.clientX, view, moved: false };
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent) => {
    if (!pointers.current.has(e.pointerId)) return;
    pointers.current.set(e.pointerId, e.clientX);
    const r = trackRef.current?.getBoundingClientRect();
    if (!r || r.width <= 0) return;
    if (pointers.current.size === 2 && pinch.current) {
      const [a, b] = [...pointers.current.values()];
      const ratio = Math.abs(a - b) / pinch.current;
      if (ratio > 1.6 || ratio < 0.6) {
        zoomAt(view.zoom + (ratio > 1 ? 1 : -1), instantIn(((a + b) / 2 - r.left) / r.width, view));
        pinch.current = Math.abs(a - b);
      }
      if (drag.current) drag.current.moved = true;
      return;
    }
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    if (!d.moved && Math.abs(dx) < 5) return;
    d.moved = true;
    const dSpan = d.view.end - d.view.start;
    const moved = panView(d.view, Math.round((-dx / r.width) * dSpan), tz, now);
    if (moved.start !== view.start) onView(moved);
  };
  const onPointerUp = (e: PointerEvent) => {
    pointers.current.delete(e.pointerId);
    if (pointers.current.size < 2) pinch.current = null;
    // The click that follows a drag is not a pick; the next pointerdown starts afresh.
    setTimeout(() => {
      if (pointers.current.size === 0) drag.current = null;
    }, 0);
  };
  const onWheel = (e: WheelEvent) => {
    const f = fractionAt(e.clientX);
    if (f === null) return;
    e.preventDefault();
    // A trackpad pinch comes as a wheel with ctrlKey and small deltas; a mouse notch is about 100.
    wheel.current += e.deltaY * (e.ctrlKey ? 4 : 1);
    if (Math.abs(wheel.current) < 80) return;
    const dir = wheel.current < 0 ? 1 : -1;
    wheel.current = 0;
    zoomAt(view.zoom + dir, instantIn(f, view));
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === '+' || e.key === '=' || e.key === '-' || e.key === '−' || e.key === '_') {
      e.preventDefault();
      zoomAt(view.zoom + (e.key === '+' || e.key === '=' ? 1 : -1), anchorOf());
      return;
    }
    const base = inView(cursor) ? (cursor as number) : Math.max(view.start, Math.min(now, view.end - 1));
    const [small, big] = KEY_STEPS[view.zoom];
    const moves: Record<string, number> = {
      ArrowLeft: -(e.shiftKey ? big : small),
      ArrowRight: e.shiftKey ? big : small,
      ArrowDown: -small,
      ArrowUp: small,
      PageDown: -(view.zoom === DAY_ZOOM ? HOUR : span / 2),
      PageUp: view.zoom === DAY_ZOOM ? HOUR : span / 2,
    };
    let at: number | null = null;
    if (e.key in moves) at = base + moves[e.key];
    else if (e.key === 'Home') at = view.zoom === DAY_ZOOM ? day.start : view.start;
    else if (e.key === 'End') at = Math.max(view.start, Math.min(now, view.end) - (view.zoom === DAY_ZOOM ? 60_000 : 1_000));
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onPick(base, true);
      return;
    } else return;
    e.preventDefault();
    at = Math.min(Math.max(at, 0), now);
    onPick(at, false);
    if (!(at >= view.start && at < view.end)) onView(viewShowing(view, at, tz, now));
  };

  return (
    <div class="tl" data-testid="timeline" data-day={day.date} data-zoom={zoomId} data-start={iso(view.start)} data-end={iso(view.end)}>
      <div class="toolbar tl-zoom" role="group" aria-label={t('playback.zoom')}>
        {ZOOMS.map((z, i) => (
          <button
            key={z.id}
            type="button"
            class={`btn btn-small${i === view.zoom ? ' active' : ''}`}
            aria-pressed={i === view.zoom}
            onClick={() => zoomAt(i, anchorOf())}
          >
            {t(`playback.zoom_${z.id}` as 'playback.zoom_24h')}
          </button>
        ))}
        <button type="button" class="btn btn-small" aria-label={t('playback.zoomOut')} title={t('playback.zoomOut')} disabled={view.zoom === 0} onClick={() => zoomAt(view.zoom - 1, anchorOf())}>
          −
        </button>
        <button
          type="button"
          class="btn btn-small"
          aria-label={t('playback.zoomIn')}
          title={t('playback.zoomIn')}
          disabled={view.zoom === ZOOMS.length - 1}
          onClick={() => zoomAt(view.zoom + 1, anchorOf())}
        >
          +
        </button>
        <button type="button" class="btn btn-small" aria-label={t('playback.panBack')} title={t('playback.panBack')} onClick={() => onView(panView(view, view.zoom === DAY_ZOOM ? -DAY : -span / 2, tz, now))}>
          ‹
        </button>
        <button
          type="button"
          class="btn btn-small"
          aria-label={t('playback.panForward')}
          title={t('playback.panForward')}
          disabled={view.end > now}
          onClick={() => onView(panView(view, view.zoom === DAY_ZOOM ? DAY : span / 2, tz, now))}
        >
          ›
        </button>
        <span class="muted small tl-span" data-testid="timeline-span">
          {viewText(view, tz)}
        </span>
      </div>
      <div class="tl-lane" data-testid="timeline-lane">
        {holds.map((h) => (
          <div
            key={h.id}
            class={`tl-hold${h.active ? ' active' : ' released'}`}
            style={{ left: pct(h.left), width: pct(h.width) }}
            title={h.title}
            data-testid="hold-band"
            data-hold-id={h.id}
          />
        ))}
        {markers.map((m) => (
          <a
            key={m.caseId}
            class="tl-case"
            href={`#/cases/${m.caseId}`}
            style={{ left: pct(m.left) }}
            title={m.label}
            aria-label={m.label}
            data-testid="case-marker"
            data-case-id={m.caseId}
          >
            <span aria-hidden="true">▼</span>
          </a>
        ))}
      </div>
      <div
        ref={trackRef}
        class="tl-track"
        role="slider"
        tabIndex={0}
        aria-label={t('timeline.track', { day: label })}
        aria-valuemin={0}
        aria-valuemax={Math.round(span / 1000)}
        aria-valuenow={inView(cursor) ? Math.round(((cursor as number) - view.start) / 1000) : 0}
        aria-valuetext={inView(cursor) ? timeText(cursor as number, tz, formatDateTime(view.start, { timeZone: tz }).slice(0, 10)) : t('timeline.noSelection')}
        onClick={onClick}
        onKeyDown={onKey}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onWheel={onWheel}
        data-testid="timeline-track"
      >
        {bars.map((b) => (
          <div
            key={`${b.kind}-${b.cause}-${b.start}`}
            class={b.kind === 'recorded' ? 'tl-bar tl-rec' : `tl-bar tl-gap gc-${b.cause}${b.open ? ' open' : ''}`}
            style={{ left: pct(b.left), width: pct(b.width) }}
            title={barTitle(b, tz)}
            data-kind={b.kind}
            data-cause={b.cause || undefined}
          />
        ))}
        {now > view.start && now < view.end ? <div class="tl-now" style={{ left: pct(fractionIn(now, view)) }} aria-hidden="true" data-testid="now-marker" /> : null}
        {inView(cursor) ? (
          <div class={playhead !== null ? 'tl-cursor tl-playhead' : 'tl-cursor'} style={{ left: pct(fractionIn(cursor as number, view)) }} aria-hidden="true" data-testid="playhead" />
        ) : null}
      </div>
      <div class="tl-ticks" aria-hidden="true">
        {ticks(view, tz).map((tk, i, all) => (
          <span key={tk.at} class={`${i === 0 && tk.left < 0.03 ? 'first' : i === all.length - 1 && tk.left > 0.97 ? 'last' : ''}${tk.midnight ? ' midnight' : ''}`} style={{ left: pct(tk.left) }}>
            {tk.label}
          </span>
        ))}
      </div>
      <ul class="tl-legend" aria-label={t('timeline.legend')}>
        <li>
          <span class="swatch tl-rec" aria-hidden="true" />
          {t('timeline.recorded')}
        </li>
        {causes.map((c) => (
          <li key={c}>
            <span class={`swatch tl-gap gc-${c}`} aria-hidden="true" />
            {gapCauseName(c)}
          </li>
        ))}
        {holds.some((h) => h.active) ? (
          <li>
            <span class="swatch tl-hold active" aria-hidden="true" />
            {t('playback.legendHold')}
          </li>
        ) : null}
        {holds.some((h) => !h.active) ? (
          <li>
            <span class="swatch tl-hold released" aria-hidden="true" />
            {t('playback.legendReleased')}
          </li>
        ) : null}
        {markers.length ? (
          <li>
            <span class="swatch-case" aria-hidden="true">
              ▼
            </span>
            {t('playback.legendCase')}
          </li>
        ) : null}
        <li>
          <span class="swatch tl-none" aria-hidden="true" />
          {t('timeline.noData')}
        </li>
      </ul>
      <ul class="sr-only" aria-label={t('timeline.spans')}>
        {bars.map((b) => (
          <li key={`${b.kind}-${b.cause}-${b.start}`}>{barTitle(b, tz)}</li>
        ))}
        {holds.map((h) => (
          <li key={`hold-${h.id}`}>{h.title}</li>
        ))}
      </ul>
    </div>
  );
}

// ---- the player -----------------------------------------------------------------------------------

/** The clip being played: what was asked, and where its frames really start and end (the headers). */
interface Playing extends Clip {
  url: string;
  first: number;
  last: number;
  pieces: Run[];
}

/**
 * The wall time of a clip's first frame and of its end (X-Recording-Start / -End), from its first byte
 * only; a refusal gives its problem. The clip is audited once per session, whichever asks first.
 */
async function clipBounds(url: string): Promise<{ first: number | null; last: number | null } | { problem: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin', headers: { Range: 'bytes=0-0' } });
  } catch (e) {
    return { problem: e };
  }
  if (!res.ok) {
    void res.body?.cancel();
    return { problem: (await videoApi.mediaProblem(url)) ?? new Error(t('timeline.playError')) };
  }
  void res.body?.cancel();
  const h = (k: string) => {
    const v = res.headers.get(k);
    const ms = v ? Date.parse(v) : NaN;
    return Number.isFinite(ms) ? ms : null;
  };
  return { first: h('X-Recording-Start'), last: h('X-Recording-End') };
}

const isProblem = (x: unknown): x is { problem: unknown } => !!x && typeof x === 'object' && 'problem' in x;

/** The day the timeline opens on: today, or the last day of a grant's window that ended before now. */
function grantDay(grant: CameraGrant | null, now: number): number {
  const end = grant?.to ? Date.parse(grant.to) : NaN;
  return Number.isFinite(end) && end < now ? end - 1 : now;
}

export function CameraPlayback({
  camera,
  tz,
  now: pageNow,
  onSpan,
  grant = null,
}: {
  camera: Pick<Camera, 'id' | 'name' | 'live'>;
  tz: string;
  now: number;
  onSpan: (span: { from: number; to: number } | null) => void;
  /** Outside customs: the grant the camera is played under; the timeline opens on its window. */
  grant?: CameraGrant | null;
}) {
  const [view, setView] = useState<View>(() => dayView(grantDay(grant, pageNow), tz));
  const tickNow = useNow(view.zoom >= 2 ? 1_000 : 15_000);
  const now = Math.max(pageNow, tickNow);
  const [selected, setSelected] = useState<number | null>(null);
  const [clip, setClip] = useState<Playing | null>(null);
  // A time to play once the recordings around it are loaded (a pick, or the next clip across a day).
  const [pending, setPending] = useState<{ at: number; next: boolean } | null>(null);
  const [position, setPosition] = useState<number | null>(null);
  const [paused, setPaused] = useState(true);
  const [rate, setRate] = useState(1);
  const [follow, setFollow] = useState(true);
  const [message, setMessage] = useState<string | null>(null);
  const [playError, setPlayError] = useState<unknown>(null);
  const [dateInput, setDateInput] = useState(() => formatDateTime(pageNow, { timeZone: tz }).slice(0, 10));
  const [timeInput, setTimeInput] = useState('');
  const [jumpErrors, setJumpErrors] = useState<{ date?: string; time?: string }>({});
  const [snapAt, setSnapAt] = useState<number | null>(null);
  const [snapError, setSnapError] = useState<unknown>(null);
  const video = useRef<HTMLVideoElement>(null);
  const clipSeq = useRef(0);

  // ---- data: recordings of the days in view, the camera's holds, the cases that name it
  const span = fetchSpan(view, tz);
  const spanKey = `${span.from}-${span.to}`;
  const live = span.to > now;
  // The days shown so far stay drawn while the next ones load; a day that reaches now grows, so it
  // is asked for again every minute.
  const recLoad = useLoad(
    (signal) => videoApi.recordings(camera.id, iso(span.from), iso(span.to), signal).then((data) => ({ span, data })),
    [camera.id, spanKey],
    { keep: true, everyMs: live ? 60_000 : undefined },
  );
  const rec = recLoad.data;
  const recError = recLoad.error;

  const holdsLoad = useLoad((signal) => videoApi.holds(camera.id, signal).catch(() => [] as Hold[]), [camera.id]);
  const holds = holdsLoad.data;
  const { reload: reloadHolds } = holdsLoad;
  useEffect(() => onHoldsChanged((id) => id === camera.id && reloadHolds()), [camera.id, reloadHolds]);
  // A new clip is a new <video> element: it takes the chosen speed at once, not only when its
  // metadata has loaded.
  useEffect(() => {
    const v = video.current;
    if (v && v.playbackRate !== rate) {
      v.defaultPlaybackRate = rate;
      v.playbackRate = rate;
    }
  });
  // Cases name cameras inside their windows, not as a filter: ask for the days around (the newest
  // MAX_PAGE) and keep those that name this camera. Those who may not read cases see no markers.
  const cases = useLoad(
    (signal) =>
      casesApi
        .cases({ from: iso(span.from - DAY), to: iso(span.to + DAY), limit: MAX_PAGE }, null, signal)
        .then((r) => r.items, () => [] as Case[]),
    [spanKey],
  ).data;

  const covered = rec && rec.span.from <= view.start && rec.span.to >= view.end ? rec : null;
  const runs = useMemo(() => runsOf(rec?.data, now), [rec, now]);
  const bars = useMemo(() => timelineBars(rec?.data, view, now), [rec, view.start, view.end, now]);
  const bands = useMemo(() => holdBands(holds, view, tz), [holds, view.start, view.end, tz]);
  const markers = useMemo(() => caseMarkers(cases, camera, view, tz), [cases, camera.id, camera.name, view.start, view.end, tz]);
  const limit = Math.min(rec ? rec.span.to : now, now);

  // The span chosen: the clip playing, else an hour from the time picked (what a hold or an export takes).
  const chosen = clip ? { from: clip.first, to: clip.last } : selected !== null ? { from: selected, to: Math.min(selected + HOUR, Math.max(now, selected + 60_000)) } : null;
  const [exporting, setExporting] = useState<{ from: number; to: number } | null>(null);
  useEffect(() => {
    onSpan(chosen);
  }, [clip, selected]);

  // ---- playing
  const startClip = async (c: Clip, at: number, attempt = 0) => {
    const seq = ++clipSeq.current;
    setPlayError(null);
    setPending(null);
    let url = videoApi.mediaUrl(camera.id, iso(c.from), iso(c.to));
    const b = await clipBounds(url);
    if (seq !== clipSeq.current) return;
    if (isProblem(b)) {
      // Caught up with the camera: the next fragment is not in the file yet. Try again shortly.
      if (attempt < 5 && c.from > Date.now() - 30_000 && b.problem instanceof ApiError && b.problem.status === 404) {
        setMessage(t('playback.reachedLatest'));
        setTimeout(() => seq === clipSeq.current && void startClip({ ...c, to: Date.now() }, at, attempt + 1), 2_000);
        return;
      }
      setClip(null);
      setPlayError(b.problem);
      return;
    }
    const first = b.first ?? c.from;
    const last = b.last ?? c.to;
    // A clip reaching into the segment being written: ask for it up to where it ends now, so that the
    // player's later range requests get the same bytes however much is recorded meanwhile.
    if (b.last !== null && b.last < c.to - 1000 && c.to > Date.now() - 5 * 60_000) url = videoApi.mediaUrl(camera.id, iso(c.from), iso(b.last));
    setClip({ ...c, url, first, last, pieces: clipPieces(runs, first, last) });
    setPosition(Math.max(first, Math.min(at, last)));
    setMessage(c.snapped ? t('timeline.snapped', { time: timeText(at, tz), start: timeText(c.from, tz) }) : null);
  };

  const pick = (at: number, andPlay: boolean) => {
    setSelected(at);
    setSnapAt(null);
    setSnapError(null);
    setFollow(true);
    if (!andPlay) return;
    // Within the clip already loaded: seek, no new request.
    const v = video.current;
    const media = clip ? wallToMedia(clip.pieces, at) : null;
    if (clip && v && media !== null && at < clip.last) {
      v.currentTime = media;
      setPosition(at);
      void v.play()?.catch(() => undefined);
      return;
    }
    if (!rec || at < rec.span.from || at >= rec.span.to) {
      // The window moved to days not loaded yet: play once they are.
      setPending({ at, next: false });
      return;
    }
    playFrom(at);
  };

  const playFrom = (at: number) => {
    const c = clipAt(runs, at, limit);
    if (c) {
      void startClip(c, at);
      return;
    }
    const gap = gapAt(rec?.data, at, now);
    clipSeq.current++;
    setPending(null);
    setClip(null);
    setPosition(null);
    setMessage(gap ? t('timeline.notRecordedAt', { time: timeText(at, tz), cause: gapCauseName(gap.cause) }) : t('timeline.nothingAfter', { time: timeText(at, tz) }));
  };

  // The clip ended: the next one from where it stopped (gaps and day boundaries crossed).
  const advance = () => {
    if (!clip) return;
    const from = clip.last;
    const c = clipAt(runs, from, limit);
    if (c) {
      void startClip({ ...c, snapped: false }, c.from);
      return;
    }
    if (rec && from >= rec.span.to - 1000 && from < now) {
      // The recordings loaded stop here: show the next day and go on once it is loaded.
      setPending({ at: from, next: true });
      setView((v) => viewShowing(v, from + 1, tz, now));
      return;
    }
    setMessage(from > now - 5 * 60_000 ? t('playback.reachedLatest') : t('playback.endOfRecordings', { time: timeText(from, tz) }));
  };
  useEffect(() => {
    if (pending === null || !rec || pending.at < rec.span.from || pending.at >= rec.span.to) return;
    if (!pending.next) {
      playFrom(pending.at);
      return;
    }
    const c = clipAt(runs, pending.at, limit);
    if (c) void startClip({ ...c, snapped: false }, c.from);
    else {
      setPending(null);
      setMessage(t('playback.endOfRecordings', { time: timeText(pending.at, tz) }));
    }
  }, [pending, rec]);

  // The playhead pages the window along while following.
  useEffect(() => {
    if (position !== null && follow && clip) setView((v) => viewShowing(v, position, tz, now));
  }, [position, follow]);

  const onTime = () => {
    const v = video.current;
    if (v && clip) setPosition(mediaToWall(clip.pieces, v.currentTime));
  };
  const fps = camera.live?.fps ?? null;
  const step = (dir: 1 | -1) => {
    const v = video.current;
    if (!v || !v.paused) return;
    v.currentTime = Math.max(0, v.currentTime + dir * frameSeconds(fps));
    onTime();
  };
  const changeRate = (s: number) => {
    setRate(s);
    const v = video.current;
    if (v) {
      v.defaultPlaybackRate = s;
      v.playbackRate = s;
    }
  };
  const togglePlay = () => {
    const v = video.current;
    if (!v) {
      if (selected !== null) pick(selected, true);
      return;
    }
    if (v.paused) void v.play()?.catch(() => undefined);
    else v.pause();
  };
  const onPlayerKey = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).tagName === 'INPUT') return;
    if (e.key === ',' || e.key === '.') {
      e.preventDefault();
      step(e.key === ',' ? -1 : 1);
    } else if (e.key === 'k' || e.key === 'K') {
      e.preventDefault();
      togglePlay();
    }
  };

  const jump = (e: Event) => {
    e.preventDefault();
    const date = parseViDate(dateInput);
    const secs = timeInput.trim() ? parseClockSeconds(timeInput) : null;
    const errors: { date?: string; time?: string } = {};
    if (!date) errors.date = t('audit.badDate');
    if (timeInput.trim() && secs === null) errors.time = t('playback.badTime');
    setJumpErrors(errors);
    if (errors.date || errors.time || !date) return;
    if (secs === null) {
      // A day alone: that whole day.
      setView(dayView(zonedInstant(date, 12 * 3600, tz), tz));
      return;
    }
    const at = zonedInstant(date, secs, tz);
    if (at > now) {
      setJumpErrors({ time: t('playback.future') });
      return;
    }
    const s = ZOOMS[view.zoom].span;
    setView(view.zoom === DAY_ZOOM ? dayView(at, tz) : zoomView({ start: at - s / 2, end: at + s / 2, zoom: view.zoom }, view.zoom, at, tz, now));
    pick(at, true);
  };
  const goDay = (by: number) => {
    const v = by === 0 ? dayView(now, tz) : panView(dayView(view.start + (view.end - view.start) / 2, tz), by * DAY, tz, now);
    setView(v);
    setFollow(false);
    setDateInput(formatDateTime(v.start, { timeZone: tz }).slice(0, 10));
  };
  const userView = (v: View) => {
    setView(v);
    setFollow(false);
  };

  const shotAt = position ?? selected;
  const snapUrl = snapAt !== null ? videoApi.snapshotUrl(camera.id, iso(snapAt)) : null;
  const today = dayView(now, tz);
  const shownDay = dayAt(view.start, tz);

  return (
    <section class="panel timeline-panel" aria-labelledby="timeline-h" data-testid="playback">
      <h2 id="timeline-h">{t('timeline.title')}</h2>
      {grant ? <GrantWindow grant={grant} tz={tz} now={now} /> : null}
      <form class="filters" onSubmit={jump} aria-label={t('playback.jumpTitle')} noValidate>
        <Field id="tl-day" label={t('timeline.day')} error={jumpErrors.date}>
          {(a) => <input {...a} class="date" inputMode="numeric" placeholder={t('audit.datePlaceholder')} value={dateInput} onInput={(e) => setDateInput(e.currentTarget.value)} />}
        </Field>
        <Field id="tl-clock" label={t('playback.time')} error={jumpErrors.time}>
          {(a) => <input {...a} class="date" inputMode="numeric" placeholder="08:30:00" value={timeInput} onInput={(e) => setTimeInput(e.currentTarget.value)} />}
        </Field>
        <div class="field field-buttons">
          <button type="submit" class="btn">
            {t('playback.jump')}
          </button>
          <button type="button" class="btn" onClick={() => goDay(-1)}>
            ‹ {t('timeline.prevDay')}
          </button>
          <button type="button" class="btn" onClick={() => goDay(0)} disabled={view.zoom === DAY_ZOOM && view.start === today.start}>
            {t('timeline.today')}
          </button>
          <button type="button" class="btn" onClick={() => goDay(1)} disabled={shownDay.end > now}>
            {t('timeline.nextDay')} ›
          </button>
        </div>
      </form>
      <p class="hint">
        {t('cases.tzHint', { tz })} {t('timeline.hint')}
      </p>
      <Timeline
        view={view}
        tz={tz}
        bars={bars}
        holds={bands}
        markers={markers}
        selected={selected}
        playhead={clip ? position : null}
        now={now}
        onPick={pick}
        onView={userView}
      />
      <ProblemBox error={recError} />
      {covered && !recError && covered.data.segments.length === 0 ? <p class="muted">{t('timeline.nothing')}</p> : null}
      <div role="status">
        {selected !== null && !clip ? <p>{t('timeline.selected', { time: timeText(selected, tz) })}</p> : null}
        {message ? <p class="alert alert-warn">{message}</p> : null}
      </div>
      <ProblemBox error={playError} />
      {clip ? (
        <div class="player" onKeyDown={onPlayerKey}>
          <p>
            {t('timeline.playing', { from: timeText(clip.first, tz), to: timeText(clip.last, tz) })}
            {position !== null ? (
              <span class="muted" data-testid="position">
                {' '}
                · {t('timeline.position', { time: timeText(position, tz) })}
              </span>
            ) : null}
          </p>
          <video
            key={clip.url}
            ref={video}
            src={clip.url}
            autoPlay
            muted
            playsInline
            controls
            preload="auto"
            data-testid="player"
            onLoadedMetadata={(e) => {
              const v = e.currentTarget;
              v.defaultPlaybackRate = rate;
              v.playbackRate = rate;
              const media = position !== null ? wallToMedia(clip.pieces, position) : null;
              if (media !== null && media > 0.05) v.currentTime = media;
              // `autoplay` alone is not honoured everywhere once the clip comes after a fetch; a refusal
              // leaves the player paused with its Play button.
              if (v.paused) void v.play()?.catch(() => undefined);
            }}
            onTimeUpdate={onTime}
            onSeeked={onTime}
            onPlay={() => setPaused(false)}
            onPause={() => setPaused(true)}
            onRateChange={(e) => setRate(e.currentTarget.playbackRate)}
            onEnded={advance}
            onError={() => {
              void videoApi.mediaProblem(clip.url).then((p) => setPlayError(p ?? new Error(t('timeline.playError'))));
            }}
          />
          <div class="toolbar player-controls" role="group" aria-label={t('playback.controls')}>
            <button type="button" class="btn" onClick={togglePlay} data-testid="play-pause">
              {paused ? `▶ ${t('playback.play')}` : `⏸ ${t('playback.pause')}`}
            </button>
            <button type="button" class="btn" onClick={() => step(-1)} disabled={!paused} title={t('playback.frameHint')}>
              ⏮ {t('playback.frameBack')}
            </button>
            <button type="button" class="btn" onClick={() => step(1)} disabled={!paused} title={t('playback.frameHint')}>
              {t('playback.frameForward')} ⏭
            </button>
            <span class="speeds" role="group" aria-label={t('playback.speed')}>
              {SPEEDS.map((s) => (
                <button key={s} type="button" class={`btn btn-small${s === rate ? ' active' : ''}`} aria-pressed={s === rate} onClick={() => changeRate(s)}>
                  {speedLabel(s)}
                </button>
              ))}
            </span>
          </div>
          <p class="hint">{t('playback.frameHint')}</p>
        </div>
      ) : null}
      <div class="toolbar">
        <button type="button" class="btn" disabled={shotAt === null} onClick={() => shotAt !== null && setSnapAt(shotAt)}>
          {t('snapshot.button', { time: shotAt !== null ? timeText(shotAt, tz) : '—' })}
        </button>
        {!grant || grant.mode === 'download' ? (
          <button type="button" class="btn" disabled={!chosen} onClick={() => setExporting(chosen)} data-testid="export-range">
            {t('export.button')}
          </button>
        ) : null}
      </div>
      {exporting ? (
        <ExportDialog
          key={`${exporting.from}-${exporting.to}`}
          input={{ camera_id: camera.id, from: iso(exporting.from), to: iso(exporting.to) }}
          what={t('export.ofRange', { name: camera.name })}
          tz={tz}
          onClose={() => setExporting(null)}
        />
      ) : null}
      {snapUrl && snapAt !== null ? (
        <figure class="snapshot" data-testid="snapshot">
          {snapError ? (
            <ProblemBox error={snapError} />
          ) : (
            <img
              src={snapUrl}
              alt={t('snapshot.alt', { name: camera.name, time: formatDateTime(snapAt, { seconds: true, timeZone: tz }) })}
              onError={() => {
                void videoApi.mediaProblem(snapUrl).then((p) => setSnapError(p ?? new Error(t('snapshot.error'))));
              }}
            />
          )}
          <figcaption>
            {formatDateTime(snapAt, { seconds: true, timeZone: tz })} ·{' '}
            <a href={snapUrl} target="_blank" rel="noopener">
              {t('snapshot.open')}
            </a>{' '}
            <button type="button" class="btn btn-small" onClick={() => setSnapAt(null)}>
              {t('common.close')}
            </button>
          </figcaption>
        </figure>
      ) : null}
    </section>
  );
}
