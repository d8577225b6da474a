// Helpers for the API tests: start a real watchfloor server on an ephemeral loopback port,
// log in as a user (cookie + CSRF header), speak raw HTTP when fetch would hide what the
// server did (oversized headers, connection limits), and run CLI subcommands.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.WATCHFLOOR_BIN || path.join(REPO, 'build', 'watchfloor');

const LISTEN_RE = /watchfloor: listening on https?:\/\/([0-9.]+):(\d+)/;
// Printed together with the listening line when the metrics listener is up.
const METRICS_RE = /watchfloor: metrics on (http:\/\/[0-9.]+:(\d+))/;
const START_TIMEOUT_MS = 20_000;

// Every process we start, so that a failing test never leaves a server behind.
// Temporary directories are removed at exit unless WF_KEEP_DATA=1 (to inspect a failure).
const live = new Set();
const tempDirs = new Set();
process.on('exit', () => {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
  if (process.env.WF_KEEP_DATA === '1') return;
  for (const d of tempDirs) {
    try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* best effort */ }
  }
});

function assertBinary() {
  if (!fs.existsSync(BIN)) {
    throw new Error(`server binary not found at ${BIN} (build it first, or set WATCHFLOOR_BIN)`);
  }
}

/**
 * The environment of a watchfloor process on the data directory `dir`: with WATCHFLOOR_TEST_PG (the
 * administrative URL of a throw-away cluster, scripts/pg-test-cluster), its store is a PostgreSQL database of
 * its own, made on first use (WATCHFLOOR_STORE_URL); the same directory, the same database.
 */
