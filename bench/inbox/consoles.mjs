// Worker thread of bench/inbox/run.mjs: holds a share of the console WebSockets, pings them, and
// timestamps every "case.changed" event with status "reported" the moment its bytes arrive.
//
// Parsing is lazy on purpose: at 100 cases/s and 200 consoles the server sends ~75k messages/s
// (~100 MB/s), far more than JSON.parse can take on one core next to the server. Each frame is
// kept as a Buffer; the topic is read from its tail, the status, `at`, `reported_at` and case id
// by exact byte patterns. That is sound because the server writes nlohmann::json with sorted keys
// (`{"at":…,"payload":{…},"seq":…,"topic":…,"type":"event","unit_id":…}`) and a JSON string can
// never hold an unescaped quote, so `"key":` only ever matches a key. One message in
// VALIDATE_EVERY is also JSON.parse'd and compared, and any disagreement is reported.
import crypto from 'node:crypto';
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { connectWs } from '../../tests/api/ws-client.mjs';

const { url, cookies, pingEveryMs, firstIndex, totalConsoles, transport } = workerData;
const VALIDATE_EVERY = 1000;

const P_AT = Buffer.from('{"at":"');
const P_TOPIC_CASE = Buffer.from('"topic":"case.changed"');
const P_TOPIC = Buffer.from('"topic":"');
const P_STATUS = Buffer.from('"status":"');
const P_REPORTED_SUBJECT = Buffer.from('reported","subject":');
const P_DRAFT_SUBJECT = Buffer.from('draft","subject":');
const P_REPORTED_AT = Buffer.from('"reported_at":"');
const P_ID = Buffer.from('"id":');
const P_PONG = Buffer.from('"type":"pong"');
const P_HELLO = Buffer.from('"type":"hello"');
const ISO_LEN = 24; // 2026-01-01T00:00:00.000Z

// What the main thread asked for: 'setup' | 'warmup' | 'baseline' | 'load' | 'drain'.
let phase = 'setup';
let pinging = false;

// Samples of the load (and drain) phase, one per delivered "reported" event.
const latAt = [];        // receive − event `at` (ms)
const latReported = [];  // receive − payload.reported_at (ms)
const caseIds = [];      // the case, to tell the main thread which cases each event belonged to
const atMs = [];         // the event's `at`, to see how the latency moves over the load
const pings = { baseline: [], load: [], other: [] };
const counts = {
  messages: 0, bytes: 0, reported: 0, reportedWarmup: 0, draft: 0, caseOther: 0, inbox: 0, other: 0,
  reads: 0, pingsSent: 0, pingsUnanswered: 0, validated: 0, mismatches: 0, closed: 0, fragmented: 0,
};
const mismatchExamples = [];
let caseChangedSeen = 0;

const now = () => performance.timeOrigin + performance.now();

// Reads "YYYY-MM-DDTHH:MM:SS.mmmZ" at `off` as epoch ms (3× cheaper than Date.parse of a string).
function isoAt(buf, off) {
  const d = (i, n) => { let v = 0; for (let k = 0; k < n; k++) v = v * 10 + buf[off + i + k] - 48; return v; };
  if (buf[off + 23] !== 90 /* Z */ || buf[off + 19] !== 46 /* . */) return Date.parse(buf.toString('latin1', off, off + ISO_LEN));
  return Date.UTC(d(0, 4), d(5, 2) - 1, d(8, 2), d(11, 2), d(14, 2), d(17, 2), d(20, 3));
}

function intAt(buf, off) {
  let n = 0;
  for (let i = off; i < buf.length; i++) {
    const c = buf[i];
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return n;
}

// ---- transports -------------------------------------------------------------------------------
// A transport opens the WebSocket and hands raw socket bytes to Console.onData; Console parses
// the frames and gives control frames back (transport.control). Both answer server pings and the
// close handshake as a browser does.

// Default: net.Socket with `onread`, reading into one buffer reused by every socket of this thread
// (each read is consumed, or its partial frame copied, before the next). That skips the stream
// machinery and a Buffer per read: ~15 % less client CPU per message than the stream path.
const READ_BUF = Buffer.allocUnsafe(1 << 18);
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode, payload) {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  const mask = crypto.randomBytes(4);
  const out = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) out[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([head, mask, out]);
}

