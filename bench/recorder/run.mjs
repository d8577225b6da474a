#!/usr/bin/env node
// Benchmark for the recorder: N simulated 1080p cameras (about 4 Mbit/s, 25 fps) recorded for S
// seconds by watchfloor, then the same N streams by one ffmpeg per stream
// (`ffmpeg -rtsp_transport tcp -i URL -c copy -f segment -segment_time 60`), the way Frigate,
// ZoneMinder and Shinobi record. ffmpeg is the BASELINE, measured in the same invocation against the
// same simulator. Goals: at most 0.30 CPU-s per stream-minute, at most 8 MiB per stream, and at least
// 64 streams recorded on the 2-core machine with no lost frames.
//
// For each N, one camera simulator (build/watchfloor-camsim) serves both sides in turn:
//   WATCHFLOOR  fresh `watchfloor demo` installation; idle RSS/CPU with 0 cameras first; then a site
//               and N cameras through the API; once every camera is "online", a warm-up, then the
//               S-second window (server CPU from /proc/PID/stat); RSS sampled every second; SIGTERM
//               (orderly: every open segment committed); frames counted in the index (sqlite3).
//   FFMPEG      N ffmpeg processes; once every one has an output file, the same warm-up and window
//               (summed CPU and RSS of the N processes); SIGTERM; packets counted with ffprobe.
// and prints CPU-s per stream-minute, MiB per stream, frames recorded against frames expected, and the
// ratios watchfloor / ffmpeg. `--max-n` tries N = 16, 32, 48, … and reports the largest N each side
// records without loss. The exit code is 0 whatever the result (the benchmark informs; a failure to
// run it at all exits 1). See README.md.
//
//   node bench/recorder/run.mjs [--streams 16] [--seconds 60] [--max-n] [--only watchfloor|ffmpeg] …
//   (--help lists them all)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BIN, REPO, login, startServer } from '../../tests/api/server.mjs';

const CAMSIM = path.resolve(REPO, process.env.WATCHFLOOR_CAMSIM || 'build/watchfloor-camsim');
const FPS = 25;
const GOAL_CPU = 0.30;     // CPU-s per stream-minute
const GOAL_MIB = 8;        // MiB per stream
const GOAL_N = 64;         // streams without loss
const LAG_OK_S = 2;        // a recording that ends more than one GOP (2 s) before the stop fell behind
const ADMIN = 'admin.tchq';

// ---- options ----------------------------------------------------------------------------------

const HELP = `usage: node bench/recorder/run.mjs [options]
  --streams N           streams (cameras) recorded at once (default 16)
  --seconds S           length of the measurement window (default 60)
  --warmup W            seconds between "all streams flowing" and the window (default 5)
  --idle-seconds I      idle server (0 cameras) sampled this long for its RSS/CPU (default 5)
  --resolution R        camsim main stream size: 1080p (default), 720p, 360p
  --bitrate KBPS        camsim bitrate (default 4000)
  --fps F               camsim frame rate (default 25)
  --max-n               search mode: N = --from, --from + --step, … up to --to; reports the largest N
                        each side records with no lost frames (a side that lost is not tried again)
  --from N0 --step D --to N1   the search (default 16, 16, 128; camsim takes at most 256)
  --only SIDE           watchfloor or ffmpeg: run one side only (no ratio)
  --cache DIR           camsim clip cache (default camsim's: \${XDG_CACHE_HOME:-~/.cache}/watchfloor-camsim)
  --data-parent DIR     where the watchfloor installation and ffmpeg's files go (default: OS temp dir)
  --camsim-timeout S    how long the first camsim start may encode clips (default 1800)
  --wait-quiet S        before each side, wait up to S s for the machine to be < 15 % busy (default 0:
                        don't wait; the table reports what else ran either way)
  --no-restart          skip the restart measurement (the installation started again with every
                        camera connecting at once: the memory peak of a restart)
  --json FILE           also write every number as JSON
env WATCHFLOOR_BIN      server binary (default build/watchfloor)
env WATCHFLOOR_CAMSIM   camera simulator (default build/watchfloor-camsim)
env WF_KEEP_DATA=1      keep the recordings and the installation (paths are printed)`;

function parseArgs(argv) {
  const o = { streams: 16, seconds: 60, warmup: 5, idleSeconds: 5, resolution: '1080p', bitrate: 4000, fps: FPS,
    maxN: false, from: 16, step: 16, to: 128, only: null, cache: null, dataParent: null, camsimTimeout: 1800, waitQuiet: 0, restart: true, json: null };
  const num = { '--streams': 'streams', '--seconds': 'seconds', '--warmup': 'warmup', '--idle-seconds': 'idleSeconds',
    '--bitrate': 'bitrate', '--fps': 'fps', '--from': 'from', '--step': 'step', '--to': 'to', '--camsim-timeout': 'camsimTimeout',
    '--wait-quiet': 'waitQuiet' };
  const str = { '--resolution': 'resolution', '--only': 'only', '--cache': 'cache', '--data-parent': 'dataParent', '--json': 'json' };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    if (a === '-h' || a === '--help') { console.log(HELP); process.exit(0); }
    if (a === '--max-n') { o.maxN = true; continue; }
    if (a === '--no-restart') { o.restart = false; continue; }
    if (a.includes('=')) [a, v] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    else v = argv[++i];
    if (str[a]) { o[str[a]] = v; continue; }
    if (!num[a]) { console.error(`unknown option ${a}\n${HELP}`); process.exit(2); }
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (n === 0 && a !== '--warmup' && a !== '--wait-quiet')) { console.error(`${a} needs a positive number, got ${v}`); process.exit(2); }
    o[num[a]] = n;
  }
  if (o.only && !['watchfloor', 'ffmpeg'].includes(o.only)) { console.error('--only is watchfloor or ffmpeg'); process.exit(2); }
  if (!['1080p', '720p', '360p'].includes(o.resolution)) { console.error('--resolution is 1080p, 720p or 360p'); process.exit(2); }
  for (const k of ['streams', 'from', 'step', 'to']) o[k] = Math.round(o[k]);
  if (o.streams > 256 || o.to > 256) { console.error('camsim serves at most 256 cameras'); process.exit(2); }
  return o;
}