export function storeEnv(dir) {
  const admin = process.env.WATCHFLOOR_TEST_PG;
  if (!admin || !dir) return process.env;
  const name = pgName(dir);
  const made = spawnSync('psql', [admin, '-qAtc', `SELECT 1 FROM pg_database WHERE datname = '${name}'`], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`psql: ${made.stderr}`);
  if (made.stdout.trim() !== '1') {
    const r = spawnSync('psql', [admin, '-qc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { ...process.env, WATCHFLOOR_STORE_URL: url.toString() };
}

/**
 * Runs `q` on the store of the installation whose SQLite file is `db` (DATA/watchfloor.db), or on the PostgreSQL
 * database that stands for it (storeEnv): the rows as objects (sql), or the output as text, a row a line and
 * columns separated by "|" (sqlText, also for statements that change something).
 */
export function sql(db, q) {
  const rows = process.env.WATCHFLOOR_TEST_PG && /^\s*(SELECT|WITH)\b/i.test(q);
  const out = sqlText(db, rows ? `SELECT COALESCE(json_agg(t), '[]') FROM (${q}) t` : q, ['-json']);
  return out ? JSON.parse(out) : [];
}

export function sqlText(db, q, sqliteFlags = []) {
  const url = process.env.WATCHFLOOR_TEST_PG && storeEnv(path.dirname(db)).WATCHFLOOR_STORE_URL;
  const r = url
    ? spawnSync('psql', [url, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', q], { encoding: 'utf8' })
    : spawnSync('sqlite3', [...sqliteFlags, db, q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${url ? 'psql' : 'sqlite3'} ${q}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Whether the tests run on PostgreSQL (a second pass of `make test`); a test of the SQLite file itself skips then. */
export const onPostgres = !!process.env.WATCHFLOOR_TEST_PG;

/** A tamperer's first step: `table`'s append-only guards (its triggers <table>_no_update, _no_delete) dropped. */
export function dropAppendOnlyGuards(db, table) {
  for (const what of ['_no_update', '_no_delete'])
    sqlText(db, onPostgres ? `DROP TRIGGER IF EXISTS ${table}${what} ON ${table}` : `DROP TRIGGER IF EXISTS ${table}${what}`);
}

export function makeTempDir(prefix = 'wf-api-') {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(d);
  return d;
}

function tomlValue(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  throw new Error(`cannot write ${typeof v} to TOML`);
}

/** Writes {key: scalar, table: {key: scalar}} as TOML (scalars first, then tables). */
export function toToml(obj) {
  const lines = [];
  const tables = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) tables.push([k, v]);
    else lines.push(`${k} = ${tomlValue(v)}`);
  }
  for (const [name, t] of tables) {
    lines.push('', `[${name}]`);
    for (const [k, v] of Object.entries(t)) lines.push(`${k} = ${tomlValue(v)}`);
  }
  return lines.join('\n') + '\n';
}

// A demo installation is made once and copied for each demo server a test starts: making one hashes thirty
// passwords with argon2id, about ten seconds of a 2-core machine, forty times a pass. The copy is the demo a
// start would have made: the same binary made it, without serving (demo --create-only), at most
// TEMPLATE_MAX_AGE_MS ago and in the same hour (the demo's duty shift, its cases' escalation steps from 5
// minutes and their "minutes ago" are those of a demo made just now). Only a configuration that the making
// does not read may be given (DEMO_NEUTRAL_CONFIG); otherwise, and with --camsim, the server makes its own.
// On PostgreSQL the template's database is copied with CREATE DATABASE … TEMPLATE. WF_NO_DEMO_TEMPLATE=1: none.
const TEMPLATE_MAX_AGE_MS = 2 * 60_000;
const TEMPLATE_ROOT = path.join(os.tmpdir(), 'wf-demo-templates');
const DEMO_NEUTRAL_CONFIG = new Set(['server', 'security', 'recorder', 'evidence']);

function pgName(dir) {
  return `wf_api_${crypto.createHash('sha1').update(path.resolve(dir)).digest('hex').slice(0, 16)}`;
}

function psqlAdmin(q) {
  const r = spawnSync('psql', [process.env.WATCHFLOOR_TEST_PG, '-XqAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql ${q}: ${r.stderr}`);
  return r.stdout.trim();
}

function demoTemplate() {
  const bin = fs.statSync(BIN);
  const store = process.env.WATCHFLOOR_TEST_PG || 'sqlite';
  const key = crypto.createHash('sha1').update([fs.realpathSync(BIN), bin.mtimeMs, bin.size, store].join('\n')).digest('hex').slice(0, 12);
  const now = Date.now();
  const hour = (ms) => Math.floor(ms / 3_600_000);
  fs.mkdirSync(TEMPLATE_ROOT, { recursive: true, mode: 0o700 });
  let best = null;
  for (const f of fs.readdirSync(TEMPLATE_ROOT)) {
    const m = f.match(/^(\w+)-(\d+)-\d+(\.ready)?$/);
    if (!m) continue;
    const made = Number(m[2]);
    if (now - made > 5 * TEMPLATE_MAX_AGE_MS) {
      fs.rmSync(path.join(TEMPLATE_ROOT, f), { recursive: true, force: true });  // nobody uses it any more
    } else if (m[3] && m[1] === key && now - made <= TEMPLATE_MAX_AGE_MS && hour(made) === hour(now) && (!best || made > best.made)) {
      best = { dir: path.join(TEMPLATE_ROOT, f.slice(0, -m[3].length)), made };
    }
  }
  if (best) return best.dir;
  const dir = path.join(TEMPLATE_ROOT, `${key}-${now}-${process.pid}`);
  fs.mkdirSync(dir, { mode: 0o700 });
  const r = spawnSync(BIN, ['demo', '--create-only', '--data', dir], { cwd: REPO, encoding: 'utf8', env: storeEnv(dir), timeout: 120_000 });
  if (r.status !== 0) throw new Error(`watchfloor demo --create-only --data ${dir}: ${r.status} ${r.signal}\n${r.stdout}\n${r.stderr}`);
  fs.writeFileSync(`${dir}.ready`, '');
  return dir;
}

/** A fresh demo data directory (and database), a copy of the template; null when none may be used. */
function copyOfDemo(config, extraArgs) {
  if (process.env.WF_NO_DEMO_TEMPLATE === '1' || extraArgs.includes('--camsim')) return null;
  if (config && Object.keys(config).some((k) => !DEMO_NEUTRAL_CONFIG.has(k))) return null;
  const template = demoTemplate();
  const dir = makeTempDir();
  const cp = spawnSync('cp', ['-a', `${template}/.`, `${dir}/`], { encoding: 'utf8' });
  if (cp.status !== 0) throw new Error(`cp ${template}: ${cp.stderr}`);
  if (process.env.WATCHFLOOR_TEST_PG) {
    // No connection to the template may be open meanwhile: another CREATE … TEMPLATE of it waits its turn.
    for (let i = 0; ; i++) {
      try {
        psqlAdmin(`CREATE DATABASE ${pgName(dir)} TEMPLATE ${pgName(template)}`);
        break;
      } catch (e) {
        if (i >= 50 || !/being accessed by other users/.test(e.message)) throw e;
        spawnSync('sleep', ['0.1']);
      }
    }
  }
  return dir;
}

/**
 * Starts `watchfloor demo` (or `serve`) on 127.0.0.1:0, its metrics listener on another port 0
 * unless config.server.metrics_listen says otherwise.
 * config: object with server.* / security.* keys; written to DIR/../<name>.toml and passed as --config.
 * Returns {url, port, metricsUrl (null without a metrics listener), dataDir, proc, logins, output(),
 * stop(), kill9(), exited}.
 */
// startTimeoutMs: how long the server may take to listen (a national-sized SQLite file's integrity check takes minutes).
export async function startServer({ demo = true, node = false, config = null, dataDir = null, extraArgs = [], storeOf = null, storeUrl = null,
  startTimeoutMs = START_TIMEOUT_MS } = {}) {
  assertBinary();
  const dir = dataDir || (demo && !node && copyOfDemo(config, extraArgs)) || makeTempDir();
  // node: `watchfloor recorder`, a recorder node of the store's cluster ([node] in config).
  const args = node ? ['recorder', '--data', dir] : [demo ? 'demo' : 'serve', '--data', dir, '--listen', '127.0.0.1:0'];
  // Not the default 9464: tests run beside other servers.
  if (!node && !(config && config.server && 'metrics_listen' in config.server) && !extraArgs.includes('--metrics-listen')) {
    args.push('--metrics-listen', '127.0.0.1:0');
  }
  if (config) {
    const cfgDir = makeTempDir('wf-cfg-');
    const cfgFile = path.join(cfgDir, 'watchfloor.toml');
    const full = { data_dir: dir, ...config };
    if (!node) full.server = { listen: '127.0.0.1:0', ...(config.server || {}) };
    fs.writeFileSync(cfgFile, toToml(full));
    args.push('--config', cfgFile);
  }
  args.push(...extraArgs);

  // storeOf: another server's data directory, whose store this one shares (several API servers on PostgreSQL);
  // storeUrl: a store named outright (a benchmark's own database).
  const env = storeUrl ? { ...process.env, WATCHFLOOR_STORE_URL: storeUrl } : storeEnv(storeOf || dir);
  const proc = spawn(BIN, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env });
  live.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  let stopping = false;
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      live.delete(proc);
      // A server that dies under a test shows up as "fetch failed" there; say here why it died.
      if (!stopping && (signal || code !== 0)) {
        console.error(`watchfloor server exited unexpectedly (code ${code}, signal ${signal})\n${describe().slice(-8000)}`);
      }
      resolve({ code, signal });
    });
  });
  proc.on('error', () => { /* reported through exit / timeout */ });

  const describe = () =>
    `command: ${BIN} ${args.join(' ')}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;

  const port = await new Promise((resolve, reject) => {
    let done = false;
    const finish = (fn, v) => { if (!done) { done = true; clearTimeout(timer); fn(v); } };
    const timer = setTimeout(() => {
      stopping = true;
      proc.kill('SIGKILL');
      finish(reject, new Error(`server did not print its listening line within ${startTimeoutMs} ms\n${describe()}`));
    }, startTimeoutMs);
    proc.stdout.on('data', () => {
      const m = stdout.match(LISTEN_RE);
      if (m) finish(resolve, Number(m[2]));
    });
    exited.then(({ code, signal }) =>
      finish(reject, new Error(`server exited (code ${code}, signal ${signal}) before listening\n${describe()}`)));
  });

  const url = `http://127.0.0.1:${port}`;
  const metricsMatch = stdout.match(METRICS_RE);
  const metricsUrl = metricsMatch ? metricsMatch[1] : null;
  let logins = null;
  if (demo && !node) {
    const file = path.join(dir, 'demo-logins.json');
    if (!fs.existsSync(file)) throw new Error(`demo did not write ${file}\n${describe()}`);
    logins = JSON.parse(fs.readFileSync(file, 'utf8'));
  }

  async function stop(timeoutMs = 10_000) {
    if (proc.exitCode !== null || proc.signalCode !== null) return exited;
    stopping = true;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    const r = await exited;
    clearTimeout(t);
    return r;
  }
  async function kill9() {
    stopping = true;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    return exited;
  }
  return { url, port, metricsUrl, dataDir: dir, proc, logins, output: () => stdout, stderr: () => stderr, describe, stop, kill9, exited };
}

/** Picks a demo login having `role` (name); options: unitPrefix, exclude (role names it must not have), unit. */
export function pickLogin(logins, role, { unitPrefix = null, exclude = [], unit = null } = {}) {
  const candidates = logins.filter((l) =>
    (role == null || (l.roles || []).includes(role)) &&
    (unitPrefix == null || String(l.unit || '').startsWith(unitPrefix)) &&
    (unit == null || l.unit === unit) &&
    !exclude.some((r) => (l.roles || []).includes(r)));
  if (candidates.length === 0) {
    throw new Error(`no demo login with role ${role} (unitPrefix ${unitPrefix}, unit ${unit}, excluding ${exclude}); ` +
      `logins: ${JSON.stringify(logins.map((l) => ({ u: l.username, r: l.roles, unit: l.unit })))}`);
  }
  // Fewest roles first: the test is about that role, not about a user holding many.
  candidates.sort((a, b) => (a.roles || []).length - (b.roles || []).length);
  return candidates[0];
}

function parseSetCookie(headers) {
  const list = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
  return list;
}

/** One HTTP request with fetch. Returns {status, headers, text, json, contentType}. */
export async function request(url, method, p, { body, headers = {}, cookie = null, csrf = null, raw = false, timeout = 15_000 } = {}) {
  const h = { ...headers };
  let payload;
  if (body !== undefined) {
    if (raw || Buffer.isBuffer(body) || typeof body === 'string') payload = body;
    else payload = JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
  }
  if (cookie) h.Cookie = cookie;
  if (csrf) h['X-CSRF-Token'] = csrf;
  // A server that never answers fails the test in `timeout` ms instead of hanging it.
  const signal = AbortSignal.timeout(timeout);
  let res;
  let text;
  try {
    res = await fetch(url + p, { method, headers: h, body: payload, redirect: 'manual', signal });
    text = await res.text();
  } catch (e) {
    if (e.name === 'TimeoutError') throw new Error(`${method} ${p}: no answer within ${timeout} ms`);
    throw e;
  }
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return {
    status: res.status,
    headers: res.headers,
    text,
    json,
    contentType: res.headers.get('content-type') || '',
    setCookies: parseSetCookie(res.headers),
  };
}

export async function loginRaw(url, username, password) {
  return request(url, 'POST', '/api/v1/auth/login', { body: { username, password } });
}

export function sessionCookieFrom(setCookies) {
  for (const c of setCookies) {
    const m = c.match(/^\s*(wf_session=[^;]*)/);
    if (m) return m[1];
  }
  return null;
}

/** A logged-in client; keeps the session cookie (also when the server rotates it) and the CSRF token. */
export function makeClient(url, cookie, csrf, user = null) {
  const client = {
    url, cookie, csrf, user,
    responses: [],
    async request(method, p, body, opts = {}) {
      const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(method);
      const r = await request(url, method, p, {
        body,
        cookie: client.cookie,
        csrf: unsafe && opts.csrf !== false ? (opts.csrfToken || client.csrf) : null,
        headers: opts.headers || {},
        raw: opts.raw || false,
        ...(opts.timeout ? { timeout: opts.timeout } : {}),
      });
      const fresh = sessionCookieFrom(r.setCookies);
      if (fresh) client.cookie = fresh;
      if (r.json && typeof r.json.csrf_token === 'string') client.csrf = r.json.csrf_token;
      client.responses.push(r);
      return r;
    },
    get(p, opts) { return client.request('GET', p, undefined, opts); },
    post(p, body, opts) { return client.request('POST', p, body, opts); },
    patch(p, body, opts) { return client.request('PATCH', p, body, opts); },
    put(p, body, opts) { return client.request('PUT', p, body, opts); },
    del(p, opts) { return client.request('DELETE', p, undefined, opts); },
  };
  return client;
}

/**
 * POST /api/v1/auth/login from `localAddress` (127.0.0.0/8 is all loopback on Linux: another address is another
 * source to the server's sign-in throttling). Returns {status, headers, text, json}.
 */
export function loginFrom(port, localAddress, username, password) {
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, localAddress, method: 'POST', path: '/api/v1/auth/login', agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      timeout: 30_000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`login from ${localAddress}: no answer`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A sign-in refused by the throttle: 429 problem+json `throttled`, in Vietnamese too, with Retry-After. */
export function assertThrottled(r) {
  assert.equal(r.status, 429, `${r.status} ${r.text}`);
  assert.ok((r.headers['content-type'] || '').startsWith('application/problem+json'), r.headers['content-type']);
  assert.ok(r.json.type.endsWith('throttled'), r.text);
  assert.ok(r.json.title_vi, r.text);
  assert.match(String(r.headers['retry-after']), /^[1-9]\d*$/);
}

/** Logs in; throws (with the server's answer) unless the login succeeds. */
export async function login(url, username, password) {
  const r = await loginRaw(url, username, password);
  if (r.status !== 200) {
    throw new Error(`login of ${username} failed: ${r.status} ${r.text}`);
  }
  const cookie = sessionCookieFrom(r.setCookies);
  if (!cookie) throw new Error(`login of ${username} set no wf_session cookie: ${JSON.stringify(r.setCookies)}`);
  const client = makeClient(url, cookie, r.json && r.json.csrf_token, r.json && r.json.user);
  client.loginResponse = r;
  return client;
}

/** Runs a CLI subcommand synchronously. */
export function run(args, { timeout = 60_000, input } = {}) {
  assertBinary();
  const data = args.indexOf('--data');
  const env = storeEnv(data >= 0 ? args[data + 1] : null);
  const r = spawnSync(BIN, args, { cwd: REPO, encoding: 'utf8', timeout, input, env });
  return { status: r.status, signal: r.signal, stdout: r.stdout || '', stderr: r.stderr || '', error: r.error };
}

/**
 * Raw HTTP/1.1 over a TCP socket. `head` is the request head without the final CRLF CRLF
 * (or pass method/path/headers). Writes `body` (Buffer|string) and reads until the server
 * closes, the response is complete, or timeout. Returns {status, headers, body, raw, error, timedOut}.
 */
export function rawHttp(port, { method = 'GET', path: p = '/', headers = {}, body = null, timeout = 5000, chunkSize = 0 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    let finished = false;
    let error = null;
    const finish = (timedOut = false) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks)), error, timedOut });
    };
    const timer = setTimeout(() => finish(true), timeout);
    sock.on('data', (d) => {
      chunks.push(d);
      const r = parseResponse(Buffer.concat(chunks));
      if (r.complete) finish();
    });
    sock.on('error', (e) => { error = e.code || String(e); finish(); });
    sock.on('close', () => finish());
    sock.on('connect', async () => {
      const bodyBuf = body == null ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
      const h = { Host: `127.0.0.1:${port}`, Connection: 'close', ...headers };
      if (body != null) h['Content-Length'] = String(bodyBuf.length);
      let head = `${method} ${p} HTTP/1.1\r\n`;
      for (const [k, v] of Object.entries(h)) head += `${k}: ${v}\r\n`;
      head += '\r\n';
      const all = Buffer.concat([Buffer.from(head, 'latin1'), bodyBuf]);
      if (!chunkSize) {
        sock.write(all);
        return;
      }
      // Write in pieces and stop once the server has answered (it may close the socket early).
      for (let off = 0; off < all.length && !finished && chunks.length === 0; off += chunkSize) {
        const ok = sock.write(all.subarray(off, off + chunkSize));
        if (!ok) await new Promise((r) => sock.once('drain', r));
        await new Promise((r) => setImmediate(r));
      }
    });
  });
}

