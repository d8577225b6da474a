// A small WebSocket client (RFC 6455) over node:http, for the API tests: unlike a browser-style
// WebSocket it sets any header (Cookie, Origin), shows a refused handshake's HTTP answer, exposes
// close codes, and can stop reading to play a slow client.
import crypto from 'node:crypto';
import http from 'node:http';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * Opens ws://127.0.0.1:port/path. Resolves to {ok: true, ws} after a 101, or to
 * {ok: false, status, headers, text, json} when the server answers with anything else.
 */
// raw: keep text messages as received (strings), parsed by the caller later: a benchmark's hundreds of consoles stamp
// each arrival without parsing it first.
export function connectWs(url, path = '/api/v1/ws', { cookie = null, origin = undefined, headers = {}, timeout = 5000, raw = false } = {}) {
  const u = new URL(url);
  const key = crypto.randomBytes(16).toString('base64');
  const h = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': '13',
    // What a browser on the console's own page sends; pass origin: null to leave it out.
    ...(origin === null ? {} : { Origin: origin === undefined ? `${u.protocol}//${u.host}` : origin }),
    ...(cookie ? { Cookie: cookie } : {}),
    ...headers,
  };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method: 'GET', headers: h });
    const timer = setTimeout(() => { req.destroy(); reject(new Error(`no WebSocket handshake answer within ${timeout} ms`)); }, timeout);
    req.on('upgrade', (res, socket, head) => {
      clearTimeout(timer);
      const expected = crypto.createHash('sha1').update(key + GUID).digest('base64');
      if (res.headers['sec-websocket-accept'] !== expected) {
        socket.destroy();
        reject(new Error(`bad Sec-WebSocket-Accept: ${res.headers['sec-websocket-accept']}`));
        return;
      }
      resolve({ ok: true, ws: new WsConnection(socket, head, res.headers, { raw }) });
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { json = null; }
        resolve({ ok: false, status: res.statusCode, headers: res.headers, text, json, contentType: res.headers['content-type'] || '' });
      });
    });
    req.on('error', (e) => { clearTimeout(timer); reject(e); });
    req.end();
  });
}

/** Connects and throws unless the handshake succeeds. */
export async function openWs(url, cookie, opts = {}) {
  const r = await connectWs(url, '/api/v1/ws', { cookie, ...opts });
  if (!r.ok) throw new Error(`WebSocket refused: ${r.status} ${r.text}`);
  return r.ws;
}

export class WsConnection {
  constructor(socket, head, headers, { raw = false } = {}) {
    this.socket = socket;
    this.headers = headers;
    this.raw = raw;
    this.messages = [];       // parsed JSON text messages (raw: their text), in order
    this.arrivals = [];       // Date.now() when each of them arrived (benchmarks)
    this.closeFrame = null;   // {code, reason} the server sent
    this.waiters = [];
    this.buf = Buffer.alloc(0);
    this.fragments = [];
    this.ended = false;
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });
    socket.on('data', (d) => this.onData(d));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
    if (head && head.length) this.onData(head);
  }

  finish() {
    if (this.ended) return;
    this.ended = true;
    this.resolveClosed(this.closeFrame || { code: 1006, reason: '' });
    this.wake();
  }

  onData(d) {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.buf.length < 2) return;
      const b0 = this.buf[0];
      const b1 = this.buf[1];
      let len = b1 & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        off = 10;
      }
      if (b1 & 0x80) throw new Error('the server must not mask its frames');
      if (this.buf.length < off + len) return;
      const payload = this.buf.subarray(off, off + len);
      this.buf = this.buf.subarray(off + len);
      this.onFrame(b0 & 0x80, b0 & 0x0f, Buffer.from(payload));
    }
  }

  onFrame(fin, opcode, payload) {
    if (opcode === 0x9) return this.writeFrame(0xa, payload);  // ping → pong
    if (opcode === 0xa) return undefined;
    if (opcode === 0x8) {
      this.closeFrame = {
        code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005,
        reason: payload.length > 2 ? payload.subarray(2).toString('utf8') : '',
      };
      // Answer the close handshake, as a browser does.
      if (!this.sentClose) this.writeFrame(0x8, payload.subarray(0, 2));
      this.sentClose = true;
      this.wake();
      return undefined;
    }
    if (opcode !== 0x0) this.dataOpcode = opcode;  // a continuation frame keeps its message's type
    this.fragments.push(payload);
    if (!fin) return undefined;
    const data = Buffer.concat(this.fragments);
    this.fragments = [];
    if (this.dataOpcode === 0x2) {  // binary (live view media): kept as {binary: Buffer}
      this.messages.push({ binary: data });
      this.arrivals.push(Date.now());
      this.wake();
      return undefined;
    }
    const text = data.toString('utf8');
    let msg = text;
    if (!this.raw) try { msg = JSON.parse(text); } catch { msg = { unparsed: text }; }
    this.messages.push(msg);
    this.arrivals.push(Date.now());
    this.wake();
    return undefined;
  }

  writeFrame(opcode, payload = Buffer.alloc(0)) {
    if (this.socket.destroyed) return;
    const mask = crypto.randomBytes(4);
    const len = payload.length;
    let head;
    if (len < 126) {
      head = Buffer.from([0x80 | opcode, 0x80 | len]);
    } else if (len < 65536) {
      head = Buffer.alloc(4);
      head[0] = 0x80 | opcode;
      head[1] = 0x80 | 126;
      head.writeUInt16BE(len, 2);
    } else {
      head = Buffer.alloc(10);
      head[0] = 0x80 | opcode;
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(len), 2);
    }
    const masked = Buffer.alloc(len);
    for (let i = 0; i < len; i++) masked[i] = payload[i] ^ mask[i % 4];
    this.socket.write(Buffer.concat([head, mask, masked]));
  }

  send(obj) {
    this.writeFrame(0x1, Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj), 'utf8'));
  }

  /** Sends a close frame and waits for the server's answer (or the socket's end). */
  async close(code = 1000) {
    if (!this.sentClose) {
      const p = Buffer.alloc(2);
      p.writeUInt16BE(code, 0);
      this.sentClose = true;
      this.writeFrame(0x8, p);
    }
    const t = setTimeout(() => this.socket.destroy(), 2000);
    await this.closed;
    clearTimeout(t);
    this.socket.destroy();
  }

  /** Drops the TCP connection without a close handshake (a network failure). */
  drop() { this.socket.destroy(); }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves with the first message (from index `from`) matching `pred`, or rejects after `timeout` ms. */
  async next(pred, { timeout = 2000, from = 0, what = 'a matching message' } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = this.messages.slice(from).find(pred);
      if (found) return found;
      if (this.ended) throw new Error(`connection closed (${JSON.stringify(this.closeFrame)}) before ${what}; got ${JSON.stringify(this.messages.filter((m) => !m.binary))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeout} ms; got ${JSON.stringify(this.messages.filter((m) => !m.binary))}`);
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  events() { return this.messages.filter((m) => m.type === 'event'); }
}
