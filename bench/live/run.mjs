#!/usr/bin/env node
// Benchmark for live view (issue 12): against the camera simulator, in one run,
//   1. RECORDER ALONE   one 1080p camera (~4 Mbit/s, 25 fps) recorded by watchfloor: server CPU and RSS;
//   2. + V VIEWERS      V live viewers of that camera (GET /api/v1/cameras/{id}/live): time to the first
//                       frame of each new viewer (p50/p95), latency added between the server's receipt of
//                       a frame (its prft) and a viewer reading it (p50/p95/p99), server CPU and RSS;
//   3. WALL             W cameras recorded, then a W-tile wall of their sub streams (360p): server CPU with
//                       and without the wall;
//   4. BASELINE         V × `ffmpeg -rtsp_transport tcp -i URL -c copy -f mp4 -movflags
//                       frag_keyframe+empty_moov+default_base_moof pipe:` (a relay without fan-out: one
//                       RTSP session and one remux per viewer): their summed CPU, RSS, time to first fragment.
// It prints the goals (first frame p95 < 500 ms; added latency < 300 ms; recorder + V viewers < 1.5 × the
// recorder alone) and the ratios against the baseline. Exit code 0 whatever the result (1 if it cannot run).
//
//   node bench/live/run.mjs [--viewers 100] [--seconds 20] [--wall 16] [--resolution 1080p] [--bitrate 4000]
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { login, sleep, startServer } from '../../tests/api/server.mjs';
import { startCamsim, until } from '../../tests/api/camsim.mjs';

const TICK = 100;  // USER_HZ on Linux
const PAGE = 4096;

function parseArgs(argv) {
  const o = { viewers: 100, seconds: 20, warmup: 3, wall: 16, resolution: '1080p', bitrate: 4000, json: null };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = argv[i].includes('=') ? argv[i].split('=') : [argv[i], argv[i + 1]];
    if (!argv[i].includes('=')) i++;
    if (k === '--help' || k === '-h') {
      console.log('usage: node bench/live/run.mjs [--viewers V] [--seconds S] [--warmup W] [--wall N] [--resolution 1080p|720p|360p] [--bitrate KBPS] [--json FILE]');
      process.exit(0);
    }
    const key = k.replace(/^--/, '');
    if (!(key in o)) { console.error(`unknown option ${k}`); process.exit(1); }
    o[key] = key === 'resolution' || key === 'json' ? v : Number(v);
  }
  return o;
}

// CPU seconds (user + system) and RSS of processes, from /proc.
function procStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { cpu: (Number(f[11]) + Number(f[12])) / TICK, sys: Number(f[12]) / TICK, rss: Number(f[21]) * PAGE };
  } catch { return { cpu: 0, sys: 0, rss: 0 }; }
}
async function measure(pids, seconds) {
  const start = pids.map((p) => procStat(p));
  let rssMax = 0;
  for (let t = 0; t < seconds; t++) {
    await sleep(1000);
    rssMax = Math.max(rssMax, pids.reduce((a, p) => a + procStat(p).rss, 0));
  }
  const end = pids.map((p) => procStat(p));
  const used = (k) => end.reduce((a, e, i) => a + e[k] - start[i][k], 0) / seconds;
  // Of which in the kernel (system time): for a relay, mostly copying the bytes into the viewers' sockets.
  return { cpuPerSecond: used('cpu'), sysPerSecond: used('sys'), rssMiB: rssMax / 2 ** 20 };
}

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// A minimal viewer: handshake, then either parse frames (to time them) or only count bytes.
function openViewer(url, p, cookie, { parse }) {
  const u = new URL(url);
  const key = crypto.randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request({ host: u.hostname, port: u.port, path: p, headers: {
      Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13',
      Origin: `${u.protocol}//${u.host}`, Cookie: cookie } });
    req.on('response', (res) => reject(new Error(`live view refused: ${res.statusCode}`)));
    req.on('error', reject);
    req.on('upgrade', (res, socket, head) => {
      const v = { socket, bytes: 0, firstFrameMs: null, latencies: [], parse };
      let buf = head && head.length ? head : Buffer.alloc(0);
      socket.on('data', (d) => {
        v.bytes += d.length;
        if (!v.parse) return;
        buf = buf.length ? Buffer.concat([buf, d]) : d;
        for (;;) {
          if (buf.length < 2) return;
          let len = buf[1] & 0x7f;
          let off = 2;
          if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
          else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
          if (buf.length < off + len) return;
          const opcode = buf[0] & 0x0f;
          const payload = buf.subarray(off, off + len);
          buf = buf.subarray(off + len);
          if (opcode === 0x2 && payload.toString('latin1', 4, 8) === 'prft') {
            const now = Date.now();
            const wall = (payload.readUInt32BE(16) - 2208988800) * 1000 + (payload.readUInt32BE(20) / 2 ** 32) * 1000;
            if (v.firstFrameMs === null) v.firstFrameMs = performance.now() - started;
            else v.latencies.push(now - wall);
          }
        }
      });
      socket.on('error', () => {});
      resolve(v);
    });
    req.end();
  });
}

