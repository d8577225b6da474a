// The map's site summary (GET /api/v1/sites/summary) and the living 24/7 centre of the demo (issue 12
// §4, §5): the Online Customs Supervision Division's officers find a shift on duty in the duty watch
// they serve in.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login } from './server.mjs';

describe('the map and the sector duty watch of the demo', () => {
  let srv;
  const as = {};
  let units;
  before(async () => {
    srv = await startServer();
    for (const name of ['admin.tchq', 'canbo.gstt', 'truongca.gstt', 'canbo.hpkv1', 'trucban.ls', 'bienphong.bdbp']) {
      const l = srv.logins.find((x) => x.username === name);
      assert.ok(l, `the demo has a login for ${name}`);
      as[name] = await login(srv.url, l.username, l.password);
    }
    units = (await as['admin.tchq'].get('/api/v1/units')).json.items;
  });
  after(async () => { if (srv) await srv.stop(); });
  const unit = (code) => units.find((u) => u.code === code);

  test('an officer of the division finds a shift on duty, with the division on it, and its shift leader is a demo login', async () => {
    const r = await as['canbo.gstt'].get('/api/v1/shifts/current');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.unit_id, unit('DTCBL').id, "the department's 24/7 duty watch, which the division runs");
    const current = r.json.current;
    assert.ok(current, `a shift on duty now: ${r.text}`);
    assert.equal(current.status, 'on_duty');
    const positions = current.members.map((m) => m.position).sort();
    assert.deepEqual(positions, ['duty_officer', 'shift_leader', 'supervision_officer', 'supervision_officer']);
    const leader = current.members.find((m) => m.position === 'shift_leader');
    assert.ok(['truongca.gstt', 'truongca.dtcbl'].includes(leader.username), JSON.stringify(current.members));
    assert.ok(r.json.next, 'and the next shift is planned');
    // The shift leader of the division serves in the same watch, whichever day it is.
    const mine = await as['truongca.gstt'].get('/api/v1/shifts/current');
    assert.equal(mine.json.unit_id, unit('DTCBL').id);
    const gsttLeader = srv.logins.find((l) => l.username === 'truongca.gstt');
    assert.deepEqual(gsttLeader.roles, ['shift_leader']);
    assert.equal(gsttLeader.unit, 'DTCBL-GSTT');
    assert.match(srv.output(), /truongca\.gstt\s+\S+\s+DTCBL-GSTT\s+shift_leader/, 'printed with the demo logins');
  });

  test('the summary shows each site in scope with its cameras and state', async () => {
    const admin = as['admin.tchq'];
    const site = await admin.post('/api/v1/sites', {
      unit_id: unit('HP-CKKV1').id, kind: 'seaport', name: 'Cảng Nam Đình Vũ', latitude: 20.82, longitude: 106.8,
    });
    assert.equal(site.status, 201, site.text);
    const cam = await admin.post('/api/v1/cameras', {
      site_id: site.json.id, name: 'Cổng số 2', main_url: 'rtsp://127.0.0.1:9/none', enabled: false,
    });
    assert.equal(cam.status, 201, cam.text);

    const find = async (who) => {
      const r = await as[who].get('/api/v1/sites/summary');
      assert.equal(r.status, 200, `${who}: ${r.text}`);
      assert.ok(!Number.isNaN(Date.parse(r.json.at)));
      return r.json.items.find((s) => s.site_id === site.json.id);
    };
    const mine = await find('canbo.hpkv1');
    assert.ok(mine, 'the branch sees its site');
    assert.equal(mine.name, 'Cảng Nam Đình Vũ');
    assert.equal(mine.latitude, 20.82);
    assert.equal(mine.longitude, 106.8);
    assert.equal(mine.unit_id, unit('HP-CKKV1').id);
    assert.ok(mine.unit_name);
    assert.equal(mine.camera_total, 1);
    assert.deepEqual(mine.cameras, [{ id: cam.json.id, name: 'Cổng số 2', state: 'disabled' }]);
    assert.equal(mine.camera_counts.disabled, 1);
    assert.equal(mine.camera_counts.online, 0);
    assert.equal(mine.state, 'none', 'no camera records there');
    assert.ok(await find('canbo.gstt'), 'the sector-wide watch sees it');
    assert.equal(await find('trucban.ls'), undefined, 'another province does not');
    assert.equal((await as['bienphong.bdbp'].get('/api/v1/sites/summary')).status, 403, 'outside customs');

    // Switched on: the recorder cannot reach it and the site turns red.
    assert.equal((await admin.patch(`/api/v1/cameras/${cam.json.id}`, { enabled: true })).status, 200);
    const deadline = Date.now() + 20_000;
    let seen;
    while (Date.now() < deadline) {
      seen = await find('canbo.hpkv1');
      if (seen.state === 'offline') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(seen.state, 'offline', JSON.stringify(seen));
    assert.equal(seen.camera_counts.offline, 1);

    const bad = await admin.get('/api/v1/sites/summary?unit=0');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.errors[0].field, 'unit');
  });
});
