import { describe, expect, it } from 'vitest';
import {
  isHevc,
  liveSeek,
  liveUrl,
  LivePlayer,
  mimeFor,
  NTP_UNIX_OFFSET_S,
  parsePrft,
  trimRange,
  wallTimeAt,
  type MediaSourceLike,
  type PlayerSocket,
  type PlayerStatus,
  type RangesLike,
  type SourceBufferLike,
  type VideoLike,
} from './player';

// ---- fakes of the browser objects ------------------------------------------------------------------

const FRAME_S = 1 / 30;

/** prft (version 1, 32 bytes) + a stand-in moof/mdat, as the server sends one frame. */
function fragment(mediaS: number, wallMs: number, tag = 0): Uint8Array {
  const b = new Uint8Array(48);
  const v = new DataView(b.buffer);
  v.setUint32(0, 32);
  b.set([0x70, 0x72, 0x66, 0x74], 4); // 'prft'
  v.setUint32(8, 0x01000000); // version 1, flags 0
  v.setUint32(12, 1); // track
  const ntp = wallMs / 1000 + NTP_UNIX_OFFSET_S;
  const sec = Math.floor(ntp);
  v.setUint32(16, sec);
  v.setUint32(20, Math.round((ntp - sec) * 2 ** 32));
  const media = Math.round(mediaS * 90_000);
  v.setUint32(24, Math.floor(media / 2 ** 32));
  v.setUint32(28, media % 2 ** 32);
  v.setUint32(32, 16);
  b.set([0x6d, 0x6f, 0x6f, 0x66], 36); // 'moof'
  b[47] = tag;
  return b;
}

const initSegment = (tag: number) => new Uint8Array([0, 0, 0, 8, 0x66, 0x74, 0x79, 0x70, tag]);

class Ranges implements RangesLike {
  r: [number, number][] = [];
  get length() {
    return this.r.length;
  }
  start(i: number) {
    return this.r[i][0];
  }
  end(i: number) {
    return this.r[i][1];
  }
  add(s: number, e: number) {
    const last = this.r[this.r.length - 1];
    if (last && Math.abs(last[1] - s) < 1e-3) last[1] = e;
    else this.r.push([s, e]);
  }
  remove(s: number, e: number) {
    this.r = this.r
      .flatMap(([a, b]): [number, number][] => {
        if (b <= s || a >= e) return [[a, b]];
        const out: [number, number][] = [];
        if (a < s) out.push([a, s]);
        if (b > e) out.push([e, b]);
        return out;
      })
      .filter(([a, b]) => b - a > 1e-6);
  }
}

class FakeSourceBuffer implements SourceBufferLike {
  updating = false;
  buffered = new Ranges();
  /** Everything appended, in order (init segments by their tag byte, fragments by media time). */
  log: string[] = [];
  removed: [number, number][] = [];
  private listeners: Record<string, (() => void)[]> = {};
  constructor(readonly mime: string) {}
  appendBuffer(data: ArrayBuffer | Uint8Array) {
    if (this.updating) throw new Error('InvalidStateError: appending while updating');
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    const p = parsePrft(bytes);
    if (p) {
      this.log.push(`frag@${p.mediaS.toFixed(3)}`);
      this.buffered.add(p.mediaS, p.mediaS + FRAME_S);
    } else this.log.push(`init#${bytes[8]}`);
    this.updating = true;
  }
  remove(s: number, e: number) {
    if (this.updating) throw new Error('InvalidStateError: removing while updating');
    this.removed.push([s, e]);
    this.buffered.remove(s, e);
    this.updating = true;
  }
  abort() {}
  addEventListener(type: string, fn: () => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  /** The browser finishes the pending append or removal. */
  finish() {
    if (!this.updating) return false;
    this.updating = false;
    for (const fn of this.listeners.updateend ?? []) fn();
    return true;
  }
}

class FakeMediaSource implements MediaSourceLike {
  readyState = 'closed';
  buffers: FakeSourceBuffer[] = [];
  private onOpen: (() => void)[] = [];
  addSourceBuffer(mime: string) {
    const sb = new FakeSourceBuffer(mime);
    this.buffers.push(sb);
    return sb;
  }
  addEventListener(_type: 'sourceopen', fn: () => void) {
    this.onOpen.push(fn);
  }
  open() {
    this.readyState = 'open';
    for (const fn of this.onOpen) fn();
  }
}

class FakeSocket implements PlayerSocket {
  binaryType = 'blob';
  sent: unknown[] = [];
  closed: number | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.closed = code;
  }
  json(m: unknown) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  binary(b: Uint8Array) {
    const copy = b.slice();
    this.onmessage?.({ data: copy.buffer });
  }
  drop(code: number) {
    this.onclose?.({ code });
  }
}

