// Cases over HTTP: bad input changes nothing; a reported case reaches the consoles that may see it
// and no other, live; the Appendix V form prints, and a broken form template is named, not crashed on.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, login } from './server.mjs';
import { openWs } from './ws-client.mjs';

const byName = (logins, name) => {
  const l = logins.find((x) => x.username === name);
  assert.ok(l, `demo login ${name}`);
  return l;
};

describe('cases', () => {
  let srv;
  const as = {};
  const sockets = [];
  let units;
  before(async () => {
    srv = await startServer({ demo: true });
    for (const name of ['canbo.hpkv1', 'lanhdao.hp', 'trucban.ls', 'bienphong.bdbp']) {
      const l = byName(srv.logins, name);
      as[name] = await login(srv.url, l.username, l.password);
    }
    const r = await as['lanhdao.hp'].get('/api/v1/units');
    units = Object.fromEntries(r.json.items.map((u) => [u.code, u.id]));
  });
  after(async () => {
    for (const ws of sockets) ws.drop();
    await srv.kill9();
  });

  const goodCase = () => ({
    unit_id: units['HP-CKKV1'],
    observed_at: new Date(Date.now() - 60_000).toISOString(),
    site: 'Cổng B cảng Tân Vũ',
    subject: 'goods',
    description: 'Xe 15C-999.99 chở container rời bãi khi chưa thông quan',
    immediate_measure: 'Yêu cầu Đội Giám sát dừng xe tại cổng',
    identifiers: { containers: ['TGHU9990001'], plates: ['15C-999.99'] },
    cameras: [{ camera: 'Cổng B - camera 02', from: new Date(Date.now() - 120_000).toISOString(), to: new Date().toISOString() }],
  });

  test('bad input is refused with every field named, in Vietnamese and English, and nothing is written', async () => {
    const officer = as['canbo.hpkv1'];
    const before = (await officer.get('/api/v1/cases')).json.total;
    const bad = {
      ...goodCase(),
      subject: 'smuggling',
      observed_at: '28/11/2026 10:00',
      identifiers: { containers: 'TGHU9990001', passports: ['B1234567'] },
      cameras: [{ camera: 'Cổng B', from: '2026-11-28T03:00:00Z', to: '2026-11-28T02:00:00Z' }],
      colour: 'red',
    };
    const r = await officer.post('/api/v1/cases', bad);
    assert.equal(r.status, 400, r.text);
    assert.ok(r.contentType.startsWith('application/problem+json'));
    const fields = r.json.errors.map((e) => e.field).sort();
    assert.deepEqual(fields, ['cameras[0].to', 'colour', 'identifiers.containers', 'identifiers.passports', 'observed_at', 'subject']);
    for (const e of r.json.errors) assert.ok(e.message_vi && e.message_en, JSON.stringify(e));
    const missing = await officer.post('/api/v1/cases', { unit_id: units['HP-CKKV1'] });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json.errors.map((e) => e.field).sort(), ['description', 'observed_at', 'site', 'subject']);
    // A key-point case needs its task; a passenger-baggage report needs the team on site.
    const keypoint = await officer.post('/api/v1/cases', { ...goodCase(), method: 'keypoint_plan' });
    assert.equal(keypoint.status, 400);
    assert.equal(keypoint.json.errors[0].field, 'task_id');
    const baggage = await officer.post('/api/v1/cases', { ...goodCase(), subject: 'passenger_baggage' });
    assert.equal(baggage.status, 201, baggage.text);
    const report = await officer.post(`/api/v1/cases/${baggage.json.id}/report`);
    assert.equal(report.status, 400, report.text);
    assert.equal(report.json.errors[0].field, 'site_unit_id');
    assert.equal((await officer.get(`/api/v1/cases/${baggage.json.id}`)).json.status, 'draft', 'a refused report changes nothing');
    // Created and reported in one request, a refused report leaves nothing behind.
    const atOnce = await officer.post('/api/v1/cases', { ...goodCase(), subject: 'passenger_baggage', report: true });
    assert.equal(atOnce.status, 400, atOnce.text);
    assert.equal(atOnce.json.errors[0].field, 'site_unit_id');
    assert.equal((await officer.get('/api/v1/cases')).json.total, before + 1, 'only the valid draft was written');
  });

  test('a reported case reaches the consoles that may see it within a second, and no other', async () => {
    const hp = await openWs(srv.url, as['lanhdao.hp'].cookie);
    const ls = await openWs(srv.url, as['trucban.ls'].cookie);
    const ext = await openWs(srv.url, as['bienphong.bdbp'].cookie);
    sockets.push(hp, ls, ext);
    for (const ws of [hp, ls, ext]) await ws.next((m) => m.type === 'hello');
    const officer = as['canbo.hpkv1'];
    const draft = await officer.post('/api/v1/cases', goodCase());
    assert.equal(draft.status, 201, draft.text);
    const t0 = Date.now();
    const reported = await officer.post(`/api/v1/cases/${draft.json.id}/report`);
    assert.equal(reported.status, 200, reported.text);
    assert.equal(reported.json.routing.clause, '16.4.a');
    assert.match(reported.json.routing.clause_vi, /Điều 16 khoản 4 điểm a/);
    const ev = await hp.next((m) => m.type === 'event' && m.topic === 'case.changed' && m.payload.id === draft.json.id &&
      m.payload.status === 'reported', { timeout: 1000, what: 'the reported case on the Hải Phòng console' });
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(ev.payload.number, reported.json.number);
    // A ping answered means everything published before it was sent out: Lạng Sơn and the Border Guard got nothing.
    for (const ws of [ls, ext]) {
      const from = ws.messages.length;
      ws.send({ type: 'ping' });
      await ws.next((m) => m.type === 'pong', { from });
      assert.equal(ws.messages.filter((m) => m.type === 'event' && String(m.topic).startsWith('case')).length, 0);
      assert.equal(ws.messages.filter((m) => m.type === 'event' && m.topic === 'inbox.notification').length, 0);
    }
    // Each recipient's inbox has it, unread; the reporter's does not.
    for (const r of reported.json.routing.recipients) assert.ok(r.full_name && r.unit_name, JSON.stringify(r));
    const mine = await officer.get('/api/v1/inbox');
    assert.ok(!mine.json.items.some((n) => n.case_id === draft.json.id));
  });

  test('the Appendix V form prints; a broken template of the installation is named, not crashed on', async () => {
    const leader = as['lanhdao.hp'];
    const list = await leader.get('/api/v1/coordination-requests');
    assert.equal(list.status, 200, list.text);
    assert.ok(list.json.items.length >= 1, 'the demo has a coordination request');
    const id = list.json.items[0].id;
    const pdf = await leader.get(`/api/v1/coordination-requests/${id}/form.pdf`, { raw: true });
    assert.equal(pdf.status, 200);
    assert.match(pdf.contentType, /application\/pdf/);
    const dir = path.join(srv.dataDir, 'templates');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'coordination-request.tmpl'), 'title: PHIẾU\npara: {{ten_can_bo}}\nsign: a | b\n');
    const broken = await leader.get(`/api/v1/coordination-requests/${id}/form.pdf`);
    assert.equal(broken.status, 409, broken.text);
    assert.match(broken.json.detail, /2/, 'names the line');
    fs.rmSync(dir, { recursive: true });
    assert.equal((await leader.get(`/api/v1/coordination-requests/${id}/form.pdf`, { raw: true })).status, 200);
  });
});
