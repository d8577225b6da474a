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
    for (const name of ['canbo.hpkv1', 'lanhdao.hp', 'trucban.ls', 'bienphong.bdbp', 'tonghop.vp', 'lanhdao.tchq', 'canbo.gstt', 'kiemtra.tchq']) {
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
    const before = (await officer.get('/api/v1/cases')).json.items.length;
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
    assert.equal((await officer.get('/api/v1/cases')).json.items.length, before + 1, 'only the valid draft was written');
  });

  test('long lists come in pages: limit and cursor page through every case, camera and notification once', async () => {
    const officer = as['lanhdao.hp'];
    const all = (await officer.get('/api/v1/cases?limit=500')).json.items.map((c) => c.id);
    assert.ok(all.length >= 3, 'the demo has cases for Hải Phòng');
    const paged = [];
    let cursor = null;
    for (let i = 0; i < 100; i++) {
      const r = await officer.get(`/api/v1/cases?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.items.length <= 2);
      paged.push(...r.json.items.map((c) => c.id));
      cursor = r.json.next_cursor;
      if (!cursor) break;
    }
    assert.deepEqual(paged, all, 'newest first, each case once');
    // Cameras in site then name order, across pages, only the caller's.
    const cams = (await officer.get('/api/v1/cameras?limit=500')).json.items.map((c) => c.id);
    const camPages = [];
    cursor = null;
    do {
      const r = await officer.get(`/api/v1/cameras?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      camPages.push(...r.json.items.map((c) => c.id));
      cursor = r.json.next_cursor;
    } while (cursor);
    assert.deepEqual(camPages, cams);
    const inbox = await officer.get('/api/v1/inbox?limit=1');
    assert.equal(inbox.json.items.length, 1);
    assert.equal(typeof inbox.json.unread, 'number');
    // Bad paging is named and answered in both languages.
    for (const [q, field] of [['limit=0', 'limit'], ['limit=501', 'limit'], ['limit=x', 'limit'], ['cursor=abc', 'cursor'], ['cursor=-4', 'cursor']]) {
      const r = await officer.get(`/api/v1/cases?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.json.errors[0].field, field, q);
    }
    const badCam = await officer.get(`/api/v1/cameras?cursor=${encodeURIComponent('["a", 1]')}`);
    assert.equal(badCam.status, 400);
    assert.equal(badCam.json.errors[0].field, 'cursor');
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

  test('16.4(c): the demo case waits at the focal point, which forwards it; the direction returns through it; refusals name the rule', async () => {
    const focal = as['tonghop.vp'];
    const leader = as['lanhdao.tchq'];
    const reporter = as['canbo.gstt'];
    const waiting = (await focal.get('/api/v1/cases?method=keypoint_directive')).json.items.find((c) => c.relay?.stage === 'at_focal_point');
    assert.ok(waiting, 'make demo shows a 16.4(c) case waiting at the focal point');
    const path = `/api/v1/cases/${waiting.id}`;
    const c = (await focal.get(path)).json;
    assert.ok(new Date(c.relay.due_at) > new Date(), 'with its deadline ahead');
    assert.match(c.routing.explanation_vi, /qua đầu mối/);
    assert.deepEqual(c.relay.actions, ['forward']);
    const leaderId = c.relay.candidates[0].user_id;
    assert.equal(c.relay.candidates[0].full_name.length > 0, true);
    assert.ok(!(await leader.get('/api/v1/inbox')).json.items.some((n) => n.case_id === waiting.id), 'not beside the focal point');

    // Refusals: the wrong person (403, the rule named in both languages), a non-leader (400, field named), bad input.
    const notFocal = await reporter.post(`${path}/forward`, { leader_ids: [leaderId], summary: 'Tóm tắt' });
    assert.ok([403, 404].includes(notFocal.status), notFocal.text);
    const notLeader = await focal.post(`${path}/forward`, { leader_ids: [c.reported_by], summary: 'Tóm tắt' });
    assert.equal(notLeader.status, 400, notLeader.text);
    assert.equal(notLeader.json.errors[0].field, 'leader_ids[0]');
    const bad = await focal.post(`${path}/forward`, { leader_ids: [], summary: '', extra: 1 });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.errors.map((e) => e.field).sort(), ['extra', 'leader_ids', 'summary']);
    assert.equal((await focal.get(path)).json.relay.stage, 'at_focal_point', 'refusals change nothing');

    const fwd = await focal.post(`${path}/forward`, { leader_ids: [leaderId], summary: 'Xe 12C-045.67: số kiện thực tế nhiều hơn khai báo', proposal: 'Giao Cục Hải quan Lạng Sơn kiểm tra' });
    assert.equal(fwd.status, 200, fwd.text);
    assert.equal(fwd.json.relay.stage, 'forwarded');
    assert.ok((await leader.get('/api/v1/inbox')).json.items.some((n) => n.case_id === waiting.id && n.kind === 'case_forwarded'));
    const early = await focal.post(`${path}/relay-direction`, {});
    assert.equal(early.status, 409, early.text);
    const wrong = await leader.post(`${path}/relay-direction`, {});
    assert.equal(wrong.status, 403, wrong.text);
    assert.match(wrong.json.type, /forbidden-by-rule/);
    assert.match(wrong.json.detail_vi, /Điều 16 khoản 4 điểm c/);
    assert.match(wrong.json.detail, /Art\. 16\(4\)\(c\)/);
    assert.equal((await leader.post(`${path}/direct`, { direction: 'Kiểm tra thực tế toàn bộ lô hàng' })).status, 200);
    const back = await focal.post(`${path}/relay-direction`, { note: 'Đã thông báo Cục Hải quan Lạng Sơn' });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.json.relay.stage, 'direction_relayed');
    assert.ok((await reporter.get('/api/v1/inbox')).json.items.some((n) => n.case_id === waiting.id && n.kind === 'case_direction'));

    // Each hop is on the case's timeline and in the audit log.
    const hops = (await focal.get(`${path}/timeline`)).json.items.map((e) => e.kind).filter((k) => k.startsWith('relay.'));
    assert.deepEqual(hops, ['relay.at_focal_point', 'relay.forwarded', 'relay.directed', 'relay.direction_relayed']);
    for (const action of ['case.forward', 'case.direct', 'case.relay_direction']) {
      const audit = (await as['kiemtra.tchq'].get(`/api/v1/audit?action=${action}&limit=50`)).json.items;
      assert.ok(audit.some((a) => a.object_id === String(waiting.id)), `${action} audited`);
    }
  });

  test('who may start key-point work: a directive only from an HQ leader or the focal point, a plan in force once approved', async () => {
    const directive = { unit_id: units.HP, method: 'keypoint_directive', title: 'Theo chỉ đạo', period_from: new Date().toISOString(),
      directive: { number: '99/TCHQ-GSQL', date: '2026-12-01', issuer: 'Phó Tổng cục trưởng' } };
    const refused = await as['lanhdao.hp'].post('/api/v1/tasks', directive);
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.json.type, /forbidden-by-rule/);
    assert.match(refused.json.detail_vi, /Lãnh đạo cấp trên|đầu mối/);
    assert.equal((await as['tonghop.vp'].post('/api/v1/tasks', directive)).status, 201);
    const plan = await as['lanhdao.hp'].post('/api/v1/tasks', { unit_id: units.HP, method: 'keypoint_plan', title: 'Kế hoạch quý I/2027', period_from: new Date().toISOString() });
    assert.equal(plan.status, 201);
    assert.equal(plan.json.status, 'active', 'drawn up by the leadership itself');
    assert.equal(plan.json.approved_by_name.length > 0, true);
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
