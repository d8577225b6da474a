// One camera: what it is, the recorder's live word on it (with a connection test), a day of its
// recordings on a 24-hour timeline that plays from the point clicked and takes snapshots, and the
// evidence holds (giữ dữ liệu làm chứng cứ) that keep its recordings from retention.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, casesApi, GAP_CAUSES, videoApi, type Camera, type Hold, type ProbeResult, type Recordings } from '../api';
import { unitNameIn, unitTimeZone } from '../cases';
import { zonedToUtcMs } from '../calendar';
import { formatDateTime } from '../format';
import { t } from '../i18n';
import { live, useLiveTopic, type LiveEvent } from '../live';
import { navigate } from '../router';
import { canPlayVideo, canWriteCameras, canWriteHolds, useApp } from '../session';
import { LiveWithReplay } from '../livetile';
import { fold } from '../tree';
import { Field, fieldError, Loading, Notice, ProblemBox, unclaimedFieldErrors } from '../ui';
import {
  barTitle,
  bilingual,
  causesIn,
  clockTime,
  connectionName,
  dayText,
  formatBytes,
  formatFps,
  formatKbps,
  fractionOf,
  gapAt,
  gapCauseName,
  holdForm,
  holdPayload,
  hourTicks,
  instantAt,
  isCameraStateEvent,
  isHoldActive,
  minuteOfDay,
  moveDay,
  ownerName,
  parseDay,
  playbackAt,
  sortHolds,
  streamText,
  timeAgo,
  timelineBars,
  today,
  withState,
  type Bar,
  type Day,
  type HoldForm,
  type Playback,
} from '../video';
import { useCustomsUnits } from './Cases';
import { OpenOutage } from './CameraOutages';
import { CameraStateBadge, RecordingDot, useNow } from './Cameras';

const iso = (ms: number) => new Date(ms).toISOString();
const pct = (f: number) => `${(f * 100).toFixed(4)}%`;

export function CameraDetailPage({ cameraId }: { cameraId: number }) {
  const { user } = useApp();
  const units = useCustomsUnits();
  const [camera, setCamera] = useState<Camera | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [span, setSpan] = useState<{ from: number; to: number } | null>(null);
  const now = useNow(15_000);

  const load = useCallback(() => {
    videoApi.camera(cameraId).then(
      (c) => {
        setCamera(c);
        setError(null);
      },
      setError,
    );
  }, [cameraId]);
  useEffect(load, [load]);
  const onState = useCallback(
    (e: LiveEvent) => {
      if (isCameraStateEvent(e.payload) && e.payload.camera_id === cameraId)
        setCamera((c) => (c && isCameraStateEvent(e.payload) ? withState(c, e.payload) : c));
    },
    [cameraId],
  );
  useLiveTopic('camera.state', onState);
  useEffect(() => live.onResync(load), [load]);

  if (error && !camera) {
    const forbidden = error instanceof ApiError && error.status === 403;
    return <ProblemBox error={error} extra={forbidden ? [t('error.forbiddenPage')] : undefined} />;
  }
  if (!camera) return <Loading />;
  const tz = unitTimeZone(units, camera.unit_id);

  return (
    <section class="camera-detail" data-camera-id={camera.id}>
      <div class="page-head">
        <h1>{t('camera.detailTitle', { name: camera.name })}</h1>
        <CameraStateBadge state={camera.state} />
        <a class="btn push-right" href="#/cameras">
          {t('camera.backToList')}
        </a>
      </div>
      <ProblemBox error={error} />
      {canPlayVideo(user) ? (
        <section class="panel live-panel" aria-labelledby="cam-live-h">
          <h2 id="cam-live-h">{t('live.title')}</h2>
          <LiveWithReplay camera={camera} tz={tz} canReplay={canPlayVideo(user)} mediaUrl={videoApi.mediaUrl} />
        </section>
      ) : null}
      {camera.owner === 'enterprise' ? <OpenOutage cameraId={camera.id} state={camera.state} tz={tz} now={now} /> : null}
      <div class="camera-top">
        <CameraFacts camera={camera} write={canWriteCameras(user)} />
        <section class="panel" aria-labelledby="cam-status-h">
          <h2 id="cam-status-h">{t('camera.status')}</h2>
          <StatePanel camera={camera} now={now} tz={tz} />
          <Probe cameraId={camera.id} />
        </section>
      </div>
      {/* The timeline, playback and snapshots are all video_playback: without it the server refuses each. */}
      {canPlayVideo(user) ? <TimelinePanel key={`${camera.id}-${tz}`} camera={camera} tz={tz} now={now} onSpan={setSpan} /> : null}
      <HoldsPanel camera={camera} tz={tz} span={span} now={now} write={canWriteHolds(user)} />
    </section>
  );
}