async function baseline(o, url) {
  const procs = [];
  const firsts = [];
  for (let i = 0; i < o.viewers; i++) {
    const started = performance.now();
    const p = spawn('ffmpeg', ['-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url, '-c', 'copy', '-f', 'mp4',
      '-movflags', 'frag_keyframe+empty_moov+default_base_moof', 'pipe:'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let seen = Buffer.alloc(0);
    p.stdout.on('data', (d) => {
      if (firsts[i] !== undefined) return;
      seen = Buffer.concat([seen, d]);
      if (seen.includes('moof')) firsts[i] = performance.now() - started;  // the first media fragment
    });
    procs.push(p);
  }
  await until('every ffmpeg has a fragment', () => firsts.filter((x) => x !== undefined).length === o.viewers, 120_000);
  await sleep(o.warmup * 1000);
  const m = await measure(procs.map((p) => p.pid), o.seconds);
  for (const p of procs) p.kill('SIGTERM');
  return { ...m, firstP50: pct(firsts, 50), firstP95: pct(firsts, 95) };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  // The clips are kept in camsim's own cache: a second run does not encode them again.
  const sim = await startCamsim(['--cameras', String(Math.max(1, o.wall)), '--resolution', o.resolution, '--bitrate',
    String(o.bitrate), '--sub', '--distinct', '4'], { cache: path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'watchfloor-camsim'),
      readyTimeoutMs: 1_800_000 });
  // One user and one address open every viewer here: lift the per-user and per-address bounds.
  const server = await startServer({ config: { recorder: { rtsp_timeout_s: 5 },
    server: { live_max_per_user: o.viewers + o.wall + 10, max_connections_per_ip: 2 * (o.viewers + o.wall) + 50 } } });
  const pid = server.proc.pid;
  const result = { options: o };
  try {
    const admin = await login(server.url, 'admin.tchq', server.logins.find((l) => l.username === 'admin.tchq').password);
    const units = (await admin.get('/api/v1/units')).json;
    const unit = (units.items || units).find((u) => u.code === 'HP-CKKV1');
    const site = (await admin.post('/api/v1/sites', { unit_id: unit.id, kind: 'seaport', name: 'Cảng Tân Vũ' })).json;
    const add = async (k) => (await admin.post('/api/v1/cameras', { site_id: site.id, name: `Camera ${k}`,
      main_url: sim.url(k), sub_url: sim.url(k, 'sub') })).json.id;
    const cam = await add(1);
    await until('camera online', async () => (await admin.get(`/api/v1/cameras/${cam}`)).json.state === 'online', 60_000);
    await sleep(o.warmup * 1000);
    result.recorder = await measure([pid], o.seconds);

    // V viewers, opened one after another: each one's time to its first frame.
    const viewers = [];
    for (let i = 0; i < o.viewers; i++) {
      viewers.push(await openViewer(server.url, `/api/v1/cameras/${cam}/live?stream=main`, admin.cookie, { parse: true }));
      await until('first frame', () => viewers[i].firstFrameMs !== null, 10_000, 5);
      if (i >= 5) viewers[i].parse = false;  // five keep timing every frame; the rest only read
    }
    await sleep(o.warmup * 1000);
    for (const v of viewers) v.latencies = [];
    const bytes0 = viewers.reduce((a, v) => a + v.bytes, 0);
    result.viewers = await measure([pid], o.seconds);
    const lat = viewers.slice(0, 5).flatMap((v) => v.latencies);
    Object.assign(result.viewers, {
      firstP50: pct(viewers.map((v) => v.firstFrameMs), 50), firstP95: pct(viewers.map((v) => v.firstFrameMs), 95),
      latencyP50: pct(lat, 50), latencyP95: pct(lat, 95), latencyP99: pct(lat, 99),
      mbitPerViewer: ((viewers.reduce((a, v) => a + v.bytes, 0) - bytes0) * 8) / 1e6 / o.seconds / o.viewers,
    });
    for (const v of viewers) v.socket.destroy();

    // A wall of sub streams.
    if (o.wall > 0) {
      const cams = [cam];
      for (let k = 2; k <= o.wall; k++) cams.push(await add(k));
      await until('every wall camera online', async () => {
        const list = (await admin.get('/api/v1/cameras')).json.items;
        return cams.every((id) => list.find((c) => c.id === id)?.state === 'online');
      }, 120_000);
      await sleep(o.warmup * 1000);
      result.wallRecorders = await measure([pid], o.seconds);
      const tiles = [];
      for (const id of cams) tiles.push(await openViewer(server.url, `/api/v1/cameras/${id}/live?stream=sub`, admin.cookie, { parse: true }));
      await until('every tile painted', () => tiles.every((t) => t.firstFrameMs !== null), 30_000);
      await sleep(o.warmup * 1000);
      result.wall = await measure([pid], o.seconds);
      result.wall.firstP95 = pct(tiles.map((t) => t.firstFrameMs), 95);
      for (const t of tiles) t.socket.destroy();
    }
  } finally {
    await server.stop();
  }
  result.ffmpeg = await baseline(o, sim.url(1));
  await sim.stop();

  const r = result;
  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const addedCpu = r.viewers.cpuPerSecond - r.recorder.cpuPerSecond;
  console.log(`\nlive view: ${o.viewers} viewers of one ${o.resolution} camera at ${o.bitrate} kbit/s, ${o.seconds} s windows`);
  console.log(`                               CPU (cores)   RSS MiB   first frame p50/p95 ms`);
  console.log(`watchfloor recorder alone      ${f(r.recorder.cpuPerSecond, 3).padStart(8)}   ${f(r.recorder.rssMiB, 1).padStart(8)}`);
  console.log(`watchfloor + ${String(o.viewers).padEnd(3)} viewers       ${f(r.viewers.cpuPerSecond, 3).padStart(8)}   ${f(r.viewers.rssMiB, 1).padStart(8)}   ${f(r.viewers.firstP50, 0)}/${f(r.viewers.firstP95, 0)}`);
  console.log(`ffmpeg × ${String(o.viewers).padEnd(3)} (baseline)        ${f(r.ffmpeg.cpuPerSecond, 3).padStart(8)}   ${f(r.ffmpeg.rssMiB, 1).padStart(8)}   ${f(r.ffmpeg.firstP50, 0)}/${f(r.ffmpeg.firstP95, 0)}`);
  if (r.wall) {
    console.log(`${o.wall} cameras recorded            ${f(r.wallRecorders.cpuPerSecond, 3).padStart(8)}   ${f(r.wallRecorders.rssMiB, 1).padStart(8)}`);
    console.log(`  + ${o.wall}-tile wall of sub streams ${f(r.wall.cpuPerSecond, 3).padStart(8)}   ${f(r.wall.rssMiB, 1).padStart(8)}   p95 ${f(r.wall.firstP95, 0)}`);
  }
  console.log(`\nlatency added (server receipt → viewer read), p50/p95/p99: ${f(r.viewers.latencyP50, 1)}/${f(r.viewers.latencyP95, 1)}/${f(r.viewers.latencyP99, 1)} ms (goal < 300)`);
  console.log(`time to first frame p95: ${f(r.viewers.firstP95, 0)} ms (goal < 500); ffmpeg relay ${f(r.ffmpeg.firstP95, 0)} ms → ratio ${f(r.viewers.firstP95 / r.ffmpeg.firstP95, 3)}`);
  console.log(`recorder + ${o.viewers} viewers / recorder alone: ${f(r.viewers.cpuPerSecond / r.recorder.cpuPerSecond, 2)}× CPU (goal < 1.5×)`);
  const addedSys = r.viewers.sysPerSecond - r.recorder.sysPerSecond;
  console.log(`  of the ${f(addedCpu, 3)} cores the viewers add, ${f(addedSys, 3)} are the kernel's (system time: sending their bytes), ${f(addedCpu - addedSys, 3)} watchfloor's own`);
  console.log(`CPU per viewer: watchfloor ${f((addedCpu / o.viewers) * 1000, 2)} mcores, ffmpeg ${f((r.ffmpeg.cpuPerSecond / o.viewers) * 1000, 2)} mcores → ratio ${f(addedCpu / r.ffmpeg.cpuPerSecond, 3)}`);
  console.log(`memory per viewer: watchfloor ${f(((r.viewers.rssMiB - r.recorder.rssMiB) / o.viewers) * 1024, 0)} KiB, ffmpeg ${f((r.ffmpeg.rssMiB / o.viewers) * 1024, 0)} KiB`);
  console.log(`each viewer received ${f(r.viewers.mbitPerViewer, 2)} Mbit/s`);
  if (o.json) fs.writeFileSync(o.json, JSON.stringify(result, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