// ---- /proc ------------------------------------------------------------------------------------

const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { return 100; }
})();
const PAGE = (() => {
  try { return Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096; } catch { return 4096; }
})();
const MiB = 1024 * 1024;

/** utime + stime in seconds of a process (all threads) or of one thread (/proc/PID/task/TID/stat). */
function statCpu(file) {
  try {
    const s = fs.readFileSync(file, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch { return null; }
}
const procCpu = (pid) => statCpu(`/proc/${pid}/stat`);

/** Resident set in bytes (statm: resident pages); null when the process is gone. */
function procRss(pid) {
  try { return Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE; } catch { return null; }
}
/** Proportional set size in bytes: shared pages (libav*, libc) divided among the processes mapping them. */
function procPss(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) * 1024 : null;
  } catch { return null; }
}
function procStatus(pid, key) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) * 1024 : null;
  } catch { return null; }
}
/** Bytes the process caused to be written to storage (/proc/PID/io write_bytes). */
function procWriteBytes(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/io`, 'utf8').match(/^write_bytes:\s+(\d+)/m);
    return m ? Number(m[1]) : null;
  } catch { return null; }
}
function threadCpus(pid) {
  const out = new Map();
  let tids = [];
  try { tids = fs.readdirSync(`/proc/${pid}/task`); } catch { return out; }
  for (const tid of tids) {
    const c = statCpu(`/proc/${pid}/task/${tid}/stat`);
    if (c !== null) out.set(tid, c);
  }
  return out;
}

/** The whole machine: busy and total jiffies from /proc/stat. */
function machineCpu() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const busy = f[0] + f[1] + f[2] + f[5] + f[6];
  const steal = f[7] || 0;
  return { busy, steal, iowait: f[4], total: busy + steal + f[3] + f[4] };
}

function snapshot(pids, camsimPid) {
  return {
    t: performance.now(),
    cpu: pids.map(procCpu),
    writes: pids.map(procWriteBytes),
    camsim: procCpu(camsimPid),
    client: process.cpuUsage(),
    machine: machineCpu(),
  };
}

function usage(a, b, n) {
  const secs = (b.t - a.t) / 1000;
  let cpu = 0;
  let gone = 0;
  for (let i = 0; i < a.cpu.length; i++) {
    if (a.cpu[i] === null || b.cpu[i] === null) { gone++; continue; }
    cpu += b.cpu[i] - a.cpu[i];
  }
  let written = 0;
  for (let i = 0; i < a.writes.length; i++) if (a.writes[i] !== null && b.writes[i] !== null) written += b.writes[i] - a.writes[i];
  const client = (b.client.user - a.client.user + b.client.system - a.client.system) / 1e6;
  const camsim = b.camsim - a.camsim;
  const mTotal = b.machine.total - a.machine.total;
  const ncpu = os.cpus().length;
  const machineCpuS = mTotal > 0 ? ((b.machine.busy - a.machine.busy) / mTotal) * ncpu * secs : NaN;
  return {
    seconds: secs,
    cpuS: cpu,
    processesGone: gone,
    cpuPerStreamMin: cpu / n / (secs / 60),
    corePct: (cpu / secs) * 100,
    writeMBs: written / 1e6 / secs,
    camsimCpuS: camsim,
    camsimCorePct: (camsim / secs) * 100,
    clientCpuS: client,
    machineBusyPct: mTotal > 0 ? ((b.machine.busy - a.machine.busy) / mTotal) * 100 : NaN,
    machineStealPct: mTotal > 0 ? ((b.machine.steal - a.machine.steal) / mTotal) * 100 : NaN,
    machineIowaitPct: mTotal > 0 ? ((b.machine.iowait - a.machine.iowait) / mTotal) * 100 : NaN,
    // Anything but the recorder(s), camsim and this script (a build, a test run, the kernel's writeback).
    otherCpuS: machineCpuS - cpu - camsim - client,
  };
}

/**
 * Samples the summed RSS (and PSS) of `pids()` every `everyMs`; stop() returns the peaks, when the RSS
 * peak was (s after the start), and the median RSS from `windowStart()` on (the steady state).
 */
function memSampler(pids, { everyMs = 1000, pss = false } = {}) {
  const t0 = performance.now();
  const samples = [];
  let peakPss = 0;
  let windowFrom = Infinity;
  const tick = () => {
    let rss = 0;
    let p = 0;
    // smaps_rollup walks every mapping of the process: PSS at every sample for the first 10 (the
    // connect peak), then every 5th (it costs this script CPU on a machine the recorders share).
    const withPss = pss && (samples.length < 10 || samples.length % 5 === 0);
    for (const pid of pids()) {
      rss += procRss(pid) || 0;
      if (withPss) p += procPss(pid) || 0;
    }
    samples.push({ t: (performance.now() - t0) / 1000, rss });
    peakPss = Math.max(peakPss, p);
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    markWindow() { windowFrom = (performance.now() - t0) / 1000; },
    stop() {
      clearInterval(timer);
      tick();
      const peak = samples.reduce((m, x) => (x.rss > m.rss ? x : m), samples[0]);
      const inWindow = samples.filter((x) => x.t >= windowFrom).map((x) => x.rss).sort((a, b) => a - b);
      return { peakRss: peak.rss, peakAtS: peak.t, windowMedianRss: inWindow.length ? inWindow[Math.floor(inWindow.length / 2)] : null,
        peakPss, samples: samples.length };
    },
  };
}

// ---- helpers ----------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function log(...a) { console.error(`[bench/recorder ${new Date().toISOString().slice(11, 19)}]`, ...a); }

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(pred, timeoutMs, stepMs = 250) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (performance.now() > deadline) return null;
    await sleep(stepMs);
  }
}

// Every child we start (camsim, ffmpeg), so that an error never leaves one behind. Killed by pid.
const children = new Set();
process.on('exit', () => {
  for (const p of children) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
});
function track(proc) {
  children.add(proc);
  proc.exited = new Promise((resolve) => proc.on('exit', (code, signal) => { children.delete(proc); resolve({ code, signal }); }));
  proc.on('error', () => { /* reported through exit */ });
  return proc;
}
async function terminate(proc, timeoutMs, signal = 'SIGTERM') {
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exited;
  proc.kill(signal);
  const t = setTimeout(() => { try { proc.kill('SIGKILL'); } catch { /* gone */ } }, timeoutMs);
  const r = await proc.exited;
  clearTimeout(t);
  return r;
}

function rmTree(dir) {
  if (process.env.WF_KEEP_DATA === '1') return;
  try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
}
function mkTemp(prefix, parent) { return fs.mkdtempSync(path.join(parent || os.tmpdir(), prefix)); }

function sql(db, q) {
  const r = spawnSync('sqlite3', ['-json', db, q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 ${q}: ${r.stderr || r.error}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/** Which build is measured: someone may rebuild build/ between two runs, or while one waits. */
function binaryId() {
  const st = fs.statSync(BIN);
  const sha = spawnSync('sha256sum', [BIN], { encoding: 'utf8' }).stdout.slice(0, 12);
  return `${BIN} (sha256 ${sha || '?'}…, built ${st.mtime.toISOString().slice(0, 19)}Z)`;
}

// ---- camsim -----------------------------------------------------------------------------------

async function startCamsim(o, n) {
  const port = await freePort();
  const args = ['--cameras', String(n), '--resolution', o.resolution, '--bitrate', String(o.bitrate), '--fps', String(o.fps),
    '--port', String(port)];
  if (o.cache) args.push('--cache', o.cache);
  const proc = track(spawn(CAMSIM, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => {
    err += d;
    for (const line of d.split('\n')) if (/encoded clip/.test(line)) log(line.trim());
  });
  const cmd = `${CAMSIM} ${args.join(' ')}`;
  log(`camsim: ${cmd}`);
  const t0 = performance.now();
  const ready = await Promise.race([
    waitFor(() => /^camsim: ready$/m.test(out), o.camsimTimeout * 1000, 100),
    proc.exited.then(() => null),
  ]);
  if (!ready) {
    await terminate(proc, 2000);
    throw new Error(`camsim did not become ready\ncommand: ${cmd}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`);
  }
  const secs = (performance.now() - t0) / 1000;
  log(`camsim ready in ${secs.toFixed(1)} s (pid ${proc.pid}, port ${port})${secs > 20 ? ' — clips were encoded into the cache; the next start reuses them' : ''}`);
  return {
    proc, port, cmd,
    url: (k) => `rtsp://127.0.0.1:${port}/cam${k}/main`,
    stderr: () => err,
    async stop() { return terminate(proc, 5000); },
  };
}

