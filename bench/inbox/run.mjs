#!/usr/bin/env node
// Benchmark for issue 4: N WebSocket consoles connected, cases created and reported at R per
// second; how long from the commit (the event's `at`) until each console has the "reported" event.
// Goal: p99 < 100 ms with 200 consoles at 100 cases/s on the 2-core machine.
//
// One invocation runs, against one fresh demo server and the same sockets:
//   BASELINE  every console pings every 2 s; ping→pong round trip = transport + event-loop floor
//   LOAD      cases at R/s (paced, open loop, keep-alive HTTP, several in flight); every
//             "case.changed" event with status "reported" is timed on arrival at every console
// and prints delivery p50/p95/p99/max, the baseline ping p50/p99, RATIO = p99(delivery) / p99(ping),
// the CPU the server and this client used, and whether the goal is met. See README.md.
//
//   node bench/inbox/run.mjs [--consoles 200] [--rate 100] [--seconds 30] [--baseline-seconds 10]
//                            [--workers 1] [--inflight 32] [--server-threads N] [--json FILE] …
//   (--help lists them all)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BIN, login, startServer } from '../../tests/api/server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GOAL_P99_MS = 100;
const REPORTER = 'canbo.hpkv1';      // supervision officer of HP-CKKV1 (Hải Phòng port area I)
const REPORT_UNIT = 'HP-CKKV1';
// Users whose scope covers HP-CKKV1 (all of Cục Hải quan thành phố Hải Phòng); each logged in many times.
const CONSOLE_USERS = ['lanhdao.hp', 'truongca.hp', 'trucban.hp', 'vanphong.hp', 'canbo.hp'];
const WARMUP_CASES = 5;

// ---- options ----------------------------------------------------------------------------------

const HELP = `usage: node bench/inbox/run.mjs [options]
  --consoles N          WebSocket consoles (default 200)
  --rate R              cases created and reported per second (default 100)
  --seconds S           length of the load phase (default 30)
  --baseline-seconds B  length of the ping baseline (default 10)
  --ping-every-ms MS    ping period of each console (default 2000)
  --workers W           worker threads holding the consoles (default 1; the load generator
                        always runs on the main thread)
  --inflight K          cases in flight at most (default 32)
  --two-step            create a draft, then report it (two requests, two commits) instead of
                        creating and reporting in one request ("report": true, one commit)
  --server-threads T    server.threads in a config file (default: the server's own default)
  --transport T         raw (default: net.Socket with onread, lean) or ws-client (the API tests'
                        WsConnection), to compare the client's own cost
  --data-parent DIR     create the demo installation under DIR (default: the OS temp dir); e.g.
                        /dev/shm to see what the run does without disk fsync costs
  --json FILE           also write the results as JSON
env WATCHFLOOR_BIN      server binary (default build/watchfloor)`;

let OPTIONS = { twoStep: false };  // set once from the command line in main()

function parseArgs(argv) {
  const o = { consoles: 200, rate: 100, seconds: 30, baselineSeconds: 10, pingEveryMs: 2000, workers: 1, inflight: 32,
    serverThreads: null, json: null, dataParent: null, transport: 'raw', twoStep: false };
  const num = { '--consoles': 'consoles', '--rate': 'rate', '--seconds': 'seconds', '--baseline-seconds': 'baselineSeconds',
    '--ping-every-ms': 'pingEveryMs', '--workers': 'workers', '--inflight': 'inflight', '--server-threads': 'serverThreads' };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    if (a === '-h' || a === '--help') { console.log(HELP); process.exit(0); }
    if (a === '--two-step') { o.twoStep = true; continue; }
    if (a.includes('=')) [a, v] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    else v = argv[++i];
    if (a === '--json') { o.json = v; continue; }
    if (a === '--data-parent') { o.dataParent = v; continue; }
    if (a === '--transport') {
      if (v !== 'raw' && v !== 'ws-client') { console.error('--transport is raw or ws-client'); process.exit(2); }
      o.transport = v;
      continue;
    }
    if (!num[a]) { console.error(`unknown option ${a}\n${HELP}`); process.exit(2); }
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) { console.error(`${a} needs a positive number, got ${v}`); process.exit(2); }
    o[num[a]] = n;
  }
  o.consoles = Math.round(o.consoles);
  o.workers = Math.max(1, Math.min(Math.round(o.workers), o.consoles));
  o.inflight = Math.max(1, Math.round(o.inflight));
  return o;
}