function rawWs(u, cookie, timeoutMs) {
  return new Promise((resolve, reject) => {
    const key = crypto.randomBytes(16).toString('base64');
    let head = Buffer.alloc(0);
    let open = false;
    let onData = null;
    const early = [];
    let closeFrame = null;
    let sentClose = false;
    let resolveClosed;
    const closed = new Promise((r) => { resolveClosed = r; });
    const t = {
      closed,
      start(fn) { onData = fn; for (const b of early.splice(0)) fn(b); },
      send(text) { if (!socket.destroyed) socket.write(frame(0x1, Buffer.from(text))); },
      control(fin, opcode, payload) {
        if (opcode === 0x9 && !socket.destroyed) socket.write(frame(0xa, payload));
        if (opcode === 0x8) {
          closeFrame = { code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005 };
          if (!sentClose && !socket.destroyed) socket.end(frame(0x8, payload.subarray(0, 2)));
          sentClose = true;
        }
      },
      async close() {
        if (!sentClose && !socket.destroyed) { sentClose = true; socket.write(frame(0x8, Buffer.from([0x03, 0xe8]))); }
        const timer = setTimeout(() => socket.destroy(), 2000);
        await closed;
        clearTimeout(timer);
      },
    };
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no WebSocket handshake answer within ${timeoutMs} ms`)); }, timeoutMs);
    const socket = net.connect({
      host: u.hostname,
      port: Number(u.port),
      onread: {
        buffer: READ_BUF,
        callback(n, buf) {
          if (open) {
            if (onData) onData(buf.subarray(0, n));
            else early.push(Buffer.from(buf.subarray(0, n)));
            return;
          }
          head = Buffer.concat([head, buf.subarray(0, n)]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          clearTimeout(timer);
          const text = head.toString('latin1', 0, end);
          const accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
          if (!/^HTTP\/1\.1 101/.test(text) || !text.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
            socket.destroy();
            reject(new Error(`WebSocket refused: ${text.split('\r\n')[0]} ${head.toString('utf8', end + 4, end + 300)}`));
            return;
          }
          open = true;
          if (head.length > end + 4) early.push(Buffer.from(head.subarray(end + 4)));
          resolve(t);
        },
      },
    });
    socket.setNoDelay(true);
    socket.on('connect', () => {
      socket.write(`GET /api/v1/ws HTTP/1.1\r\nHost: ${u.host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${u.protocol}//${u.host}\r\nCookie: ${cookie}\r\n\r\n`);
    });
    socket.on('error', (e) => { if (!open) { clearTimeout(timer); reject(e); } });
    socket.on('close', () => resolveClosed(closeFrame || { code: 1006 }));
  });
}

// `--transport ws-client`: the API tests' WsConnection (a 'data' listener and a Buffer.concat per
// read), for comparison.
async function wsClient(u, cookie, timeoutMs) {
  const r = await connectWs(u.href, '/api/v1/ws', { cookie, timeout: timeoutMs });
  if (!r.ok) throw new Error(`WebSocket refused: ${r.status} ${r.text}`);
  const ws = r.ws;
  return {
    closed: ws.closed,
    hello: ws.messages.some((m) => m.type === 'hello'),
    start(fn) {
      ws.onData = fn; // WsConnection's socket listener calls this.onData
      if (ws.buf && ws.buf.length) { const rest = ws.buf; ws.buf = Buffer.alloc(0); fn(rest); }
    },
    send: (text) => ws.send(text),
    control: (fin, opcode, payload) => ws.onFrame(fin, opcode, payload),
    close: () => ws.close(),
  };
}

// ---- consoles ---------------------------------------------------------------------------------

class Console {
  constructor(index, t) {
    this.index = index;
    this.t = t;
    this.pending = null;
    this.fragments = null;
    this.pingAt = 0;       // performance.now() of the ping awaiting its pong, 0 if none
    this.hello = Boolean(t.hello);
    this.reported = 0;     // "reported" events this console received in load/drain
    this.reportedWarmup = 0;
    this.closeCode = null;
    this.closedAt = null;  // epoch ms
    t.closed.then((f) => { this.closeCode = f.code; this.closedAt = now(); counts.closed++; });
    this.control = (fin, opcode, payload) => t.control(fin, opcode, payload);
    t.start((d) => { this.onData(d); });
  }

