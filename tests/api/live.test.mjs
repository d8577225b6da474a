// Live view end to end against the camera simulator: the WebSocket sends the init segment and then
// one fMP4 fragment per frame that ffmpeg decodes; several viewers share the recorder's one RTSP
// connection; the sub stream is ingested only while watched; a camera that stops and returns is a
// state message and a new init on the same socket; instant replay reaches the segment still being
// written; every view is audited with who, when and from where.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, login, sleep } from './server.mjs';
import { startCamsim, until } from './camsim.mjs';
import { connectWs } from './ws-client.mjs';

// Established TCP connections to the simulator's port: one per RTSP session.
function rtspConnections(port) {
  const r = spawnSync('ss', ['-Htn', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l.trim()).length;
}

function decode(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0',
    '-show_entries', 'stream=nb_read_frames,width,height,codec_name', '-of', 'json', file], { encoding: 'utf8' });
  return { ok: r.status === 0 && r.stderr.trim() === '', err: r.stderr, stream: r.status === 0 ? JSON.parse(r.stdout).streams[0] : null };
}

// The fields of a live fragment the console uses: prft wall time, tfdt, and whether it is a keyframe.
function fragmentInfo(buf) {
  assert.equal(buf.toString('latin1', 4, 8), 'prft');
  const ntpSeconds = buf.readUInt32BE(16);
  const ntpFraction = buf.readUInt32BE(20);
  const wallMs = (ntpSeconds - 2208988800) * 1000 + Math.floor((ntpFraction / 2 ** 32) * 1000);
  const tfdt = Number(buf.readBigUInt64BE(buf.indexOf('tfdt', 0, 'latin1') + 8));
  const trun = buf.indexOf('trun', 0, 'latin1');
  const count = buf.readUInt32BE(trun + 8);
  const flags = buf.readUInt32BE(trun + 12 + 4 + 8);  // after data_offset: duration, size, flags
  return { wallMs, tfdt, count, key: (flags & 0x10000) === 0 };
}

