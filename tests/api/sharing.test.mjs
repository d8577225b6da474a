// Art. 16.3 end to end against the camera simulator: Lạng Sơn asks Hải Phòng for live view and recordings of one
// camera inside their coordination regulation; Hải Phòng's leadership approves; the requester plays the granted
// recordings (a clip ffprobe decodes) and watches live, each use audited with the grant's id; a download under a
// view grant is refused saying so; revoking the grant closes the open live view (4403) and refuses what follows.
// Under a download grant, an export is a signed bundle naming the grant, its clip watermarked with the requester.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, login, run } from './server.mjs';
import { zipEntries } from './bundle.mjs';
import { startCamsim, until } from './camsim.mjs';
import { connectWs } from './ws-client.mjs';

describe('data sharing under a grant', { timeout: 180_000 }, () => {
  let sim;
  let server;
  let admin;
  let decider;
  let requester;
  let camId;
  let recordedFrom;

  before(async () => {
    sim = await startCamsim(['--cameras', '1', '--resolution', '360p', '--bitrate', '500', '--gop', '25']);
    server = await startServer({ config: { recorder: { segment_s: 4, rtsp_timeout_s: 2, backoff_max_s: 1 } } });
    const pw = (u) => server.logins.find((l) => l.username === u).password;
    admin = await login(server.url, 'admin.tchq', pw('admin.tchq'));
    decider = await login(server.url, 'lanhdao.hp', pw('lanhdao.hp'));
    requester = await login(server.url, 'trucban.ls', pw('trucban.ls'));
    const units = (await admin.get('/api/v1/units')).json;
    const unit = (code) => (units.items || units).find((u) => u.code === code).id;
    const rel = await admin.post('/api/v1/working-relationships', {
      unit_id: unit('HP'), partner_unit_id: unit('LS'), basis_kind: 'regulation', basis_number: '38/QCPH-HQHP-HQLS',
      basis_date: '2025-01-10', basis_title: 'Quy chế phối hợp giám sát hàng quá cảnh', data_types: ['live', 'recordings'],
      download: true, valid_from: '2025-01-10', valid_to: null,
    });
    assert.equal(rel.status, 201, rel.text);
    const site = await admin.post('/api/v1/sites', { unit_id: unit('HP-CKKV1'), kind: 'seaport', name: 'Cảng Tân Vũ' });
    assert.equal(site.status, 201, site.text);
    const c = await admin.post('/api/v1/cameras', { site_id: site.json.id, name: 'Cổng B - làn xe ra', main_url: sim.url(1) });
    assert.equal(c.status, 201, c.text);
    camId = c.json.id;
    await until('camera online', async () => (await admin.get(`/api/v1/cameras/${camId}`)).json.state === 'online', 60_000);
    recordedFrom = new Date();
    // Some seconds recorded after that.
    await until('recordings', async () => {
      const r = await admin.get(`/api/v1/cameras/${camId}/recordings`);
      return r.json.segments.some((s) => Date.parse(s.end) - recordedFrom.getTime() >= 6000);
    }, 60_000);
  });

  after(async () => {
    if (server) await server.stop();
    if (sim) await sim.stop();
  });

  test('the requester gets exactly what was decided, and loses it at once when it is revoked', async () => {
    assert.equal((await requester.get(`/api/v1/cameras/${camId}`)).status, 404, 'another province: not before a grant');
    const to = new Date();
    const filed = await requester.post('/api/v1/data-requests', {
      purpose: 'Giám sát lô hàng quá cảnh chuyển cửa khẩu Hữu Nghị', reference: 'Tờ trình số 57/TTr-HQLS',
      data_types: ['live', 'recordings'], camera_ids: [camId], from: recordedFrom.toISOString(), to: to.toISOString(),
      mode: 'view', access_days: 3,
    });
    assert.equal(filed.status, 201, filed.text);
    assert.equal(filed.json.routing.route, 'operating_unit');
    assert.match(filed.json.routing.explanation_vi, /38\/QCPH-HQHP-HQLS/);
    const decided = await decider.post(`/api/v1/data-requests/${filed.json.id}/decide`,
      { decision: 'approve', reasons: 'Phù hợp Quy chế phối hợp' });
    assert.equal(decided.status, 200, decided.text);
    const grantId = decided.json.grant_id;
    assert.ok(grantId);

    // Inside the grant: a clip that decodes.
    const from = new Date(recordedFrom.getTime() + 1000).toISOString();
    const until4 = new Date(recordedFrom.getTime() + 4000).toISOString();
    const clip = await fetch(`${server.url}/api/v1/cameras/${camId}/media.mp4?from=${from}&to=${until4}`, { headers: { Cookie: requester.cookie } });
    assert.equal(clip.status, 200, await clip.clone().text());
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wf-share-')), 'clip.mp4');
    fs.writeFileSync(file, Buffer.from(await clip.arrayBuffer()));
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' });
    assert.equal(probe.status, 0, probe.stderr);
    assert.ok(Number(probe.stdout.trim()) > 10, `frames: ${probe.stdout}`);

    // Outside what was decided: refused, saying why, in Vietnamese and English.
    const download = await requester.get(`/api/v1/cameras/${camId}/media.mp4?from=${from}&to=${until4}&download=1`);
    assert.equal(download.status, 403);
    assert.match(download.contentType, /problem\+json/);
    assert.match(download.json.type, /grant-mode/);
    assert.match(download.json.title_vi, /chỉ cho phép xem/);
    const later = new Date(Date.now() + 1000).toISOString();
    const outside = await requester.get(`/api/v1/cameras/${camId}/media.mp4?from=${to.toISOString()}&to=${later}`);
    assert.equal(outside.status, 403);
    assert.match(outside.json.type, /grant-outside-range/);

    // Live, through the grant; revoked: the view ends with 4403 at its next check.
    const opened = await connectWs(server.url, `/api/v1/cameras/${camId}/live`, { cookie: requester.cookie });
    assert.ok(opened.ok, opened.text);
    const { ws } = opened;
    await ws.next((m) => m.binary, { timeout: 10_000, what: 'live media' });
    const revoked = await decider.post(`/api/v1/grants/${grantId}/revoke`, { reason: 'Đã hoàn thành giám sát lô hàng' });
    assert.equal(revoked.status, 200, revoked.text);
    const closed = await Promise.race([ws.closed, new Promise((r) => setTimeout(() => r({ code: 'still open' }), 10_000))]);
    assert.equal(closed.code, 4403, 'the open live view stops');
    const after = await requester.get(`/api/v1/cameras/${camId}/media.mp4?from=${from}&to=${until4}`);
    assert.equal(after.status, 403);
    assert.match(after.json.type, /grant-revoked/);

    // Every use audited with the grant's id, every refusal too.
    const uses = (await admin.get(`/api/v1/audit?action=video.&object_id=${camId}&limit=100`)).json.items
      .filter((e) => e.actor === 'trucban.ls');
    for (const action of ['video.playback', 'video.live.start']) {
      const e = uses.find((x) => x.action === action);
      assert.ok(e, `${action} audited: ${JSON.stringify(uses.map((x) => x.action))}`);
      assert.equal(e.details.grant_id, grantId);
    }
    const refused = (await admin.get('/api/v1/audit?action=grant.refused&limit=100')).json.items.map((e) => e.details.reason);
    assert.deepEqual(refused.sort(), ['grant-mode', 'grant-outside-range', 'grant-revoked']);
    const grant = (await requester.get(`/api/v1/grants/${grantId}`)).json;
    assert.equal(grant.status, 'revoked');
    assert.ok(grant.uses >= 2, `uses counted: ${grant.uses}`);
  });

  test('an export under a download grant names the grant and burns in who took it, and still verifies', async () => {
    const to = new Date(recordedFrom.getTime() + 5000);
    const filed = await requester.post('/api/v1/data-requests', {
      purpose: 'Lưu hồ sơ lô hàng quá cảnh', reference: 'Tờ trình số 58/TTr-HQLS', data_types: ['recordings'],
      camera_ids: [camId], from: recordedFrom.toISOString(), to: to.toISOString(), mode: 'download', access_days: 1,
    });
    assert.equal(filed.status, 201, filed.text);
    const decided = await decider.post(`/api/v1/data-requests/${filed.json.id}/decide`, { decision: 'approve', reasons: 'Đồng ý cung cấp' });
    assert.equal(decided.status, 200, decided.text);
    const from = new Date(recordedFrom.getTime() + 1000).toISOString();
    const job = await requester.post('/api/v1/exports', { camera_id: camId, from, to: to.toISOString() });
    assert.equal(job.status, 202, job.text);
    const done = await until('the export', async () => {
      const j = (await requester.get(`/api/v1/exports/${job.json.id}`)).json;
      assert.notEqual(j.state, 'failed', JSON.stringify(j));
      return j.state === 'done' ? j : null;
    }, 90_000, 250);
    const res = await fetch(server.url + done.download_url, { headers: { cookie: requester.cookie } });
    assert.equal(res.status, 200);
    const zip = Buffer.from(await res.arrayBuffer());
    const entry = (name) => zipEntries(zip).find((e) => name.test(e.name));
    const m = entry(/^manifest\.json$/);
    const manifest = JSON.parse(zip.subarray(m.data, m.data + m.size).toString('utf8'));
    assert.equal(manifest.grant_id, decided.json.grant_id);
    assert.match(manifest.watermark.text, /Lý Thị Mai/);
    assert.match(manifest.watermark.text, new RegExp(`quyền khai thác số ${decided.json.grant_id}`));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-share-'));
    const file = path.join(dir, 'bundle.zip');
    fs.writeFileSync(file, zip);
    const verified = run(['evidence', 'verify', file]);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    // The clip is re-encoded with the watermark: not the recording's bytes, and it decodes.
    const clip = entry(/\.mp4$/);
    const mp4 = path.join(dir, 'clip.mp4');
    fs.writeFileSync(mp4, zip.subarray(clip.data, clip.data + clip.size));
    const played = await fetch(`${server.url}/api/v1/cameras/${camId}/media.mp4?from=${from}&to=${to.toISOString()}`, { headers: { Cookie: admin.cookie } });
    assert.ok(!Buffer.from(await played.arrayBuffer()).equals(zip.subarray(clip.data, clip.data + clip.size)));
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', mp4], { encoding: 'utf8' });
    assert.equal(probe.status, 0, probe.stderr);
    assert.equal(probe.stderr.trim(), '');
    assert.ok(Number(probe.stdout.trim()) > 10, probe.stdout);
  });
});