  onData(d) {
    const t = now(); // every frame of this chunk arrived together
    counts.reads++;
    let buf = this.pending ? Buffer.concat([this.pending, d]) : d;
    let off = 0;
    const end = buf.length;
    for (;;) {
      if (end - off < 2) break;
      const b0 = buf[off];
      const b1 = buf[off + 1];
      let len = b1 & 0x7f;
      let hl = 2;
      if (len === 126) {
        if (end - off < 4) break;
        len = buf.readUInt16BE(off + 2);
        hl = 4;
      } else if (len === 127) {
        if (end - off < 10) break;
        len = Number(buf.readBigUInt64BE(off + 2));
        hl = 10;
      }
      if (end - off < hl + len) break;
      const payload = buf.subarray(off + hl, off + hl + len);
      off += hl + len;
      const fin = b0 & 0x80;
      const opcode = b0 & 0x0f;
      if (opcode >= 0x8) { this.control(fin, opcode, Buffer.from(payload)); continue; }
      if (!fin || this.fragments) {
        counts.fragmented++;
        (this.fragments ||= []).push(Buffer.from(payload));
        if (!fin) continue;
        const whole = Buffer.concat(this.fragments);
        this.fragments = null;
        this.onText(whole, t);
      } else {
        this.onText(payload, t);
      }
    }
    // Copy the partial frame so that the (possibly large) chunk is not kept alive.
    this.pending = off < end ? Buffer.from(buf.subarray(off)) : null;
  }

  onText(m, t) {
    counts.messages++;
    counts.bytes += m.length;
    if (m.length < 40) {
      if (m.indexOf(P_PONG) >= 0 && this.pingAt) {
        const rtt = performance.now() - this.pingAt;
        this.pingAt = 0;
        (pings[phase === 'baseline' ? 'baseline' : phase === 'load' ? 'load' : 'other']).push(rtt);
      } else if (m.indexOf(P_HELLO) >= 0) {
        this.hello = true;
      } else {
        counts.other++;
      }
      return;
    }
    // The topic is the third-last key; search only the tail.
    const tail = Math.max(0, m.length - 120);
    if (m.indexOf(P_TOPIC_CASE, tail) < 0) {
      const ti = m.indexOf(P_TOPIC, tail);
      if (ti >= 0 && m.toString('latin1', ti + 9, ti + 27) === 'inbox.notification') counts.inbox++;
      else if (m.length < 200 && m.indexOf(P_HELLO) >= 0) this.hello = true;
      else counts.other++;
      return;
    }
    caseChangedSeen++;
    // Payload keys are sorted: after "status" come only subject, suspected_violation, task_id,
    // unit_id, updated_at (no objects), then the top-level seq, topic, type, unit_id. So the last
    // "status" key in the message is the case's, and searching backwards finds it at once.
    const si = m.lastIndexOf(P_STATUS);
    const sv = si + P_STATUS.length;
    const startsWith = (p) => si >= 0 && sv + p.length <= m.length && m.compare(p, 0, p.length, sv, sv + p.length) === 0;
    const reported = startsWith(P_REPORTED_SUBJECT);
    if (caseChangedSeen % VALIDATE_EVERY === 0) this.validate(m, reported);
    if (!reported) {
      if (startsWith(P_DRAFT_SUBJECT)) counts.draft++;
      else counts.caseOther++;
      return;
    }
    if (phase === 'load' || phase === 'drain') {
      const at = m.indexOf(P_AT) === 0 ? isoAt(m, 7) : NaN;
      const ri = m.indexOf(P_REPORTED_AT);
      const pi = m.indexOf(P_ID);
      latAt.push(t - at);
      atMs.push(at);
      latReported.push(ri >= 0 ? t - isoAt(m, ri + P_REPORTED_AT.length) : NaN);
      caseIds.push(pi >= 0 ? intAt(m, pi + P_ID.length) : -1);
      counts.reported++;
      this.reported++;
    } else {
      counts.reportedWarmup++;
      this.reportedWarmup++;
    }
  }

