// A live tile: one camera's live picture (player.ts) with its overlay in Vietnamese — camera, site,
// local time in the camera unit's zone, the player's state and the measured latency. The camera page
// shows one; the video wall shows up to 25.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDateTime } from './format';
import { pick, t } from './i18n';
import { LivePlayer, type PlayerStatus, type Stream, type VideoLike } from './player';
import { cameraStateName } from './video';

export interface TileCamera {
  id: number;
  name: string;
  site_name?: string;
  sub_url?: string | null;
  state?: string;
}

/** The words under the picture for the player's state; null while it plays normally. */
export function tileMessage(s: Pick<PlayerStatus, 'state' | 'cameraState' | 'reason' | 'refusedCodec' | 'notice'>): string | null {
  switch (s.state) {
    case 'connecting':
      return t('live.connecting');
    case 'reconnecting':
      return s.notice === 'too-many-viewers' ? t('live.tooMany') : t('live.reconnecting');
    case 'offline': {
      const why = s.reason ? pick(s.reason.vi, s.reason.en) : '';
      const what = s.cameraState === 'disabled' ? cameraStateName('disabled') : t('live.offline');
      return why ? `${what}: ${why}` : what;
    }
    case 'forbidden':
      return t('live.forbidden');
    case 'session-ended':
      return t('live.sessionEnded');
    case 'not-found':
      return t('live.notFound');
    case 'unsupported':
      return t('live.unsupported', { codec: codecName(s.refusedCodec) });
    case 'stopped':
      return null;
    default:
      return null;
  }
}

/** "H.265" or "H.264" for a codec string, else the string. */
export function codecName(codec: string | null | undefined): string {
  if (!codec) return '';
  if (/^(hvc1|hev1)/i.test(codec)) return 'H.265';
  if (/^(avc1|avc3)/i.test(codec)) return 'H.264';
  return codec;
}

/** The short state label in the tile's corner. */
export function tileStateLabel(state: PlayerStatus['state']): string {
  return t(`live.state.${state}` as 'live.state.playing');
}

export function formatLatency(ms: number | null): string {
  if (ms === null) return '';
  return ms < 10_000 ? t('live.latency', { ms }) : t('live.latencyS', { s: (ms / 1000).toFixed(1) });
}

/** The player of one tile, for its whole life; `stream` may change (maximise). */
export function useLivePlayer(camera: TileCamera, stream: Stream, enabled = true) {
  const ref = useRef<HTMLVideoElement>(null);
  const playerRef = useRef<LivePlayer | null>(null);
  const [status, setStatus] = useState<PlayerStatus | null>(null);
  const hasSub = !!camera.sub_url;
  useEffect(() => {
    const v = ref.current;
    if (!v || !enabled) return;
    const p = new LivePlayer({ cameraId: camera.id, stream, hasSub });
    playerRef.current = p;
    const off = p.subscribe(setStatus);
    p.attach(v as unknown as VideoLike);
    return () => {
      off();
      p.stop();
      playerRef.current = null;
    };
    // the stream changes in place, below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [camera.id, hasSub, enabled]);
  useEffect(() => {
    playerRef.current?.setStream(stream);
  }, [stream]);
  return { ref, status, retry: () => playerRef.current?.retry() };
}

/** A second clock for the overlay (one timer per tile is cheap). */
function useClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(h);
  }, []);
  return now;
}