// ---- watchfloor -------------------------------------------------------------------------------

async function runWatchfloor(o, n, sim) {
  const dataDir = mkTemp('wf-bench-recorder-', o.dataParent);
  const binary = binaryId();
  const srv = await startServer({ demo: true, dataDir });
  const pid = srv.proc.pid;
  const command = `${BIN} demo --data ${dataDir} --listen 127.0.0.1:0`;
  log(`watchfloor: pid ${pid} on ${srv.url}, data in ${dataDir}`);
  const r = { side: 'watchfloor', n, command, binary, dataDir, warnings: [] };
  try {
    const admin = await login(srv.url, ADMIN, srv.logins.find((l) => l.username === ADMIN).password);

    // Idle: the same server with 0 cameras (the demo's own timers, the HTTP threads, the database).
    await sleep(1000);
    const i0 = snapshot([pid], sim.proc.pid);
    const idleMem = memSampler(() => [pid]);
    await sleep(o.idleSeconds * 1000);
    const idle = idleMem.stop();
    const i1 = snapshot([pid], sim.proc.pid);
    r.idle = { rss: idle.peakRss, cpuCorePct: usage(i0, i1, 1).corePct, threads: threadCpus(pid).size };
    log(`watchfloor idle: RSS ${(idle.peakRss / MiB).toFixed(1)} MiB, ${r.idle.cpuCorePct.toFixed(1)} % of a core, ${r.idle.threads} threads`);

    const units = (await admin.get('/api/v1/units')).json;
    const list = units.items || units;
    const unit = list.find((u) => u.code === 'HP-CKKV1') || list[0];
    const site = await admin.post('/api/v1/sites', { unit_id: unit.id, kind: 'seaport', name: `Bench ${n} streams` });
    if (site.status !== 201) throw new Error(`POST /api/v1/sites: ${site.status} ${site.text}`);
    const mem = memSampler(() => [pid]);
    const tCreate = performance.now();
    const ids = [];
    for (let k = 1; k <= n; k++) {
      const c = await admin.post('/api/v1/cameras', { site_id: site.json.id, name: `Bench camera ${String(k).padStart(3, '0')}`, main_url: sim.url(k) });
      if (c.status !== 201) throw new Error(`POST /api/v1/cameras (camera ${k}): ${c.status} ${c.text}`);
      ids.push(c.json.id);
    }
    const mine = new Set(ids);
    let last = null;
    const online = await waitFor(async () => {
      const cams = (await admin.get('/api/v1/cameras')).json.items.filter((c) => mine.has(c.id));
      last = cams;
      return cams.length === n && cams.every((c) => c.state === 'online');
    }, Math.max(60, n) * 1000, 500);
    if (!online) {
      const states = {};
      for (const c of last || []) states[c.state] = (states[c.state] || 0) + 1;
      throw new Error(`not every camera came online: ${JSON.stringify(states)}; e.g. ${JSON.stringify((last || []).find((c) => c.state !== 'online'))}`);
    }
    r.onlineAfterS = (performance.now() - tCreate) / 1000;
    log(`watchfloor: ${n} cameras online ${r.onlineAfterS.toFixed(1)} s after the first was created; warm-up ${o.warmup} s, window ${o.seconds} s`);
    await sleep(o.warmup * 1000);

    const th0 = threadCpus(pid);
    mem.markWindow();
    const a = snapshot([pid], sim.proc.pid);
    await sleep(o.seconds * 1000);
    const b = snapshot([pid], sim.proc.pid);
    const th1 = threadCpus(pid);
    const m = mem.stop();
    r.use = usage(a, b, n);
    r.peakRss = m.peakRss;
    r.peakAtS = m.peakAtS;
    r.windowMedianRss = m.windowMedianRss;
    r.vmHwm = procStatus(pid, 'VmHWM');
    r.memPerStream = (m.peakRss - r.idle.rss) / n;
    r.steadyPerStream = (m.windowMedianRss - r.idle.rss) / n;
    const deltas = [];
    for (const [tid, c] of th1) deltas.push(c - (th0.get(tid) ?? 0));
    deltas.sort((x, y) => y - x);
    r.threads = { count: th1.size, top: deltas.slice(0, 5),
      busiestN: deltas.slice(0, n).reduce((s, x) => s + x, 0), rest: deltas.slice(n).reduce((s, x) => s + x, 0),
      medianOfBusiestN: deltas.slice(0, n)[Math.floor(Math.min(n, deltas.length) / 2)] ?? 0 };
    // What the server itself measured (a 5 s window of the health thread).
    const cams = (await admin.get('/api/v1/cameras')).json.items.filter((c) => mine.has(c.id));
    const fps = cams.map((c) => (c.live && c.live.fps) || 0);
    r.liveFps = { min: Math.min(...fps), mean: fps.reduce((s, x) => s + x, 0) / fps.length,
      states: cams.reduce((acc, c) => ((acc[c.state] = (acc[c.state] || 0) + 1), acc), {}) };

    // Orderly stop: every open segment is committed; then count what the index holds.
    const stopMs = Date.now();
    const ex = await srv.stop(120_000);
    r.exit = ex;
    if (ex.signal === 'SIGKILL') r.warnings.push('the server did not stop within 120 s and was killed: open segments are missing from the count');
    else if (ex.code !== 0) r.warnings.push(`the server exited with ${ex.code ?? ex.signal}`);
    r.frames = countWatchfloor(path.join(dataDir, 'watchfloor.db'), ids, stopMs, o.fps);
    if (!r.frames.noLoss) {
      const errs = srv.stderr().split('\n').filter((l) => /error|warn/i.test(l)).slice(0, 20);
      if (errs.length) r.warnings.push(`the server logged:\n      ${errs.join('\n      ')}`);
    }
    if (o.restart) r.restart = await restartPeak(dataDir, ids, r.idle.rss);
    return r;
  } finally {
    await srv.stop(120_000);
    rmTree(dataDir);
  }
}