function CameraFacts({ camera: c, write }: { camera: Camera; write: boolean }) {
  // Older answers name the site only by id: ask for it then.
  const [siteName, setSiteName] = useState<string | null>(null);
  useEffect(() => {
    if (c.site_name) return;
    let on = true;
    videoApi.site(c.site_id).then(
      (s) => on && setSiteName(s.name),
      () => undefined,
    );
    return () => {
      on = false;
    };
  }, [c.site_id, c.site_name]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const del = async () => {
    setBusy(true);
    setError(null);
    try {
      await videoApi.deleteCamera(c.id);
      navigate({ page: 'cameras' });
    } catch (e) {
      setError(e);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="cam-info-h">
      <h2 id="cam-info-h">{t('camera.info')}</h2>
      {write ? (
        <div class="toolbar">
          <a class="btn" href={`#/cameras/${c.id}/edit`}>
            {t('common.edit')}
          </a>
          <button type="button" class="btn btn-danger" disabled={confirming} onClick={() => setConfirming(true)}>
            {t('common.delete')}
          </button>
        </div>
      ) : null}
      {confirming ? (
        <div class="alert alert-warn" role="alertdialog" aria-labelledby="cam-del-text">
          <p id="cam-del-text">{t('camera.deleteConfirm', { name: c.name })}</p>
          <button type="button" class="btn btn-danger" onClick={del} disabled={busy}>
            {t('common.confirmDelete')}
          </button>{' '}
          <button type="button" class="btn" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </div>
      ) : null}
      <ProblemBox error={error} />
      <dl class="props">
        <dt>{t('camera.site')}</dt>
        <dd>{c.site_name ?? siteName ?? t('video.unknownSite', { id: c.site_id })}</dd>
        <dt>{t('camera.unit')}</dt>
        <dd>{unitNameIn(c)}</dd>
        <dt>{t('camera.owner')}</dt>
        <dd>
          {ownerName(c.owner)}
          {c.owner_name ? ` — ${c.owner_name}` : ''}
        </dd>
        <dt>{t('camera.connection')}</dt>
        <dd>{connectionName(c.connection)}</dd>
        <dt>{t('camera.mainUrl')}</dt>
        <dd class="code">{c.main_url}</dd>
        {c.sub_url ? (
          <>
            <dt>{t('camera.subUrl')}</dt>
            <dd class="code">{c.sub_url}</dd>
          </>
        ) : null}
        <dt>{t('camera.credentials')}</dt>
        <dd data-testid="credentials-state">{c.credentials_set ? t('camera.credentialsSet') : t('camera.credentialsNotSet')}</dd>
        <dt>{t('camera.enabled')}</dt>
        <dd>{c.enabled ? t('common.yes') : t('common.no')}</dd>
        <dt>{t('camera.retention')}</dt>
        <dd>
          {t('camera.retentionText', { days: c.retention_days })};{' '}
          {c.retention_bytes > 0 ? formatBytes(c.retention_bytes) : t('camera.noByteLimit')}
        </dd>
      </dl>
    </section>
  );
}

/** The recorder's word on the camera: state and since when, the stream's numbers, the last error. */
export function StatePanel({ camera: c, now, tz }: { camera: Pick<Camera, 'state' | 'state_since' | 'live'>; now: number; tz: string }) {
  const l = c.live ?? null;
  const error = bilingual(l?.last_error);
  return (
    <div class="state-panel" data-testid="state-panel">
      <dl class="props">
        <dt>{t('camera.state')}</dt>
        <dd>
          <CameraStateBadge state={c.state} />{' '}
          {c.state_since ? (
            <span class="muted small">
              {t('camera.stateSince', { time: formatDateTime(c.state_since, { seconds: true, timeZone: tz }), ago: timeAgo(c.state_since, now) })}
            </span>
          ) : null}
        </dd>
        <dt>{t('camera.recording')}</dt>
        <dd>
          <RecordingDot live={l} /> {l?.recording ? t('camera.recording') : t('camera.notRecording')}
        </dd>
        <dt>{t('camera.stream')}</dt>
        <dd data-testid="stream">{streamText(l) || '—'}</dd>
        <dt>{t('camera.fps')}</dt>
        <dd data-testid="fps">{formatFps(l?.fps) || '—'}</dd>
        <dt>{t('camera.kbps')}</dt>
        <dd data-testid="kbps">{formatKbps(l?.kbps) || '—'}</dd>
      </dl>
      {error ? (
        <div class="alert alert-warn" data-testid="last-error">
          <strong>{t('camera.lastError')}:</strong> {error}
        </div>
      ) : null}
    </div>
  );
}

/** "Kiểm tra kết nối": one connection attempt from the server (up to ~15 s), then what it found. */
export function Probe({ cameraId, probe = videoApi.probe }: { cameraId: number; probe?: (id: number) => Promise<ProbeResult> }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ProbeResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      setResult(await probe(cameraId));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="probe" data-testid="probe">
      <button type="button" class="btn" onClick={run} disabled={busy} aria-busy={busy}>
        {t('probe.button')}
      </button>
      <div role="status" class="probe-result">
        {busy ? (
          <span>
            <span class="spinner" aria-hidden="true" /> {t('probe.running')}
          </span>
        ) : result?.ok ? (
          <span class="ok">
            {t('probe.ok', {
              stream: streamText(result) || result.stream,
              fps: formatFps(result.fps) || '—',
              kbps: formatKbps(result.kbps) || '—',
            })}
          </span>
        ) : result ? (
          <span class="alert-inline">{t('probe.failed', { reason: bilingual(result.reason) })}</span>
        ) : null}
      </div>
      <ProblemBox error={error} />
    </div>
  );
}

// ---- the timeline -------------------------------------------------------------------------------

/**
 * A day across the track: recorded runs green, gaps coloured by cause, with tooltips, hour ticks
 * and a legend. A click (or Enter) picks the time under it; the arrow keys move the choice.
 */
export function Timeline({
  day,
  bars,
  selected,
  now,
  onPick,
}: {
  day: Day;
  bars: Bar[];
  selected: number | null;
  now: number;
  onPick: (at: number, play: boolean) => void;
}) {
  const tz = day.timeZone;
  const sel = selected !== null && selected >= day.start && selected < day.end ? selected : null;
  const causes = causesIn(bars, GAP_CAUSES);
  const last = Math.min(now, day.end - 60_000);

  const onClick = (e: MouseEvent) => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    if (r.width <= 0) return;
    onPick(Math.min(instantAt((e.clientX - r.left) / r.width, day), day.end - 1), true);
  };
  const onKey = (e: KeyboardEvent) => {
    const base = sel ?? Math.max(day.start, last);
    const minute = 60_000;
    const moves: Record<string, number> = {
      ArrowLeft: -(e.shiftKey ? 15 : 1) * minute,
      ArrowRight: (e.shiftKey ? 15 : 1) * minute,
      ArrowDown: -minute,
      ArrowUp: minute,
      PageDown: -60 * minute,
      PageUp: 60 * minute,
    };
    let at: number | null = null;
    if (e.key in moves) at = base + moves[e.key];
    else if (e.key === 'Home') at = day.start;
    else if (e.key === 'End') at = Math.max(day.start, last);
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onPick(base, true);
      return;
    } else return;
    e.preventDefault();
    onPick(Math.min(day.end - 1, Math.max(day.start, at)), false);
  };

  return (
    <div class="tl" data-testid="timeline" data-day={day.date}>
      <div
        class="tl-track"
        role="slider"
        tabIndex={0}
        aria-label={t('timeline.track', { day: dayText(day) })}
        aria-valuemin={0}
        aria-valuemax={24 * 60 - 1}
        aria-valuenow={sel !== null ? minuteOfDay(sel, tz) : 0}
        aria-valuetext={sel !== null ? clockTime(sel, tz) : t('timeline.noSelection')}
        onClick={onClick}
        onKeyDown={onKey}
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
        {now > day.start && now < day.end ? <div class="tl-now" style={{ left: pct(fractionOf(now, day)) }} aria-hidden="true" /> : null}
        {sel !== null ? <div class="tl-cursor" style={{ left: pct(fractionOf(sel, day)) }} aria-hidden="true" /> : null}
      </div>
      <div class="tl-ticks" aria-hidden="true">
        {hourTicks(day, 3).map((tk, i, all) => (
          <span key={tk.label} class={i === 0 ? 'first' : i === all.length - 1 ? 'last' : ''} style={{ left: pct(tk.left) }}>
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
        <li>
          <span class="swatch tl-none" aria-hidden="true" />
          {t('timeline.noData')}
        </li>
      </ul>
      <ul class="sr-only" aria-label={t('timeline.spans')}>
        {bars.map((b) => (
          <li key={`${b.kind}-${b.cause}-${b.start}`}>{barTitle(b, tz)}</li>
        ))}
      </ul>
    </div>
  );
}

function parseClock(text: string): number | null {
  const m = /^\s*(\d{1,2})[:h.](\d{2})\s*$/.exec(text);
  if (!m || +m[1] > 23 || +m[2] > 59) return null;
  return +m[1] * 60 + +m[2];
}

function TimelinePanel({
  camera,
  tz,
  now,
  onSpan,
}: {
  camera: Camera;
  tz: string;
  now: number;
  onSpan: (span: { from: number; to: number } | null) => void;
}) {
  const [day, setDay] = useState<Day>(() => today(tz));
  const [dayInput, setDayInput] = useState(() => dayText(today(tz)));
  const [dayError, setDayError] = useState<string | null>(null);
  const [rec, setRec] = useState<Recordings | null>(null);
  const [recError, setRecError] = useState<unknown>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [play, setPlay] = useState<Playback | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [position, setPosition] = useState<number | null>(null);
  const [playError, setPlayError] = useState<unknown>(null);
  const [clock, setClock] = useState('');
  const [clockError, setClockError] = useState<string | null>(null);
  const [snapAt, setSnapAt] = useState<number | null>(null);
  const [snapError, setSnapError] = useState<unknown>(null);
  const isToday = now >= day.start && now < day.end;

  const load = useCallback(() => {
    let on = true;
    videoApi.recordings(camera.id, iso(day.start), iso(day.end)).then(
      (r) => {
        if (!on) return;
        setRec(r);
        setRecError(null);
      },
      (e) => {
        if (on) setRecError(e);
      },
    );
    return () => {
      on = false;
    };
  }, [camera.id, day]);
  useEffect(() => {
    setRec(null);
    return load();
  }, [load]);
  // Today's track grows: ask again every minute.
  useEffect(() => {
    if (!isToday) return;
    const h = setInterval(load, 60_000);
    return () => clearInterval(h);
  }, [isToday, load]);

  const bars = useMemo(() => timelineBars(rec, day, now), [rec, day, now]);

  useEffect(() => {
    onSpan(play ? { from: play.from, to: play.to } : selected !== null ? { from: selected, to: Math.min(selected + 60 * 60_000, Math.max(now, selected + 60_000)) } : null);
  }, [play, selected]);

  const goTo = (d: Day) => {
    setDay(d);
    setDayInput(dayText(d));
    setDayError(null);
    setSelected(null);
    setPlay(null);
    setMessage(null);
    setPosition(null);
    setPlayError(null);
  };

  const pick = (at: number, andPlay: boolean) => {
    setSelected(at);
    setSnapAt(null);
    setSnapError(null);
    if (!andPlay) return;
    setPlayError(null);
    setPosition(null);
    const p = playbackAt(rec, at, Math.min(day.end, now));
    if (!p) {
      const gap = gapAt(rec, at, now);
      setPlay(null);
      setMessage(
        gap
          ? t('timeline.notRecordedAt', { time: clockTime(at, tz), cause: gapCauseName(gap.cause) })
          : t('timeline.nothingAfter', { time: clockTime(at, tz) }),
      );
      return;
    }
    setPlay(p);
    setPosition(p.from);
    setMessage(p.snapped ? t('timeline.snapped', { time: clockTime(at, tz), start: clockTime(p.from, tz) }) : null);
  };

  const mediaUrl = play ? videoApi.mediaUrl(camera.id, iso(play.from), iso(play.to)) : null;
  const shotAt = position ?? selected;
  const snapUrl = snapAt !== null ? videoApi.snapshotUrl(camera.id, iso(snapAt)) : null;

  return (
    <section class="panel timeline-panel" aria-labelledby="timeline-h">
      <h2 id="timeline-h">{t('timeline.title')}</h2>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const d = parseDay(dayInput, tz);
          if (!d) {
            setDayError(t('audit.badDate'));
            return;
          }
          goTo(d);
        }}
      >
        <Field id="tl-day" label={t('timeline.day')} error={dayError ?? undefined}>
          {(a) => (
            <input
              {...a}
              class="date"
              inputMode="numeric"
              placeholder={t('audit.datePlaceholder')}
              value={dayInput}
              onInput={(e) => setDayInput(e.currentTarget.value)}
            />
          )}
        </Field>
        <div class="field field-buttons">
          <button type="submit" class="btn">
            {t('timeline.show')}
          </button>
          <button type="button" class="btn" onClick={() => goTo(moveDay(day, -1))}>
            ‹ {t('timeline.prevDay')}
          </button>
          <button type="button" class="btn" onClick={() => goTo(today(tz))} disabled={isToday}>
            {t('timeline.today')}
          </button>
          <button type="button" class="btn" onClick={() => goTo(moveDay(day, 1))} disabled={day.end > now}>
            {t('timeline.nextDay')} ›
          </button>
        </div>
      </form>
      <p class="hint">{t('timeline.hint')}</p>
      <Timeline day={day} bars={bars} selected={selected} now={now} onPick={pick} />
      <ProblemBox error={recError} />
      {rec && !recError && rec.segments.length === 0 ? <p class="muted">{t('timeline.nothing')}</p> : null}
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const minute = parseClock(clock);
          if (minute === null) {
            setClockError(t('timeline.badTime'));
            return;
          }
          setClockError(null);
          pick(zonedToUtcMs(day.date, minute, tz), true);
        }}
      >
        <Field id="tl-clock" label={t('timeline.atTime')} error={clockError ?? undefined}>
          {(a) => <input {...a} class="date" inputMode="numeric" placeholder="08:30" value={clock} onInput={(e) => setClock(e.currentTarget.value)} />}
        </Field>
        <div class="field field-buttons">
          <button type="submit" class="btn">
            {t('timeline.play')}
          </button>
          <button type="button" class="btn" disabled={shotAt === null} onClick={() => shotAt !== null && setSnapAt(shotAt)}>
            {t('snapshot.button', { time: shotAt !== null ? clockTime(shotAt, tz) : '—' })}
          </button>
        </div>
      </form>
      <div role="status">
        {selected !== null && !play ? <p>{t('timeline.selected', { time: clockTime(selected, tz) })}</p> : null}
        {message ? <p class="alert alert-warn">{message}</p> : null}
      </div>
      {play && mediaUrl ? (
        <div class="player">
          <p>
            {t('timeline.playing', { from: clockTime(play.from, tz), to: clockTime(play.to, tz) })}
            {position !== null ? <span class="muted"> · {t('timeline.position', { time: clockTime(position, tz) })}</span> : null}
          </p>
          <video
            key={mediaUrl}
            src={mediaUrl}
            controls
            autoPlay
            preload="metadata"
            data-testid="player"
            // Within one run nothing is collapsed: the wall clock is the start plus the play time.
            onTimeUpdate={(e) => setPosition(play.from + e.currentTarget.currentTime * 1000)}
            onError={() => {
              void videoApi.mediaProblem(mediaUrl).then((p) => setPlayError(p ?? new Error(t('timeline.playError'))));
            }}
          />
          <ProblemBox error={playError} />
        </div>
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

// ---- evidence holds -----------------------------------------------------------------------------

/** A case number ("HP-2026-0012") or id → the case id; null when none is given; undefined when not found. */
async function resolveCase(ref: string): Promise<number | null | undefined> {
  if (!ref) return null;
  if (/^\d+$/.test(ref)) return Number(ref);
  const found = await casesApi.cases({ q: ref });
  return found.items.find((c) => fold(c.number) === fold(ref))?.id;
}

export function HoldsPanel({
  camera,
  tz,
  span,
  now,
  write,
}: {
  camera: Pick<Camera, 'id' | 'name'>;
  tz: string;
  span: { from: number; to: number } | null;
  now: number;
  /** Places and releases holds (hold_write); everyone who sees the camera sees its holds. */
  write: boolean;
}) {
  const [holds, setHolds] = useState<Hold[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState<HoldForm | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let on = true;
    videoApi.holds(camera.id).then(
      (items) => {
        if (!on) return;
        setHolds(sortHolds(items));
        setError(null);
      },
      (e) => {
        if (on) setError(e);
      },
    );
    return () => {
      on = false;
    };
  }, [camera.id, tick]);

  const open = () => {
    setNotice(null);
    // The span chosen on the timeline, else the last hour.
    setForm(holdForm(span ?? { from: now - 60 * 60_000, to: now }, tz));
  };

  return (
    <section class="panel holds" aria-labelledby="holds-h" data-testid="holds">
      <div class="detail-head">
        <h2 id="holds-h">{t('hold.title')}</h2>
        {write && !form ? (
          <button type="button" class="btn push-right" onClick={open}>
            {t('hold.new')}
          </button>
        ) : null}
      </div>
      <p class="hint">{t('hold.intro')}</p>
      {notice ? <Notice>{notice}</Notice> : null}
      {form ? (
        <HoldFormView
          cameraId={camera.id}
          tz={tz}
          initial={form}
          onCancel={() => setForm(null)}
          onSaved={() => {
            setForm(null);
            setNotice(t('hold.created'));
            setTick((n) => n + 1);
          }}
        />
      ) : null}
      <ProblemBox error={error} />
      {!holds && !error ? <Loading /> : null}
      {holds && holds.length === 0 ? <p class="muted">{t('hold.empty')}</p> : null}
      {holds && holds.length > 0 ? (
        <HoldList
          holds={holds}
          tz={tz}
          write={write}
          onReleased={() => {
            setNotice(t('hold.releasedDone'));
            setTick((n) => n + 1);
          }}
        />
      ) : null}
    </section>
  );
}

export function HoldList({ holds, tz, write, onReleased }: { holds: Hold[]; tz: string; write: boolean; onReleased: () => void }) {
  return (
    <div class="table-wrap">
      <table class="grid" data-testid="hold-list">
        <thead>
          <tr>
            <th scope="col">{t('hold.span')}</th>
            <th scope="col">{t('hold.reason')}</th>
            <th scope="col">{t('hold.case')}</th>
            <th scope="col">{t('hold.holder')}</th>
            <th scope="col">{t('hold.status')}</th>
          </tr>
        </thead>
        <tbody>
          {holds.map((h) => (
            <HoldRow key={h.id} hold={h} tz={tz} write={write} onReleased={onReleased} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HoldRow({ hold: h, tz, write, onReleased }: { hold: Hold; tz: string; write: boolean; onReleased: () => void }) {
  const [releasing, setReleasing] = useState(false);
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const active = isHoldActive(h);
  const release = async (e: Event) => {
    e.preventDefault();
    if (!reason.trim()) {
      setLocal(t('hold.reasonRequired'));
      return;
    }
    setLocal(null);
    setBusy(true);
    setError(null);
    try {
      await videoApi.releaseHold(h.id, reason.trim());
      setReleasing(false);
      onReleased();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <tr data-hold-id={h.id} class={active ? '' : 'inactive'}>
        <td>
          {formatDateTime(h.from, { timeZone: tz })} – {formatDateTime(h.to, { timeZone: tz })}
        </td>
        <td class="pre">{h.reason}</td>
        <td>{h.case_id ? <a href={`#/cases/${h.case_id}`}>{h.case_number ?? `#${h.case_id}`}</a> : <span class="muted">—</span>}</td>
        <td>
          {h.holder_name}
          <div class="muted small">{formatDateTime(h.created_at, { timeZone: tz })}</div>
        </td>
        <td>
          <span class={`badge hold-${active ? 'active' : 'released'}`}>{active ? t('hold.active') : t('hold.released')}</span>
          {!active ? (
            <div class="muted small">
              {t('hold.releasedBy', {
                name: h.released_by_name ?? '—',
                time: formatDateTime(h.released_at, { timeZone: tz }),
                reason: h.release_reason ?? '',
              })}
            </div>
          ) : write && !releasing ? (
            <>
              {' '}
              <button type="button" class="btn btn-small" onClick={() => setReleasing(true)}>
                {t('hold.release')}
              </button>
            </>
          ) : null}
        </td>
      </tr>
      {releasing || error ? (
        <tr class="detail-row">
          <td colSpan={5}>
            {releasing ? (
              <form class="form" onSubmit={release} noValidate aria-label={t('hold.release')}>
                <Field id={`hold-release-${h.id}`} label={t('hold.releaseReason')} error={local ?? undefined}>
                  {(a) => <textarea {...a} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
                </Field>
                <div class="toolbar">
                  <button type="submit" class="btn btn-danger" disabled={busy}>
                    {t('hold.release')}
                  </button>
                  <button type="button" class="btn" onClick={() => setReleasing(false)}>
                    {t('common.cancel')}
                  </button>
                </div>
              </form>
            ) : null}
            <ProblemBox error={error} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function HoldFormView({
  cameraId,
  tz,
  initial,
  onCancel,
  onSaved,
}: {
  cameraId: number;
  tz: string;
  initial: HoldForm;
  onCancel: () => void;
  onSaved: (h: Hold) => void;
}) {
  const [form, setForm] = useState<HoldForm>(initial);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof HoldForm, v: string) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async (e: Event) => {
    e.preventDefault();
    const p = holdPayload(form, tz);
    setLocal(p.errors);
    if (Object.keys(p.errors).length) return;
    setBusy(true);
    setError(null);
    try {
      const caseId = await resolveCase(p.caseRef);
      if (caseId === undefined) {
        setLocal({ case_id: t('hold.caseNotFound') });
        return;
      }
      onSaved(
        await videoApi.createHold({ camera_id: cameraId, from: p.from, to: p.to, reason: p.reason, ...(caseId ? { case_id: caseId } : {}) }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const extra = unclaimedFieldErrors(error, ['from', 'to', 'reason', 'case_id']);

  return (
    <form class="form hold-form" onSubmit={submit} noValidate aria-label={t('hold.formTitle')}>
      <h3>{t('hold.formTitle')}</h3>
      <ProblemBox error={error} extra={extra} />
      <div class="grid2">
        <Field id="hold-from" label={t('hold.from')} error={fe('from')} hint={t('cases.tzHint', { tz })}>
          {(a) => <input {...a} type="datetime-local" value={form.from} onInput={(e) => set('from', e.currentTarget.value)} />}
        </Field>
        <Field id="hold-to" label={t('hold.to')} error={fe('to')}>
          {(a) => <input {...a} type="datetime-local" value={form.to} onInput={(e) => set('to', e.currentTarget.value)} />}
        </Field>
        <Field id="hold-case" label={t('hold.case')} error={fe('case_id')} hint={t('hold.caseHint')}>
          {(a) => <input {...a} value={form.caseRef} onInput={(e) => set('caseRef', e.currentTarget.value)} />}
        </Field>
      </div>
      <Field id="hold-reason" label={t('hold.reason')} error={fe('reason')}>
        {(a) => <textarea {...a} rows={2} required value={form.reason} onInput={(e) => set('reason', e.currentTarget.value)} />}
      </Field>
      <div class="toolbar">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('common.saving') : t('hold.new')}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