class FakeVideo implements VideoLike {
  src = '';
  currentTime = 0;
  paused = true;
  muted = false;
  plays = 0;
  sb: FakeSourceBuffer | null = null;
  requestVideoFrameCallback?: (cb: (now: number, meta: { mediaTime: number }) => void) => number;
  get buffered(): RangesLike {
    return this.sb?.buffered ?? new Ranges();
  }
  play() {
    this.plays++;
    this.paused = false;
    return Promise.resolve();
  }
  removeAttribute(name: string) {
    if (name === 'src') this.src = '';
  }
}

function harness(opts: { hasSub?: boolean; stream?: 'main' | 'sub'; supported?: (mime: string) => boolean; probe?: number | null } = {}) {
  const sockets: FakeSocket[] = [];
  const sources: FakeMediaSource[] = [];
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const revoked: string[] = [];
  const probes: string[] = [];
  let now = 1_800_000_000_000;
  const statuses: PlayerStatus[] = [];
  const video = new FakeVideo();
  const player = new LivePlayer({
    cameraId: 7,
    stream: opts.stream,
    hasSub: opts.hasSub,
    location: { protocol: 'https:', host: 'wf.example' },
    onStatus: (s) => statuses.push(s),
    env: {
      connect: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      createMediaSource: () => {
        const ms = new FakeMediaSource();
        sources.push(ms);
        return ms;
      },
      isTypeSupported: opts.supported ?? ((mime) => mime.includes('avc1')),
      createObjectURL: () => `blob:ms-${sources.length}`,
      revokeObjectURL: (u) => revoked.push(u),
      now: () => now,
      schedule: (fn, ms) => {
        const t = { fn, ms, cancelled: false };
        timers.push(t);
        return t;
      },
      cancel: (h) => {
        if (h) (h as { cancelled: boolean }).cancelled = true;
      },
      random: () => 1,
      probe: async (url) => {
        probes.push(url);
        return opts.probe === undefined ? null : opts.probe;
      },
    },
  });
  const sock = () => sockets[sockets.length - 1];
  const sb = () => {
    const s = sources[sources.length - 1].buffers[0];
    video.sb = s;
    return s;
  };
  /** Let the browser finish every pending SourceBuffer operation. */
  const settle = () => {
    for (let i = 0; i < 10_000 && sb().finish(); i++);
  };
  const pending = () => timers.filter((t) => !t.cancelled);
  /** Run the reconnect timer (the longest pending one that is not the ping). */
  const fireReconnect = () => {
    const t = pending().find((x) => x.ms !== 15_000);
    if (!t) throw new Error('no reconnect pending');
    t.cancelled = true;
    t.fn();
    return t.ms;
  };
  const startStream = (codec = 'avc1.640028', tag = 1) => {
    sock().json({ type: 'hello', camera_id: 7, stream: 'main', camera: 'Cổng B', site: 'Cảng Đình Vũ', unit: 'Chi cục HQ KV3' });
    sock().json({ type: 'state', state: 'online', since: '2026-12-05T10:00:00Z', reason: null });
    sock().json({ type: 'init', codec, width: 1920, height: 1080 });
    sock().binary(initSegment(tag));
  };
  return {
    player,
    video,
    sockets,
    sources,
    timers,
    revoked,
    probes,
    statuses,
    sock,
    sb,
    settle,
    pending,
    fireReconnect,
    startStream,
    advance: (ms: number) => (now += ms),
    get now() {
      return now;
    },
    flush: () => new Promise((r) => setTimeout(r, 0)),
  };
}