/**
 * The same installation started again (`watchfloor serve`, no demo seeding, no login): every camera
 * connects at the same moment, as after a restart or a power cut — ffmpeg's N processes also all
 * start at once. RSS every 100 ms from the spawn; returns the peak and the RSS at the end.
 */
async function restartPeak(dataDir, ids, idleRss) {
  const n = ids.length;
  const db = path.join(dataDir, 'watchfloor.db');
  const openBefore = sql(db, 'SELECT MAX(id) AS id FROM recorder_opens')[0].id;
  const args = ['serve', '--data', dataDir, '--listen', '127.0.0.1:0'];
  const proc = track(spawn(BIN, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { if (err.length < 20_000) err += d; });
  const t0 = performance.now();
  const seconds = Math.min(60, Math.max(10, n / 4));
  let peak = { rss: 0, t: 0 };
  let last = 0;
  while ((performance.now() - t0) / 1000 < seconds && proc.exitCode === null) {
    const rss = procRss(proc.pid);
    if (rss !== null) {
      last = rss;
      if (rss > peak.rss) peak = { rss, t: (performance.now() - t0) / 1000 };
    }
    await sleep(100);
  }
  const ex = await terminate(proc, 120_000);
  const recording = sql(db, `SELECT COUNT(DISTINCT camera_id) AS n FROM segments WHERE open_id > ${openBefore}`)[0].n;
  const warn = [];
  if (ex.code !== 0) warn.push(`the restarted server exited with ${ex.code ?? ex.signal}`);
  if (recording < n) warn.push(`after the restart only ${recording} of ${n} cameras recorded a segment in ${seconds} s`);
  if (/not recording/.test(err)) warn.push(`the restarted server said: ${err.match(/.*not recording.*/)[0]}`);
  return { command: `${BIN} ${args.join(' ')}`, seconds, peakRss: peak.rss, peakAtS: peak.t, endRss: last,
    perStream: (peak.rss - idleRss) / n, endPerStream: (last - idleRss) / n, recording, warnings: warn };
}

/** Frames per camera in the index, against the frames its recorded time span holds, and how it ended. */
function countWatchfloor(db, ids, stopMs, fps) {
  const segs = sql(db, `SELECT camera_id, COUNT(*) AS segments, COUNT(DISTINCT run_id) AS runs, SUM(frames) AS frames,
      SUM(bytes) AS bytes, MIN(start_90k) AS start_90k, MAX(end_90k) AS end_90k, SUM(media_duration_90k) AS media_90k
    FROM segments WHERE camera_id IN (${ids.join(',')}) GROUP BY camera_id`);
  const gaps = sql(db, `SELECT camera_id, cause, COUNT(*) AS n FROM gaps
    WHERE camera_id IN (${ids.join(',')}) AND cause <> 'recorder_down' GROUP BY camera_id, cause`);
  const byCam = new Map(segs.map((s) => [s.camera_id, s]));
  const per = [];
  for (const id of ids) {
    const s = byCam.get(id);
    if (!s) { per.push({ id, recorded: 0, expected: null, lost: null, runs: 0, lagS: null }); continue; }
    const spanS = (s.end_90k - s.start_90k) / 90000;
    const expected = Math.round(spanS * fps);
    per.push({ id, recorded: s.frames, expected, lost: expected - s.frames, runs: s.runs, segments: s.segments,
      spanS, bytes: s.bytes, lagS: stopMs / 1000 - s.end_90k / 90000 });
  }
  return summarize(per, gaps.map((g) => ({ camera: g.camera_id, cause: g.cause, n: g.n })));
}

function summarize(per, gaps = []) {
  const sum = (f) => per.reduce((s, x) => s + (f(x) || 0), 0);
  const lags = per.map((x) => x.lagS).filter((x) => x !== null);
  const missing = per.filter((x) => !x.recorded).length;
  const lostFrames = sum((x) => Math.max(0, x.lost - 1)); // one frame of rounding per stream
  const reconnects = sum((x) => Math.max(0, (x.runs || 0) - 1));
  const maxLag = lags.length ? Math.max(...lags) : null;
  const behind = lags.filter((l) => l > LAG_OK_S).length;
  return {
    per, gaps, recorded: sum((x) => x.recorded), expected: sum((x) => x.expected), lostFrames, missing, reconnects,
    // What was stored, in kbit/s of recorded time (watchfloor drops the stream's filler-data NAL units).
    storedKbps: (sum((x) => x.bytes) * 8) / 1000 / Math.max(1e-9, sum((x) => (x.recorded ? x.spanS : 0))),
    gapRows: gaps.reduce((s, g) => s + g.n, 0), minLag: lags.length ? Math.min(...lags) : null, maxLag, behind,
    noLoss: missing === 0 && lostFrames === 0 && reconnects === 0 && gaps.length === 0 && behind === 0,
  };
}

// ---- ffmpeg -----------------------------------------------------------------------------------

function ffmpegArgs(url, outDir, k) {
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url, '-c', 'copy',
    '-f', 'segment', '-segment_time', '60', '-reset_timestamps', '1', path.join(outDir, `cam${k}-%03d.mp4`)];
}