export function parseResponse(buf) {
  const s = buf.toString('latin1');
  const end = s.indexOf('\r\n\r\n');
  if (end < 0) {
    const m = s.match(/^HTTP\/1\.[01] (\d{3})/);
    return { status: m ? Number(m[1]) : null, headers: {}, body: '', raw: buf.toString('utf8'), complete: false };
  }
  const lines = s.slice(0, end).split('\r\n');
  const m = lines[0].match(/^HTTP\/1\.[01] (\d{3})/);
  const headers = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let bodyBuf = buf.subarray(end + 4);
  const len = headers['content-length'] !== undefined ? Number(headers['content-length']) : null;
  let complete = len !== null && bodyBuf.length >= len;
  if (/chunked/i.test(headers['transfer-encoding'] || '')) {
    const d = dechunk(bodyBuf);
    bodyBuf = d.body;
    complete = d.complete;
  }
  return { status: m ? Number(m[1]) : null, headers, body: bodyBuf.toString('utf8'), raw: buf.toString('utf8'), complete };
}

function dechunk(buf) {
  const parts = [];
  let off = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', off, 'latin1');
    if (eol < 0) return { body: Buffer.concat(parts), complete: false };
    const size = parseInt(buf.subarray(off, eol).toString('latin1'), 16);
    if (Number.isNaN(size)) return { body: Buffer.concat(parts), complete: false };
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    if (eol + 2 + size > buf.length) {
      parts.push(buf.subarray(eol + 2));
      return { body: Buffer.concat(parts), complete: false };
    }
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    off = eol + 2 + size + 2;
  }
}

/** Opens a TCP connection and keeps it idle; collects whatever the server sends. */
export function openIdle(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const state = { sock, data: '', closed: false, error: null };
    sock.setEncoding('latin1');
    sock.on('data', (d) => { state.data += d; });
    sock.on('close', () => { state.closed = true; });
    sock.on('error', (e) => { state.error = e.code || String(e); });
    sock.on('connect', () => resolve(state));
    setTimeout(() => resolve(state), 2000);
  });
}

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

/** Makes a unique, code-safe suffix. */
export function uniq() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.toUpperCase();
}

/** Deep-walks a JSON value and returns the keys (paths) whose name matches re. */
export function keysMatching(value, re, prefix = '') {
  const out = [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...keysMatching(v, re, `${prefix}[${i}]`)));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (re.test(k)) out.push(prefix ? `${prefix}.${k}` : k);
      out.push(...keysMatching(v, re, prefix ? `${prefix}.${k}` : k));
    }
  }
  return out;
}
