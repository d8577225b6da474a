// The organisation's own words: GET /api/v1/meta names headquarters, its leadership and the roles and
// designations that belong to it as the installed organisation does — "Tổng cục" in the 2017 structure
// (the demo), "Cục" from 2025 — so that the console never writes either set in.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO, login, makeTempDir, pickLogin, run, startServer } from './server.mjs';

const servers = [];
after(async () => {
  for (const s of servers) await s.stop();
});

const byId = (list, id) => list.find((x) => x.id === id);

test('the 2017 demo speaks of Tổng cục and its leadership', async () => {
  const s = await startServer({ demo: true });
  servers.push(s);
  const officer = pickLogin(s.logins, 'supervision_officer');
  const c = await login(s.url, officer.username, officer.password);
  const r = await c.get('/api/v1/meta');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.hq.name_vi, 'Tổng cục Hải quan');
  assert.equal(r.json.hq.leadership_vi, 'Lãnh đạo Tổng cục');
  assert.equal(r.json.hq.focal_point_vi, 'Phòng Tổng hợp, Văn phòng Tổng cục');
  assert.equal(r.json.hq.province_vi, 'Cục Hải quan tỉnh, thành phố');
  assert.equal(byId(r.json.roles, 'hq_leader').name_vi, 'Lãnh đạo Tổng cục');
  assert.equal(byId(r.json.roles, 'shift_leader').name_vi, 'Lãnh đạo ca trực');
  assert.equal(byId(r.json.designation_kinds, 'leadership_focal_point').name_vi, 'Đầu mối báo cáo Lãnh đạo Tổng cục');
});

test('an installation of the 2025 preset speaks of Cục, Lãnh đạo Cục and Chi cục Hải quan khu vực', async () => {
  const dir = makeTempDir('wf-words-');
  const im = run(['org', 'import', path.join(REPO, 'presets', 'org-2025.json'), '--data', dir]);
  assert.equal(im.status, 0, `org import: ${im.stdout}${im.stderr}`);
  const add = run(['user', 'add', 'canbo.kv7', '--unit', 'KV7-DKS', '--full-name', 'Nông Thị Hoa',
    '--role', 'supervision_officer@KV7-DKS', '--data', dir]);
  assert.equal(add.status, 0, `user add: ${add.stdout}${add.stderr}`);
  const pm = add.stdout.match(/password:\s*(\S+)/i);
  const once = pm ? pm[1] : add.stdout.trim().split(/\s+/).pop();

  const s = await startServer({ demo: false, dataDir: dir });
  servers.push(s);
  const c = await login(s.url, 'canbo.kv7', once);
  const fresh = 'Giam-sat-Tra-Linh-2025!';
  const ch = await c.post('/api/v1/auth/password', { current_password: once, new_password: fresh });
  assert.ok(ch.status === 200 || ch.status === 204, ch.text);

  const r = await (await login(s.url, 'canbo.kv7', fresh)).get('/api/v1/meta');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.hq.name_vi, 'Cục Hải quan');
  assert.equal(r.json.hq.short_vi, 'Cục');
  assert.equal(r.json.hq.leadership_vi, 'Lãnh đạo Cục');
  assert.equal(r.json.hq.leadership_en, 'Customs Department leadership');
  assert.equal(r.json.hq.focal_point_vi, 'Phòng Tổng hợp, Văn phòng Cục Hải quan');
  assert.equal(r.json.hq.province_kind, 'regional_branch');
  assert.equal(r.json.hq.province_vi, 'Chi cục Hải quan khu vực');
  assert.equal(byId(r.json.roles, 'hq_leader').name_vi, 'Lãnh đạo Cục');
  assert.equal(byId(r.json.roles, 'hq_leader').name_en, 'Customs Department leader');
  assert.equal(byId(r.json.designation_kinds, 'leadership_focal_point').name_vi, 'Đầu mối báo cáo Lãnh đạo Cục');
  assert.equal(byId(r.json.unit_kinds, 'regional_branch').name_vi, 'Chi cục Hải quan khu vực');
  // Only the catalogue of unit kinds still knows the 2017 kind by its name.
  for (const part of ['hq', 'roles', 'designation_kinds'])
    assert.ok(!JSON.stringify(r.json[part]).includes('Tổng cục'), `${part} never says Tổng cục: ${r.text}`);
});