// ---- measuring --------------------------------------------------------------------------------

const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { return 100; }
})();

/** utime + stime of a process, all threads, in seconds (/proc/PID/stat fields 14 and 15). */
function procCpu(pid) {
  const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** The whole machine: busy and total jiffies from /proc/stat. */
function machineCpu() {
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const busy = f[0] + f[1] + f[2] + f[5] + f[6];
  const steal = f[7] || 0;
  return { busy, steal, total: busy + steal + f[3] + f[4] };
}

function snapshot(serverPid, workers) {
  return {
    t: performance.now(),
    server: procCpu(serverPid),
    client: process.cpuUsage(),
    machine: machineCpu(),
    eluMain: performance.eventLoopUtilization(),
    eluWorkers: workers.map((w) => w.worker.performance.eventLoopUtilization()),
  };
}

function usage(a, b, workers) {
  const secs = (b.t - a.t) / 1000;
  const client = (b.client.user - a.client.user + b.client.system - a.client.system) / 1e6;
  const mBusy = b.machine.busy - a.machine.busy;
  const mSteal = b.machine.steal - a.machine.steal;
  const mTotal = b.machine.total - a.machine.total;
  const ncpu = os.cpus().length;
  return {
    seconds: secs,
    serverCpuS: b.server - a.server,
    serverCorePct: ((b.server - a.server) / secs) * 100,
    clientCpuS: client,
    clientCorePct: (client / secs) * 100,
    machineBusyPct: mTotal > 0 ? (mBusy / mTotal) * 100 : NaN,
    machineStealPct: mTotal > 0 ? (mSteal / mTotal) * 100 : NaN,
    // CPU seconds used on the machine by anything but the server and this process.
    otherCpuS: mTotal > 0 ? (mBusy / mTotal) * ncpu * secs - (b.server - a.server) - client : NaN,
    eluMain: performance.eventLoopUtilization(b.eluMain, a.eluMain).utilization,
    eluWorkers: workers.map((w, i) => w.worker.performance.eventLoopUtilization(b.eluWorkers[i], a.eluWorkers[i]).utilization),
  };
}

/**
 * Samples what the server's threads are doing (/proc/PID/task/TID/syscall: "running" or the
 * blocking system call and its arguments) every `everyMs`, to tell CPU-bound from lock- or
 * disk-bound. For futex: op FUTEX_WAIT (0) is glibc's pthread_mutex_lock, FUTEX_WAIT_BITSET (9)
 * a condition variable (an idle Asio thread, for one). Mutex waits are also counted per address,
 * so that one hot lock shows up as one address.
 */
function threadSampler(pid, everyMs = 20) {
  const NAMES = { 0: 'read', 1: 'write', 17: 'pread', 18: 'pwrite', 20: 'writev', 44: 'sendto', 45: 'recvfrom', 46: 'sendmsg',
    74: 'fsync', 75: 'fdatasync', 232: 'epoll_wait', 281: 'epoll_pwait', 230: 'clock_nanosleep', 7: 'poll', 23: 'select' };
  const states = {};
  const mutexAddrs = {};
  let samples = 0;
  const tick = () => {
    let tids;
    try { tids = fs.readdirSync(`/proc/${pid}/task`); } catch { return; }
    for (const tid of tids) {
      let s;
      try { s = fs.readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'latin1').trim(); } catch { continue; }
      const f = s.split(' ');
      let k;
      if (f[0] === 'running') k = 'running';
      else if (f[0] === '202') {
        const op = Number(f[2]) & 0x7f;
        if (op === 0) { k = 'mutex wait (futex)'; mutexAddrs[f[1]] = (mutexAddrs[f[1]] || 0) + 1; }
        else if (op === 9) k = 'condvar wait (futex)';
        else k = `futex op ${op}`;
      } else k = NAMES[f[0]] || `syscall ${f[0]}`;
      states[k] = (states[k] || 0) + 1;
      samples++;
    }
  };
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const threads = (() => { try { return fs.readdirSync(`/proc/${pid}/task`).length; } catch { return NaN; } })();
      const top = Object.entries(mutexAddrs).sort((a, b) => b[1] - a[1]);
      const mutexTotal = top.reduce((a, [, n]) => a + n, 0);
      return {
        threads, samples,
        states: Object.fromEntries(Object.entries(states).sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, n / samples])),
        hottestMutexShare: mutexTotal ? top[0][1] / mutexTotal : 0,
      };
    },
  };
}