  // Cross-checks the lazy reading against a full parse.
  validate(m, reported) {
    counts.validated++;
    let ok;
    let why = '';
    try {
      const j = JSON.parse(m.toString('utf8'));
      ok = j.type === 'event' && j.topic === 'case.changed' && (j.payload.status === 'reported') === reported;
      if (ok && reported) {
        const ri = m.indexOf(P_REPORTED_AT);
        const pi = m.indexOf(P_ID);
        ok = Date.parse(j.at) === isoAt(m, 7) &&
          Date.parse(j.payload.reported_at) === isoAt(m, ri + P_REPORTED_AT.length) &&
          j.payload.id === intAt(m, pi + P_ID.length);
      }
      if (!ok) why = `status ${j.payload && j.payload.status}, lazy reported=${reported}`;
    } catch (e) {
      ok = false;
      why = String(e);
    }
    if (!ok) {
      counts.mismatches++;
      if (mismatchExamples.length < 3) mismatchExamples.push(`${why}: ${m.toString('utf8', 0, 300)}`);
    }
  }

  ping() {
    if (this.closeCode !== null) return;
    if (this.pingAt) counts.pingsUnanswered++; // the last one never came back; count and move on
    this.pingAt = performance.now();
    counts.pingsSent++;
    this.t.send('{"type":"ping"}');
  }
}

const consoles = [];
const timers = [];

async function open() {
  // A few at a time: the handshakes are cheap, but 100 at once would only queue in the server.
  const queue = cookies.map((c, i) => [c, i]);
  const errors = [];
  async function one() {
    for (;;) {
      const item = queue.shift();
      if (!item) return;
      const [cookie, i] = item;
      try {
        const t = await (transport === 'ws-client' ? wsClient : rawWs)(new URL(url), cookie, 20_000);
        consoles[i] = new Console(firstIndex + i, t);
      } catch (e) {
        errors.push(String(e.message || e));
      }
    }
  }
  await Promise.all(Array.from({ length: 8 }, one));
  if (errors.length) throw new Error(`${errors.length} consoles failed to connect; first: ${errors[0]}`);
  const deadline = Date.now() + 10_000;
  while (consoles.some((c) => !c.hello)) {
    if (Date.now() > deadline) throw new Error('some consoles got no hello within 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function startPings() {
  if (pinging) return;
  pinging = true;
  // Spread over the period across all consoles of all workers, so the server sees a steady rate.
  consoles.forEach((c) => {
    const offset = (c.index / totalConsoles) * pingEveryMs;
    timers.push(setTimeout(() => {
      c.ping();
      timers.push(setInterval(() => c.ping(), pingEveryMs));
    }, offset));
  });
}

function stopPings() {
  pinging = false;
  for (const t of timers) { clearTimeout(t); clearInterval(t); }
  timers.length = 0;
}

function stats() {
  return {
    counts: { ...counts },
    perConsole: consoles.map((c) => ({ index: c.index, reported: c.reported, warmup: c.reportedWarmup, closeCode: c.closeCode, closedAt: c.closedAt })),
  };
}

parentPort.on('message', async (msg) => {
  try {
    if (msg.cmd === 'open') {
      await open();
      parentPort.postMessage({ reply: 'open', ok: true });
    } else if (msg.cmd === 'phase') {
      phase = msg.phase;
      parentPort.postMessage({ reply: 'phase', phase });
    } else if (msg.cmd === 'pings') {
      if (msg.on) startPings(); else stopPings();
      parentPort.postMessage({ reply: 'pings' });
    } else if (msg.cmd === 'stats') {
      parentPort.postMessage({ reply: 'stats', ...stats() });
    } else if (msg.cmd === 'report') {
      const a = Float64Array.from(latAt);
      const r = Float64Array.from(latReported);
      const ids = Float64Array.from(caseIds);
      const ats = Float64Array.from(atMs);
      const pb = Float64Array.from(pings.baseline);
      const pl = Float64Array.from(pings.load);
      parentPort.postMessage({ reply: 'report', ...stats(), latAt: a, latReported: r, caseIds: ids, atMs: ats, pingBaseline: pb, pingLoad: pl, mismatchExamples },
        [a.buffer, r.buffer, ids.buffer, ats.buffer, pb.buffer, pl.buffer]);
    } else if (msg.cmd === 'close') {
      stopPings();
      await Promise.all(consoles.map((c) => c.t.close().catch(() => {})));
      parentPort.postMessage({ reply: 'close' });
    }
  } catch (e) {
    parentPort.postMessage({ reply: msg.cmd, ok: false, error: String(e.stack || e) });
  }
});