async function runFfmpeg(o, n, sim) {
  const outDir = mkTemp('wf-bench-ffmpeg-', o.dataParent);
  const r = { side: 'ffmpeg', n, command: `ffmpeg ${ffmpegArgs(sim.url('K'), outDir, 'K').join(' ')}   (K = 1…${n})`, outDir, warnings: [] };
  const procs = [];
  const stderrs = [];
  try {
    const tSpawn = performance.now();
    for (let k = 1; k <= n; k++) {
      const p = track(spawn('ffmpeg', ffmpegArgs(sim.url(k), outDir, k), { stdio: ['ignore', 'ignore', 'pipe'] }));
      p.stderr.setEncoding('utf8');
      stderrs[k] = '';
      p.stderr.on('data', (d) => { if (stderrs[k].length < 4000) stderrs[k] += d; });
      procs.push(p);
    }
    const pids = procs.map((p) => p.pid);
    const mem = memSampler(() => procs.filter((p) => p.exitCode === null && p.signalCode === null).map((p) => p.pid), { pss: true });
    // "Flowing": the first output file of every process exists and has data; its appearance is the
    // earliest we know the stream was playing (ffmpeg opens the output after probing the input).
    const firstFile = new Array(n + 1).fill(null);
    const flowing = await waitFor(() => {
      for (let k = 1; k <= n; k++) {
        if (firstFile[k] !== null) continue;
        try { if (fs.statSync(path.join(outDir, `cam${k}-000.mp4`)).size > 0) firstFile[k] = Date.now(); } catch { /* not yet */ }
      }
      const dead = procs.findIndex((p) => p.exitCode !== null || p.signalCode !== null);
      if (dead >= 0) throw new Error(`ffmpeg for camera ${dead + 1} exited early: ${stderrs[dead + 1]}`);
      return firstFile.slice(1).every((x) => x !== null);
    }, Math.max(60, n) * 1000, 100);
    if (!flowing) throw new Error(`not every ffmpeg started writing within ${Math.max(60, n)} s`);
    r.onlineAfterS = (performance.now() - tSpawn) / 1000;
    log(`ffmpeg: ${n} processes writing ${r.onlineAfterS.toFixed(1)} s after the first was spawned; warm-up ${o.warmup} s, window ${o.seconds} s`);
    await sleep(o.warmup * 1000);

    mem.markWindow();
    const a = snapshot(pids, sim.proc.pid);
    await sleep(o.seconds * 1000);
    const b = snapshot(pids, sim.proc.pid);
    const m = mem.stop();
    r.use = usage(a, b, n);
    if (r.use.processesGone) r.warnings.push(`${r.use.processesGone} ffmpeg processes ended during the window: their CPU is not counted`);
    r.peakRss = m.peakRss;
    r.peakAtS = m.peakAtS;
    r.windowMedianRss = m.windowMedianRss;
    r.peakPss = m.peakPss;
    r.memPerStream = m.peakRss / n;
    r.steadyPerStream = m.windowMedianRss / n;
    r.pssPerStream = m.peakPss / n;

    const stopMs = Date.now();
    const exits = await Promise.all(procs.map((p) => terminate(p, 30_000)));
    const bad = exits.filter((e) => e.signal === 'SIGKILL' || (e.code !== 0 && e.code !== 255)).length;
    if (bad) r.warnings.push(`${bad} ffmpeg processes did not end cleanly on SIGTERM (their last file may be unreadable)`);
    const errs = stderrs.filter((s) => s && s.trim());
    if (errs.length) r.warnings.push(`${errs.length} ffmpeg processes printed errors, e.g. ${errs[0].trim().split('\n').slice(0, 2).join(' | ')}`);
    r.frames = countFfmpeg(outDir, n, stopMs, firstFile, o.fps);
    return r;
  } finally {
    for (const p of procs) await terminate(p, 5000);
    rmTree(outDir);
  }
}