function percentiles(values) {
  const a = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  const q = (p) => (a.length ? a[Math.min(a.length - 1, Math.max(0, Math.ceil(p * a.length) - 1))] : NaN);
  return { n: a.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: a.length ? a[a.length - 1] : NaN };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- workers ----------------------------------------------------------------------------------

function startWorker(workerData) {
  const worker = new Worker(path.join(HERE, 'consoles.mjs'), { workerData });
  const waiting = new Map();
  worker.on('message', (m) => {
    const w = waiting.get(m.reply);
    if (!w) return;
    waiting.delete(m.reply);
    if (m.ok === false) w.reject(new Error(`worker ${m.reply}: ${m.error}`));
    else w.resolve(m);
  });
  let failed = null;
  worker.on('error', (e) => { failed = e; for (const w of waiting.values()) w.reject(e); waiting.clear(); });
  const ask = (msg) => new Promise((resolve, reject) => {
    if (failed) return reject(failed);
    waiting.set(msg.cmd, { resolve, reject });
    worker.postMessage(msg);
  });
  return { worker, ask };
}

const all = (workers, msg) => Promise.all(workers.map((w) => w.ask(msg)));

async function totals(workers) {
  const s = await all(workers, { cmd: 'stats' });
  const sum = {};
  for (const w of s) for (const [k, v] of Object.entries(w.counts)) sum[k] = (sum[k] || 0) + v;
  return { sum, perConsole: s.flatMap((w) => w.perConsole) };
}

// ---- HTTP load --------------------------------------------------------------------------------

function makeHttp(baseUrl, session, inflight) {
  const u = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: inflight, maxFreeSockets: inflight });
  return function request(method, p, body) {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers = { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, Accept: 'application/json' };
    if (payload) { headers['Content-Type'] = 'application/json'; headers['Content-Length'] = payload.length; }
    return new Promise((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: p, method, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => {
          for (const c of res.headers['set-cookie'] || []) {
            const m = c.match(/^\s*(wf_session=[^;]+)/);
            if (m) session.cookie = m[1];
          }
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode, text });
        });
        res.on('error', reject);
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${p}: no answer in 30 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  };
}

function caseBody(unitId, i) {
  return {
    unit_id: unitId,
    observed_at: new Date().toISOString(),
    site: 'Cổng B cảng Tân Vũ',
    subject: 'goods',
    description: `Bench inbox ${i}: xe đầu kéo kéo container rời bãi khi tờ khai chưa được thông quan`,
    immediate_measure: 'Đề nghị Đội Giám sát dừng xe tại cổng ra',
    identifiers: { containers: [`BNCU${String(1_000_000 + (i % 9_000_000)).padStart(7, '0')}`] },
  };
}

/**
 * Reports case i: one request creating and reporting it ("report": true, one commit), or with
 * `twoStep` a draft then its report (two commits). Returns {id, createMs, reportMs} (reportMs 0 in one step).
 */
