// The recorder with the streams many current cameras send (issue 12 §6): H.264 with B-frames and
// H.265 (also with B-frames), from watchfloor-camsim (GStreamer rtsp-server; clips from x264 and
// x265). What is recorded — the segment files and the MP4 served by GET /cameras/{id}/media.mp4 —
// must decode with ffmpeg without a single error, every frame present, in presentation order; a
// snapshot of the H.265 camera is a JPEG. Needs ffprobe/ffmpeg and gstreamer1.0-plugins-bad (x265enc).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, login, sql } from './server.mjs';
import { startCamsim, until } from './camsim.mjs';

const RECORDER = { segment_s: 4, rtsp_timeout_s: 2, offline_alert_s: 2, backoff_max_s: 2, retention_interval_s: 5 };
const FPS = 25;

/** Decodes the whole file; every message ffmpeg prints at level error is a failure. */
function decodeErrors(file) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  return r.status === 0 ? r.stderr.trim() : `exit ${r.status}: ${r.stderr.trim()}`;
}

/** The video stream as ffprobe sees it, with its frames' presentation times in output order. */
function probe(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries',
    'stream=codec_name,codec_tag_string,width,height,has_b_frames:frame=pts', '-of', 'json', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ffprobe ${file}: ${r.stderr}`);
  assert.equal(r.stderr.trim(), '', `ffprobe ${file}: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  return { ...j.streams[0], pts: j.frames.map((f) => Number(f.pts)) };
}

const sims = [];

async function camera(args) {
  const sim = await startCamsim(['--cameras', '1', '--resolution', '360p', '--bitrate', '400', '--gop', '25',
    '--clip-seconds', '4', ...args]);
  sims.push(sim);
  return sim.url(1);
}

const STREAMS = [
  { name: 'H.264 with B-frames', args: ['--codec', 'h264', '--bframes', '2'], codec: 'h264', tag: 'avc1', status: /^avc1\./ },
  { name: 'H.265 with B-frames', args: ['--codec', 'h265', '--bframes', '3'], codec: 'hevc', tag: 'hvc1', status: /^hvc1\.1\.6\.L\d+/ },
];

describe('recorder codecs', { timeout: 420_000 }, () => {
  let server;
  let admin;
  let viewer;
  const cams = {};

  before(async () => {
    const urls = [];
    for (const s of STREAMS) urls.push(await camera(s.args));  // one at a time: encoding is CPU-bound
    server = await startServer({ config: { recorder: RECORDER } });
    const pw = (u) => server.logins.find((l) => l.username === u).password;
    admin = await login(server.url, 'admin.tchq', pw('admin.tchq'));
    viewer = await login(server.url, 'truongca.hp', pw('truongca.hp'));
    const units = (await admin.request('GET', '/api/v1/units')).json;
    const unit = (units.items || units).find((u) => u.code === 'HP-CKKV1');
    const site = await admin.request('POST', '/api/v1/sites', { unit_id: unit.id, kind: 'seaport', name: 'Cảng Lạch Huyện' });
    assert.equal(site.status, 201, site.text);
    for (const [i, s] of STREAMS.entries()) {
      const c = await admin.request('POST', '/api/v1/cameras', { site_id: site.json.id, name: `Camera ${s.codec} ${i + 1}`, main_url: urls[i] });
      assert.equal(c.status, 201, c.text);
      cams[s.codec] = c.json.id;
    }
  });

  after(async () => {
    if (server) await server.stop();
    for (const sim of sims) await sim.stop();
  });

  for (const s of STREAMS) {
    test(`${s.name}: segments and the served MP4 decode without errors, every frame in order`, async () => {
      const cam = cams[s.codec];
      const db = path.join(server.dataDir, 'watchfloor.db');
      const state = await until(`${s.name} online`, async () => {
        const c = (await admin.request('GET', `/api/v1/cameras/${cam}`)).json;
        return c.state === 'online' ? c : null;
      }, 30_000);
      assert.match(JSON.stringify(state), new RegExp(`"codec":"${s.tag}\\.`), `the camera shows its codec: ${JSON.stringify(state)}`);
      const segs = await until(`two ${s.name} segments`, () => {
        const rows = sql(db, `SELECT seq, frames, start_90k, end_90k FROM segments WHERE camera_id = ${cam} ORDER BY seq`);
        return rows.length >= 2 ? rows : null;
      }, 60_000, 500);
      const entry = sql(db, `SELECT e.codec FROM segments s JOIN video_sample_entries e ON e.id = s.sample_entry_id WHERE s.camera_id = ${cam} LIMIT 1`);
      assert.match(entry[0].codec, s.status);

      for (const seg of segs) {
        const file = path.join(server.dataDir, 'video', 'default', String(cam), 'main', String(seg.seq).padStart(12, '0') + '.mp4');
        assert.equal(decodeErrors(file), '', `${file} decodes cleanly`);
        const p = probe(file);
        assert.equal(p.codec_name, s.codec);
        assert.equal(p.codec_tag_string, s.tag);
        assert.equal(p.width, 640);
        assert.ok(p.has_b_frames > 0, `the decoder is told to reorder: ${JSON.stringify(p.has_b_frames)}`);
        assert.equal(p.pts.length, seg.frames, `every frame of ${file} decodes`);
      }

      const from = new Date(Math.ceil(segs[0].start_90k / 90)).toISOString();
      const to = new Date(Math.floor(segs.at(-1).end_90k / 90) - 500).toISOString();
      const res = await fetch(`${server.url}/api/v1/cameras/${cam}/media.mp4?from=${from}&to=${to}`, { headers: { cookie: viewer.cookie } });
      assert.equal(res.status, 200);
      const clip = path.join(server.dataDir, `clip-${s.codec}.mp4`);
      fs.writeFileSync(clip, Buffer.from(await res.arrayBuffer()));
      assert.equal(decodeErrors(clip), '', 'the served MP4 decodes cleanly');
      const p = probe(clip);
      assert.equal(p.codec_name, s.codec);
      const expected = ((Date.parse(to) - Date.parse(from)) / 1000) * FPS;
      assert.ok(Math.abs(p.pts.length - expected) <= 1 + FPS, `frames ${p.pts.length} vs ${expected}`);
      // Frames come out one frame duration apart: B-frames sit between their references, none
      // shown twice or out of order (what clamped decode times used to produce).
      const step = p.pts.slice(1).map((v, i) => v - p.pts[i]);
      assert.ok(step.every((d) => d > 0), `presentation order: ${JSON.stringify(step.slice(0, 30))}`);
      const unit = 90000 / FPS;
      assert.ok(step.filter((d) => Math.abs(d - unit) > 1).length <= 2, `even frame spacing: ${JSON.stringify(step.slice(0, 30))}`);

      const snap = await fetch(`${server.url}/api/v1/cameras/${cam}/snapshot.jpg?at=${from}`, { headers: { cookie: viewer.cookie } });
      assert.equal(snap.status, 200, await snap.clone().text());
      assert.equal(Buffer.from(await snap.arrayBuffer()).subarray(0, 2).toString('hex'), 'ffd8', 'a JPEG');
    });
  }
});