/** Packets per stream in ffmpeg's files (ffprobe -count_packets) against the frames their durations hold. */
function countFfmpeg(outDir, n, stopMs, firstFile, fps) {
  const files = fs.readdirSync(outDir);
  const per = [];
  for (let k = 1; k <= n; k++) {
    const mine = files.filter((f) => f.startsWith(`cam${k}-`) && f.endsWith('.mp4')).sort();
    let recorded = 0;
    let expected = 0;
    let mediaS = 0;
    let unreadable = 0;
    let bytes = 0;
    for (const f of mine) {
      bytes += fs.statSync(path.join(outDir, f)).size;
      const p = spawnSync('ffprobe', ['-v', 'error', '-count_packets', '-select_streams', 'v:0',
        '-show_entries', 'stream=nb_read_packets,duration', '-of', 'json', path.join(outDir, f)], { encoding: 'utf8' });
      const s = p.status === 0 ? (JSON.parse(p.stdout).streams || [])[0] : null;
      if (!s) { unreadable++; continue; }
      const d = Number(s.duration);
      recorded += Number(s.nb_read_packets);
      mediaS += d;
      expected += Math.round(d * fps);
    }
    // Wall time from the file's appearance to the stop, minus what was recorded: ≈ 0 when ffmpeg kept
    // up (slightly negative: the probe had already read the first frames when the file appeared).
    const lagS = firstFile[k] !== null && recorded ? (stopMs - firstFile[k]) / 1000 - mediaS : null;
    per.push({ id: k, files: mine.length, unreadable, recorded, expected: recorded ? expected : null,
      lost: recorded ? expected - recorded : null, runs: mine.length ? 1 : 0, spanS: mediaS, bytes, lagS });
  }
  const s = summarize(per);
  s.unreadable = per.reduce((t, x) => t + x.unreadable, 0);
  if (s.unreadable) s.noLoss = false;
  return s;
}

/** Waits up to `seconds` until the machine is less than 15 % busy over 3 s (another build, a test run). */
async function waitQuiet(seconds) {
  if (!seconds) return;
  const deadline = performance.now() + seconds * 1000;
  for (let first = true; ; first = false) {
    const a = machineCpu();
    await sleep(3000);
    const b = machineCpu();
    const busy = ((b.busy - a.busy) / Math.max(1, b.total - a.total)) * 100;
    if (busy < 15) return;
    if (first) log(`the machine is ${busy.toFixed(0)} % busy: waiting up to ${seconds} s for it to be quiet`);
    if (performance.now() > deadline) { log(`still ${busy.toFixed(0)} % busy: going on`); return; }
  }
}

// ---- one N ------------------------------------------------------------------------------------

async function runN(o, n, sides) {
  const sim = await startCamsim(o, n);
  const res = { n, seconds: o.seconds, camsim: sim.cmd };
  try {
    if (sides.includes('watchfloor')) {
      await waitQuiet(o.waitQuiet);
      res.watchfloor = await runWatchfloor(o, n, sim);
    }
    if (sides.includes('ffmpeg')) {
      await sleep(2000); // let camsim tear down the previous side's pipelines
      await waitQuiet(o.waitQuiet);
      res.ffmpeg = await runFfmpeg(o, n, sim);
    }
  } finally {
    await sim.stop();
  }
  const w = res.watchfloor;
  const f = res.ffmpeg;
  if (w && f) {
    res.ratio = { cpu: w.use.cpuPerStreamMin / f.use.cpuPerStreamMin, mem: w.memPerStream / f.memPerStream,
      memPss: w.memPerStream / f.pssPerStream };
  }
  return res;
}

// ---- output -----------------------------------------------------------------------------------