async function createAndReport(request, unitId, i, twoStep = OPTIONS.twoStep) {
  const t0 = performance.now();
  const c = await request('POST', '/api/v1/cases', { ...caseBody(unitId, i), ...(twoStep ? {} : { report: true }) });
  if (c.status !== 201) throw new Error(`POST /api/v1/cases: ${c.status} ${c.text.slice(0, 300)}`);
  const id = JSON.parse(c.text).id;
  const t1 = performance.now();
  if (!twoStep) return { id, createMs: t1 - t0, reportMs: 0 };
  const r = await request('POST', `/api/v1/cases/${id}/report`, {});
  if (r.status !== 200) throw new Error(`POST /api/v1/cases/${id}/report: ${r.status} ${r.text.slice(0, 300)}`);
  return { id, createMs: t1 - t0, reportMs: performance.now() - t1 };
}

/** Starts case i at start + i/rate (open loop), at most `inflight` at once, for `seconds`. */
async function paced(request, unitId, { rate, seconds, inflight }) {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const done = [];
  const errors = [];
  let running = 0;
  let next = 0;
  let late = 0;       // started more than 50 ms after its slot (the in-flight cap was reached)
  let maxLate = 0;
  const start = performance.now();
  let lastDone = start;
  while (next < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / interval) + 1);
    while (next < due && running < inflight) {
      const i = next++;
      const lateness = now - (start + i * interval);
      if (lateness > 50) late++;
      maxLate = Math.max(maxLate, lateness);
      running++;
      createAndReport(request, unitId, i)
        .then((r) => { done.push(r); }, (e) => { errors.push(String(e.message || e)); })
        .finally(() => { running--; lastDone = performance.now(); });
    }
    if (errors.length > 20) break;
    await sleep(Math.max(1, Math.min(interval / 2, start + next * interval - performance.now())));
  }
  while (running > 0) await sleep(2);
  return { total, done, errors, late, maxLate, startedAt: start, seconds: (lastDone - start) / 1000 };
}

// ---- the run ----------------------------------------------------------------------------------

async function loginAll(url, logins, n) {
  const byName = Object.fromEntries(logins.map((l) => [l.username, l]));
  for (const u of CONSOLE_USERS) if (!byName[u]) throw new Error(`demo user ${u} missing from demo-logins.json`);
  const cookies = new Array(n);
  let next = 0;
  // Each login verifies an Argon2id hash (~64 MB, tens of ms): a few at a time.
  async function one() {
    while (next < n) {
      const i = next++;
      const u = CONSOLE_USERS[i % CONSOLE_USERS.length];
      const c = await login(url, u, byName[u].password);
      cookies[i] = c.cookie;
    }
  }
  await Promise.all(Array.from({ length: 4 }, one));
  return cookies;
}

async function waitFor(pred, timeoutMs, stepMs = 50) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v) return true;
    if (performance.now() > deadline) return false;
    await sleep(stepMs);
  }
}

function log(...a) { console.error(`[bench/inbox ${new Date().toISOString().slice(11, 19)}]`, ...a); }

