// watchfloor-camsim, the simulated RTSP cameras the recorder and e2e tests stream from: the streams
// are real H.264 (or H.265 with B-frames) at the requested size, paced in real time, a scheduled outage makes DESCRIBE fail
// and then recover, Basic authentication rejects wrong credentials, and the clip cache is reused.
// Needs ffprobe/ffmpeg (scripts/setup installs them).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.resolve(REPO, process.env.WATCHFLOOR_CAMSIM || 'build/watchfloor-camsim');
const READY_TIMEOUT_MS = 60_000; // the first start encodes the clips (a few seconds at 360p)
const PROBE_TIMEOUT_MS = 15_000;

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

/** Starts camsim and resolves once it printed `camsim: ready`. */
async function startCamsim(args) {
  if (!fs.existsSync(BIN)) {
    throw new Error(`camsim binary not found at ${BIN} (build it first, or set WATCHFLOOR_CAMSIM)`);
  }
  const proc = spawn(BIN, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  const sim = {
    proc,
    stdout: '',
    stderr: '',
    lines: [],
    waiters: [],
    readyAt: 0,
    urls: new Map(),
    exited: new Promise((resolve) => {
      proc.on('exit', (code, signal) => { live.delete(proc); resolve({ code, signal }); });
    }),
    describe() {
      return `command: ${BIN} ${args.join(' ')}\n--- stdout ---\n${sim.stdout}\n--- stderr ---\n${sim.stderr}`;
    },
    /** Resolves with the time (ms) the first stdout line equal to `line` arrived. */
    waitLine(line, timeoutMs) {
      const seen = sim.lines.find((l) => l.text === line);
      if (seen) return Promise.resolve(seen.at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for "${line}"\n${sim.describe()}`)), timeoutMs);
        sim.waiters.push({ line, resolve: (at) => { clearTimeout(timer); resolve(at); } });
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return sim.exited;
    },
  };
  proc.on('error', () => { /* reported through exit / timeout */ });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { sim.stderr += d; });
  proc.stdout.setEncoding('utf8');
  let partial = '';
  proc.stdout.on('data', (d) => {
    sim.stdout += d;
    partial += d;
    let nl;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const text = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      const at = Date.now();
      sim.lines.push({ text, at });
      const m = /^camsim: cam(\d+) (rtsp:\/\/\S+)/.exec(text);
      if (m) sim.urls.set(Number(m[1]), m[2]);
      sim.waiters = sim.waiters.filter((w) => (w.line === text ? (w.resolve(at), false) : true));
    }
  });
  const early = sim.exited.then((e) => { throw new Error(`camsim exited early (${e.code ?? e.signal})\n${sim.describe()}`); });
  sim.readyAt = await Promise.race([sim.waitLine('camsim: ready', READY_TIMEOUT_MS), early]);
  early.catch(() => { /* only matters before ready */ });
  return sim;
}

/** Runs a command with a hard timeout; resolves {code, stdout, stderr, ms}. */
function run(cmd, args, timeoutMs = PROBE_TIMEOUT_MS) {
  return new Promise((resolve) => {
    const started = Date.now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8');
    p.stderr.setEncoding('utf8');
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', (e) => { clearTimeout(timer); resolve({ code: -1, stdout, stderr: String(e), ms: Date.now() - started }); });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const ffprobe = (url) => run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-show_streams', '-of', 'json', url]);

function videoStream(r, ctx) {
  assert.equal(r.code, 0, `ffprobe failed: ${r.stderr}\n${ctx}`);
  const streams = JSON.parse(r.stdout).streams || [];
  const v = streams.find((s) => s.codec_type === 'video');
  assert.ok(v, `no video stream: ${r.stdout}\n${ctx}`);
  return v;
}

function withCredentials(url, user, password) {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

function makeTempDir(prefix) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(d);
  return d;
}

const cache = makeTempDir('wf-camsim-cache-');
const COMMON = ['--resolution', '360p', '--bitrate', '500', '--cache', cache];

describe('camsim streams and outage', () => {
  let sim;
  before(async () => {
    const port = await freePort();
    sim = await startCamsim(['--cameras', '2', ...COMMON, '--port', String(port), '--outage', '2:3:4']);
  });
  after(async () => {
    if (!sim) return;
    const e = await sim.stop();
    assert.equal(e.code, 0, `camsim should exit cleanly on SIGTERM\n${sim.describe()}`);
  });

  test('announces one URL per camera, then ready', () => {
    assert.match(sim.urls.get(1) || '', /^rtsp:\/\/127\.0\.0\.1:\d+\/cam1\/main$/, sim.describe());
    assert.match(sim.urls.get(2) || '', /^rtsp:\/\/127\.0\.0\.1:\d+\/cam2\/main$/, sim.describe());
    const texts = sim.lines.map((l) => l.text);
    assert.deepEqual(texts.slice(0, 3), [`camsim: cam1 ${sim.urls.get(1)}`, `camsim: cam2 ${sim.urls.get(2)}`, 'camsim: ready'],
      sim.describe());
  });

  test('cam1 serves H.264 640x360', async () => {
    const v = videoStream(await ffprobe(sim.urls.get(1)), sim.describe());
    assert.equal(v.codec_name, 'h264');
    assert.equal(v.width, 640);
    assert.equal(v.height, 360);
  });

  test('cam2 is gone during its outage and comes back', async () => {
    const stoppedAt = await sim.waitLine('camsim: cam2 stopped', 15_000);
    assert.ok(stoppedAt - sim.readyAt >= 2500, `outage began ${stoppedAt - sim.readyAt} ms after ready, expected ~3 s`);
    const during = await ffprobe(sim.urls.get(2));
    assert.notEqual(during.code, 0, `DESCRIBE should fail while cam2 is stopped: ${during.stdout}`);
    assert.match(during.stderr, /404/, during.stderr);

    const startedAt = await sim.waitLine('camsim: cam2 started', 15_000);
    assert.ok(startedAt - stoppedAt >= 3500, `outage lasted ${startedAt - stoppedAt} ms, expected ~4 s`);
    const v = videoStream(await ffprobe(sim.urls.get(2)), sim.describe());
    assert.equal(v.codec_name, 'h264');
    assert.equal(v.width, 640);
  });

  test('the stream is paced in real time', async () => {
    const r = await run('ffmpeg', ['-v', 'error', '-rtsp_transport', 'tcp', '-i', sim.urls.get(1),
      '-t', '3', '-c', 'copy', '-f', 'null', '-']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms >= 2500, `3 s of video arrived in ${r.ms} ms; it should take about 3 s`);
  });
});

describe('camsim H.265 with B-frames', () => {
  let sim;
  before(async () => {
    const port = await freePort();
    sim = await startCamsim(['--cameras', '1', ...COMMON, '--gop', '25', '--clip-seconds', '2', '--codec', 'h265',
      '--bframes', '3', '--port', String(port)]);
  });
  after(async () => { if (sim) await sim.stop(); });

  test('serves HEVC whose frames arrive in decode order with presentation times', async () => {
    const v = videoStream(await ffprobe(sim.urls.get(1)), sim.describe());
    assert.equal(v.codec_name, 'hevc');
    assert.equal(v.width, 640);
    assert.ok(v.has_b_frames > 0, `the SPS announces reordering: ${v.has_b_frames}`);
    // RTP carries presentation times: with B-frames they go back in arrival order.
    const r = await run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-read_intervals', '%+2', '-select_streams', 'v:0',
      '-show_entries', 'packet=pts', '-of', 'csv=p=0', sim.urls.get(1)]);
    assert.equal(r.code, 0, r.stderr);
    const pts = r.stdout.split('\n').filter((l) => /^\d+$/.test(l.trim())).map(Number).slice(8);
    assert.ok(pts.length > 10, r.stdout);
    assert.ok(pts.some((p, i) => i > 0 && p < pts[i - 1]), `some frame is presented before the one sent ahead of it: ${pts.slice(0, 20)}`);
    assert.equal(new Set(pts).size, pts.length, `no presentation time twice: ${pts}`);
  });
});

describe('camsim authentication and clip cache', () => {
  let sim;
  before(async () => {
    const port = await freePort();
    sim = await startCamsim(['--cameras', '1', ...COMMON, '--port', String(port), '--user', 'u', '--password', 'p']);
  });
  after(async () => {
    if (sim) await sim.stop();
  });

  test('a second start reuses the cached clip', () => {
    assert.match(sim.stderr, /1 clips ready \(0 encoded, 1 from cache/, sim.describe());
  });

  test('no or wrong credentials are refused', async () => {
    const none = await ffprobe(sim.urls.get(1));
    assert.notEqual(none.code, 0, 'probe without credentials should fail');
    assert.match(none.stderr, /401/, none.stderr);
    const wrong = await ffprobe(withCredentials(sim.urls.get(1), 'u', 'wrong'));
    assert.notEqual(wrong.code, 0, 'probe with a wrong password should fail');
    assert.match(wrong.stderr, /401/, wrong.stderr);
  });

  test('the right credentials are accepted', async () => {
    const v = videoStream(await ffprobe(withCredentials(sim.urls.get(1), 'u', 'p')), sim.describe());
    assert.equal(v.codec_name, 'h264');
    assert.equal(v.height, 360);
  });
});
