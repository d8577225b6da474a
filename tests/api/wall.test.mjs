// Saved video wall views (issue 12 §3): private or shared with a unit, tours, one default view per
// unit chosen by its leaders; validated field by field, in Vietnamese and English; every change audited.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login } from './server.mjs';

describe('video wall views', () => {
  let srv;
  const as = {};
  let units;
  let cam;
  before(async () => {
    srv = await startServer();
    for (const name of ['admin.tchq', 'canbo.gstt', 'camera.gstt', 'lanhdao.dtcbl', 'canbo.hp', 'kiemtra.tchq', 'bienphong.bdbp']) {
      const l = srv.logins.find((x) => x.username === name);
      as[name] = await login(srv.url, l.username, l.password);
    }
    units = (await as['admin.tchq'].get('/api/v1/units')).json.items;
    const site = await as['admin.tchq'].post('/api/v1/sites', { unit_id: unit('HP').id, kind: 'seaport', name: 'Cảng Đình Vũ' });
    assert.equal(site.status, 201, site.text);
    const c = await as['admin.tchq'].post('/api/v1/cameras', { site_id: site.json.id, name: 'Cổng B - camera 01', main_url: 'rtsp://127.0.0.1:9/none' });
    assert.equal(c.status, 201, c.text);
    cam = c.json;
  });
  after(async () => { if (srv) await srv.stop(); });
  const unit = (code) => units.find((u) => u.code === code);

  test('an officer saves a view and gets it back as saved; nobody else sees a private view', async () => {
    const gstt = as['canbo.gstt'];
    const body = { name: 'Hải Phòng — cổng cảng', layout: '1+5', tiles: [cam.id, null, null], tour: { dwell_seconds: 15, sets: [[cam.id], []] } };
    const saved = await gstt.post('/api/v1/wall-views', body);
    assert.equal(saved.status, 201, saved.text);
    assert.equal(saved.json.unit_id, unit('DTCBL-GSTT').id, "the officer's own unit");
    assert.deepEqual(saved.json.tiles, [cam.id], 'trailing empty tiles are not kept');
    assert.deepEqual(saved.json.tour, { dwell_seconds: 15, sets: [[cam.id], []] });
    assert.equal(saved.json.shared, false);
    assert.equal(saved.json.owner_name, 'Bùi Thanh Tùng');
    const back = await gstt.get(`/api/v1/wall-views/${saved.json.id}`);
    assert.equal(back.status, 200);
    assert.equal(back.json.layout, '1+5');
    assert.equal((await as['admin.tchq'].get(`/api/v1/wall-views/${saved.json.id}`)).status, 404, 'private, even for the administrator');
    assert.equal((await as['camera.gstt'].get(`/api/v1/wall-views/${saved.json.id}`)).status, 404, 'private, even in the same unit');

    const audit = await as['kiemtra.tchq'].get('/api/v1/audit?action=wall_view.create&limit=50');
    assert.ok(audit.json.items.some((e) => e.object_id === String(saved.json.id)), 'the creation is audited');
  });

  test('a shared view is read in the unit; its leader makes it the default, and a second default replaces the first', async () => {
    const gstt = as['canbo.gstt'];
    const shared = await gstt.post('/api/v1/wall-views', { name: 'Phòng GSTT — toàn ngành', layout: '4', tiles: [cam.id], shared: true });
    assert.equal(shared.status, 201, shared.text);
    const path = `/api/v1/wall-views/${shared.json.id}`;
    const colleague = await as['camera.gstt'].get('/api/v1/wall-views');
    assert.ok(colleague.json.items.some((v) => v.id === shared.json.id), 'a colleague of the division reads it');
    assert.equal(colleague.json.items.find((v) => v.id === shared.json.id).can_edit, false);
    assert.equal((await as['canbo.hp'].get(path)).status, 404, 'another unit does not');

    const refused = await gstt.patch(path, { is_default: true });
    assert.equal(refused.status, 403, 'an officer does not choose the default view');
    const leader = as['lanhdao.dtcbl'];
    const made = await leader.patch(path, { is_default: true });
    assert.equal(made.status, 200, made.text);
    assert.equal(made.json.is_default, true);

    // The department's leader prepares the division's wall himself.
    const second = await leader.post('/api/v1/wall-views', { name: 'Mặc định mới', layout: '9', shared: true, is_default: true, unit_id: unit('DTCBL-GSTT').id });
    assert.equal(second.status, 201, second.text);
    const elsewhere = await gstt.post('/api/v1/wall-views', { name: 'x', layout: '1', shared: true, unit_id: unit('HP').id });
    assert.equal(elsewhere.status, 400, 'an officer shares only with his own unit');
    assert.equal(elsewhere.json.errors[0].field, 'unit_id');
    const defaults = (await gstt.get('/api/v1/wall-views')).json.items.filter((v) => v.is_default && v.unit_id === unit('DTCBL-GSTT').id);
    assert.deepEqual(defaults.map((v) => v.id), [second.json.id], 'one default per unit');

    assert.equal((await as['bienphong.bdbp'].get('/api/v1/wall-views')).status, 403, 'outside customs');
  });

  test('bad input names its field in Vietnamese and English, and writes nothing', async () => {
    const gstt = as['canbo.gstt'];
    const before = (await gstt.get('/api/v1/wall-views')).json.items.length;
    const bad = await gstt.post('/api/v1/wall-views', {
      name: 'Sai', layout: '4', tiles: [cam.id, cam.id, 'x', 424242, 5], tour: { dwell_seconds: 3, sets: [[cam.id]] },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.contentType, /problem\+json/);
    const fields = bad.json.errors.map((e) => e.field);
    assert.ok(fields.includes('tiles[2]'), fields.join());
    for (const e of bad.json.errors) {
      assert.ok(e.message_vi && e.message_en, JSON.stringify(e));
    }
    const layout = await gstt.post('/api/v1/wall-views', { name: 'Sai', layout: '6' });
    assert.equal(layout.status, 400);
    assert.equal(layout.json.errors[0].field, 'layout');
    const semantic = await gstt.post('/api/v1/wall-views', { name: 'Sai', layout: '4', tiles: [cam.id, cam.id, 424242], tour: { dwell_seconds: 3, sets: [[cam.id]] } });
    assert.equal(semantic.status, 400, semantic.text);
    assert.deepEqual(semantic.json.errors.map((e) => e.field).sort(), ['tiles[1]', 'tiles[2]', 'tour.dwell_seconds']);
    const hidden = await as['canbo.hp'].post('/api/v1/wall-views', { name: 'x', layout: '1', tiles: [999999] });
    assert.equal(hidden.json.errors[0].field, 'tiles[0]');
    assert.equal((await gstt.get('/api/v1/wall-views')).json.items.length, before);
  });

  test('the owner changes and removes a view; the change and the removal are audited', async () => {
    const gstt = as['canbo.gstt'];
    const v = await gstt.post('/api/v1/wall-views', { name: 'Tạm', layout: '16' });
    const path = `/api/v1/wall-views/${v.json.id}`;
    const changed = await gstt.patch(path, { name: 'Tạm 2', tour: null, tiles: [null, cam.id] });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.name, 'Tạm 2');
    assert.deepEqual(changed.json.tiles, [null, cam.id]);
    assert.equal((await gstt.patch(path, { unit_id: 1 })).json.errors[0].field, 'unit_id');
    assert.equal((await gstt.del(path)).status, 204);
    assert.equal((await gstt.get(path)).status, 404);
    const audit = await as['kiemtra.tchq'].get('/api/v1/audit?limit=200');
    const mine = audit.json.items.filter((e) => e.object_id === String(v.json.id) && e.object_type === 'wall_view').map((e) => e.action);
    assert.deepEqual(mine.sort(), ['wall_view.create', 'wall_view.delete', 'wall_view.update']);
  });
});
