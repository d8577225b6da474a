// The recorder against the camera simulator, end to end through the API: segments and the on-the-fly
// MP4 that ffprobe reads with the right frame count, a camera that stops and comes back (reconnect,
// gap, alert raised and closed, duty log), kill -9 in the middle of a segment (every file playable,
// index and files agree, little lost), and clear answers for bad addresses and wrong credentials.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, login, sleep, sql } from './server.mjs';
import { openWs } from './ws-client.mjs';
import { startCamsim, until } from './camsim.mjs';

const RECORDER = { segment_s: 6, rtsp_timeout_s: 2, offline_alert_s: 2, backoff_max_s: 2, retention_interval_s: 5 };
const FPS = 25;

function ffprobe(args) {
  const r = spawnSync('ffprobe', ['-v', 'error', ...args], { encoding: 'utf8' });
  return { ok: r.status === 0 && r.stderr.trim() === '', out: r.stdout, err: r.stderr };
}

function frameCount(file) {
  const p = ffprobe(['-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,duration', '-of', 'json', file]);
  assert.ok(p.ok, `ffprobe ${file}: ${p.err}`);
  const s = JSON.parse(p.out).streams[0];
  return { frames: Number(s.nb_read_frames), duration: Number(s.duration) };
}

let sim;

describe('recorder', { timeout: 300_000 }, () => {
  let server;
  let admin;
  let trucban;
  let siteId;
  const cams = {};
  const url = (k) => sim.url(k);

  before(async () => {
    sim = await startCamsim(['--cameras', '3', '--resolution', '360p', '--bitrate', '400', '--gop', '25',
      '--user', 'viewer', '--password', 'Cam-pass-1'], { control: true });
    server = await startServer({ config: { recorder: RECORDER } });
    const pw = (u) => server.logins.find((l) => l.username === u).password;
    admin = await login(server.url, 'admin.tchq', pw('admin.tchq'));
    trucban = await login(server.url, 'truongca.hp', pw('truongca.hp'));
    const units = (await admin.request('GET', '/api/v1/units')).json;
    const unit = (units.items || units).find((u) => u.code === 'HP-CKKV1');
    const site = await admin.request('POST', '/api/v1/sites', { unit_id: unit.id, kind: 'seaport', name: 'Cảng Tân Vũ' });
    assert.equal(site.status, 201, site.text);
    siteId = site.json.id;
    for (const k of [1, 2]) {
      const c = await admin.request('POST', '/api/v1/cameras', {
        site_id: siteId, name: `Cổng B - camera 0${k}`, main_url: url(k), username: 'viewer', password: 'Cam-pass-1',
        owner: k === 2 ? 'enterprise' : 'customs', owner_name: k === 2 ? 'Công ty TNHH Cảng Tân Vũ' : '',
      });
      assert.equal(c.status, 201, c.text);
      cams[k] = c.json.id;
    }
  });

  after(async () => {
    if (server) await server.stop();
    if (sim) await sim.stop();
  });

  test('bad addresses, wrong credentials and a missing stream are clear answers', async () => {
    const probe = async (body) => {
      const c = await admin.request('POST', '/api/v1/cameras', { site_id: siteId, name: 'thử', ...body });
      assert.equal(c.status, 201, c.text);
      const p = await admin.request('POST', `/api/v1/cameras/${c.json.id}/probe`);
      await admin.request('DELETE', `/api/v1/cameras/${c.json.id}`);
      assert.equal(p.status, 200, p.text);
      return p.json;
    };
    const ok = await probe({ main_url: url(3), username: 'viewer', password: 'Cam-pass-1' });
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.equal(ok.width, 640);
    assert.equal(ok.height, 360);
    assert.ok(Math.abs(ok.fps - FPS) < 1, JSON.stringify(ok));
    const wrong = await probe({ main_url: url(3), username: 'viewer', password: 'wrong' });
    assert.equal(wrong.code, 'unauthorized');
    assert.match(wrong.reason.vi, /mật khẩu/);
    assert.ok(!JSON.stringify(wrong).includes('wrong'), 'the password is not echoed');
    assert.equal((await probe({ main_url: `rtsp://127.0.0.1:${sim.port}/nothing-here`, username: 'viewer', password: 'Cam-pass-1' })).code, 'not_found');
    assert.equal((await probe({ main_url: 'rtsp://127.0.0.1:1/x' })).code, 'refused');
    const bad = await admin.request('POST', '/api/v1/cameras', { site_id: siteId, name: 'x', main_url: 'http://127.0.0.1/x' });
    assert.equal(bad.status, 400);
    assert.ok(bad.json.errors.some((e) => e.field === 'main_url'));
  });

  test('segments and the on-the-fly MP4 are read by ffprobe with every frame', async () => {
    const cam = cams[1];
    await until('camera online', async () => (await admin.request('GET', `/api/v1/cameras/${cam}`)).json.state === 'online');
    const rec = await until('three recorded segments', async () => {
      const segs = sql(path.join(server.dataDir, 'watchfloor.db'), `SELECT seq, bytes, frames, start_90k, end_90k, media_duration_90k FROM segments WHERE camera_id = ${cam} ORDER BY seq`);
      return segs.length >= 3 ? segs : null;
    }, 60_000, 500);
    for (const s of rec) {
      const file = path.join(server.dataDir, 'video', 'default', String(cam), 'main', String(s.seq).padStart(12, '0') + '.mp4');
      assert.equal(fs.statSync(file).size, s.bytes, 'index and file agree');
      const { frames, duration } = frameCount(file);
      assert.equal(frames, s.frames, `frames of ${file}`);
      assert.ok(Math.abs(duration * 90000 - s.media_duration_90k) <= 90000 / FPS, `duration of ${file}`);
    }
    const list = await trucban.request('GET', `/api/v1/cameras/${cam}/recordings`);
    assert.equal(list.status, 200, list.text);
    const run = list.json.segments.at(-1);
    assert.equal(run.live, true, 'the segment being written shows as recording up to now');
    assert.ok(Date.parse(run.end) > Date.now() - 5000);
    // A clip of committed recording: from the first segment's start to a second before the last one's end.
    const from = new Date(Math.ceil(rec[0].start_90k / 90)).toISOString();
    const to = new Date(Math.floor(rec.at(-1).end_90k / 90) - 1000).toISOString();
    const res = await fetch(`${server.url}/api/v1/cameras/${cam}/media.mp4?from=${from}&to=${to}`, { headers: { cookie: trucban.cookie } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'video/mp4');
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(body.length, Number(res.headers.get('content-length')));
    const clip = path.join(server.dataDir, 'clip.mp4');
    fs.writeFileSync(clip, body);
    const { frames, duration } = frameCount(clip);
    const expected = ((Date.parse(to) - Date.parse(from)) / 1000) * FPS;
    assert.ok(Math.abs(frames - expected) <= 1 + FPS, `frames ${frames} vs ${expected} (from the keyframe before from)`);
    assert.ok(Math.abs(duration - (Date.parse(to) - Date.parse(from)) / 1000) <= 1 / FPS + 0.05, `duration ${duration}`);
    // Range: the same bytes as the whole.
    const part = await fetch(`${server.url}/api/v1/cameras/${cam}/media.mp4?from=${from}&to=${to}`, {
      headers: { cookie: trucban.cookie, range: 'bytes=1000-1999' },
    });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${body.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), body.subarray(1000, 2000));
    const snap = await fetch(`${server.url}/api/v1/cameras/${cam}/snapshot.jpg?at=${from}`, { headers: { cookie: trucban.cookie } });
    assert.equal(snap.status, 200);
    const jpg = Buffer.from(await snap.arrayBuffer());
    assert.equal(jpg.subarray(0, 2).toString('hex'), 'ffd8', 'a JPEG');
    // Each read is in the audit log.
    const audit = sql(path.join(server.dataDir, 'watchfloor.db'), "SELECT action FROM audit_log WHERE action LIKE 'video.%'").map((r) => r.action);
    for (const a of ['video.recordings', 'video.playback', 'video.snapshot']) assert.ok(audit.includes(a), `${a} audited`);
  });

  test('a camera that stops is a gap, an alert to the duty watch and a duty log entry; it comes back by itself', async () => {
    const cam = cams[2];
    const db = path.join(server.dataDir, 'watchfloor.db');
    // The console channels: the sector's watch (Art. 16.1) sees the alert, another province's duty watch does not.
    const pw = (u) => server.logins.find((l) => l.username === u).password;
    const sectorWs = await openWs(server.url, (await login(server.url, 'canbo.gstt', pw('canbo.gstt'))).cookie);
    const otherWs = await openWs(server.url, (await login(server.url, 'trucban.ls', pw('trucban.ls'))).cookie);
    await until('camera 2 online', async () => (await admin.request('GET', `/api/v1/cameras/${cam}`)).json.state === 'online');
    await until('camera 2 recorded a segment', () => sql(db, `SELECT 1 FROM segments WHERE camera_id = ${cam}`).length > 0, 30_000, 500);
    const stoppedAt = Date.now();
    await sim.control('stop 2');
    await until('camera 2 offline', async () => (await admin.request('GET', `/api/v1/cameras/${cam}`)).json.state === 'offline', 20_000);
    const alert = await until('the offline alert', async () => {
      const a = await trucban.request('GET', '/api/v1/alerts');
      return a.json.items.find((x) => x.kind === 'camera.offline' && x.subject === `camera:${cam}`);
    }, 20_000);
    assert.match(alert.title_vi, /mất tín hiệu/);
    const raised = (m) => m.type === 'event' && m.topic === 'alert.raised' && m.payload.subject === `camera:${cam}`;
    await sectorWs.next(raised, { timeout: 5000, what: 'the alert on the sector watch' });
    assert.ok(!otherWs.messages.some(raised), 'Lạng Sơn does not see Hải Phòng\'s camera alert');
    sectorWs.close();
    otherWs.close();
    assert.equal(sql(db, `SELECT 1 FROM camera_outages WHERE camera_id = ${cam} AND ended_ms IS NULL AND repair_due_ms > started_ms + 10*86400000`).length, 1,
      'an enterprise camera outage has a repair deadline of 10 working days');
    await sleep(1000);
    await sim.control('start 2');
    await until('camera 2 online again', async () => (await admin.request('GET', `/api/v1/cameras/${cam}`)).json.state === 'online', 30_000);
    await until('the alert closed', async () => {
      const a = await trucban.request('GET', '/api/v1/alerts');
      return !a.json.items.some((x) => x.kind === 'camera.offline' && x.subject === `camera:${cam}`);
    }, 20_000);
    const gap = await until('a closed camera_down gap', () => {
      const g = sql(db, `SELECT start_90k, end_90k FROM gaps WHERE camera_id = ${cam} AND cause = 'camera_down' AND end_90k IS NOT NULL`);
      return g.length ? g[0] : null;
    }, 30_000, 500);
    const gapMs = (gap.end_90k - gap.start_90k) / 90;
    const downMs = Date.now() - stoppedAt;
    assert.ok(gapMs > 1000 && gapMs < downMs, `gap ${gapMs} ms within the ${downMs} ms the camera was away`);
    const logged = sql(db, "SELECT text FROM duty_log WHERE text LIKE 'Camera Cổng B - camera 02%'").map((r) => r.text);
    assert.ok(logged.some((t) => t.includes('mất tín hiệu')), `duty log: ${logged}`);
    assert.ok(logged.some((t) => t.includes('trở lại')), `duty log: ${logged}`);
    assert.equal(sql(db, `SELECT 1 FROM camera_outages WHERE camera_id = ${cam} AND ended_ms IS NOT NULL`).length, 1);
  });

  test('a camera sending a quarter of its frames is degraded, and online again when it recovers', async () => {
    // Camera 2: the kill -9 test below decodes every segment of camera 1, and frames sent without
    // the ones they refer to do not decode.
    const cam = cams[2];
    const get = async () => (await admin.request('GET', `/api/v1/cameras/${cam}`)).json;
    await until('camera 2 online', async () => (await get()).state === 'online', 30_000);
    await sim.control('slow 2 4');
    const degraded = await until('camera 2 degraded', async () => {
      const c = await get();
      return c.state === 'degraded' ? c : null;
    }, 40_000, 500);
    assert.ok(degraded.live.fps < 12.5, `measured ${degraded.live.fps} fps of a 25 fps camera`);
    await sim.control('slow 2 1');
    await until('camera 2 online again', async () => (await get()).state === 'online', 40_000, 500);
  });

  test('kill -9 in the middle of a segment: every file plays, index and files agree, little is lost', async () => {
    const cam = cams[1];
    const db = path.join(server.dataDir, 'watchfloor.db');
    const dir = path.join(server.dataDir, 'video', 'default', String(cam), 'main');
    // Into a segment: its file has been written for 1.5–3 s (at least one whole 1 s fragment, and
    // segments of ~6 s are far from their end), not committed yet.
    const seen = new Map();
    await until('a segment being written for 1.5 s', () => {
      if (!fs.existsSync(dir)) return false;
      const committed = new Set(sql(db, `SELECT seq FROM segments WHERE camera_id = ${cam}`).map((r) => r.seq));
      const now = Date.now();
      const open = fs.readdirSync(dir).filter((f) => f.endsWith('.mp4')).map((f) => Number(f.slice(0, 12))).filter((q) => !committed.has(q));
      for (const q of open) if (!seen.has(q)) seen.set(q, now);
      return open.some((q) => now - seen.get(q) >= 1500 && now - seen.get(q) <= 3000);
    }, 30_000, 100);
    const killedAt = Date.now();
    await server.kill9();
    server = await startServer({ config: { recorder: RECORDER }, dataDir: server.dataDir, demo: false });
    const pw = fs.readFileSync(path.join(server.dataDir, 'demo-logins.json'), 'utf8');
    admin = await login(server.url, 'admin.tchq', JSON.parse(pw).find((l) => l.username === 'admin.tchq').password);
    const recovered = sql(db, `SELECT seq, end_90k FROM segments WHERE camera_id = ${cam} AND flags & 1 = 1`);
    assert.equal(recovered.length, 1, 'the torn segment was cut back and indexed');
    await until('recording again', () => sql(db, `SELECT 1 FROM segments WHERE camera_id = ${cam} AND start_90k > ${recovered[0].end_90k}`).length > 0, 30_000, 500);
    const segs = sql(db, `SELECT seq, bytes, frames, start_90k, end_90k FROM segments WHERE camera_id = ${cam} ORDER BY seq`);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.mp4'));
    for (const s of segs) {
      const file = path.join(dir, String(s.seq).padStart(12, '0') + '.mp4');
      assert.equal(fs.statSync(file).size, s.bytes, `index and file agree for ${s.seq}`);
      assert.equal(frameCount(file).frames, s.frames);
    }
    assert.ok(files.length <= segs.length + 1, 'no file outside the index but the one being written');
    // Lost: from the last complete fragment (GOP of 1 s) to the restart, which the gap covers exactly.
    const gap = sql(db, `SELECT start_90k, end_90k, cause FROM gaps WHERE camera_id = ${cam} AND cause = 'recorder_down'`)[0];
    assert.ok(gap && gap.end_90k, 'the time the recorder was down is a gap');
    assert.equal(gap.start_90k, recovered[0].end_90k);
    const lostBeforeKill = killedAt - recovered[0].end_90k / 90;
    assert.ok(lostBeforeKill <= 1000 + 1000 / FPS + 500, `lost ${lostBeforeKill} ms before the kill: at most one fragment`);
  });
});