// ---- pure helpers ---------------------------------------------------------------------------------

describe('prft parsing', () => {
  it('reads the server receipt time and the decode time of the frame', () => {
    const p = parsePrft(fragment(12.5, 1_800_000_000_123.5));
    expect(p).not.toBeNull();
    expect(p!.wallMs).toBeCloseTo(1_800_000_000_123.5, 1);
    expect(p!.mediaS).toBeCloseTo(12.5, 6);
  });

  it('handles a 64-bit media time past 2^32 ticks (13 hours of a camera)', () => {
    const p = parsePrft(fragment(50_000, 1_800_000_000_000));
    expect(p!.mediaS).toBeCloseTo(50_000, 3);
  });

  it('is null for a fragment without prft and for short data', () => {
    expect(parsePrft(initSegment(1))).toBeNull();
    expect(parsePrft(new Uint8Array(10))).toBeNull();
  });

  it('finds the server time of the frame on screen', () => {
    const marks = [0, 1, 2].map((i) => ({ mediaS: i * FRAME_S, wallMs: 1000 + i * 33 }));
    expect(wallTimeAt(marks, FRAME_S + 0.001)).toBe(1033);
    expect(wallTimeAt(marks, 10)).toBe(1066);
    expect(wallTimeAt(marks, -1)).toBeNull();
  });
});

describe('helpers', () => {
  it('builds a wss: URL under https and ws: under http', () => {
    expect(liveUrl({ protocol: 'https:', host: 'a:8443' }, '/api/v1', 3, 'sub')).toBe('wss://a:8443/api/v1/cameras/3/live?stream=sub');
    expect(liveUrl({ protocol: 'http:', host: 'a' }, '/api/v1', 3, 'main')).toBe('ws://a/api/v1/cameras/3/live?stream=main');
  });

  it('names the SourceBuffer type from the codec', () => {
    expect(mimeFor('avc1.640028')).toBe('video/mp4; codecs="avc1.640028"');
    expect(isHevc('hvc1.1.6.L120.90')).toBe(true);
    expect(isHevc('avc1.640028')).toBe(false);
  });

  it('trims only what is more than the kept seconds behind the playhead', () => {
    const r = new Ranges();
    r.add(100, 130);
    expect(trimRange(r, 125, 10)).toEqual({ start: 100, end: 115 });
    expect(trimRange(r, 111, 10)).toBeNull(); // one second is not worth a round trip
  });

  it('jumps to the newest range after a gap and forward when too far behind', () => {
    const r = new Ranges();
    r.add(10, 20);
    expect(liveSeek(r, 19.5, 1.5, false)).toBeNull();
    expect(liveSeek(r, 15, 1.5, false)).toBeCloseTo(19.7);
    expect(liveSeek(r, 0, 1.5, false)).toBe(10); // before the first frame
    r.add(30, 31);
    expect(liveSeek(r, 19.9, 1.5, true)).toBe(30);
  });
});

// ---- the player ---------------------------------------------------------------------------------

