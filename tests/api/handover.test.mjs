// The duty watch's handover and directions over HTTP, on the demo's Hải Phòng roster:
// - Art. 15.2: the handover carries the open key-point cases (16.4b, c) and the Appendix V requests still
//   awaiting an answer, and the incoming leader takes each item over, accepted or noted, on the record;
// - Art. 7: only the shift leader, or the deputy the roster names acting leader, directs a stop;
// - Appendix V: a case lists exactly the units the server accepts as the receiver of a request.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login } from './server.mjs';

const DAY = 86_400_000;
// The local date (Asia/Ho_Chi_Minh, UTC+7, no daylight saving) `days` from now.
const vnDate = (days = 0) => new Date(Date.now() + 7 * 3_600_000 + days * DAY).toISOString().slice(0, 10);

describe('handover and directions of the duty watch', () => {
  let srv;
  const as = {};
  let units;
  let shifts; // GET /shifts/current for Hải Phòng
  const member = (shift, position) => shift.members.find((m) => m.position === position);
  let plan, directive;

  before(async () => {
    srv = await startServer({ demo: true });
    for (const l of srv.logins) as[l.username] = await login(srv.url, l.username, l.password);
    const r = await as['lanhdao.hp'].get('/api/v1/units');
    units = Object.fromEntries(r.json.items.map((u) => [u.code, u]));
    shifts = (await as['lanhdao.hp'].get(`/api/v1/shifts/current?unit=${units.HP.id}`)).json;
    assert.ok(shifts.current && shifts.next, 'the demo roster has a shift on duty and one after it');
    const tasks = (await as['lanhdao.tchq'].get('/api/v1/tasks')).json.items;
    plan = tasks.find((t) => t.method === 'keypoint_plan' && t.unit_id === units.HP.id);
    directive = tasks.find((t) => t.method === 'keypoint_directive');
    assert.ok(plan && directive, 'the demo has a key-point plan and a leadership directive');
  });
  after(async () => {
    await srv.kill9();
  });

  // A case found at the Hải Phòng branch under `task`, reported at once.
  const reported = async (task, description) => {
    const r = await as['canbo.hpkv1'].post('/api/v1/cases', {
      unit_id: units['HP-CKKV1'].id,
      task_id: task.id,
      observed_at: new Date(Date.now() - 60_000).toISOString(),
      site: 'Khu vực soi chiếu cảng Hải Phòng khu vực I',
      subject: 'goods',
      description,
      immediate_measure: 'Chưa cho đưa lô hàng qua khu vực giám sát', // Art. 8, when the officer is on the shift
      report: true,
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const coordinate = async (c, unitCode) => {
    const r = await as['lanhdao.hp'].post('/api/v1/coordination-requests', {
      case_id: c.id,
      to_unit_id: units[unitCode].id,
      content: `Phối hợp kiểm tra lô hàng của vụ việc ${c.number}`,
      requested_action: 'Kiểm tra thực tế, thông báo kết quả',
      deadline: new Date(Date.now() + DAY).toISOString(),
      contacts: 'Đ/c Trịnh Hoàng Nam, ĐT 0225 3836 123',
    });
    return r;
  };

  test('Art. 15.2: the handover carries the open 16.4(b) and (c) cases and the unanswered coordination requests, each taken over by the incoming leader', async () => {
    const b = await reported(plan, 'Lô phế liệu sắt thép lẫn tạp chất không được phép nhập khẩu');
    const c = await reported(directive, 'Hàng điện tử quá cảnh có số kiện thực tế nhiều hơn khai báo');
    assert.equal(b.routing.clause, '16.4.b');
    assert.equal(c.routing.clause, '16.4.c');
    assert.equal((await as['lanhdao.hp'].post(`/api/v1/cases/${b.id}/acknowledge`)).status, 200);
    const open = await coordinate(b, 'LS');
    const answered = await coordinate(b, 'LS');
    assert.equal(open.status, 201, open.text);
    assert.equal(answered.status, 201, answered.text);
    const reply = await as['trucban.ls'].post(`/api/v1/coordination-requests/${answered.json.id}/respond`, { result: 'Đã kiểm tra, hàng đúng khai báo' });
    assert.equal(reply.status, 200, reply.text);

    const sh = `/api/v1/shifts/${shifts.current.id}`;
    const leader = as[member(shifts.current, 'shift_leader').username];
    const incoming = as[member(shifts.next, 'shift_leader').username];
    const prepared = await leader.post(`${sh}/handover`, { summary: 'Ca trực bình thường; 2 vụ việc trọng điểm đang xử lý' });
    assert.equal(prepared.status, 200, prepared.text);
    const handover = (await leader.get(`${sh}/handover`)).json;
    const item = (type, id) => handover.open_items.find((i) => i.type === type && i.id === id);
    assert.equal(item('case', b.id)?.kind, '16.4.b', JSON.stringify(handover.open_items));
    assert.equal(item('case', b.id).number, b.number);
    assert.equal(item('case', c.id)?.kind, '16.4.c');
    assert.equal(item('coordination', open.json.id)?.kind, 'sent');
    assert.equal(item('coordination', open.json.id).number, open.json.number);
    assert.equal(item('coordination', open.json.id).to_unit_name, units.LS.name_vi);
    assert.equal(item('coordination', answered.json.id), undefined, 'an answered request is not handed over');

    // The shift is accepted only when every item is; the outgoing leader decides nothing for the next.
    const early = await incoming.post(`${sh}/handover/accept`);
    assert.equal(early.status, 409, early.text);
    assert.equal(early.json.type, 'urn:watchfloor:problem:handover-items-pending');
    assert.ok(early.json.detail_vi.includes(b.number), early.json.detail_vi);
    const first = handover.open_items[0];
    assert.equal((await leader.post(`${sh}/handover/items`, { type: first.type, id: first.id, decision: 'accepted' })).status, 403);
    const bad = await incoming.post(`${sh}/handover/items`, { type: first.type, id: first.id, decision: 'ok' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.errors[0].field, 'decision');
    assert.ok(bad.json.errors[0].message_vi && bad.json.errors[0].message_en);
    const unknown = await incoming.post(`${sh}/handover/items`, { type: 'case', id: 999999, decision: 'accepted' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.errors[0].field, 'id');

    for (const i of handover.open_items) {
      const noted = i.type === 'coordination' || (i.type === 'case' && i.kind !== '16.4.a');
      const r = await incoming.post(`${sh}/handover/items`, {
        type: i.type,
        id: i.id,
        decision: noted ? 'noted' : 'accepted',
        ...(noted ? { note: 'Lãnh đạo Cục chủ trì; ca trực theo dõi' } : {}),
      });
      assert.equal(r.status, 200, r.text);
    }
    const decided = (await incoming.get(`${sh}/handover`)).json;
    const mine = incoming.user.id;
    for (const i of decided.open_items) {
      assert.equal(i.acceptance?.by, mine, JSON.stringify(i));
      assert.ok(i.acceptance.by_name && i.acceptance.at);
    }
    assert.equal(decided.open_items.find((i) => i.type === 'case' && i.id === c.id).acceptance.decision, 'noted');
    assert.equal(decided.open_items.find((i) => i.type === 'case' && i.id === c.id).acceptance.note, 'Lãnh đạo Cục chủ trì; ca trực theo dõi');
    const accepted = await incoming.post(`${sh}/handover/accept`, { remarks: 'Đã nhận đủ' });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.json.status, 'accepted');
    // Each decision is on the audit trail as its own entry.
    const audit = await as['kiemtra.tchq'].get('/api/v1/audit?action=handover.item&limit=500');
    assert.equal(audit.status, 200, audit.text);
    assert.equal(audit.json.items.filter((e) => e.object_id === String(shifts.current.id)).length, handover.open_items.length);
  });

  test('Art. 7: only the shift leader, or the deputy the roster names acting leader, directs a stop; anyone else is told the rule', async () => {
    const sh = `/api/v1/shifts/${shifts.current.id}`;
    const deputy = as[member(shifts.current, 'deputy_leader').username];
    const leader = as[member(shifts.current, 'shift_leader').username];
    const stop = { kind: 'stop_goods', target_type: 'vehicle', target_ref: '15C-999.01', instructions: 'Dừng xe tại cổng B' };
    const before = (await leader.get(`${sh}/orders`)).json.items.length;
    const refused = await deputy.post(`${sh}/orders`, stop);
    assert.equal(refused.status, 403, refused.text);
    assert.ok(refused.contentType.startsWith('application/problem+json'));
    assert.equal(refused.json.type, 'urn:watchfloor:problem:stop-order-shift-leader');
    assert.match(refused.json.detail_vi, /Chỉ lãnh đạo ca trực, hoặc lãnh đạo cấp phòng được giao quyền lãnh đạo ca trực/);
    assert.match(refused.json.detail, /Only the shift leader/);
    assert.equal(refused.json.errors[0].field, 'kind');
    assert.equal((await leader.get(`${sh}/orders`)).json.items.length, before, 'nothing was written');
    assert.equal((await deputy.get(sh)).json.can_order_stop, false);
    assert.equal((await deputy.post(`${sh}/orders`, { ...stop, kind: 'inspection' })).status, 201);
    assert.equal((await leader.post(`${sh}/orders`, stop)).status, 201);
    assert.equal((await leader.get(sh)).json.can_order_stop, true);

    // Lạng Sơn has no roster yet: one whose only leader is a division-level leader named acting leader.
    const roster = (members) => ({
      unit_id: units.LS.id,
      period_from: vnDate(-1),
      period_to: vnDate(1),
      rotation: { kind: 'daily_rotation', anchor_date: vnDate(-1), teams: [members] },
    });
    const officer = as['trucban.ls'].user.id;
    const wrong = await as['admin.tchq'].post('/api/v1/rosters', roster([{ user_id: officer, position: 'supervision_officer', acting_leader: true }]));
    assert.equal(wrong.status, 400, wrong.text);
    assert.equal(wrong.json.errors[0].field, 'rotation.teams[0][0].acting_leader');
    const created = await as['admin.tchq'].post('/api/v1/rosters', roster([{ user_id: officer, position: 'deputy_leader', acting_leader: true }]));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.rotation.teams[0][0].acting_leader, true);
    const r = `/api/v1/rosters/${created.json.id}`;
    assert.equal((await as['admin.tchq'].post(`${r}/submit`)).status, 200);
    const approved = await as['lanhdao.ls'].post(`${r}/approve`, { composition_exception: 'Biên chế thiếu, Cục trưởng giao quyền lãnh đạo ca' });
    assert.equal(approved.status, 200, approved.text);
    assert.equal((await as['admin.tchq'].post(`${r}/publish`)).status, 200);
    const ls = (await as['trucban.ls'].get(`/api/v1/shifts/current?unit=${units.LS.id}`)).json.current;
    assert.equal(ls.members[0].acting_leader, true);
    const acting = await as['trucban.ls'].post(`/api/v1/shifts/${ls.id}/orders`, { ...stop, target_ref: '12C-045.67' });
    assert.equal(acting.status, 201, acting.text);
    assert.equal((await as['trucban.ls'].get(`/api/v1/shifts/${ls.id}`)).json.can_order_stop, true);
  });

  test('Appendix V: a case lists exactly the units a coordination request may go to, and the server takes each of them', async () => {
    const b = await reported(plan, 'Lô phế liệu nhựa có dấu hiệu không đáp ứng quy chuẩn');
    assert.equal((await as['lanhdao.hp'].post(`/api/v1/cases/${b.id}/acknowledge`)).status, 200);
    const got = (await as['lanhdao.hp'].get(`/api/v1/cases/${b.id}`)).json;
    const expected = Object.values(units)
      .filter((u) => !u.external && u.id !== units.HP.id)
      .map((u) => u.id)
      .sort((x, y) => x - y);
    assert.deepEqual([...got.coordination_targets].sort((x, y) => x - y), expected);
    assert.ok(got.coordination_targets.includes(units['HP-CKKV1'].id), 'the unit that found it');
    const detecting = await coordinate(b, 'HP-CKKV1');
    assert.equal(detecting.status, 201, detecting.text);
    for (const code of ['HP', 'EXT-BDBP']) {
      const r = await coordinate(b, code);
      assert.equal(r.status, 400, `${code}: ${r.text}`);
      assert.equal(r.json.errors[0].field, 'to_unit_id');
      assert.ok(!got.coordination_targets.includes(units[code].id), code);
    }
  });
});
