// Recorder nodes (issue 16; video/nodes.h, docs/deploy.md §3): two API servers and two recorder nodes on one
// PostgreSQL store record six simulated cameras split across the nodes; a clip and a still of each play through
// either API server (proxied to the node that holds them, permissions and audit in the API server); a node killed
// with kill -9 raises `recorder.down` within 30 s, its standby takes its cameras over, and the time nobody recorded
// is a gap; a node with no standby leaves its cameras `recorder_down`; a node back takes its cameras home.
// Runs in the PostgreSQL pass only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, login, makeClient, makeTempDir, onPostgres } from './server.mjs';
import { freePort, startCamsim, until } from './camsim.mjs';
import { connectWs } from './ws-client.mjs';

const RECORDER = { segment_s: 4, rtsp_timeout_s: 2, offline_alert_s: 2, backoff_max_s: 2, retention_interval_s: 5 };

// A binary answer (a clip, a still) as the browser gets it.
async function download(client, p) {
  const res = await fetch(client.url + p, { headers: { Cookie: client.cookie }, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

function ffprobeFrames(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries',
    'stream=nb_read_frames', '-of', 'json', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(JSON.parse(r.stdout).streams[0].nb_read_frames);
}

describe('recorder nodes', { skip: !onPostgres && 'needs PostgreSQL (the PostgreSQL pass)', timeout: 400_000 }, () => {
  let sim, a, b, admin, onB;
  const nodes = {};  // name -> {id, key, port, proc, dir}
  const cams = [];   // {id, node}

  // A data directory with the cluster's keys: camera credentials are sealed with secret.key.
  const keyedDir = () => {
    const dir = makeTempDir();
    for (const key of ['secret.key', 'signing.key'])
      if (fs.existsSync(path.join(a.dataDir, key))) fs.copyFileSync(path.join(a.dataDir, key), path.join(dir, key));
    return dir;
  };
  const startNode = async (name) => {
    const n = nodes[name];
    n.proc = await startServer({ node: true, dataDir: n.dir, storeOf: a.dataDir,
      config: { node: { name, key: n.key, listen: `127.0.0.1:${n.port}` }, recorder: RECORDER } });
  };
  const camera = async (client, id) => {
    const r = await client.get(`/api/v1/cameras/${id}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const openAlert = async (name) =>
    (await admin.get('/api/v1/alerts')).json.items.find((x) => x.kind === 'recorder.down' && x.details.node === name);

  before(async () => {
    sim = await startCamsim(['--cameras', '6', '--resolution', '360p', '--bitrate', '300', '--gop', '25',
      '--user', 'viewer', '--password', 'Cam-pass-1']);
    a = await startServer({ demo: true, config: { recorder: RECORDER } });
    b = await startServer({ demo: false, dataDir: keyedDir(), storeOf: a.dataDir, config: { recorder: { enabled: false } } });
    admin = await login(a.url, 'admin.tchq', a.logins.find((l) => l.username === 'admin.tchq').password);
    onB = makeClient(b.url, admin.cookie, admin.csrf);
    // hp-node-2 stands in for hp-node-1.
    for (const [name, capacity, standby] of [['hp-node-2', 6, null], ['hp-node-1', 3, 'hp-node-2']]) {
      const port = await freePort();
      const r = await admin.post('/api/v1/recorder-nodes', {
        name, address: `127.0.0.1:${port}`, capacity, standby_node_id: standby ? nodes[standby].id : null });
      assert.equal(r.status, 201, r.text);
      nodes[name] = { id: r.json.node.id, key: r.json.key, port, dir: keyedDir() };
    }
    await Promise.all(Object.keys(nodes).map(startNode));
    const units = (await admin.get('/api/v1/units')).json.items;
    const site = await admin.post('/api/v1/sites', {
      unit_id: units.find((u) => u.code === 'HP-CKKV1').id, kind: 'seaport', name: 'Cảng Tân Vũ - máy ghi riêng' });
    assert.equal(site.status, 201, site.text);
    for (let k = 1; k <= 6; k++) {
      const node = k % 2 ? 'hp-node-1' : 'hp-node-2';
      const c = await (k % 2 ? admin : onB).post('/api/v1/cameras', {
        site_id: site.json.id, name: `Cổng ${k}`, main_url: sim.url(k), username: 'viewer', password: 'Cam-pass-1',
        node_id: nodes[node].id });
      assert.equal(c.status, 201, c.text);
      cams.push({ id: c.json.id, node });
    }
  });

  after(async () => {
    for (const n of Object.values(nodes)) await n.proc?.stop();
    await b?.stop();
    await a?.stop();
    await sim?.stop();
  });

  test('each node records the cameras given to it, and either API server shows them', async () => {
    for (const c of cams) {
      const seen = await until(`camera ${c.id} recording on ${c.node}`, async () => {
        const j = await camera(c.id % 2 ? admin : onB, c.id);
        if (process.env.DEBUG_NODES) console.log(JSON.stringify(j));
        return j.state === 'online' && j.live.recording && j.recording_node_name === c.node && j;
      }, 60_000, 500);
      assert.equal(seen.node_name, c.node);
    }
    const list = (await onB.get('/api/v1/recorder-nodes')).json.items;
    for (const name of Object.keys(nodes)) {
      const n = list.find((x) => x.name === name);
      assert.equal(n.state, 'up');
      assert.equal(n.recording, 3);
      assert.ok(n.disk_total_bytes > 0 && n.sample_dirs[0].endsWith(`node-${name}`), JSON.stringify(n));
    }
    // The recordings are in each node's own directory, not in the API server's.
    for (const c of cams)
      assert.ok(fs.existsSync(path.join(nodes[c.node].dir, 'video', `node-${c.node}`, String(c.id), 'main')));
    assert.ok(!fs.existsSync(path.join(a.dataDir, 'video', 'default', String(cams[0].id))));
  });

  test('a clip and a still of each camera play through either API server, audited there', async () => {
    for (const [i, c] of cams.entries()) {
      const client = i % 2 ? onB : admin;
      const rec = await until(`a segment of camera ${c.id}`, async () => {
        const r = await client.get(`/api/v1/cameras/${c.id}/recordings`);
        return r.status === 200 && r.json.segments.find((s) => s.bytes > 0) && r.json;
      }, 40_000, 500);
      const seg = rec.segments.find((s) => s.bytes > 0);
      const clip = await download(client, `/api/v1/cameras/${c.id}/media.mp4?from=${seg.start}&to=${seg.end}`);
      assert.equal(clip.status, 200, clip.body.toString());
      assert.equal(clip.type, 'video/mp4');
      const file = path.join(makeTempDir(), 'clip.mp4');
      fs.writeFileSync(file, clip.body);
      assert.ok(ffprobeFrames(file) >= 25, `camera ${c.id}: a playable clip`);
      const still = await download(client, `/api/v1/cameras/${c.id}/snapshot.jpg?at=${seg.start}`);
      assert.equal(still.status, 200, still.body.toString());
      assert.equal(still.type, 'image/jpeg');
    }
    const audit = await admin.get(`/api/v1/audit?action=video.playback&object_id=${cams[1].id}`);
    assert.equal(audit.status, 200, audit.text);
    assert.ok(audit.json.items.length >= 1, 'the playback is audited by the API server that served it');
  });

  test('live view of a node\'s camera through either API server: hello there, video from the node', async () => {
    for (const [client, c] of [[admin, cams[0]], [onB, cams[1]]]) {
      const r = await connectWs(client.url, `/api/v1/cameras/${c.id}/live?stream=main`, { cookie: client.cookie });
      assert.ok(r.ok, `${r.status} ${r.text}`);
      const hello = await r.ws.next((m) => m.type === 'hello');
      assert.equal(hello.camera_id, c.id);
      assert.equal((await r.ws.next((m) => m.type === 'state')).state, 'online');
      assert.match((await r.ws.next((m) => m.type === 'init')).codec, /^avc1\./);
      await until('video fragments from the node', () => r.ws.messages.filter((m) => m.binary).length >= 10, 10_000, 50);
      assert.equal(r.ws.messages.find((m) => m.binary).binary.toString('latin1', 4, 8), 'ftyp', 'the init segment first');
      await r.ws.close();
    }
    const audit = await admin.get(`/api/v1/audit?action=video.live&object_id=${cams[1].id}&limit=10`);
    assert.ok(audit.json.items.some((e) => e.action === 'video.live.start'), 'the view is audited by the API server');
  });

  test('a node killed with kill -9: an alert within 30 s, its standby takes its cameras over, the gap is recorded', async () => {
    const n1 = cams.filter((c) => c.node === 'hp-node-1');
    const killedAt = Date.now();
    await nodes['hp-node-1'].proc.kill9();
    const alert = await until('recorder.down for hp-node-1', () => openAlert('hp-node-1'), 40_000, 500);
    const took = Date.now() - killedAt;
    console.log(`nodes: recorder.down ${took} ms after kill -9`);
    assert.ok(took < 30_000, `alert after ${took} ms`);
    assert.equal(alert.details.standby, 'hp-node-2');
    for (const c of n1) {
      await until(`camera ${c.id} taken over by hp-node-2`, async () => {
        const j = await camera(onB, c.id);
        return j.recording_node_name === 'hp-node-2' && j.node_name === 'hp-node-1' && j.state === 'online' && j.live.recording;
      }, 30_000, 500);
    }
    // The time between the dead node's last segment and the standby's first is a gap of cause recorder_down,
    // and recording goes on after it.
    const c = n1[0];
    const rec = await until('the standby\'s first segment', async () => {
      const r = await admin.get(`/api/v1/cameras/${c.id}/recordings?from=${new Date(killedAt - 120_000).toISOString()}&to=${new Date().toISOString()}`);
      const gap = r.json.gaps.find((g) => g.cause === 'recorder_down' && g.end);
      return gap && r.json.segments.some((s) => s.start >= gap.end && s.bytes > 0) && { ...r.json, gap };
    }, 30_000, 1000);
    assert.ok(Date.parse(rec.gap.start) <= killedAt, 'the gap starts at the last segment the node committed');
    assert.ok(Date.parse(rec.gap.end) > killedAt, 'and ends when the standby recorded again');
  });

  test('a node with no standby leaves its cameras recorder_down; a node back takes its own home', async () => {
    await nodes['hp-node-2'].proc.kill9();
    await until('recorder.down for hp-node-2', () => openAlert('hp-node-2'), 40_000, 500);
    for (const c of cams)
      await until(`camera ${c.id} recorder_down`, async () => (await camera(admin, c.id)).state === 'recorder_down', 30_000, 500);
    const still = await download(admin, `/api/v1/cameras/${cams[1].id}/snapshot.jpg`);
    assert.equal(still.status, 503, 'the node holding it does not answer');
    await startNode('hp-node-1');
    for (const c of cams.filter((x) => x.node === 'hp-node-1'))
      await until(`camera ${c.id} home on hp-node-1`, async () => {
        const j = await camera(onB, c.id);
        return j.recording_node_name === 'hp-node-1' && j.state === 'online' && j;
      }, 60_000, 500);
    await until('the alert for hp-node-1 closed', async () => !(await openAlert('hp-node-1')), 30_000, 500);
  });
});
