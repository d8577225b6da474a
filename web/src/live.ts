// The live channel: one WebSocket to /api/v1/ws shared by the pages, reconnecting with backoff and
// resuming from the last event seen, so that a page subscribed to a topic misses nothing across a
// short outage. Protocol (see src/api/ws_api.cpp):
//   server → {"type":"hello","seq":S}  then  {"type":"event","seq":N,"topic":T,"unit_id":U,"payload":{…}}
//            {"type":"resumed",…} after a resume's replay, {"type":"resync"} when the gap is gone
//   client → {"type":"resume","after_seq":N}
// Replayed events may arrive after live ones, so events are applied once each, by seq.
import { useEffect, useState } from 'preact/hooks';

export interface LiveEvent<P = Record<string, unknown>> {
  seq: number;
  topic: string;
  unit_id: number | null;
  payload: P;
  at: string;
}

/** The part of a browser WebSocket the channel uses (a fake one in the tests). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface LiveOptions {
  url: () => string;
  connect?: (url: string) => SocketLike;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
  random?: () => number;
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** The server ends the socket with this code when the session is over: log in again, do not retry. */
export const SESSION_ENDED = 4401;

/** Delay before reconnect attempt `attempt` (0-based): doubling from min up to max, with jitter in [½, 1]. */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + (random() * base) / 2);
}

export function defaultLiveUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/ws`;
}

type Handler = (e: LiveEvent) => void;

export class LiveChannel {
  private readonly opts: Required<Omit<LiveOptions, 'connect'>> & { connect: (url: string) => SocketLike };
  private socket: SocketLike | null = null;
  private timer: unknown = null;
  private attempt = 0;
  private running = false;
  private isConnected = false;
  /** Every event up to this seq has been applied (or was before this channel started). */
  private safeSeq: number | null = null;
  private helloSeq = 0;
  private maxSeen = 0;
  private replaying = false;
  private readonly applied = new Set<number>();
  private readonly topics = new Map<string, Set<Handler>>();
  private readonly statusListeners = new Set<(connected: boolean) => void>();
  private readonly resyncListeners = new Set<() => void>();
  private users = 0;

  constructor(opts: LiveOptions) {
    this.opts = {
      url: opts.url,
      connect: opts.connect ?? ((url) => new WebSocket(url) as unknown as SocketLike),
      schedule: opts.schedule ?? ((fn, ms) => setTimeout(fn, ms)),
      cancel: opts.cancel ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)),
      random: opts.random ?? Math.random,
      minDelayMs: opts.minDelayMs ?? 500,
      maxDelayMs: opts.maxDelayMs ?? 30_000,
    };
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** The seq a reconnect resumes after (null before the first hello). */
  get resumePoint(): number | null {
    return this.safeSeq;
  }

  /** Pages hold the channel while they need it; the socket closes when nobody does. */
  retain(): () => void {
    this.users += 1;
    if (this.users === 1) this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users -= 1;
      if (this.users === 0) this.stop();
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.open();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.opts.cancel(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.onmessage = null;
      try {
        s.close(1000, 'bye');
      } catch {
        // already closed
      }
    }
    // A later start is a fresh session: the pages reload over REST anyway.
    this.safeSeq = null;
    this.applied.clear();
    this.setConnected(false);
  }

  subscribe(topic: string, fn: Handler): () => void {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(fn);
    return () => {
      set!.delete(fn);
    };
  }

  onStatus(fn: (connected: boolean) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  /** The server could not replay what was missed: reload from the REST API. */
  onResync(fn: () => void): () => void {
    this.resyncListeners.add(fn);
    return () => this.resyncListeners.delete(fn);
  }

  private setConnected(c: boolean) {
    if (c === this.isConnected) return;
    this.isConnected = c;
    for (const l of [...this.statusListeners]) l(c);
  }

  private open() {
    let s: SocketLike;
    try {
      s = this.opts.connect(this.opts.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = s;
    s.onopen = () => undefined; // the server speaks first (hello)
    s.onerror = () => undefined; // a close follows
    s.onmessage = (ev) => {
      if (this.socket === s) this.onMessage(s, ev.data);
    };
    s.onclose = (ev) => {
      if (this.socket !== s) return;
      this.socket = null;
      this.replaying = false;
      this.setConnected(false);
      if (ev.code === SESSION_ENDED) {
        this.running = false; // the app returns to the login page; a new retain starts again
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect() {
    if (!this.running) return;
    const delay = backoffDelay(this.attempt, this.opts.minDelayMs, this.opts.maxDelayMs, this.opts.random);
    this.attempt += 1;
    this.timer = this.opts.schedule(() => {
      this.timer = null;
      if (this.running) this.open();
    }, delay);
  }

  private onMessage(s: SocketLike, data: unknown) {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(String(data)) as Record<string, unknown>;
    } catch {
      return;
    }
    switch (msg.type) {
      case 'hello': {
        this.attempt = 0;
        this.helloSeq = Number(msg.seq) || 0;
        if (this.safeSeq === null) {
          this.safeSeq = this.helloSeq;
          this.maxSeen = this.helloSeq;
        } else if (this.helloSeq > this.safeSeq) {
          this.replaying = true;
          s.send(JSON.stringify({ type: 'resume', after_seq: this.safeSeq }));
        }
        this.setConnected(true);
        return;
      }
      case 'event': {
        const seq = Number(msg.seq);
        if (!Number.isFinite(seq)) return;
        if (this.safeSeq !== null && seq <= this.safeSeq) return;
        if (this.applied.has(seq)) return;
        this.applied.add(seq);
        this.maxSeen = Math.max(this.maxSeen, seq);
        if (!this.replaying) this.advance(this.maxSeen);
        const e: LiveEvent = {
          seq,
          topic: String(msg.topic ?? ''),
          unit_id: typeof msg.unit_id === 'number' ? msg.unit_id : null,
          payload: (msg.payload ?? {}) as Record<string, unknown>,
          at: String(msg.at ?? ''),
        };
        for (const fn of [...(this.topics.get(e.topic) ?? [])]) {
          try {
            fn(e);
          } catch (err) {
            console.error('live handler failed', err);
          }
        }
        return;
      }
      case 'resumed':
        this.replaying = false;
        this.advance(Math.max(this.helloSeq, this.maxSeen));
        return;
      case 'resync':
        this.replaying = false;
        this.advance(Math.max(this.helloSeq, this.maxSeen));
        for (const fn of [...this.resyncListeners]) fn();
        return;
      default:
        return; // pong, error
    }
  }

  private advance(seq: number) {
    if (this.safeSeq !== null && seq <= this.safeSeq) return;
    this.safeSeq = seq;
    for (const n of this.applied) if (n <= seq) this.applied.delete(n);
  }
}

/** The console's one channel. */
export const live = new LiveChannel({ url: () => defaultLiveUrl() });

/** Subscribe the calling component to `topic` while it is mounted (keeps the channel open). */
export function useLiveTopic(topic: string, fn: Handler, channel: LiveChannel = live): void {
  useEffect(() => {
    const release = channel.retain();
    const off = channel.subscribe(topic, (e) => fn(e));
    return () => {
      off();
      release();
    };
    // Callers pass a stable handler (useCallback), or it is subscribed again on every change.
  }, [topic, channel, fn]);
}

/** Whether the channel is connected, re-rendering on changes. */
export function useLiveConnected(channel: LiveChannel = live): boolean {
  const [c, setC] = useState(channel.connected);
  useEffect(() => {
    const release = channel.retain();
    setC(channel.connected);
    const off = channel.onStatus(setC);
    return () => {
      off();
      release();
    };
  }, [channel]);
  return c;
}