const fx = (x, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
const pct = (x) => `${fx(x, 0)} %`;

function lossText(fr) {
  const bits = [];
  if (fr.lostFrames) bits.push(`${fr.lostFrames} frames missing inside the recorded span`);
  if (fr.missing) bits.push(`${fr.missing} streams recorded nothing`);
  if (fr.reconnects) bits.push(`${fr.reconnects} reconnects`);
  if (fr.gapRows) bits.push(`gaps: ${fr.gaps.map((g) => `${g.cause}×${g.n}`).join(', ')}`);
  if (fr.behind) bits.push(`${fr.behind} streams ended > ${LAG_OK_S} s behind the wall clock (max ${fx(fr.maxLag, 1)} s)`);
  if (fr.unreadable) bits.push(`${fr.unreadable} unreadable files`);
  return bits.length ? `LOSS: ${bits.join('; ')}` : 'no loss';
}

function summaryLine(r) {
  const parts = [`N=${r.n} S=${r.seconds}`];
  const side = (x, name) => {
    const mem = `${fx(x.memPerStream / MiB, 1)} MiB/stream (steady ${fx(x.steadyPerStream / MiB, 1)}` +
      `${name === 'ffmpeg' ? `, PSS ${fx(x.pssPerStream / MiB, 1)}` : ''}${x.restart ? `, restart peak ${fx(x.restart.perStream / MiB, 1)}` : ''})`;
    return `${name}: ${fx(x.use.cpuPerStreamMin, 3)} CPU-s/stream-min, ${mem}, frames ${x.frames.recorded}/${x.frames.expected}` +
      `${x.frames.noLoss ? '' : ' LOSS'}`;
  };
  if (r.watchfloor) parts.push(side(r.watchfloor, 'watchfloor'));
  if (r.ffmpeg) parts.push(side(r.ffmpeg, 'ffmpeg'));
  if (r.ratio) parts.push(`ratio w/f: CPU ${fx(r.ratio.cpu, 2)}×, mem ${fx(r.ratio.mem, 2)}× (vs PSS ${fx(r.ratio.memPss, 2)}×)`);
  if (r.watchfloor) {
    const w = r.watchfloor;
    parts.push(`goals: CPU ≤ ${GOAL_CPU} ${w.use.cpuPerStreamMin <= GOAL_CPU ? 'MET' : 'NOT MET'}, ` +
      `mem ≤ ${GOAL_MIB} MiB ${w.memPerStream / MiB <= GOAL_MIB ? 'MET' : 'NOT MET'}` +
      `${r.n >= GOAL_N ? `, N ≥ ${GOAL_N} ${w.frames.noLoss ? 'MET' : 'NOT MET'}` : ''}`);
  }
  return parts.join(' | ');
}

function printDetail(r) {
  const lines = [];
  for (const x of [r.watchfloor, r.ffmpeg].filter(Boolean)) {
    const name = x.side;
    lines.push([`${name}`, x.command]);
    if (x.binary) lines.push(['  binary', x.binary]);
    lines.push(['  streams flowing after', `${fx(x.onlineAfterS, 1)} s (${name === 'watchfloor' ? 'API state "online"' : 'first output file written'})`]);
    lines.push(['  CPU in window', `${fx(x.use.cpuS, 2)} s in ${fx(x.use.seconds, 1)} s = ${pct(x.use.corePct)} of one core ` +
      `→ ${fx(x.use.cpuPerStreamMin, 3)} CPU-s per stream-minute` + (name === 'watchfloor' ? ` (idle server: ${pct(x.idle.cpuCorePct)} of a core)` : '')]);
    if (name === 'watchfloor') {
      lines.push(['  memory', `peak RSS ${fx(x.peakRss / MiB, 1)} MiB (${fx(x.peakAtS, 0)} s after the first camera) − idle ${fx(x.idle.rss / MiB, 1)} MiB ` +
        `= ${fx((x.peakRss - x.idle.rss) / MiB, 1)} MiB → ${fx(x.memPerStream / MiB, 2)} MiB per stream; in the window (median) ` +
        `${fx(x.windowMedianRss / MiB, 1)} MiB → ${fx(x.steadyPerStream / MiB, 2)} MiB per stream (VmHWM ${fx(x.vmHwm / MiB, 1)} MiB)`]);
      const t = x.threads;
      if (x.restart) {
        const rs = x.restart;
        lines.push(['  memory at restart', `all ${r.n} cameras connecting at once (\`watchfloor serve\` on the same data, RSS every 100 ms for ${fx(rs.seconds, 0)} s): ` +
          `peak ${fx(rs.peakRss / MiB, 1)} MiB (${fx(rs.peakAtS, 1)} s after the spawn) → ${fx(rs.perStream / MiB, 2)} MiB per stream; ` +
          `at the end ${fx(rs.endRss / MiB, 1)} MiB → ${fx(rs.endPerStream / MiB, 2)}`]);
        for (const w of rs.warnings) lines.push(['  !', w]);
      }
      lines.push(['  server threads (window)', `${t.count} threads; busiest ${t.top.map((c) => fx(c, 2)).join(', ')} CPU-s; the ${r.n} busiest ` +
        `${fx(t.busiestN, 2)} s (median ${fx(t.medianOfBusiestN, 2)} s), all others ${fx(t.rest, 2)} s`]);
      lines.push(['  live fps (server, 5 s window)', `min ${fx(x.liveFps.min, 1)}, mean ${fx(x.liveFps.mean, 1)}; states ${JSON.stringify(x.liveFps.states)}`]);
    } else {
      lines.push(['  memory', `peak summed RSS ${fx(x.peakRss / MiB, 1)} MiB (${fx(x.peakAtS, 0)} s after the first spawn) → ${fx(x.memPerStream / MiB, 2)} MiB per stream ` +
        `(in the window, median: ${fx(x.steadyPerStream / MiB, 2)}); ` +
        `PSS (shared libraries counted once) ${fx(x.peakPss / MiB, 1)} MiB → ${fx(x.pssPerStream / MiB, 2)} MiB per stream`]);
    }
    lines.push(['  disk writes', `${fx(x.use.writeMBs, 1)} MB/s in the window (/proc/PID/io write_bytes); stored ${fx(x.frames.storedKbps, 0)} kbit/s per stream`]);
    const fr = x.frames;
    lines.push(['  frames', `${fr.recorded} recorded of ${fr.expected} the recorded spans hold (${r.n} streams); ${lossText(fr)}`]);
    lines.push(['  end vs stop (lag)', `${fx(fr.minLag, 2)} … ${fx(fr.maxLag, 2)} s ` +
      `(${name === 'watchfloor' ? 'SIGTERM − end of the last segment' : 'SIGTERM − file appeared − recorded duration'})`]);
    lines.push(['  camsim', `${fx(x.use.camsimCpuS, 2)} CPU-s = ${pct(x.use.camsimCorePct)} of one core`]);
    lines.push(['  machine', `${pct(x.use.machineBusyPct)} busy of ${os.cpus().length} cores, iowait ${pct(x.use.machineIowaitPct)}, ` +
      `steal ${pct(x.use.machineStealPct)}; this script ${fx(x.use.clientCpuS, 1)} CPU-s; other processes ~${fx(Math.max(0, x.use.otherCpuS), 1)} CPU-s`]);
    const busy = x.use.machineBusyPct + x.use.machineStealPct;
    if (x.use.otherCpuS / x.use.seconds > 0.15) {
      lines.push(['  !', `other processes used ~${fx(x.use.otherCpuS / x.use.seconds, 2)} cores in this window${busy > 95 ? ' and the machine was saturated' : ''}: ` +
        'the CPU figures are disturbed (contention inflates CPU time too); run again on a quiet machine']);
    } else if (busy > 95) {
      lines.push(['  !', 'the machine was saturated in this window: the recorder and camsim competed for the CPU']);
    }
    for (const w of x.warnings) lines.push(['  !', w]);
  }
  const w = Math.max(...lines.map(([k]) => k.length));
  console.log(`\nbench/recorder — N=${r.n}, ${r.seconds} s window (${os.cpus().length} CPUs, Node ${process.versions.node})`);
  console.log(`  camsim: ${r.camsim}`);
  for (const [k, v] of lines) console.log(`  ${k.padEnd(w)}  ${v}`);
}

// ---- main -------------------------------------------------------------------------------------

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const [major] = process.versions.node.split('.').map(Number);
  if (major < 20) throw new Error(`Node >= 20 needed, this is ${process.versions.node}`);
  for (const [what, file] of [['server', BIN], ['camera simulator', CAMSIM]]) {
    if (!fs.existsSync(file)) throw new Error(`${what} binary not found at ${file} (make native)`);
  }
  for (const tool of ['ffmpeg', 'ffprobe', 'sqlite3']) {
    if (spawnSync(tool, ['-version'], { stdio: 'ignore' }).error) throw new Error(`${tool} not found (scripts/setup installs it)`);
  }
  const sides = o.only ? [o.only] : ['watchfloor', 'ffmpeg'];
  const m0 = machineCpu();
  await sleep(1000);
  const m1 = machineCpu();
  const busyBefore = ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * 100;
  log(`server ${binaryId()}; ${sides.join(' then ')}; ${o.resolution} ${o.bitrate} kbit/s ${o.fps} fps; window ${o.seconds} s; ` +
    `${os.cpus().length} CPUs; machine ${busyBefore.toFixed(0)} % busy before`);
  if (busyBefore > 20) log(`warning: the machine is already ${busyBefore.toFixed(0)} % busy (a build?): results will be disturbed`);

  const results = [];
  if (!o.maxN) {
    const r = await runN(o, o.streams, sides);
    results.push(r);
    printDetail(r);
    console.log('\n' + summaryLine(r));
  } else {
    const largest = Object.fromEntries(sides.map((s) => [s, null]));
    let active = [...sides];
    for (let n = o.from; n <= o.to && active.length; n += o.step) {
      log(`--max-n: N=${n} (${active.join(', ')})`);
      const r = await runN(o, n, active);
      results.push(r);
      printDetail(r);
      for (const s of [...active]) {
        if (r[s].frames.noLoss) largest[s] = n;
        else active = active.filter((x) => x !== s);
      }
    }
    console.log('');
    for (const r of results) console.log(summaryLine(r));
    const txt = (s) => (largest[s] === null ? `none (lost at N=${o.from})` : `${largest[s]}${active.includes(s) ? ` (not tried above ${o.to})` : ''}`);
    console.log(`largest N without loss: ${sides.map((s) => `${s} ${txt(s)}`).join(', ')}` +
      (sides.includes('watchfloor') ? ` | goal N ≥ ${GOAL_N}: ${largest.watchfloor !== null && largest.watchfloor >= GOAL_N ? 'MET'
        : active.includes('watchfloor') ? `not decided (no loss up to ${largest.watchfloor}; raise --to)` : 'NOT MET'}` : ''));
  }
  if (o.json) {
    fs.writeFileSync(o.json, JSON.stringify({ options: o, busyBeforePct: busyBefore, machine: { cpus: os.cpus().length, node: process.versions.node },
      results }, null, 2));
    log(`wrote ${o.json}`);
  }
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