async function main() {
  const o = parseArgs(process.argv.slice(2));
  OPTIONS = o;
  const [major] = process.versions.node.split('.').map(Number);
  if (major < 20) throw new Error(`Node >= 20 needed, this is ${process.versions.node}`);

  log(`server ${BIN}; ${o.consoles} consoles, ${o.rate} cases/s for ${o.seconds} s, baseline ${o.baselineSeconds} s, ` +
    `${o.workers} console worker(s), ${os.cpus().length} CPUs${o.dataParent ? `, data under ${o.dataParent}` : ''}`);
  // A benchmark on a busy machine measures the machine: say so before starting.
  const m0 = machineCpu();
  await sleep(1000);
  const m1 = machineCpu();
  const busyBefore = ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * 100;
  if (busyBefore > 20) log(`warning: the machine is already ${busyBefore.toFixed(0)} % busy before the run (a build?): results will be disturbed`);
  // 200 consoles share a few demo accounts and one address: lift the per-user bound on console sockets
  // (16 by default), the connections and the sign-in attempts allowed per address, which a real centre never
  // meets from one machine.
  const config = {
    server: { ws_max_per_user: 0, max_connections_per_ip: 0, ...(o.serverThreads ? { threads: o.serverThreads } : {}) },
    security: { login_max_attempts_per_address: 100000 },
  };
  const dataDir = o.dataParent ? fs.mkdtempSync(path.join(o.dataParent, 'wf-bench-inbox-')) : null;
  if (dataDir) process.on('exit', () => { if (process.env.WF_KEEP_DATA !== '1') fs.rmSync(dataDir, { recursive: true, force: true }); });
  const srv = await startServer({ demo: true, config, dataDir });
  const pid = srv.proc.pid;
  let workers = [];
  try {
    log(`demo server pid ${pid} on ${srv.url}; logging in ${o.consoles} console sessions`);
    const rep = srv.logins.find((l) => l.username === REPORTER);
    const reporter = await login(srv.url, REPORTER, rep.password);
    const unit = reporter.user && reporter.user.unit;
    if (!unit || unit.code !== REPORT_UNIT) throw new Error(`${REPORTER} is not in ${REPORT_UNIT}: ${JSON.stringify(unit)}`);
    const session = { cookie: reporter.cookie, csrf: reporter.csrf };
    const request = makeHttp(srv.url, session, o.inflight);
    const cookies = await loginAll(srv.url, srv.logins, o.consoles);

    // Each worker takes a contiguous block of consoles (so a mix of users).
    const per = Math.ceil(o.consoles / o.workers);
    for (let w = 0; w < o.workers; w++) {
      const slice = cookies.slice(w * per, (w + 1) * per);
      if (slice.length === 0) continue;
      workers.push(startWorker({ url: srv.url, cookies: slice, pingEveryMs: o.pingEveryMs, firstIndex: w * per,
        totalConsoles: o.consoles, transport: o.transport }));
    }
    await all(workers, { cmd: 'open' });
    log(`${o.consoles} consoles open; warming up with ${WARMUP_CASES} cases`);

    // Warm-up: proves every console receives the events (scope), and warms caches and JITs.
    await all(workers, { cmd: 'phase', phase: 'warmup' });
    for (let i = 0; i < WARMUP_CASES; i++) await createAndReport(request, unit.id, -1 - i);
    const warmed = await waitFor(async () => (await totals(workers)).sum.reportedWarmup >= WARMUP_CASES * o.consoles, 15_000);
    if (!warmed) {
      const t = await totals(workers);
      const short = t.perConsole.filter((c) => c.warmup < WARMUP_CASES);
      throw new Error(`warm-up: ${short.length} consoles missed events, e.g. console ${short[0].index} ` +
        `(user ${CONSOLE_USERS[short[0].index % CONSOLE_USERS.length]}) got ${short[0].warmup}/${WARMUP_CASES}`);
    }

    // BASELINE: the same server and sockets, pings only.
    log(`baseline: pings for ${o.baselineSeconds} s`);
    await all(workers, { cmd: 'phase', phase: 'baseline' });
    await all(workers, { cmd: 'pings', on: true });
    const b0 = snapshot(pid, workers);
    await sleep(o.baselineSeconds * 1000);
    const b1 = snapshot(pid, workers);
    const baseUse = usage(b0, b1, workers);

    // LOAD: pings go on (reported separately), cases at the rate.
    log(`load: ${o.rate} cases/s for ${o.seconds} s`);
    const before = (await totals(workers)).sum;
    await all(workers, { cmd: 'phase', phase: 'load' });
    const l0 = snapshot(pid, workers);
    const loadStartEpoch = performance.timeOrigin + l0.t;
    const sampler = threadSampler(pid);
    const gen = await paced(request, unit.id, o);
    const threadStates = sampler.stop();
    const l1 = snapshot(pid, workers);
    await all(workers, { cmd: 'phase', phase: 'drain' });
    // Drain: until every event is in, or nothing more has come for 2 s (closed consoles, lost
    // events). The CPU window ends at the last progress, so waiting in vain does not dilute it.
    const expected = gen.done.length * o.consoles;
    let l2 = l1;
    let seen = (await totals(workers)).sum.reported;
    let progressAt = performance.now();
    let drained = seen >= expected;
    while (!drained && performance.now() - progressAt < 2000) {
      await sleep(20);
      const now = (await totals(workers)).sum.reported;
      if (now > seen) { seen = now; progressAt = performance.now(); l2 = snapshot(pid, workers); }
      drained = seen >= expected;
    }
    await all(workers, { cmd: 'pings', on: false });
    const loadUse = usage(l0, l2, workers);
    const genUse = usage(l0, l1, workers);

    // Collect.
    const reports = await all(workers, { cmd: 'report' });
    const cat = (k) => { const out = []; for (const r of reports) for (const v of r[k]) out.push(v); return out; };
    const latAt = cat('latAt');
    const latRep = cat('latReported');
    const ids = cat('caseIds');
    const ats = cat('atMs');
    // p99 of the events published in each 5 s of the load: does it hold, or build up?
    const buckets = [];
    for (let i = 0; i < latAt.length; i++) {
      const b = Math.max(0, Math.floor((ats[i] - loadStartEpoch) / 5000));
      (buckets[b] ||= []).push(latAt[i]);
    }
    const over = buckets.map((b) => (b ? percentiles(b) : null));
    const sum = {};
    for (const r of reports) for (const [k, v] of Object.entries(r.counts)) sum[k] = (sum[k] || 0) + v;
    const perConsole = reports.flatMap((r) => r.perConsole);
    const ours = new Set(gen.done.map((d) => d.id));
    const foreign = ids.filter((id) => !ours.has(id)).length;
    const closedConsoles = perConsole.filter((c) => c.closeCode !== null);
    let tooSlow = null;
    try {
      const m = await (await fetch(`${srv.metricsUrl}/metrics`)).text();
      const line = m.split('\n').find((l) => l.startsWith('watchfloor_ws_too_slow_total'));
      tooSlow = line ? Number(line.trim().split(/\s+/).pop()) : 0;
    } catch { /* metrics are a bonus */ }

    const res = {
      options: o,
      busyBeforePct: busyBefore,
      machine: { cpus: os.cpus().length, model: os.cpus()[0] && os.cpus()[0].model, node: process.versions.node },
      cases: { offered: gen.total, reported: gen.done.length, errors: gen.errors.length, firstError: gen.errors[0] || null,
        late: gen.late, maxLateMs: gen.maxLate, seconds: gen.seconds, perSecond: gen.done.length / gen.seconds,
        create: percentiles(gen.done.map((d) => d.createMs)), report: percentiles(gen.done.map((d) => d.reportMs)) },
      events: { expected, delivered: sum.reported, missing: expected - sum.reported, foreign, drained,
        consolesShort: perConsole.filter((c) => c.reported < gen.done.length).length, closedConsoles: closedConsoles.length,
        closeCodes: [...new Set(closedConsoles.map((c) => c.closeCode))], wsTooSlowTotal: tooSlow,
        closedAfterS: closedConsoles.length
          ? [Math.min(...closedConsoles.map((c) => c.closedAt)), Math.max(...closedConsoles.map((c) => c.closedAt))].map((t) => (t - loadStartEpoch) / 1000)
          : null,
        reads: sum.reads - before.reads,
        messages: sum.messages - before.messages, mb: (sum.bytes - before.bytes) / 1e6, draft: sum.draft - before.draft,
        inbox: sum.inbox - before.inbox, other: sum.other + sum.caseOther - before.other - before.caseOther,
        validated: sum.validated, mismatches: sum.mismatches, fragmented: sum.fragmented,
        mismatchExamples: reports.flatMap((r) => r.mismatchExamples).slice(0, 3) },
      delivery: percentiles(latAt),
      deliveryFromReportedAt: percentiles(latRep),
      deliveryBy5s: over.map((p) => (p ? { n: p.n, p50: p.p50, p99: p.p99 } : null)),
      pingBaseline: percentiles(cat('pingBaseline')),
      pingLoad: percentiles(cat('pingLoad')),
      pingsUnanswered: sum.pingsUnanswered,
      cpu: { baseline: baseUse, load: loadUse, generate: genUse },
      serverThreads: threadStates,
    };
    res.ratio = res.delivery.p99 / res.pingBaseline.p99;
    res.rateSustained = res.cases.perSecond >= 0.95 * o.rate;
    res.goalMet = res.delivery.p99 < GOAL_P99_MS && res.events.missing === 0 && res.cases.errors === 0 && res.rateSustained;
    print(res);
    if (o.json) fs.writeFileSync(o.json, JSON.stringify(res, null, 2) + '\n');
  } finally {
    await Promise.race([all(workers, { cmd: 'close' }).catch(() => {}), sleep(5000)]);
    for (const w of workers) await w.worker.terminate();
    await srv.stop();
  }
}

