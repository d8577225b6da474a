// Watching (issue 12): the Online Customs Supervision Division watches every camera of the sector,
// and each officer's duty board opens on the duty watch they serve in.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, pickLogin } from './server.mjs';

describe('who watches which cameras, and whose duty watch is mine', () => {
  let srv;
  const as = {};
  let units;
  before(async () => {
    srv = await startServer();
    for (const name of ['admin.tchq', 'canbo.gstt', 'camera.gstt', 'canbo.hpkv1', 'trucban.ls', 'bienphong.bdbp', 'truongca.hp', 'truongca2.hp']) {
      const l = srv.logins.find((x) => x.username === name);
      as[name] = await login(srv.url, l.username, l.password);
    }
    units = (await as['admin.tchq'].get('/api/v1/units')).json.items;
  });
  after(async () => { if (srv) await srv.stop(); });
  const unit = (code) => units.find((u) => u.code === code);

  test('the division views and plays back a Hải Phòng camera; a branch, another province and outsiders do not', async () => {
    const admin = as['admin.tchq'];
    const site = await admin.post('/api/v1/sites', { unit_id: unit('HP').id, kind: 'seaport', name: 'Cảng Đình Vũ' });
    assert.equal(site.status, 201, site.text);
    const cam = await admin.post('/api/v1/cameras', { site_id: site.json.id, name: 'Cổng C - camera 02', main_url: 'rtsp://127.0.0.1:9/none' });
    assert.equal(cam.status, 201, cam.text);
    const path = `/api/v1/cameras/${cam.json.id}`;

    const gstt = as['canbo.gstt'];
    assert.ok((await gstt.get('/api/v1/cameras')).json.items.some((c) => c.id === cam.json.id), 'listed for the division');
    assert.equal((await gstt.get(path)).status, 200);
    assert.equal((await gstt.get(`${path}/recordings`)).status, 200);
    assert.equal((await gstt.patch(path, { enabled: false })).status, 403, 'watching is not administering');
    assert.equal((await as['camera.gstt'].get(path)).status, 404, "the division's camera administrator: its own only");
    assert.equal((await as['canbo.hpkv1'].get(path)).status, 404, 'a branch officer sees only his subtree');
    assert.equal((await as['trucban.ls'].get(path)).status, 404, 'another province');
    assert.equal((await as['bienphong.bdbp'].get('/api/v1/cameras')).status, 403, 'outside customs');
  });

  test('the division reads the cases raised from camera footage anywhere, and only those', async () => {
    const l = srv.logins.find((x) => x.username === 'canbo.hpkv1');
    const officer = await login(srv.url, l.username, l.password);
    const report = (cameras) => officer.post('/api/v1/cases', {
      unit_id: unit('HP-CKKV1').id,
      observed_at: new Date(Date.now() - 60_000).toISOString(),
      site: 'Cổng B cảng Tân Vũ',
      subject: 'goods',
      description: 'Xe 15C-999.99 chở container rời bãi khi chưa thông quan',
      immediate_measure: 'Yêu cầu Đội Giám sát dừng xe tại cổng',
      ...(cameras ? { cameras: [{ camera: 'Cổng B - camera 02', from: new Date(Date.now() - 120_000).toISOString(), to: new Date().toISOString() }] } : {}),
      report: true,
    });
    const seen = await report(true);
    assert.equal(seen.status, 201, seen.text);
    const told = await report(false);
    assert.equal(told.status, 201, told.text);
    const gstt = as['canbo.gstt'];
    assert.equal((await gstt.get(`/api/v1/cases/${seen.json.id}`)).status, 200, 'raised from footage');
    assert.equal((await gstt.get(`/api/v1/cases/${told.json.id}`)).status, 404, 'no footage: Hải Phòng only');
    const listed = (await gstt.get('/api/v1/cases')).json.items.map((c) => c.id);
    assert.ok(listed.includes(seen.json.id) && !listed.includes(told.json.id), JSON.stringify(listed));
    assert.equal((await as['trucban.ls'].get(`/api/v1/cases/${seen.json.id}`)).status, 404, 'another province does not');
    assert.equal((await as['camera.gstt'].get(`/api/v1/cases/${seen.json.id}`)).status, 403, 'camera administrators read no cases');
  });

  test('the duty board without a unit opens on the duty watch the officer serves in', async () => {
    // Both Hải Phòng shift leaders belong to Lãnh đạo Cục but serve in the Cục's duty watch.
    for (const name of ['truongca.hp', 'truongca2.hp']) {
      const r = await as[name].get('/api/v1/shifts/current');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.unit_id, unit('HP').id, name);
      assert.notEqual(as[name].user.unit_id, unit('HP').id, `${name} is not of the Cục itself`);
    }
    const onDuty = (await as['truongca.hp'].get('/api/v1/shifts/current')).json.current;
    assert.ok(onDuty, 'Hải Phòng is on duty in the demo');
    // The division's officers serve in its department's 24/7 duty watch (the demo roster; else the duty_watch designation).
    const g = await as['canbo.gstt'].get('/api/v1/shifts/current');
    assert.equal(g.json.unit_id, unit('DTCBL').id);
    // Asking for a unit still means that unit.
    const own = await as['truongca.hp'].get(`/api/v1/shifts/current?unit=${unit('HP-LD').id}`);
    assert.equal(own.json.unit_id, unit('HP-LD').id);
  });
});