export function LiveTile({
  camera,
  stream = 'main',
  tz,
  compact = false,
  flash = false,
  children,
  onDblClick,
}: {
  camera: TileCamera;
  stream?: Stream;
  tz: string;
  compact?: boolean;
  /** A new alert or case concerns this camera. */
  flash?: boolean;
  /** Buttons on the tile (report a case, hold, …). */
  children?: ComponentChildren;
  onDblClick?: () => void;
}) {
  const { ref, status, retry } = useLivePlayer(camera, stream);
  const now = useClock();
  const state = status?.state ?? 'connecting';
  const message = status ? tileMessage(status) : t('live.connecting');
  const res = status?.width && status.height ? `${status.width}×${status.height}` : '';
  return (
    <figure
      class={`live-tile state-${state}${flash ? ' flash' : ''}${compact ? ' compact' : ''}`}
      data-testid="live-tile"
      data-camera-id={camera.id}
      data-state={state}
      data-stream={status?.stream ?? stream}
      onDblClick={onDblClick}
    >
      <video ref={ref} muted playsInline autoPlay data-testid="live-video" aria-label={t('live.videoLabel', { name: camera.name })} />
      <figcaption class="live-overlay">
        <span class="live-name">{status?.camera ?? camera.name}</span>
        {!compact ? <span class="live-site">{status?.site ?? camera.site_name ?? ''}</span> : null}
        <span class="live-clock" data-testid="live-clock">
          {formatDateTime(now, { seconds: true, timeZone: tz })}
        </span>
        <span class={`live-state ls-${state}`} data-testid="live-state">
          {tileStateLabel(state)}
        </span>
        {state === 'playing' && status?.latencyMs !== null && status?.latencyMs !== undefined ? (
          <span class="live-latency" data-testid="live-latency" title={t('live.latencyHint')}>
            {formatLatency(status.latencyMs)}
          </span>
        ) : null}
        {!compact && res ? <span class="live-res">{res}</span> : null}
      </figcaption>
      {message ? (
        <div class="live-message" role="status" data-testid="live-message">
          {message}
          {state === 'forbidden' || state === 'unsupported' || state === 'not-found' ? (
            <>
              {' '}
              <button type="button" class="btn btn-small" onClick={retry}>
                {t('common.retry')}
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      {status?.notice === 'codec-fallback' && state !== 'unsupported' ? (
        <div class="live-notice" data-testid="live-fallback">
          {t('live.fallback', { codec: codecName(status.refusedCodec) })}
        </div>
      ) : null}
      {children ? <div class="live-actions">{children}</div> : null}
    </figure>
  );
}

/** The instant-replay choices: seconds back from now. */
export const REPLAY_BACK_S = [10, 30, 120] as const;

/** What "−N s" plays: from N seconds ago up to now (the server reaches the segment being written). */
export function replaySpan(now: number, backS: number): { from: number; to: number } {
  return { from: now - backS * 1000, to: now };
}

const REPLAY_LABEL = { 10: 'replay.back10', 30: 'replay.back30', 120: 'replay.back120' } as const;

/**
 * A live tile with instant replay under it: "−10 s / −30 s / −2 min" play what was just recorded in
 * the same place; "Trực tiếp" goes back to the live picture. `mediaUrl` comes from the API module.
 */
export function LiveWithReplay({
  camera,
  tz,
  stream = 'main',
  canReplay,
  mediaUrl,
  now = () => Date.now(),
}: {
  camera: TileCamera;
  tz: string;
  stream?: Stream;
  canReplay: boolean;
  mediaUrl: (id: number, from: string, to: string) => string;
  now?: () => number;
}) {
  const [replay, setReplay] = useState<{ from: number; to: number } | null>(null);
  const [error, setError] = useState(false);
  const back = (s: number) => {
    setError(false);
    setReplay(replaySpan(now(), s));
  };
  return (
    <div class="live-replay" data-testid="live-replay">
      {replay ? (
        <figure class="live-tile replay" data-testid="replay">
          <video
            key={`${replay.from}`}
            src={mediaUrl(camera.id, new Date(replay.from).toISOString(), new Date(replay.to).toISOString())}
            controls
            autoPlay
            muted
            playsInline
            data-testid="replay-video"
            onError={() => setError(true)}
          />
          <figcaption class="live-overlay">
            <span class="live-name">{camera.name}</span>
            <span class="live-state ls-replay">
              {t('replay.playing', {
                from: formatDateTime(replay.from, { seconds: true, timeZone: tz }).slice(11),
                to: formatDateTime(replay.to, { seconds: true, timeZone: tz }).slice(11),
              })}
            </span>
          </figcaption>
          {error ? (
            <div class="live-message" role="status">
              {t('replay.error')}
            </div>
          ) : null}
        </figure>
      ) : (
        <LiveTile camera={camera} tz={tz} stream={stream} />
      )}
      {canReplay ? (
        <div class="toolbar replay-bar" role="group" aria-label={t('replay.label')}>
          {REPLAY_BACK_S.map((s) => (
            <button key={s} type="button" class="btn" onClick={() => back(s)} data-testid={`replay-${s}`}>
              {t(REPLAY_LABEL[s])}
            </button>
          ))}
          <button type="button" class={`btn${replay ? ' btn-primary' : ''}`} disabled={!replay} onClick={() => setReplay(null)} data-testid="replay-live">
            {t('replay.live')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