describe('live view', { timeout: 240_000 }, () => {
  let sim;
  let simPort;  // the simulator's RTSP port, to count the connections to it
  let server;
  let admin;
  let officer;
  let camId;

  const live = (client, id, stream = 'main') =>
    connectWs(server.url, `/api/v1/cameras/${id}/live?stream=${stream}`, { cookie: client.cookie });
  const media = (ws) => ws.messages.filter((m) => m.binary).map((m) => m.binary);
  const clip = async (client, query) => {
    const res = await fetch(`${server.url}/api/v1/cameras/${camId}/media.mp4?${query}`, { headers: { Cookie: client.cookie } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };

  before(async () => {
    sim = await startCamsim(['--cameras', '2', '--resolution', '360p', '--bitrate', '500', '--gop', '25', '--sub'], { control: true });
    simPort = sim.port;
    // Long segments: instant replay must reach frames that are not committed yet.
    server = await startServer({ config: { recorder: { segment_s: 60, rtsp_timeout_s: 2, backoff_max_s: 1 } } });
    const pw = (u) => server.logins.find((l) => l.username === u).password;
    admin = await login(server.url, 'admin.tchq', pw('admin.tchq'));
    officer = await login(server.url, 'truongca.hp', pw('truongca.hp'));
    const units = (await admin.request('GET', '/api/v1/units')).json;
    const unit = (units.items || units).find((u) => u.code === 'HP-CKKV1');
    const site = await admin.request('POST', '/api/v1/sites', { unit_id: unit.id, kind: 'seaport', name: 'Cảng Tân Vũ' });
    assert.equal(site.status, 201, site.text);
    const c = await admin.request('POST', '/api/v1/cameras', {
      site_id: site.json.id, name: 'Cổng B - làn xe ra', main_url: sim.url(1), sub_url: sim.url(1, 'sub'),
    });
    assert.equal(c.status, 201, c.text);
    camId = c.json.id;
    await until('camera online', async () => (await admin.request('GET', `/api/v1/cameras/${camId}`)).json.state === 'online');
  });

  after(async () => {
    if (server) await server.stop();
    if (sim) await sim.stop();
  });

  test('a viewer gets the init and then one decodable fragment per frame, starting at a keyframe', async () => {
    const opened = Date.now();
    const r = await live(officer, camId);
    assert.ok(r.ok, `${r.status} ${r.text}`);
    const ws = r.ws;
    const hello = await ws.next((m) => m.type === 'hello');
    assert.equal(hello.camera, 'Cổng B - làn xe ra');
    assert.equal(hello.site, 'Cảng Tân Vũ');
    assert.equal(hello.stream, 'main');
    const state = await ws.next((m) => m.type === 'state');
    assert.equal(state.state, 'online');
    const init = await ws.next((m) => m.type === 'init');
    assert.match(init.codec, /^avc1\./);
    assert.deepEqual([init.width, init.height], [640, 360]);
    // The current GOP comes at once: the first frame is there without waiting for the next keyframe.
    await until('the first fragment', () => media(ws).length >= 2, 5000, 20);
    const firstFrameMs = Date.now() - opened;
    await sleep(3000);
    const bins = media(ws);
    assert.equal(bins[0].toString('latin1', 4, 8), 'ftyp', 'the init segment first');
    const frags = bins.slice(1).map(fragmentInfo);
    assert.ok(frags[0].key, 'starts at a keyframe');
    assert.ok(frags.every((f) => f.count === 1), 'one frame per fragment');
    for (let i = 1; i < frags.length; i++) assert.ok(frags[i].tfdt > frags[i - 1].tfdt, 'decode times increase');
    assert.ok(frags.length >= 60, `about 25 fps for 3 s: ${frags.length}`);
    const last = frags[frags.length - 1];
    assert.ok(Math.abs(Date.now() - last.wallMs) < 2000, `prft is the server's receipt time: ${Date.now() - last.wallMs} ms`);
    const file = path.join(os.tmpdir(), `wf-live-${process.pid}.mp4`);
    fs.writeFileSync(file, Buffer.concat(bins));
    const d = decode(file);
    fs.rmSync(file);
    assert.ok(d.ok, d.err);
    assert.equal(d.stream.nb_read_frames, String(frags.length), 'every fragment decodes');
    ws.send({ type: 'ping' });
    await ws.next((m) => m.type === 'pong');
    await ws.close();
    console.log(`live: first fragment after ${firstFrameMs} ms`);
  });

  test('five viewers share the recorder\'s one RTSP session; the sub stream is ingested while watched', async () => {
    assert.equal(rtspConnections(simPort), 1, 'the recorder alone');
    const viewers = [];
    for (let i = 0; i < 5; i++) {
      const r = await live(i % 2 ? admin : officer, camId);
      assert.ok(r.ok, r.text);
      viewers.push(r.ws);
    }
    await until('every viewer has frames', () => viewers.every((v) => media(v).length > 10), 10_000);
    assert.equal(rtspConnections(simPort), 1, 'no RTSP session per viewer');
    const sub = await live(officer, camId, 'sub');
    assert.ok(sub.ok, sub.text);
    const init = await sub.ws.next((m) => m.type === 'init', { timeout: 10_000 });
    assert.deepEqual([init.width, init.height], [640, 360]);
    await until('sub frames', () => media(sub.ws).length > 5, 10_000);
    assert.equal(rtspConnections(simPort), 2, 'main and sub');
    const sub2 = await live(admin, camId, 'sub');
    assert.ok(sub2.ok);
    await until('second sub viewer frames', () => media(sub2.ws).length > 5, 10_000);
    assert.equal(rtspConnections(simPort), 2, 'the sub stream is shared too');
    for (const v of [...viewers, sub.ws, sub2.ws]) await v.close();
    const noSub = await admin.request('GET', `/api/v1/cameras/${camId}`);
    assert.equal(noSub.status, 200);
  });

  test('a camera that stops and returns is a state message and a new init on the same socket', async () => {
    const r = await live(officer, camId);
    assert.ok(r.ok);
    const ws = r.ws;
    await ws.next((m) => m.type === 'init', { timeout: 5000 });
    const before = ws.messages.length;
    await sim.control('stop 1');
    const down = await ws.next((m) => m.type === 'state' && m.state === 'offline', { from: before, timeout: 15_000 });
    assert.ok(down.reason && down.reason.vi, JSON.stringify(down));
    await sim.control('start 1');
    await ws.next((m) => m.type === 'state' && m.state === 'online', { from: before, timeout: 15_000, what: 'online again' });
    const again = ws.messages.length;
    await ws.next((m) => m.type === 'init', { from: before, timeout: 5000 });
    await until('frames after the return', () => ws.messages.slice(again).some((m) => m.binary && m.binary.toString('latin1', 4, 8) === 'prft'), 10_000);
    await ws.close();
  });

  test('instant replay plays the last seconds from the segment being written', async () => {
    const now = Date.now();
    const from = new Date(now - 10_000).toISOString();
    const res = await clip(officer, `from=${from}&to=${new Date(now).toISOString()}`);
    assert.equal(res.status, 200, res.body.toString());
    const end = res.headers.get('x-recording-end');
    assert.ok(end, 'X-Recording-End tells where the clip ends');
    assert.ok(now - Date.parse(end) < 5000, `the clip reaches the last seconds: ends ${now - Date.parse(end)} ms ago`);
    const file = path.join(os.tmpdir(), `wf-replay-${process.pid}.mp4`);
    fs.writeFileSync(file, res.body);
    const d = decode(file);
    fs.rmSync(file);
    assert.ok(d.ok, d.err);
    assert.ok(Number(d.stream.nb_read_frames) >= 25, `frames: ${d.stream.nb_read_frames}`);
    // Asked again up to X-Recording-End after more was recorded: the same bytes (a player's Range requests).
    const first = await clip(officer, `from=${from}&to=${end}`);
    await sleep(2500);
    const again = await clip(officer, `from=${from}&to=${end}`);
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('etag'), first.headers.get('etag'));
    assert.ok(again.body.equals(first.body));
  });

  test('the sub stream is recorded when the camera says so, and played back and replayed on its own', async () => {
    const bad = await admin.request('POST', '/api/v1/cameras', { site_id: (await admin.request('GET', `/api/v1/cameras/${camId}`)).json.site_id,
      name: 'không có luồng phụ', main_url: sim.url(2), record_sub: true });
    assert.equal(bad.status, 400);
    assert.ok(bad.json.errors.some((e) => e.field === 'record_sub'), bad.text);
    const on = await admin.request('PATCH', `/api/v1/cameras/${camId}`, { record_sub: true, sub_retention_days: 3 });
    assert.equal(on.status, 200, on.text);
    assert.equal(on.json.record_sub, true);
    assert.equal(on.json.sub_retention_days, 3);
    await until('the sub stream recording', async () => {
      const r = await officer.request('GET', `/api/v1/cameras/${camId}/recordings?stream=sub`);
      return r.status === 200 && r.json.segments.length > 0 && r.json.segments.at(-1).live;
    });
    await sleep(4000);
    const now = Date.now();
    const res = await clip(officer, `stream=sub&from=${new Date(now - 3000).toISOString()}&to=${new Date(now).toISOString()}`);
    assert.equal(res.status, 200, res.body.toString());
    const file = path.join(os.tmpdir(), `wf-sub-${process.pid}.mp4`);
    fs.writeFileSync(file, res.body);
    const d = decode(file);
    fs.rmSync(file);
    assert.ok(d.ok, d.err);
    assert.ok(Number(d.stream.nb_read_frames) >= 25);
    const main = await clip(officer, `from=${new Date(now - 3000).toISOString()}&to=${new Date(now).toISOString()}`);
    assert.notEqual(main.headers.get('etag'), res.headers.get('etag'), 'two streams, two recordings');
    assert.equal((await clip(officer, 'stream=hd')).status, 400);
  });

  test('who may watch, and every view audited with when and from where', async () => {
    const pw = (u) => server.logins.find((l) => l.username === u).password;
    const other = await login(server.url, 'trucban.ls', pw('trucban.ls'));
    const refused = await live(other, camId);
    assert.equal(refused.ok, false);
    assert.equal(refused.status, 404, 'another province does not see this camera');
    const sector = await login(server.url, 'canbo.gstt', pw('canbo.gstt'));
    const r = await live(sector, camId);
    assert.ok(r.ok, `the Online Customs Supervision Division watches every camera: ${r.status} ${r.text}`);
    await r.ws.next((m) => m.type === 'init', { timeout: 5000 });
    await sleep(1200);
    await r.ws.close();
    const noOrigin = await connectWs(server.url, `/api/v1/cameras/${camId}/live`, { cookie: officer.cookie, origin: 'http://evil.example' });
    assert.equal(noOrigin.status, 403);
    const entries = await until('the end of the view audited', async () => {
      const a = await admin.request('GET', `/api/v1/audit?action=video.live&object_id=${camId}&limit=100`);
      const items = a.json.items.filter((e) => e.actor === 'canbo.gstt');
      return items.length >= 2 && items;
    });
    const start = entries.find((e) => e.action === 'video.live.start');
    const end = entries.find((e) => e.action === 'video.live.end');
    assert.ok(start && end, JSON.stringify(entries));
    assert.equal(start.ip, '127.0.0.1');
    assert.equal(end.details.stream, 'main');
    assert.ok(end.details.seconds >= 1, JSON.stringify(end.details));
    assert.ok(Date.parse(end.details.to) > Date.parse(end.details.from));
  });
});
