import { describe, expect, it } from 'vitest';
import { backoffDelay, LiveChannel, SESSION_ENDED, type LiveEvent, type SocketLike } from './live';

class FakeSocket implements SocketLike {
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
  // server side
  open() {
    this.onopen?.({});
  }
  recv(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const ch = new LiveChannel({
    url: () => 'ws://console/api/v1/ws',
    connect: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    schedule: (fn, ms) => {
      const t = { fn, ms, cancelled: false };
      timers.push(t);
      return t;
    },
    cancel: (h) => {
      (h as { cancelled: boolean }).cancelled = true;
    },
    random: () => 1, // the upper end of the jitter: delays are exactly the doubling
    minDelayMs: 500,
    maxDelayMs: 8000,
  });
  const got: LiveEvent[] = [];
  ch.subscribe('duty_log.created', (e) => got.push(e));
  const fire = () => {
    const t = timers.filter((x) => !x.cancelled).pop()!;
    t.cancelled = true;
    t.fn();
  };
  const event = (seq: number, shift_id = 1, topic = 'duty_log.created') => ({
    type: 'event',
    seq,
    topic,
    unit_id: 5,
    payload: { id: seq, shift_id },
    at: '2026-11-27T02:00:00Z',
  });
  return { ch, sockets, timers, got, fire, event, last: () => sockets[sockets.length - 1] };
}

describe('backoffDelay', () => {
  it('doubles from the minimum up to the maximum, with jitter between half and all of it', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((a) => backoffDelay(a, 500, 8000, () => 1))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoffDelay(3, 500, 8000, () => 0)).toBe(2000);
    for (let i = 0; i < 50; i += 1) {
      const d = backoffDelay(2, 500, 8000);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
    expect(backoffDelay(1000, 500, 8000, () => 1)).toBe(8000);
  });
});

describe('LiveChannel', () => {
  it('connects when retained, delivers events by topic and reports the connection', () => {
    const h = harness();
    const states: boolean[] = [];
    h.ch.onStatus((c) => states.push(c));
    const release = h.ch.retain();
    expect(h.sockets).toHaveLength(1);
    expect(h.last().url).toBe('ws://console/api/v1/ws');
    h.last().open();
    expect(h.ch.connected).toBe(false); // until hello
    h.last().recv({ type: 'hello', user: 'a', seq: 10 });
    expect(h.ch.connected).toBe(true);
    expect(h.last().sent).toEqual([]); // a first connection does not resume
    h.last().recv(h.event(11));
    h.last().recv(h.event(12, 1, 'shift.updated'));
    expect(h.got.map((e) => e.seq)).toEqual([11]);
    expect(h.got[0].payload).toEqual({ id: 11, shift_id: 1 });
    expect(h.ch.resumePoint).toBe(12);
    release();
    expect(h.sockets[0].closed).toBe(1000);
    expect(states).toEqual([true, false]);
  });

  it('reconnects with growing delays and resumes after the last seq', () => {
    const h = harness();
    h.ch.retain();
    h.last().recv({ type: 'hello', seq: 10 });
    h.last().recv(h.event(11));
    h.last().recv(h.event(12));
    h.last().drop();
    expect(h.ch.connected).toBe(false);
    expect(h.timers.at(-1)!.ms).toBe(500);
    h.fire();
    expect(h.sockets).toHaveLength(2);
    // the second attempt fails too: the delay doubles
    h.last().drop();
    expect(h.timers.at(-1)!.ms).toBe(1000);
    h.fire();
    h.last().drop();
    expect(h.timers.at(-1)!.ms).toBe(2000);
    h.fire();
    const s = h.last();
    s.recv({ type: 'hello', seq: 20 });
    expect(s.sent).toEqual([{ type: 'resume', after_seq: 12 }]);
    // a live event can overtake the replay; the replay follows; duplicates are dropped
    s.recv(h.event(21));
    s.recv(h.event(14));
    s.recv(h.event(21));
    s.recv(h.event(17));
    expect(h.ch.resumePoint).toBe(12); // not past the replay until it is complete
    s.recv({ type: 'resumed', after_seq: 12, replayed: 2 });
    expect(h.ch.resumePoint).toBe(21);
    expect(h.got.map((e) => e.seq)).toEqual([11, 12, 21, 14, 17]);
    // a successful hello resets the backoff
    s.drop();
    expect(h.timers.at(-1)!.ms).toBe(500);
  });

  it('resumes from the last complete point when dropped in the middle of a replay', () => {
    const h = harness();
    h.ch.retain();
    h.last().recv({ type: 'hello', seq: 5 });
    h.last().drop();
    h.fire();
    h.last().recv({ type: 'hello', seq: 9 });
    expect(h.last().sent).toEqual([{ type: 'resume', after_seq: 5 }]);
    h.last().recv(h.event(10)); // live
    h.last().recv(h.event(6)); // replay …
    h.last().drop(); // … interrupted
    h.fire();
    h.last().recv({ type: 'hello', seq: 12 });
    expect(h.last().sent).toEqual([{ type: 'resume', after_seq: 5 }]);
    h.last().recv(h.event(6)); // replayed again: already applied
    h.last().recv(h.event(8));
    h.last().recv(h.event(10)); // already applied
    h.last().recv({ type: 'resumed', after_seq: 5, replayed: 3 });
    expect(h.got.map((e) => e.seq)).toEqual([10, 6, 8]);
    expect(h.ch.resumePoint).toBe(12);
  });

  it('does not resume when nothing happened, and asks pages to reload after a resync', () => {
    const h = harness();
    let resyncs = 0;
    h.ch.onResync(() => {
      resyncs += 1;
    });
    h.ch.retain();
    h.last().recv({ type: 'hello', seq: 30 });
    h.last().drop(1001);
    h.fire();
    h.last().recv({ type: 'hello', seq: 30 });
    expect(h.last().sent).toEqual([]);
    h.last().drop(1008);
    h.fire();
    h.last().recv({ type: 'hello', seq: 900 });
    expect(h.last().sent).toEqual([{ type: 'resume', after_seq: 30 }]);
    h.last().recv({ type: 'resync' });
    expect(resyncs).toBe(1);
    expect(h.ch.resumePoint).toBe(900);
  });

  it('stops after the session ended and starts afresh on the next retain', () => {
    const h = harness();
    const release = h.ch.retain();
    h.last().recv({ type: 'hello', seq: 3 });
    h.last().drop(SESSION_ENDED);
    expect(h.timers.filter((t) => !t.cancelled)).toHaveLength(0);
    release();
    h.ch.retain();
    expect(h.sockets).toHaveLength(2);
    h.last().recv({ type: 'hello', seq: 7 });
    expect(h.last().sent).toEqual([]); // a fresh start: the page reloads over REST
  });

  it('keeps one socket for several pages and ignores a stale socket', () => {
    const h = harness();
    const a = h.ch.retain();
    const b = h.ch.retain();
    expect(h.sockets).toHaveLength(1);
    a();
    a(); // releasing twice is harmless
    expect(h.sockets[0].closed).toBeNull();
    b();
    expect(h.sockets[0].closed).toBe(1000);
    expect(h.timers.filter((t) => !t.cancelled)).toHaveLength(0);
  });

  it('ignores garbage and unknown messages', () => {
    const h = harness();
    h.ch.retain();
    h.last().onmessage?.({ data: 'not json' });
    h.last().recv({ type: 'pong' });
    h.last().recv({ type: 'hello', seq: 1 });
    h.last().recv({ type: 'event', topic: 'duty_log.created' }); // no seq
    expect(h.got).toEqual([]);
    expect(h.ch.connected).toBe(true);
  });
});
