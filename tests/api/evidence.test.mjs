// Evidence end to end against the camera simulator: a clip and a still attached to a reported case (holds
// placed), the case exported as a signed bundle with its progress to 100 on the creator's console, downloaded
// once with its link (the CLI verifies it), refused the second time (410) and for another account (404),
// and a bundle with one byte flipped failing verification with the file named. Bad input names the field and
// writes nothing.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, login, run, makeTempDir, sql } from './server.mjs';
import { openWs } from './ws-client.mjs';
import { startCamsim, until } from './camsim.mjs';
import { zipEntries } from './bundle.mjs';

const RECORDER = { segment_s: 6, rtsp_timeout_s: 2, offline_alert_s: 2, backoff_max_s: 2, retention_interval_s: 5 };

function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

let sim;

describe('evidence', { timeout: 300_000 }, () => {
  let server;
  let admin;
  let officer;
  let handler;
  let other;
  let camId;
  let caseId;
  let segs;
  const pw = (u) => server.logins.find((l) => l.username === u).password;

  before(async () => {
    sim = await startCamsim(['--cameras', '1', '--resolution', '360p', '--bitrate', '400', '--gop', '25']);
    server = await startServer({ config: { recorder: RECORDER, evidence: { max_clip_minutes: 2 } } });
    admin = await login(server.url, 'admin.tchq', pw('admin.tchq'));
    officer = await login(server.url, 'canbo.hpkv1', pw('canbo.hpkv1'));
    other = await login(server.url, 'truongca.hp', pw('truongca.hp'));
    const units = (await admin.get('/api/v1/units')).json;
    const unit = (units.items || units).find((u) => u.code === 'HP-CKKV1');
    const site = await admin.post('/api/v1/sites', { unit_id: unit.id, kind: 'seaport', name: 'Cảng Tân Vũ' });
    assert.equal(site.status, 201, site.text);
    const cam = await admin.post('/api/v1/cameras', { site_id: site.json.id, name: 'Cổng B - camera 01', main_url: sim.url(1) });
    assert.equal(cam.status, 201, cam.text);
    camId = cam.json.id;
    // A case reported from the camera; its recipients on the Hải Phòng duty watch act on it.
    const reported = await officer.post('/api/v1/cases', {
      unit_id: unit.id, observed_at: new Date(Date.now() - 60_000).toISOString(), site: 'Cổng B cảng Tân Vũ', subject: 'goods',
      description: 'Xe 15C-888.88 chở container rời bãi khi chưa thông quan', immediate_measure: 'Dừng xe tại cổng',
      cameras: [{ camera: 'Cổng B - camera 01', from: new Date(Date.now() - 60_000).toISOString(), to: new Date().toISOString() }],
      report: true,
    });
    assert.equal(reported.status, 201, reported.text);
    caseId = reported.json.id;
    segs = await until('three recorded segments', async () => {
      const rows = sql(path.join(server.dataDir, 'watchfloor.db'),
        `SELECT start_90k, end_90k FROM segments WHERE camera_id = ${camId} AND state = 'ok' ORDER BY seq`);
      return rows.length >= 3 ? rows : null;
    }, 90_000, 500);
    // A recipient who may also play the camera back.
    for (const r of reported.json.routing.recipients) {
      if (!server.logins.some((l) => l.username === r.username)) continue;
      const c = await login(server.url, r.username, pw(r.username));
      const probe = await c.get(`/api/v1/cameras/${camId}/recordings`);
      if (probe.status === 200 && r.username !== other.user.username) { handler = c; break; }
    }
    assert.ok(handler, 'a recipient of the case who may play the camera back');
  });

  after(async () => {
    if (server) await server.stop();
    if (sim) await sim.stop();
  });

  const ms = (t90k) => Math.round(t90k / 90);
  const iso = (t) => new Date(t).toISOString();

  test('bad input names the field, in Vietnamese and English, and writes nothing', async () => {
    const ev = `/api/v1/cases/${caseId}/evidence`;
    const db = path.join(server.dataDir, 'watchfloor.db');
    const start = ms(segs[0].start_90k);
    const holdsBefore = sql(db, 'SELECT COUNT(*) AS n FROM holds')[0].n;
    const cases = [
      [{ kind: 'clip', camera_id: camId, from: iso(start + 4000), to: iso(start + 2000) }, 'to'],
      [{ kind: 'clip', camera_id: 999999, from: iso(start), to: iso(start + 2000) }, 'camera_id'],
      [{ kind: 'clip', camera_id: camId, from: iso(start), to: iso(start + 3 * 60_000) }, 'to'],
      [{ kind: 'clip', camera_id: camId, from: '2020-01-01T00:00:00Z', to: '2020-01-01T00:01:00Z' }, 'from'],
      [{ kind: 'snapshot', camera_id: camId, at: '2020-01-01T00:00:00Z' }, 'at'],
      [{ kind: 'film', camera_id: camId }, 'kind'],
      [{ kind: 'clip', camera_id: camId, from: 'hôm qua', to: iso(start + 2000) }, 'from'],
    ];
    for (const [body, field] of cases) {
      const r = await handler.post(ev, body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.match(r.contentType, /application\/problem\+json/);
      assert.equal(r.json.errors[0].field, field, r.text);
      assert.ok(r.json.errors[0].message_vi && r.json.errors[0].message_en, r.text);
    }
    assert.equal((await handler.get(ev)).json.items.length, 0);
    assert.equal(sql(db, 'SELECT COUNT(*) AS n FROM holds')[0].n, holdsBefore);
    assert.deepEqual(filesUnder(path.join(server.dataDir, 'evidence')), []);
    const badExport = [
      [{ camera_id: camId, from: iso(start), to: iso(start + 3 * 60_000) }, 'to'],
      [{ camera_id: camId, from: '2020-01-01T00:00:00Z', to: '2020-01-01T00:01:00Z' }, 'from'],
      [{ camera_id: camId, from: iso(start), to: iso(start + 2000), snapshots: ['2020-01-01T00:00:00Z'] }, 'snapshots[0]'],
      [{ case_id: caseId }, 'case_id'],
      [{}, 'case_id'],
    ];
    for (const [body, field] of badExport) {
      const r = await handler.post('/api/v1/exports', body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.json.errors[0].field, field, r.text);
    }
    assert.equal((await handler.get('/api/v1/exports')).json.items.length, 0);
    assert.deepEqual(filesUnder(path.join(server.dataDir, 'exports')), []);
  });

  test('a clip and a still attached to the case, exported, downloaded once and verified; a flipped byte is named', async () => {
    const ev = `/api/v1/cases/${caseId}/evidence`;
    const start = ms(segs[0].start_90k);
    const to = ms(segs[1].end_90k) - 500;
    const clip = await handler.post(ev, { kind: 'clip', camera_id: camId, from: iso(start + 500), to: iso(to), note: 'Xe rời bãi' });
    assert.equal(clip.status, 201, clip.text);
    const still = await handler.post(ev, { kind: 'snapshot', camera_id: camId, at: iso(start + 3000), note: 'Biển số xe' });
    assert.equal(still.status, 201, still.text);
    assert.match(still.json.sha256, /^[0-9a-f]{64}$/);
    // The still is stored as it was, 0600; each placed a hold with the case's id.
    const stored = filesUnder(path.join(server.dataDir, 'evidence'));
    assert.equal(stored.length, 1);
    const jpeg = fs.readFileSync(path.join(server.dataDir, 'evidence', stored[0]));
    assert.equal(jpeg.subarray(0, 2).toString('hex'), 'ffd8');
    assert.equal(fs.statSync(path.join(server.dataDir, 'evidence', stored[0])).mode & 0o777, 0o600);
    const holds = (await handler.get(`/api/v1/holds?camera=${camId}`)).json.items.filter((h) => h.case_id === caseId);
    assert.equal(holds.length, 2, JSON.stringify(holds));
    const listed = (await officer.get(ev)).json.items;
    assert.deepEqual(listed.map((e) => e.kind).sort(), ['clip', 'snapshot']);
    // Only those who act on the case attach to it.
    assert.equal((await officer.post(ev, { kind: 'clip', camera_id: camId, from: iso(start + 500), to: iso(to) })).status, 403);

    const ws = await openWs(server.url, handler.cookie);
    await ws.next((m) => m.type === 'hello');
    const job = await handler.post('/api/v1/exports', { case_id: caseId });
    assert.equal(job.status, 202, job.text);
    const done = await until('the export to finish', async () => {
      const j = (await handler.get(`/api/v1/exports/${job.json.id}`)).json;
      assert.notEqual(j.state, 'failed', JSON.stringify(j));
      return j.state === 'done' ? j : null;
    }, 60_000, 200);
    assert.equal(done.progress, 100);
    await ws.next((m) => m.type === 'event' && m.topic === 'export.progress' && m.payload.id === job.json.id && m.payload.progress === 100,
      { timeout: 5000, what: 'the export at 100 % on its creator\'s console' });
    ws.drop();
    assert.ok(done.download_url, JSON.stringify(done));
    // Someone else's export is not theirs to see, nor to download.
    assert.equal((await other.get(`/api/v1/exports/${job.json.id}`)).status, 404);
    assert.equal((await other.get(done.download_url)).status, 404);

    const res = await fetch(server.url + done.download_url, { headers: { cookie: handler.cookie } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    const zip = Buffer.from(await res.arrayBuffer());
    const dir = makeTempDir('wf-bundle-');
    const file = path.join(dir, 'bundle.zip');
    fs.writeFileSync(file, zip);
    const names = zipEntries(zip).map((e) => e.name);
    assert.deepEqual(names.filter((n) => n.endsWith('.mp4')).length, 1, names.join());
    assert.deepEqual(names.filter((n) => n.endsWith('.jpg')).length, 1, names.join());
    assert.ok(names.includes('manifest.json') && names.includes('manifest.sig'));
    const manifestEntry = zipEntries(zip).find((e) => e.name === 'manifest.json');
    const manifest = JSON.parse(zip.subarray(manifestEntry.data, manifestEntry.data + manifestEntry.size).toString('utf8'));
    assert.equal(manifest.case.id, caseId);
    assert.equal(manifest.camera.id, camId);
    assert.match(manifest.time_range.from, /\+07:00$/, 'in the unit\'s zone');
    assert.equal(manifest.exported_by.username, handler.user.username);
    assert.equal(manifest.watermark, null);
    assert.equal(manifest.files.length, 2);
    // The clip is the recording's bytes: the same as playback of the same range.
    const mp4Entry = zipEntries(zip).find((e) => e.name.endsWith('.mp4'));
    const played = await fetch(`${server.url}/api/v1/cameras/${camId}/media.mp4?from=${iso(start + 500)}&to=${iso(to)}`, { headers: { cookie: handler.cookie } });
    assert.ok(Buffer.from(await played.arrayBuffer()).equals(zip.subarray(mp4Entry.data, mp4Entry.data + mp4Entry.size)));

    const ok = run(['evidence', 'verify', file]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^OK: signed by key [0-9a-f]{16} .*2 files/);
    const mine = run(['evidence', 'verify', file, '--data', server.dataDir]);
    assert.equal(mine.status, 0, mine.stdout + mine.stderr);
    assert.match(mine.stdout, /this installation's key/);
    const api = await other.request('POST', '/api/v1/evidence/verify', zip, { headers: { 'Content-Type': 'application/zip' } });
    assert.equal(api.status, 200, api.text);
    assert.equal(api.json.ok, true, api.text);
    assert.equal(api.json.signed_by_this_installation, true);

    // The link was for one download.
    const again = await handler.get(done.download_url);
    assert.equal(again.status, 410);
    assert.equal(again.json.type, 'urn:watchfloor:problem:export-link-used');
    assert.ok(again.json.title_vi);
    const audit = (await admin.get(`/api/v1/audit?object_id=${job.json.id}`)).json.items.map((e) => e.action);
    for (const a of ['evidence.export', 'evidence.export.download', 'evidence.export.download_refused'])
      assert.ok(audit.includes(a), `${a} in ${audit}`);

    // One byte flipped inside the clip: the CLI names the clip and exits 1; so does the API.
    const flipped = Buffer.from(zip);
    flipped[mp4Entry.data + Math.floor(mp4Entry.size / 2)] ^= 0x01;
    const bad = path.join(dir, 'flipped.zip');
    fs.writeFileSync(bad, flipped);
    const v = run(['evidence', 'verify', bad]);
    assert.equal(v.status, 1, v.stdout);
    assert.match(v.stdout, new RegExp(`FAILED: ${mp4Entry.name}: .*SHA-256`));
    const apiBad = await other.request('POST', '/api/v1/evidence/verify', flipped, { headers: { 'Content-Type': 'application/zip' } });
    assert.equal(apiBad.json.ok, false);
    assert.deepEqual(apiBad.json.files.filter((f) => !f.ok).map((f) => f.name), [mp4Entry.name]);
    assert.ok(apiBad.json.reason_vi.includes(mp4Entry.name));

    // Removing the clip (with a reason) releases its hold.
    const noReason = await handler.del(`${ev}/${clip.json.id}`);
    assert.equal(noReason.status, 400);
    const removed = await handler.request('DELETE', `${ev}/${clip.json.id}`, { reason: 'Trùng với đoạn khác' });
    assert.equal(removed.status, 200, removed.text);
    const hold = (await handler.get(`/api/v1/holds?camera=${camId}`)).json.items.find((h) => h.id === clip.json.hold_id);
    assert.ok(hold.released_at || hold.released_ms || hold.released, JSON.stringify(hold));
  });
});
