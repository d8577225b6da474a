// The live player: one camera's live WebSocket (GET /api/v1/cameras/{id}/live, see docs/formats.md
// "Live view") fed into Media Source Extensions. Framework-free so that a tile, the camera page and
// the tests drive the same object; every browser object it touches comes through `PlayerEnv`.
//
//   server → hello, state, init + ONE binary (ftyp+moov), then binaries prft+moof+mdat (one frame
//            each, the first a keyframe), skipped {frames}, pong, error
//   client → ping
//
// What it guarantees a viewer:
// - a new init (camera reconnected, codec changed) starts a new MediaSource: nothing of the old
//   stream is decoded against the new parameters;
// - appends keep their order; nothing is appended while the SourceBuffer is updating;
// - memory is bounded: the buffer behind the playhead is trimmed to ~10 s;
// - the picture stays live: more than 1.5 s behind the newest frame jumps forward, and a skip jumps
//   to the range that starts at the keyframe after it;
// - a codec the browser cannot decode (H.265 in most browsers) is said so, and the sub stream is
//   tried when the camera has one;
// - it reconnects by itself with backoff, except when the session ended (4401) or access was
//   withdrawn (4403);
// - latency = the browser's clock when the frame is shown − the server's receipt time of that frame
//   (the fragment's `prft` box).
import type { SocketLike } from './live';

export type Stream = 'main' | 'sub';

export type PlayerState =
  | 'connecting'
  | 'playing'
  | 'offline'
  | 'reconnecting'
  | 'forbidden'
  | 'unsupported'
  | 'session-ended'
  | 'not-found'
  | 'stopped';

/** Why the player is showing what it shows, beyond the state (UI strings come from i18n). */
export type PlayerNotice = 'codec-fallback' | 'too-many-viewers' | null;

export interface Bilingual {
  code?: string;
  vi: string;
  en: string;
}

export interface PlayerStatus {
  state: PlayerState;
  /** The stream being played: `sub` after a fallback even when `main` was asked. */
  stream: Stream;
  /** The recorder's word on the camera ("starting", "online", "degraded", "offline", "disabled"). */
  cameraState: string | null;
  cameraSince: string | null;
  reason: Bilingual | null;
  camera: string | null;
  site: string | null;
  unit: string | null;
  codec: string | null;
  width: number | null;
  height: number | null;
  latencyMs: number | null;
  notice: PlayerNotice;
  /** The codec the browser refused, for the message. */
  refusedCodec: string | null;
}

// ---- the browser objects, as far as the player uses them -----------------------------------------

/** The console channel's socket (live.ts), receiving binary media as ArrayBuffers. */
export interface PlayerSocket extends SocketLike {
  binaryType: string;
}

export interface RangesLike {
  readonly length: number;
  start(i: number): number;
  end(i: number): number;
}

export interface SourceBufferLike {
  readonly updating: boolean;
  readonly buffered: RangesLike;
  appendBuffer(data: ArrayBuffer | Uint8Array): void;
  remove(start: number, end: number): void;
  abort(): void;
  addEventListener(type: 'updateend' | 'error', fn: () => void): void;
}

export interface MediaSourceLike {
  readonly readyState: string;
  addSourceBuffer(mime: string): SourceBufferLike;
  addEventListener(type: 'sourceopen', fn: () => void): void;
  endOfStream?(): void;
}

export interface VideoLike {
  src: string;
  currentTime: number;
  readonly paused: boolean;
  readonly buffered: RangesLike;
  muted: boolean;
  play(): Promise<void> | void;
  removeAttribute(name: string): void;
  load?(): void;
  requestVideoFrameCallback?(cb: (now: number, meta: { mediaTime: number }) => void): number;
  cancelVideoFrameCallback?(handle: number): void;
}