describe('LivePlayer', () => {
  it('opens the live socket and shows who is on screen', () => {
    const h = harness();
    h.player.attach(h.video);
    expect(h.sock().url).toBe('wss://wf.example/api/v1/cameras/7/live?stream=main');
    expect(h.sock().binaryType).toBe('arraybuffer');
    expect(h.player.state.state).toBe('connecting');
    expect(h.video.muted).toBe(true);
    h.startStream();
    expect(h.player.state).toMatchObject({ camera: 'Cổng B', site: 'Cảng Đình Vũ', cameraState: 'online', codec: 'avc1.640028', width: 1920, height: 1080 });
  });

  it('appends the init then the fragments in order, never while updating', () => {
    const h = harness();
    h.player.attach(h.video);
    h.startStream();
    // Fragments arrive before the MediaSource opens: they wait.
    h.sock().binary(fragment(100, h.now));
    h.sock().binary(fragment(100 + FRAME_S, h.now));
    expect(h.video.src).toBe('blob:ms-1');
    h.sources[0].open();
    const sb = h.sb();
    expect(sb.mime).toBe('video/mp4; codecs="avc1.640028"');
    expect(sb.log).toEqual(['init#1']); // one at a time
    h.sock().binary(fragment(100 + 2 * FRAME_S, h.now)); // arrives while updating: queued, no throw
    h.settle();
    expect(sb.log).toEqual(['init#1', 'frag@100.000', 'frag@100.033', 'frag@100.067']);
    // Playback starts at the first keyframe, not at 0.
    expect(h.video.currentTime).toBe(100);
    expect(h.video.plays).toBeGreaterThan(0);
    expect(h.player.state.state).toBe('playing');
  });

  it('starts over with a new MediaSource on a new init (camera reconnected with another codec)', () => {
    const h = harness({ supported: () => true });
    h.player.attach(h.video);
    h.startStream('avc1.640028', 1);
    h.sources[0].open();
    h.sock().binary(fragment(5, h.now));
    h.settle();
    h.sock().json({ type: 'init', codec: 'avc1.4d401f', width: 1280, height: 720 });
    h.sock().binary(initSegment(2));
    h.sock().binary(fragment(0, h.now));
    expect(h.sources).toHaveLength(2);
    expect(h.revoked).toEqual(['blob:ms-1']);
    expect(h.video.src).toBe('blob:ms-2');
    h.sources[1].open();
    h.settle();
    expect(h.sb().mime).toBe('video/mp4; codecs="avc1.4d401f"');
    expect(h.sb().log).toEqual(['init#2', 'frag@0.000']);
    expect(h.sources[0].buffers[0].log).toEqual(['init#1', 'frag@5.000']); // nothing of the new stream went to the old buffer
    expect(h.player.state).toMatchObject({ width: 1280, height: 720 });
  });

  it('keeps about ten seconds behind the playhead', () => {
    const h = harness();
    h.player.attach(h.video);
    h.startStream();
    h.sources[0].open();
    const sb = h.sb();
    for (let i = 0; i < 30 * 30; i++) {
      h.sock().binary(fragment(i * FRAME_S, h.now));
      h.settle();
      h.video.currentTime = Math.max(h.video.currentTime, i * FRAME_S); // the browser plays along
    }
    expect(sb.removed.length).toBeGreaterThan(0);
    const start = sb.buffered.start(0);
    expect(h.video.currentTime - start).toBeLessThanOrEqual(12.1);
    expect(h.video.currentTime - start).toBeGreaterThanOrEqual(9.9);
    // No frame at or ahead of the playhead was removed.
    for (const [, e] of sb.removed) expect(e).toBeLessThanOrEqual(h.video.currentTime - 10 + 1e-9);
  });

  it('jumps forward when more than 1.5 s behind the newest frame', () => {
    const h = harness();
    h.player.attach(h.video);
    h.startStream();
    h.sources[0].open();
    for (let i = 0; i < 90; i++) h.sock().binary(fragment(i * FRAME_S, h.now));
    h.video.currentTime = 0; // the tab was in the background: the playhead stayed at the start
    h.settle();
    const newest = 90 * FRAME_S;
    expect(newest - h.video.currentTime).toBeLessThanOrEqual(1.5);
    expect(h.video.currentTime).toBeGreaterThan(1);
  });

  it('after a skip jumps to the keyframe that follows the gap', () => {
    const h = harness();
    h.player.attach(h.video);
    h.startStream();
    h.sources[0].open();
    for (let i = 0; i < 10; i++) h.sock().binary(fragment(i * FRAME_S, h.now));
    h.settle();
    h.video.currentTime = 9 * FRAME_S;
    h.sock().json({ type: 'skipped', frames: 45 });
    h.sock().binary(fragment(55 * FRAME_S, h.now));
    h.settle();
    expect(h.sb().buffered.length).toBe(2);
    expect(h.video.currentTime).toBeCloseTo(55 * FRAME_S, 6);
  });

  it('measures latency from the prft of the frame on screen', () => {
    const h = harness();
    h.player.attach(h.video);
    h.startStream();
    h.sources[0].open();
    const received = h.now;
    h.sock().binary(fragment(100, received));
    h.sock().binary(fragment(100 + FRAME_S, received + 33));
    h.settle();
    h.advance(320);
    h.player.measure(100); // the frame received at `received` is on screen now
    expect(h.player.state.latencyMs).toBe(320);
    h.advance(300);
    h.player.measure(100 + FRAME_S + 0.01);
    expect(h.player.state.latencyMs).toBe(620 - 33);
  });

  it('uses requestVideoFrameCallback where the browser has it', () => {
    const h = harness();
    const callbacks: ((now: number, meta: { mediaTime: number }) => void)[] = [];
    h.video.requestVideoFrameCallback = (cb) => callbacks.push(cb);
    h.player.attach(h.video);
    h.startStream();
    h.sources[0].open();
    h.sock().binary(fragment(100, h.now));
    h.settle();
    h.advance(400);
    expect(callbacks.length).toBeGreaterThan(0);
    callbacks[callbacks.length - 1](0, { mediaTime: 100 });
    expect(h.player.state.latencyMs).toBe(400);
  });

  it('reconnects by itself with growing delays after a drop, and plays again', () => {
    const h = harness();
    h.player.attach(h.video);
    h.startStream();
    h.sources[0].open();
    h.sock().binary(fragment(1, h.now));
    h.settle();
    h.sock().drop(1001); // server restarting
    expect(h.player.state.state).toBe('reconnecting');
    const d1 = h.fireReconnect();
    expect(h.sockets).toHaveLength(2);
    h.sock().json({ type: 'hello', camera_id: 7, stream: 'main' });
    h.sock().drop(1008); // too slow
    const d2 = h.fireReconnect();
    expect(d2).toBeGreaterThan(d1);
    expect(h.sockets).toHaveLength(3);
    h.startStream();
    h.sources[h.sources.length - 1].open();
    h.sock().binary(fragment(1, h.now));
    h.settle();
    expect(h.player.state.state).toBe('playing');
  });

  it('does not reconnect after the session ended (4401) or access was withdrawn (4403)', () => {
    for (const [code, state] of [
      [4401, 'session-ended'],
      [4403, 'forbidden'],
    ] as const) {
      const h = harness();
      h.player.attach(h.video);
      h.startStream();
      h.sock().drop(code);
      expect(h.player.state.state).toBe(state);
      expect(h.pending()).toHaveLength(0);
      expect(h.sockets).toHaveLength(1);
    }
  });

  it('asks the route why when the upgrade is refused: 403 is no permission, without retrying', async () => {
    const h = harness({ probe: 403 });
    h.player.attach(h.video);
    h.sock().drop(1006);
    await h.flush();
    expect(h.probes).toEqual(['https://wf.example/api/v1/cameras/7/live?stream=main']);
    expect(h.player.state.state).toBe('forbidden');
    expect(h.pending()).toHaveLength(0);
  });

  it('keeps retrying when the upgrade failed for a network reason', async () => {
    const h = harness({ probe: null });
    h.player.attach(h.video);
    h.sock().drop(1006);
    await h.flush();
    expect(h.player.state.state).toBe('reconnecting');
    h.fireReconnect();
    expect(h.sockets).toHaveLength(2);
  });

  it('shows the camera offline from its state message, and playing when it returns', () => {
    const h = harness();
    h.player.attach(h.video);
    h.startStream();
    h.sources[0].open();
    h.sock().binary(fragment(1, h.now));
    h.settle();
    h.sock().json({ type: 'state', state: 'offline', since: '2026-12-05T10:05:00Z', reason: { code: 'timeout', vi: 'Hết thời gian chờ', en: 'Timed out' } });
    expect(h.player.state).toMatchObject({ state: 'offline', cameraState: 'offline', reason: { en: 'Timed out' } });
    h.sock().json({ type: 'state', state: 'online', since: '2026-12-05T10:06:00Z', reason: null });
    expect(h.player.state.state).toBe('playing');
  });

  it('falls back to the sub stream when the browser cannot decode H.265', () => {
    const h = harness({ hasSub: true });
    h.player.attach(h.video);
    h.startStream('hvc1.1.6.L120.90');
    expect(h.sockets[0].closed).toBe(1000);
    expect(h.sockets).toHaveLength(2);
    expect(h.sock().url).toBe('wss://wf.example/api/v1/cameras/7/live?stream=sub');
    expect(h.player.state).toMatchObject({ notice: 'codec-fallback', refusedCodec: 'hvc1.1.6.L120.90', stream: 'sub' });
    expect(h.sources).toHaveLength(0); // nothing was fed to a SourceBuffer that cannot decode it
    h.startStream('avc1.4d401e');
    h.sources[0].open();
    h.sock().binary(fragment(3, h.now));
    h.settle();
    expect(h.player.state.state).toBe('playing');
    expect(h.player.state.notice).toBe('codec-fallback');
  });

  it('says the codec is unsupported when there is no sub stream to fall back to', () => {
    const h = harness({ hasSub: false });
    h.player.attach(h.video);
    h.startStream('hvc1.1.6.L120.90');
    h.sock().binary(fragment(3, h.now));
    expect(h.player.state).toMatchObject({ state: 'unsupported', refusedCodec: 'hvc1.1.6.L120.90' });
    expect(h.sockets).toHaveLength(1);
    expect(h.sockets[0].closed).toBe(1000);
    expect(h.pending()).toHaveLength(0);
    expect(h.sources).toHaveLength(0);
  });

  it('switches between sub and main for a maximised tile', () => {
    const h = harness({ hasSub: true, stream: 'sub' });
    h.player.attach(h.video);
    expect(h.sock().url).toMatch(/stream=sub$/);
    h.player.setStream('main');
    expect(h.sockets[0].closed).toBe(1000);
    expect(h.sock().url).toMatch(/stream=main$/);
  });

  it('asks main of a camera without a sub stream', () => {
    const h = harness({ hasSub: false, stream: 'sub' });
    h.player.attach(h.video);
    expect(h.sock().url).toMatch(/stream=main$/);
  });

  it('pings, and reconnects when the socket goes silent', () => {
    const h = harness();
    h.player.attach(h.video);
    h.startStream();
    const ping = h.pending().find((t) => t.ms === 15_000)!;
    h.advance(15_000);
    ping.cancelled = true;
    ping.fn();
    expect(h.sock().sent).toEqual([{ type: 'ping' }]);
    const ping2 = h.pending().find((t) => t.ms === 15_000)!;
    h.advance(20_000); // nothing since the first ping
    ping2.cancelled = true;
    ping2.fn();
    expect(h.player.state.state).toBe('reconnecting');
    h.fireReconnect();
    expect(h.sockets).toHaveLength(2);
  });

  it('stop closes the socket and schedules nothing more', () => {
    const h = harness();
    h.player.attach(h.video);
    h.startStream();
    h.player.stop();
    expect(h.sockets[0].closed).toBe(1000);
    expect(h.pending()).toHaveLength(0);
    expect(h.player.state.state).toBe('stopped');
    expect(h.video.src).toBe('');
  });
});