// ---- output -----------------------------------------------------------------------------------

function print(r) {
  const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a');
  const pct = (v) => `${v.toFixed(0)} %`;
  const o = r.options;
  const c = r.cpu.load;
  const lines = [
    ['consoles', `${o.consoles} (${CONSOLE_USERS.join(', ')}; ${o.workers} worker thread(s), ${o.transport} transport)`],
    ['cases/s offered → achieved', `${o.rate} → ${r.cases.perSecond.toFixed(1)} (${r.cases.reported}/${r.cases.offered} reported in ${r.cases.seconds.toFixed(1)} s, ` +
      `${r.cases.errors} errors, ${r.cases.late} started >50 ms late)`],
    OPTIONS.twoStep
      ? ['HTTP create / report p50, p99', `${ms(r.cases.create.p50)}, ${ms(r.cases.create.p99)} / ${ms(r.cases.report.p50)}, ${ms(r.cases.report.p99)}`]
      : ['HTTP create+report p50, p99', `${ms(r.cases.create.p50)}, ${ms(r.cases.create.p99)} (one request, one commit)`],
    ['events delivered', `${r.events.delivered} of ${r.events.expected} expected (${r.cases.reported} cases × ${o.consoles}); ` +
      `missing ${r.events.missing}${r.events.missing ? ` on ${r.events.consolesShort} consoles` : ''}`],
    ['consoles closed by server', `${r.events.closedConsoles}${r.events.closeCodes.length ? ` (codes ${r.events.closeCodes.join(', ')}, ` +
      `${r.events.closedAfterS.map((x) => x.toFixed(1)).join('–')} s into the load)` : ''}; ` +
      `ws_too_slow_total ${r.events.wsTooSlowTotal ?? 'n/a'}`],
    ['messages into consoles (load)', `${r.events.messages}: ${(r.events.messages / c.seconds).toFixed(0)}/s, ${(r.events.mb / c.seconds).toFixed(1)} MB/s ` +
      `(drafts ${r.events.draft}, inbox ${r.events.inbox}, other ${r.events.other}; ${(r.events.messages / Math.max(1, r.events.reads)).toFixed(1)} per socket read)`],
    ['DELIVERY commit→console', `p50 ${ms(r.delivery.p50)}  p95 ${ms(r.delivery.p95)}  p99 ${ms(r.delivery.p99)}  max ${ms(r.delivery.max)}   ` +
      `(receive − event "at"${r.events.missing ? `; of the ${r.delivery.n} delivered only` : ''})`],
    ['  from payload reported_at', `p50 ${ms(r.deliveryFromReportedAt.p50)}  p95 ${ms(r.deliveryFromReportedAt.p95)}  p99 ${ms(r.deliveryFromReportedAt.p99)}  max ${ms(r.deliveryFromReportedAt.max)}   (in-transaction stamp)`],
    ['  p99 per 5 s of load', r.deliveryBy5s.map((p) => (p ? `${p.p99.toFixed(0)}` : '–')).join(' ') + ' ms  (events published in each 5 s)'],
    ['BASELINE ping→pong', `p50 ${ms(r.pingBaseline.p50)}  p99 ${ms(r.pingBaseline.p99)}  (${r.pingBaseline.n} pings, same sockets, no load)`],
    ['  ping→pong under load', `p50 ${ms(r.pingLoad.p50)}  p99 ${ms(r.pingLoad.p99)}  (${r.pingLoad.n} pings; ${r.pingsUnanswered} unanswered in all)`],
    ['RATIO p99 delivery / p99 ping', `${Number.isFinite(r.ratio) ? r.ratio.toFixed(1) : 'n/a'}×`],
    ['server CPU during load', `${c.serverCpuS.toFixed(2)} s in ${c.seconds.toFixed(1)} s = ${pct(c.serverCorePct)} of one core ` +
      `(baseline: ${pct(r.cpu.baseline.serverCorePct)})`],
    ['bench client CPU during load', `${c.clientCpuS.toFixed(2)} s = ${pct(c.clientCorePct)} of one core; event loop busy: main ${pct(c.eluMain * 100)}, ` +
      `console worker(s) ${c.eluWorkers.map((u) => pct(u * 100)).join(', ')}`],
    ['server threads (sampled)', `${r.serverThreads.threads} threads: ` + Object.entries(r.serverThreads.states)
      .filter(([, v]) => v >= 0.01).map(([k, v]) => `${k} ${pct(v * 100)}`).join(', ') +
      ((r.serverThreads.states['mutex wait (futex)'] || 0) >= 0.01 ? `; one mutex address has ${pct(r.serverThreads.hottestMutexShare * 100)} of the mutex waits` : '')],
    ['machine CPU during load', `${pct(c.machineBusyPct)} busy of ${r.machine.cpus} cores, ${pct(c.machineStealPct)} stolen by the hypervisor; ` +
      `other processes ~${Math.max(0, c.otherCpuS).toFixed(1)} CPU s`],
    ['lazy parsing cross-check', `${r.events.validated} messages fully parsed, ${r.events.mismatches} disagreements`],
    [`GOAL p99 < ${GOAL_P99_MS} ms`, r.goalMet ? 'MET' : `NOT MET${r.delivery.p99 >= GOAL_P99_MS ? ` (p99 ${ms(r.delivery.p99)})` : ''}` +
      `${r.events.missing ? ' (events missing)' : ''}${r.cases.errors ? ' (HTTP errors)' : ''}${r.rateSustained ? '' : ' (rate not sustained)'}`],
  ];
  const w = Math.max(...lines.map(([k]) => k.length));
  console.log(`\nbench/inbox — ${o.consoles} consoles, ${o.rate} cases/s, ${o.seconds} s load, ${o.baselineSeconds} s baseline ` +
    `(${r.machine.cpus} CPUs, Node ${r.machine.node}, data in ${o.dataParent || os.tmpdir()}, machine ${r.busyBeforePct.toFixed(0)} % busy before)`);
  for (const [k, v] of lines) console.log(`  ${k.padEnd(w)}  ${v}`);
  const warn = [];
  if (Math.max(c.eluMain, ...c.eluWorkers) > 0.9) warn.push('a bench thread was >90 % busy: the client may be inflating the latencies; try --workers 2');
  if (c.machineBusyPct + c.machineStealPct > 95) warn.push('the machine was saturated (server and client share its cores): latencies include waiting for a CPU');
  if (c.otherCpuS / c.seconds > 0.15) warn.push(`other processes used ~${(c.otherCpuS / c.seconds).toFixed(2)} cores during the load (a build or test running?): the numbers are disturbed, run again on a quiet machine`);
  if (r.events.mismatches) warn.push(`lazy parsing disagreed with JSON.parse: ${r.events.mismatchExamples.join(' | ')}`);
  if (r.events.foreign) warn.push(`${r.events.foreign} "reported" events were for cases this run did not create`);
  if (r.cases.firstError) warn.push(`first HTTP error: ${r.cases.firstError}`);
  for (const x of warn) console.log(`  ! ${x}`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