export interface PlayerEnv {
  connect(url: string): PlayerSocket;
  createMediaSource(): MediaSourceLike;
  isTypeSupported(mime: string): boolean;
  createObjectURL(ms: MediaSourceLike): string;
  revokeObjectURL(url: string): void;
  /** Wall-clock milliseconds (Date.now). */
  now(): number;
  schedule(fn: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
  random(): number;
  /**
   * The HTTP status of the live route when the WebSocket upgrade failed (a browser never sees it):
   * 403 no permission, 401 session over, 404 no camera, 422 no sub stream, 429 too many viewers.
   */
  probe(url: string): Promise<number | null>;
}

export interface PlayerOptions {
  cameraId: number;
  stream?: Stream;
  /** The camera has a sub stream: the fallback when the main stream's codec does not play here. */
  hasSub?: boolean;
  /** Origin-relative base of the API (default /api/v1). */
  base?: string;
  /** Page location, for ws:/wss: (default the document's). */
  location?: { protocol: string; host: string };
  env?: Partial<PlayerEnv>;
  onStatus?: (s: PlayerStatus) => void;
  /** Seconds kept behind the playhead. */
  keepBehindS?: number;
  /** Further behind the newest frame than this, the player jumps forward. */
  maxBehindS?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  pingEveryMs?: number;
}

// ---- pure helpers (tested on their own) ----------------------------------------------------------

/** Seconds between 1900-01-01 (NTP) and 1970-01-01 (Unix). */
export const NTP_UNIX_OFFSET_S = 2_208_988_800;
export const PRFT_SIZE = 32;
export const MEDIA_TIMESCALE = 90_000;

export interface Prft {
  /** Server wall-clock time (Unix ms) when the frame arrived from the camera. */
  wallMs: number;
  /** The fragment's decode time in seconds (90 kHz media_time / 90000). */
  mediaS: number;
}

/** The `prft` box at the head of a live fragment, or null when the fragment does not start with one. */
export function parsePrft(buf: ArrayBuffer | Uint8Array): Prft | null {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  if (bytes.byteLength < PRFT_SIZE) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = v.getUint32(0);
  const type = String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]);
  if (type !== 'prft' || size < PRFT_SIZE) return null;
  const version = bytes[8];
  let ntpSec: number;
  let ntpFrac: number;
  let media: number;
  if (version === 1) {
    ntpSec = v.getUint32(16);
    ntpFrac = v.getUint32(20);
    media = v.getUint32(24) * 2 ** 32 + v.getUint32(28);
  } else {
    // version 0: media_time is 32 bits (the box is then 28 bytes)
    ntpSec = v.getUint32(16);
    ntpFrac = v.getUint32(20);
    media = v.getUint32(24);
  }
  return { wallMs: (ntpSec - NTP_UNIX_OFFSET_S) * 1000 + (ntpFrac * 1000) / 2 ** 32, mediaS: media / MEDIA_TIMESCALE };
}

/** The MIME type a SourceBuffer is created with for an RFC 6381 codec string. */
export function mimeFor(codec: string): string {
  return `video/mp4; codecs="${codec}"`;
}

/** Is this an H.265 codec string (hvc1/hev1)? */
export function isHevc(codec: string): boolean {
  return /^(hvc1|hev1)\b/i.test(codec);
}

export function liveUrl(loc: { protocol: string; host: string }, base: string, cameraId: number, stream: Stream): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}${base}/cameras/${cameraId}/live?stream=${stream}`;
}

/** Delay before reconnect attempt `attempt` (0-based): doubling from min up to max, jitter in [½, 1]. */
export function reconnectDelay(attempt: number, minMs: number, maxMs: number, random: () => number): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + (random() * base) / 2);
}

/**
 * The removal that keeps at most `keepS` seconds behind the playhead, or null when nothing needs to
 * go. Removes from the first buffered start; never past `current − keepS`.
 */
export function trimRange(buffered: RangesLike, current: number, keepS: number): { start: number; end: number } | null {
  if (buffered.length === 0) return null;
  const start = buffered.start(0);
  const end = current - keepS;
  // Removing tiny slivers costs a SourceBuffer round trip per frame: wait for two seconds' worth.
  return end - start > 2 ? { start, end } : null;
}

/**
 * Where the playhead should be to stay live, or null to leave it: the start of the newest range
 * when the playhead is outside it (after a skip, or before the first frame), else near its end when
 * more than `maxBehindS` behind.
 */
export function liveSeek(buffered: RangesLike, current: number, maxBehindS: number, jumpToNewest: boolean): number | null {
  if (buffered.length === 0) return null;
  const last = buffered.length - 1;
  const start = buffered.start(last);
  const end = buffered.end(last);
  const inNewest = current >= start - 0.001 && current <= end + 0.001;
  // Outside the newest range (before the first frame, or left behind a skip's gap): its start is a keyframe.
  if (!inNewest) return start;
  if (jumpToNewest && last > 0) return start;
  if (end - current > maxBehindS) return Math.max(start, end - 0.3);
  return null;
}

/** The server time of the frame shown at media time `mediaS`, from the remembered prfts. */
export function wallTimeAt(marks: Prft[], mediaS: number): number | null {
  // marks are in arrival (= decode) order; the shown frame is the last one at or before mediaS
  let best: Prft | null = null;
  for (const m of marks) {
    if (m.mediaS <= mediaS + 1e-4) {
      if (!best || m.mediaS >= best.mediaS) best = m;
    }
  }
  return best ? best.wallMs : null;
}

// ---- the player -----------------------------------------------------------------------------------

const CLOSE_SESSION_ENDED = 4401;
const CLOSE_FORBIDDEN = 4403;
const CLOSE_NORMAL = 1000;

function defaultEnv(): PlayerEnv {
  return {
    connect: (url) => new WebSocket(url) as unknown as PlayerSocket,
    createMediaSource: () => new MediaSource() as unknown as MediaSourceLike,
    isTypeSupported: (mime) => typeof MediaSource !== 'undefined' && MediaSource.isTypeSupported(mime),
    createObjectURL: (ms) => URL.createObjectURL(ms as unknown as MediaSource),
    revokeObjectURL: (url) => URL.revokeObjectURL(url),
    now: () => Date.now(),
    schedule: (fn, ms) => setTimeout(fn, ms),
    cancel: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    random: Math.random,
    probe: async (url) => {
      try {
        const r = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
        return r.status;
      } catch {
        return null;
      }
    },
  };
}

/** One MediaSource and its SourceBuffer, for one init segment. */
interface Pipe {
  ms: MediaSourceLike;
  url: string;
  sb: SourceBufferLike | null;
  queue: Uint8Array[];
  /** The init segment has been queued; fragments after it may be. */
  mime: string;
  appended: number;
}

export class LivePlayer {
  private readonly env: PlayerEnv;
  private readonly opts: Required<Pick<PlayerOptions, 'keepBehindS' | 'maxBehindS' | 'minDelayMs' | 'maxDelayMs' | 'pingEveryMs' | 'base'>>;
  private readonly loc: { protocol: string; host: string };
  private readonly hasSub: boolean;
  private wanted: Stream;
  private current: Stream;
  private socket: PlayerSocket | null = null;
  private video: VideoLike | null = null;
  private pipe: Pipe | null = null;
  private pendingInit: { codec: string; width: number; height: number } | null = null;
  private jumpPending = false;
  private helloSeen = false;
  private attempt = 0;
  private retryTimer: unknown = null;
  private pingTimer: unknown = null;
  private lastMessageAt = 0;
  private frameHandle: number | null = null;
  private marks: Prft[] = [];
  private running = false;
  private status: PlayerStatus;
  private readonly listeners = new Set<(s: PlayerStatus) => void>();

  constructor(private readonly options: PlayerOptions) {
    this.env = { ...defaultEnv(), ...options.env };
    this.opts = {
      keepBehindS: options.keepBehindS ?? 10,
      maxBehindS: options.maxBehindS ?? 1.5,
      minDelayMs: options.minDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 15_000,
      pingEveryMs: options.pingEveryMs ?? 15_000,
      base: options.base ?? '/api/v1',
    };
    this.loc = options.location ?? { protocol: globalThis.location?.protocol ?? 'http:', host: globalThis.location?.host ?? 'localhost' };
    this.hasSub = options.hasSub ?? false;
    this.wanted = options.stream === 'sub' && this.hasSub ? 'sub' : options.stream === 'sub' ? 'main' : (options.stream ?? 'main');
    this.current = this.wanted;
    this.status = {
      state: 'connecting',
      stream: this.current,
      cameraState: null,
      cameraSince: null,
      reason: null,
      camera: null,
      site: null,
      unit: null,
      codec: null,
      width: null,
      height: null,
      latencyMs: null,
      notice: null,
      refusedCodec: null,
    };
    if (options.onStatus) this.listeners.add(options.onStatus);
  }

  get state(): PlayerStatus {
    return this.status;
  }

  subscribe(fn: (s: PlayerStatus) => void): () => void {
    this.listeners.add(fn);
    fn(this.status);
    return () => this.listeners.delete(fn);
  }

  /** Starts playing into `video` (muted: browsers only autoplay muted video). */
  attach(video: VideoLike): void {
    this.video = video;
    video.muted = true;
    this.running = true;
    this.open();
  }

  /** Switch between main and sub (a maximised tile asks for main). */
  setStream(stream: Stream): void {
    const next = stream === 'sub' && !this.hasSub ? 'main' : stream;
    if (next === this.wanted) return;
    this.wanted = next;
    // A codec fallback keeps sub: asking main again would only refuse again.
    if (this.status.notice === 'codec-fallback' && next === 'main') return;
    this.current = next;
    if (this.running) this.restart();
  }

  /** Closes the socket and lets go of the video element. */
  stop(): void {
    this.running = false;
    this.clearTimers();
    this.closeSocket(CLOSE_NORMAL);
    this.dropPipe();
    if (this.video) {
      this.video.removeAttribute('src');
      this.video.load?.();
    }
    this.video = null;
    this.update({ state: 'stopped', latencyMs: null });
  }

  /** Try again now (the "Thử lại" button after no permission or an unsupported codec). */
  retry(): void {
    if (!this.video) return;
    this.running = true;
    this.attempt = 0;
    this.restart();
  }

  // ---- connection -------------------------------------------------------------------------------

  private restart(): void {
    this.clearTimers();
    this.closeSocket(CLOSE_NORMAL);
    this.dropPipe();
    this.open();
  }

  private open(): void {
    if (!this.running) return;
    this.helloSeen = false;
    this.pendingInit = null;
    this.update({ state: this.attempt === 0 ? 'connecting' : 'reconnecting', stream: this.current });
    const url = liveUrl(this.loc, this.opts.base, this.options.cameraId, this.current);
    const s = this.env.connect(url);
    s.binaryType = 'arraybuffer';
    this.socket = s;
    this.lastMessageAt = this.env.now();
    s.onmessage = (ev) => {
      if (this.socket === s) this.onMessage(ev.data);
    };
    s.onclose = (ev) => {
      if (this.socket === s) this.onClose(ev.code, url);
    };
    s.onerror = () => undefined; // a close follows
    this.schedulePing();
  }

  private schedulePing(): void {
    this.pingTimer = this.env.schedule(() => {
      const s = this.socket;
      if (!s || !this.running) return;
      // Nothing at all (not even a pong) for two periods: the connection is dead without a close.
      if (this.env.now() - this.lastMessageAt > 2 * this.opts.pingEveryMs) {
        this.socket = null;
        s.close();
        this.dropPipe();
        this.scheduleReconnect();
        return;
      }
      try {
        s.send(JSON.stringify({ type: 'ping' }));
      } catch {
        // the close event will follow
      }
      this.schedulePing();
    }, this.opts.pingEveryMs);
  }

  private onClose(code: number, url: string): void {
    this.socket = null;
    this.env.cancel(this.pingTimer);
    if (!this.running) return;
    if (code === CLOSE_SESSION_ENDED) return this.end('session-ended');
    if (code === CLOSE_FORBIDDEN) return this.end('forbidden');
    if (!this.helloSeen) {
      // The upgrade was refused (or the network failed before it): ask the route why.
      void this.env.probe(url.replace(/^ws/, 'http')).then((status) => {
        if (!this.running || this.socket) return;
        if (status === 403) return this.end('forbidden');
        if (status === 401) return this.end('session-ended');
        if (status === 404) return this.end('not-found');
        if (status === 422 && this.current === 'sub') {
          // The camera has no sub stream after all.
          this.current = 'main';
          this.update({ stream: 'main' });
          return this.open();
        }
        if (status === 429) this.update({ notice: 'too-many-viewers' });
        this.scheduleReconnect();
      });
      return;
    }
    this.scheduleReconnect();
  }

  private end(state: PlayerState): void {
    this.clearTimers();
    this.dropPipe();
    this.update({ state, latencyMs: null });
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    this.update({ state: 'reconnecting', latencyMs: null });
    const delay = reconnectDelay(this.attempt, this.opts.minDelayMs, this.opts.maxDelayMs, this.env.random);
    this.attempt++;
    this.env.cancel(this.retryTimer);
    this.retryTimer = this.env.schedule(() => {
      this.retryTimer = null;
      this.dropPipe();
      this.open();
    }, delay);
  }

  private closeSocket(code: number): void {
    const s = this.socket;
    this.socket = null;
    if (s) {
      try {
        s.close(code);
      } catch {
        // already closed
      }
    }
  }

  private clearTimers(): void {
    this.env.cancel(this.retryTimer);
    this.env.cancel(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }

  // ---- messages ---------------------------------------------------------------------------------

  private onMessage(data: unknown): void {
    this.lastMessageAt = this.env.now();
    if (typeof data === 'string') {
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(data) as Record<string, unknown>;
      } catch {
        return;
      }
      this.onText(m);
      return;
    }
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (bytes) this.onBinary(bytes);
  }

  private onText(m: Record<string, unknown>): void {
    switch (m.type) {
      case 'hello':
        this.helloSeen = true;
        this.update({
          camera: typeof m.camera === 'string' ? m.camera : null,
          site: typeof m.site === 'string' ? m.site : null,
          unit: typeof m.unit === 'string' ? m.unit : null,
          stream: m.stream === 'sub' ? 'sub' : 'main',
          notice: this.status.notice === 'too-many-viewers' ? null : this.status.notice,
        });
        return;
      case 'state': {
        const cs = typeof m.state === 'string' ? m.state : null;
        const reason = m.reason && typeof m.reason === 'object' ? (m.reason as Bilingual) : null;
        const since = typeof m.since === 'string' ? m.since : null;
        const patch: Partial<PlayerStatus> = { cameraState: cs, cameraSince: since, reason };
        if (cs === 'offline' || cs === 'disabled') {
          patch.state = 'offline';
          patch.latencyMs = null;
        } else if (this.status.state === 'offline') patch.state = this.pipe?.appended ? 'playing' : 'connecting';
        this.update(patch);
        return;
      }
      case 'init': {
        const codec = typeof m.codec === 'string' ? m.codec : '';
        this.pendingInit = { codec, width: Number(m.width) || 0, height: Number(m.height) || 0 };
        return;
      }
      case 'skipped':
        // The next binary is a keyframe after a gap in decode time: jump to it once appended.
        this.jumpPending = true;
        return;
      default:
        return;
    }
  }

  private onBinary(bytes: Uint8Array): void {
    if (this.pendingInit) {
      const init = this.pendingInit;
      this.pendingInit = null;
      this.startPipe(init, bytes);
      return;
    }
    if (!this.pipe) return; // fragments before any init (or after a refused codec) have nowhere to go
    const prft = parsePrft(bytes);
    if (prft) {
      this.marks.push(prft);
      if (this.marks.length > 600) this.marks.splice(0, this.marks.length - 400);
    }
    this.enqueue(bytes);
  }

  private startPipe(init: { codec: string; width: number; height: number }, segment: Uint8Array): void {
    const mime = mimeFor(init.codec);
    if (!this.env.isTypeSupported(mime)) {
      this.dropPipe();
      if (this.current === 'main' && this.hasSub) {
        // Keep the main stream's refusal on screen while the sub stream starts.
        this.current = 'sub';
        this.update({ notice: 'codec-fallback', refusedCodec: init.codec, stream: 'sub' });
        this.closeSocket(CLOSE_NORMAL);
        this.env.cancel(this.pingTimer);
        this.open();
        return;
      }
      this.clearTimers();
      this.closeSocket(CLOSE_NORMAL);
      this.update({ state: 'unsupported', refusedCodec: init.codec, codec: init.codec, latencyMs: null });
      return;
    }
    this.dropPipe();
    this.marks = [];
    this.jumpPending = true;
    const ms = this.env.createMediaSource();
    const url = this.env.createObjectURL(ms);
    const pipe: Pipe = { ms, url, sb: null, queue: [segment], mime, appended: 0 };
    this.pipe = pipe;
    ms.addEventListener('sourceopen', () => {
      if (this.pipe !== pipe || pipe.sb) return;
      try {
        const sb = ms.addSourceBuffer(mime);
        pipe.sb = sb;
        sb.addEventListener('updateend', () => {
          if (this.pipe === pipe) this.afterAppend(pipe);
        });
        sb.addEventListener('error', () => {
          if (this.pipe === pipe) this.failPipe();
        });
      } catch {
        this.failPipe();
        return;
      }
      this.pump(pipe);
    });
    if (this.video) this.video.src = url;
    this.update({ codec: init.codec, width: init.width || null, height: init.height || null });
  }

  /** The SourceBuffer failed (a decode error): start over from the next init. */
  private failPipe(): void {
    this.dropPipe();
    this.closeSocket(CLOSE_NORMAL);
    this.scheduleReconnect();
  }

  private dropPipe(): void {
    const p = this.pipe;
    if (!p) return;
    this.pipe = null;
    if (this.frameHandle !== null && this.video?.cancelVideoFrameCallback) this.video.cancelVideoFrameCallback(this.frameHandle);
    this.frameHandle = null;
    this.env.revokeObjectURL(p.url);
  }

  private enqueue(bytes: Uint8Array): void {
    const p = this.pipe;
    if (!p) return;
    p.queue.push(bytes);
    // A stalled SourceBuffer must not grow memory without bound: keep the newest few seconds.
    if (p.queue.length > 900) p.queue.splice(1, p.queue.length - 600);
    this.pump(p);
  }

  private pump(p: Pipe): void {
    const sb = p.sb;
    if (!sb || sb.updating || p.queue.length === 0) return;
    if (this.video && p.appended > 0) {
      const cut = trimRange(sb.buffered, this.video.currentTime, this.opts.keepBehindS);
      if (cut) {
        try {
          sb.remove(cut.start, cut.end);
          return; // updateend pumps again
        } catch {
          // fall through to the append
        }
      }
    }
    const next = p.queue[0];
    try {
      sb.appendBuffer(next);
      p.queue.shift();
    } catch (e) {
      if (e instanceof Error && e.name === 'QuotaExceededError' && this.video) {
        // Full: drop everything up to a second behind the playhead and try again after.
        const b = sb.buffered;
        if (b.length && this.video.currentTime - 1 > b.start(0)) {
          sb.remove(b.start(0), this.video.currentTime - 1);
          return;
        }
      }
      this.failPipe();
    }
  }

  private afterAppend(p: Pipe): void {
    p.appended++;
    const v = this.video;
    if (v && p.appended > 1) {
      const to = liveSeek(v.buffered.length ? v.buffered : (p.sb?.buffered ?? v.buffered), v.currentTime, this.opts.maxBehindS, this.jumpPending);
      if (to !== null) v.currentTime = to;
      this.jumpPending = false;
      if (v.paused) {
        try {
          const r = v.play();
          if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch(() => undefined);
        } catch {
          // autoplay refused: the tile shows its play state
        }
      }
      if (this.status.state !== 'playing' && this.status.cameraState !== 'offline' && this.status.cameraState !== 'disabled') {
        this.attempt = 0;
        this.update({ state: 'playing' });
      }
      this.watchFrames();
    }
    this.pump(p);
  }

  // ---- latency ----------------------------------------------------------------------------------

  private lastLatencyAt = 0;

  private watchFrames(): void {
    const v = this.video;
    if (!v || this.frameHandle !== null) {
      if (v && !v.requestVideoFrameCallback) this.measure(v.currentTime);
      return;
    }
    if (v.requestVideoFrameCallback) {
      const tick = (_now: number, meta: { mediaTime: number }) => {
        this.frameHandle = null;
        if (!this.pipe || this.video !== v) return;
        this.measure(meta.mediaTime);
        this.frameHandle = v.requestVideoFrameCallback!(tick);
      };
      this.frameHandle = v.requestVideoFrameCallback(tick);
    } else {
      this.measure(v.currentTime);
    }
  }

  /** Latency of the frame shown at `mediaS`, published at most four times a second. */
  measure(mediaS: number): void {
    const now = this.env.now();
    if (now - this.lastLatencyAt < 250) return;
    const wall = wallTimeAt(this.marks, mediaS);
    if (wall === null) return;
    this.lastLatencyAt = now;
    const ms = Math.max(0, Math.round(now - wall));
    // Marks far behind the playhead are no longer needed.
    this.marks = this.marks.filter((m) => m.mediaS >= mediaS - 5);
    this.update({ latencyMs: ms });
  }

  private update(patch: Partial<PlayerStatus>): void {
    let changed = false;
    for (const k of Object.keys(patch) as (keyof PlayerStatus)[]) {
      if (this.status[k] !== patch[k]) changed = true;
    }
    if (!changed) return;
    this.status = { ...this.status, ...patch };
    for (const l of this.listeners) l(this.status);
  }
}
