// Foundation API behaviour: auth, CSRF, throttling, units, permissions, users, limits, errors.
// Runs a real server (`watchfloor demo`) on an ephemeral loopback port.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, login, loginRaw, request, pickLogin, rawHttp, openIdle, sleep, uniq, keysMatching,
} from './server.mjs';

const PROBLEM = 'application/problem+json';

/** Asserts an RFC 9457 problem response with the contract's slug and bilingual title. */
function assertProblem(r, status, slug) {
  const ctx = `${r.status} ${r.contentType} ${r.text}`;
  if (Array.isArray(status)) assert.ok(status.includes(r.status), `expected status in ${status}, got ${ctx}`);
  else assert.equal(r.status, status, `expected ${status}, got ${ctx}`);
  assert.ok(r.contentType.startsWith(PROBLEM), `content-type should be ${PROBLEM}: ${ctx}`);
  assert.ok(r.json && typeof r.json === 'object', `body should be JSON: ${ctx}`);
  assert.equal(r.json.status, r.status, `problem.status should equal the HTTP status: ${ctx}`);
  assert.equal(typeof r.json.type, 'string', ctx);
  assert.ok(r.json.type.startsWith('urn:watchfloor:problem:'), `type should be urn:watchfloor:problem:*: ${ctx}`);
  if (slug) assert.ok(r.json.type.endsWith(slug), `type should end with ${slug}: ${ctx}`);
  assert.equal(typeof r.json.title, 'string', `title missing: ${ctx}`);
  assert.ok(typeof r.json.title_vi === 'string' && r.json.title_vi.length > 0, `title_vi missing: ${ctx}`);
}

function errorFields(r) {
  return ((r.json && r.json.errors) || []).map((e) => e.field);
}

/** Asserts a 400 validation problem naming `field` with messages in both languages. */
function assertFieldError(r, field, statuses = [400]) {
  assertProblem(r, statuses, null);
  const errs = (r.json.errors || []).filter((e) => e.field === field);
  assert.ok(errs.length > 0, `errors[] should name field ${field}; got ${JSON.stringify(r.json)}`);
  for (const e of errs) {
    assert.ok(typeof e.message_vi === 'string' && e.message_vi.length > 0, `message_vi missing: ${JSON.stringify(e)}`);
    assert.ok(typeof e.message_en === 'string' && e.message_en.length > 0, `message_en missing: ${JSON.stringify(e)}`);
  }
}

async function listUnits(client) {
  const r = await client.get('/api/v1/units');
  assert.equal(r.status, 200, r.text);
  assert.ok(Array.isArray(r.json.items), r.text);
  return r.json.items;
}

/** Stable snapshot of the unit table as the API shows it. */
async function unitsSnapshot(client) {
  const items = await listUnits(client);
  return JSON.stringify([...items].sort((a, b) => a.id - b.id));
}

function unitBody(parentId, code, extra = {}) {
  return {
    parent_id: parentId,
    code,
    kind: 'division',
    name_vi: `Phòng thử nghiệm ${code}`,
    name_en: `Test division ${code}`,
    ...extra,
  };
}

function subtreeIds(units, rootId) {
  const children = new Map();
  for (const u of units) {
    if (!children.has(u.parent_id)) children.set(u.parent_id, []);
    children.get(u.parent_id).push(u.id);
  }
  const out = new Set([rootId]);
  const stack = [rootId];
  while (stack.length) {
    for (const c of children.get(stack.pop()) || []) {
      if (!out.has(c)) { out.add(c); stack.push(c); }
    }
  }
  return out;
}

describe('demo server', () => {
  let srv;
  let admin; // client, admin at the root unit
  let adminLogin;
  let units; // as first listed
  let root;
  const byCode = (code) => units.find((u) => u.code === code);

  before(async () => {
    // The concurrency test below opens 80 connections at once beside those the earlier tests keep alive, all
    // from 127.0.0.1; the per-address bound (tested in security.test.mjs) is not what this server is about.
    srv = await startServer({ demo: true, config: { server: { max_connections_per_ip: 1024 } } });
    const anyAdmin = pickLogin(srv.logins, 'admin');
    const c = await login(srv.url, anyAdmin.username, anyAdmin.password);
    units = await listUnits(c);
    root = units.find((u) => u.parent_id === null);
    assert.ok(root, 'the tree has a root unit');
    adminLogin = srv.logins.find((l) => l.roles.includes('admin') && l.unit === root.code) || anyAdmin;
    admin = adminLogin === anyAdmin ? c : await login(srv.url, adminLogin.username, adminLogin.password);
  });
  after(async () => { if (srv) await srv.stop(); });

  describe('ops endpoints', () => {
    test('healthz and readyz answer 200', async () => {
      const h = await request(srv.url, 'GET', '/healthz');
      assert.equal(h.status, 200, h.text);
      assert.equal(h.json && h.json.status, 'ok', h.text);
      const r = await request(srv.url, 'GET', '/readyz');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json && r.json.status, 'ready', r.text);
    });

    test('metrics is Prometheus text with request counters per route', async () => {
      for (let i = 0; i < 3; i++) await admin.get('/api/v1/units');
      assert.ok(srv.metricsUrl, `the server printed its metrics line:\n${srv.output()}`);
      const m = await request(srv.metricsUrl, 'GET', '/metrics');
      assert.equal(m.status, 200, m.text.slice(0, 500));
      assert.match(m.contentType, /^text\/plain/, `metrics content-type: ${m.contentType}`);
      assert.match(m.text, /^watchfloor_http_requests_total\{/m, 'watchfloor_http_requests_total series');
      assert.match(m.text, /^watchfloor_uptime_seconds(\{[^}]*\})? [0-9.e+-]+$/m, 'watchfloor_uptime_seconds sample');
      assert.match(m.text, /^# TYPE watchfloor_http_requests_total counter$/m, 'counter TYPE line');
      const line = m.text.split('\n').find((l) =>
        l.startsWith('watchfloor_http_requests_total{') && l.includes('route="/api/v1/units"') && /method="GET"/.test(l));
      assert.ok(line, `a watchfloor_http_requests_total line for route="/api/v1/units" GET; got:\n${
        m.text.split('\n').filter((l) => l.startsWith('watchfloor_http_requests_total')).join('\n')}`);
      const count = Number(line.trim().split(/\s+/).pop());
      assert.ok(count >= 3, `at least 3 GET /api/v1/units counted, got ${count}`);
    });
  });

  describe('authentication', () => {
    test('login returns the user and a CSRF token, cookie is HttpOnly and SameSite=Strict', async () => {
      const r = await loginRaw(srv.url, adminLogin.username, adminLogin.password);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.user.username, adminLogin.username);
      assert.ok(typeof r.json.csrf_token === 'string' && r.json.csrf_token.length >= 16, `csrf_token: ${r.text}`);
      assert.ok(!r.text.includes(adminLogin.password), 'login response must not echo the password');
      const cookie = r.setCookies.find((c) => c.startsWith('wf_session='));
      assert.ok(cookie, `wf_session cookie set: ${JSON.stringify(r.setCookies)}`);
      assert.match(cookie, /;\s*HttpOnly/i);
      assert.match(cookie, /;\s*SameSite=Strict/i);
      assert.match(cookie, /;\s*Path=\//i);
      const token = cookie.split(';')[0].slice('wf_session='.length);
      assert.ok(token.length >= 20, 'session token has enough entropy');
    });

    test('wrong password and unknown user get the same 401', async () => {
      const bad = await loginRaw(srv.url, adminLogin.username, adminLogin.password + 'x');
      assertProblem(bad, 401, 'unauthenticated');
      assert.equal(bad.setCookies.filter((c) => /^wf_session=[^;]+/.test(c)).length, 0, 'no session cookie on failure');
      const unknown = await loginRaw(srv.url, `nobody.${uniq().toLowerCase()}`, 'Whatever-Pass-123');
      assertProblem(unknown, 401, 'unauthenticated');
      assert.equal(unknown.json.detail, bad.json.detail, 'same detail for unknown user and bad password');
      assert.equal(unknown.json.detail_vi, bad.json.detail_vi, 'same detail_vi for unknown user and bad password');
      assert.equal(unknown.json.type, bad.json.type);
    });

    test('/auth/me without a cookie is 401; with one it is the user', async () => {
      const anon = await request(srv.url, 'GET', '/api/v1/auth/me');
      assertProblem(anon, 401, 'unauthenticated');
      const me = await admin.get('/api/v1/auth/me');
      assert.equal(me.status, 200, me.text);
      assert.equal(me.json.user.username, adminLogin.username);
      const forged = await request(srv.url, 'GET', '/api/v1/auth/me', { cookie: 'wf_session=forged-token-0000000000000000' });
      assertProblem(forged, 401, 'unauthenticated');
    });

    test('logout ends the session', async () => {
      const c = await login(srv.url, adminLogin.username, adminLogin.password);
      const before = await c.get('/api/v1/auth/me');
      assert.equal(before.status, 200, before.text);
      const cookie = c.cookie;
      const out = await c.post('/api/v1/auth/logout');
      assert.equal(out.status, 204, out.text);
      const after = await request(srv.url, 'GET', '/api/v1/auth/me', { cookie });
      assertProblem(after, 401, 'unauthenticated');
      // The admin's other session is unaffected.
      assert.equal((await admin.get('/api/v1/auth/me')).status, 200);
    });

    test('unsafe requests without the CSRF header are refused and change nothing', async () => {
      const code = `CSRF-${uniq()}`;
      const snap = await unitsSnapshot(admin);
      const noHeader = await admin.post('/api/v1/units', unitBody(root.id, code), { csrf: false });
      assertProblem(noHeader, 403, 'csrf');
      const wrong = await admin.post('/api/v1/units', unitBody(root.id, code), { csrfToken: 'not-the-token' });
      assertProblem(wrong, 403, 'csrf');
      assert.equal(await unitsSnapshot(admin), snap, 'no unit created without a valid CSRF token');

      const leaf = await admin.post('/api/v1/units', unitBody(root.id, `${code}-L`));
      assert.equal(leaf.status, 201, leaf.text);
      const del = await admin.del(`/api/v1/units/${leaf.json.id}`, { csrf: false });
      assertProblem(del, 403, 'csrf');
      const patch = await admin.patch(`/api/v1/units/${leaf.json.id}`, { name_en: 'changed' }, { csrf: false });
      assertProblem(patch, 403, 'csrf');
      const still = await admin.get(`/api/v1/units/${leaf.json.id}`);
      assert.equal(still.status, 200, still.text);
      assert.equal(still.json.name_en, leaf.json.name_en);
      const logout = await admin.post('/api/v1/auth/logout', undefined, { csrf: false });
      assertProblem(logout, 403, 'csrf');
      assert.equal((await admin.get('/api/v1/auth/me')).status, 200, 'logout without CSRF must not end the session');
    });
  });

  describe('units', () => {
    test('the demo holds the 2017 organisation', async () => {
      const names = units.map((u) => u.name_vi);
      const find = (name) => units.find((u) => u.name_vi === name);
      const dtcbl = find('Cục Điều tra chống buôn lậu');
      assert.ok(dtcbl, `"Cục Điều tra chống buôn lậu" in ${JSON.stringify(names)}`);
      assert.equal(dtcbl.must_run_24x7, true, 'the Anti-Smuggling Investigation Department runs 24/7');
      const gstt = find('Phòng Giám sát hải quan trực tuyến');
      assert.ok(gstt, `"Phòng Giám sát hải quan trực tuyến" in ${JSON.stringify(names)}`);
      assert.equal(gstt.parent_id, dtcbl.id, 'the Online Customs Supervision Division sits in the Anti-Smuggling Department');
      const th = find('Phòng Tổng hợp');
      assert.ok(th, `"Phòng Tổng hợp" in ${JSON.stringify(names)}`);
      const thParent = units.find((u) => u.id === th.parent_id);
      assert.ok(thParent && /Văn phòng/.test(thParent.name_vi), `Phòng Tổng hợp belongs to the GDC Office, parent: ${JSON.stringify(thParent)}`);
      const bg = units.find((u) => /border guard/i.test(u.name_en) || /biên phòng/i.test(u.name_vi));
      assert.ok(bg, 'a Border Guard unit exists');
      assert.equal(bg.external, true, 'the Border Guard unit is external');
      assert.equal(bg.kind, 'external');
      for (const u of units) {
        for (const k of ['id', 'parent_id', 'code', 'kind', 'name_vi', 'name_en', 'time_zone', 'has_camera_room',
          'must_run_24x7', 'external', 'designations']) {
          assert.ok(k in u, `unit ${u.code} has ${k}`);
        }
      }
    });

    test('admin creates a unit; Vietnamese text round-trips exactly', async () => {
      const code = `HN-${uniq()}`;
      const nameVi = 'Đội Kiểm soát Hải quan — cửa khẩu Hữu Nghị (ắằẳẵặ ỹỷỵ Ưứ “thử”)';
      const r = await admin.post('/api/v1/units', unitBody(root.id, code, { name_vi: nameVi, name_en: 'Hữu Nghị Control Team', kind: 'team' }));
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.name_vi, nameVi);
      assert.equal(r.json.code, code);
      assert.equal(r.json.parent_id, root.id);
      assert.equal(r.json.time_zone, 'Asia/Ho_Chi_Minh', 'time_zone defaults to Asia/Ho_Chi_Minh');
      assert.equal(r.json.external, false);
      const g = await admin.get(`/api/v1/units/${r.json.id}`);
      assert.equal(g.status, 200, g.text);
      assert.equal(g.json.name_vi, nameVi);
      assert.equal(g.json.name_vi.normalize('NFC'), nameVi.normalize('NFC'));
      assert.equal(Buffer.compare(Buffer.from(g.json.name_vi), Buffer.from(nameVi)), 0, 'byte-identical UTF-8');
      const listed = (await listUnits(admin)).find((u) => u.id === r.json.id);
      assert.equal(listed.name_vi, nameVi);
    });

    test('bad input is refused with field errors and writes nothing', async () => {
      const code = `DUP-${uniq()}`;
      const first = await admin.post('/api/v1/units', unitBody(root.id, code));
      assert.equal(first.status, 201, first.text);
      const snap = await unitsSnapshot(admin);

      const dup = await admin.post('/api/v1/units', unitBody(root.id, code, { name_vi: 'Trùng mã' }));
      assertFieldError(dup, 'code', [400, 409]);
      assert.equal(await unitsSnapshot(admin), snap, 'duplicate code writes nothing');

      const unknownField = await admin.post('/api/v1/units', { ...unitBody(root.id, `UF-${uniq()}`), colour: 'đỏ' });
      assertProblem(unknownField, 400, null);
      assert.ok(JSON.stringify(unknownField.json).includes('colour'), `the problem names the unknown field: ${unknownField.text}`);
      assert.equal(await unitsSnapshot(admin), snap, 'unknown field writes nothing');

      const wrongType = await admin.post('/api/v1/units', { ...unitBody(root.id, 'x'), code: 5 });
      assertProblem(wrongType, 400, null);
      assert.ok(errorFields(wrongType).includes('code') || /\bcode\b/.test(wrongType.json.detail || ''),
        `the problem names field code: ${wrongType.text}`);
      assert.equal(await unitsSnapshot(admin), snap, 'wrong type writes nothing');

      const malformed = await admin.post('/api/v1/units', `{"parent_id": ${root.id}, "code": "MAL-1", "kind": "division",`);
      assertProblem(malformed, 400, 'malformed-json');
      assert.equal(await unitsSnapshot(admin), snap, 'malformed JSON writes nothing');

      const badCode = `UTF-${uniq()}`;
      const bytes = Buffer.concat([
        Buffer.from(`{"parent_id":${root.id},"code":"${badCode}","kind":"division","name_vi":"Ph`),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from('ng","name_en":"Bad bytes"}'),
      ]);
      const badUtf8 = await admin.post('/api/v1/units', bytes);
      assertProblem(badUtf8, 400, null);
      assert.equal(await unitsSnapshot(admin), snap, 'invalid UTF-8 writes nothing');

      const badTz = await admin.post('/api/v1/units', unitBody(root.id, `TZ-${uniq()}`, { time_zone: 'Asia/Atlantis' }));
      assertFieldError(badTz, 'time_zone');
      const badDesignation = await admin.post('/api/v1/units',
        unitBody(root.id, `DS-${uniq()}`, { designations: { leadership: 987654321 } }));
      assertFieldError(badDesignation, 'designations.leadership');
      const noParent = await admin.post('/api/v1/units', unitBody(987654321, `NP-${uniq()}`));
      assertProblem(noParent, [400, 404], null);
      assert.equal(await unitsSnapshot(admin), snap, 'refused creates write nothing');
    });

    test('designations point at existing units', async () => {
      const r = await admin.post('/api/v1/units',
        unitBody(root.id, `DSOK-${uniq()}`, { designations: { leadership: root.id, duty_watch: null } }));
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.designations.leadership, root.id);
      assert.equal(r.json.designations.duty_watch, null);
      const p = await admin.patch(`/api/v1/units/${r.json.id}`, { designations: { leadership: 987654321 } });
      assertFieldError(p, 'designations.leadership');
      const g = await admin.get(`/api/v1/units/${r.json.id}`);
      assert.equal(g.json.designations.leadership, root.id, 'refused PATCH left the designation');
    });

    test('a parent change that makes a cycle is refused on parent_id', async () => {
      const a = await admin.post('/api/v1/units', unitBody(root.id, `CYA-${uniq()}`));
      assert.equal(a.status, 201, a.text);
      const b = await admin.post('/api/v1/units', unitBody(a.json.id, `CYB-${uniq()}`));
      assert.equal(b.status, 201, b.text);
      const c = await admin.post('/api/v1/units', unitBody(b.json.id, `CYC-${uniq()}`));
      assert.equal(c.status, 201, c.text);
      const snap = await unitsSnapshot(admin);
      assertFieldError(await admin.patch(`/api/v1/units/${a.json.id}`, { parent_id: c.json.id }), 'parent_id');
      assertFieldError(await admin.patch(`/api/v1/units/${a.json.id}`, { parent_id: b.json.id }), 'parent_id');
      assertFieldError(await admin.patch(`/api/v1/units/${a.json.id}`, { parent_id: a.json.id }), 'parent_id');
      assert.equal(await unitsSnapshot(admin), snap, 'refused PATCHes write nothing');
      // A legal move still works and the field round-trips.
      const ok = await admin.patch(`/api/v1/units/${c.json.id}`, { parent_id: a.json.id, name_en: 'Moved' });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.parent_id, a.json.id);
      assert.equal(ok.json.name_en, 'Moved');
      assert.equal(ok.json.code, c.json.code, 'PATCH leaves other fields');
    });

    test('delete: 409 with children, 204 for a leaf and then 404', async () => {
      const parent = await admin.post('/api/v1/units', unitBody(root.id, `DLP-${uniq()}`));
      assert.equal(parent.status, 201, parent.text);
      const leaf = await admin.post('/api/v1/units', unitBody(parent.json.id, `DLL-${uniq()}`));
      assert.equal(leaf.status, 201, leaf.text);
      assertProblem(await admin.del(`/api/v1/units/${parent.json.id}`), 409, 'conflict');
      assert.equal((await admin.get(`/api/v1/units/${parent.json.id}`)).status, 200, 'refused delete kept the unit');
      const d = await admin.del(`/api/v1/units/${leaf.json.id}`);
      assert.equal(d.status, 204, d.text);
      assertProblem(await admin.get(`/api/v1/units/${leaf.json.id}`), 404, 'not-found');
      assert.ok(!(await listUnits(admin)).some((u) => u.id === leaf.json.id), 'deleted unit gone from the list');
      assert.equal((await admin.del(`/api/v1/units/${parent.json.id}`)).status, 204, 'parent deletable once empty');
    });

    test('a unit with people cannot be deleted', async () => {
      const u = await admin.post('/api/v1/units', unitBody(root.id, `PPL-${uniq()}`));
      assert.equal(u.status, 201, u.text);
      const username = `ppl.${uniq().toLowerCase()}`;
      const user = await admin.post('/api/v1/users', {
        username, full_name: 'Trần Thị Bình', unit_id: u.json.id, password: 'Kiem-Soat-2026!x', roles: [],
      });
      assert.equal(user.status, 201, user.text);
      assertProblem(await admin.del(`/api/v1/units/${u.json.id}`), 409, 'conflict');
    });

    test('errors are problem+json: unknown unit is 404', async () => {
      const r = await admin.get('/api/v1/units/999999');
      assertProblem(r, 404, 'not-found');
      for (const k of ['type', 'title', 'status', 'detail']) assert.ok(k in r.json, `problem has ${k}: ${r.text}`);
    });
  });

  describe('permissions', () => {
    test('a non-admin cannot create a unit', async () => {
      const l = pickLogin(srv.logins, 'duty_officer', { exclude: ['admin'] });
      const c = await login(srv.url, l.username, l.password);
      const snap = await unitsSnapshot(admin);
      const r = await c.post('/api/v1/units', unitBody(root.id, `DO-${uniq()}`));
      assertProblem(r, 403, 'forbidden');
      assert.equal(await unitsSnapshot(admin), snap);
    });

    test('a Hải Phòng user lists only users of the Hải Phòng subtree', async () => {
      const scoped = ['admin', 'unit_leader', 'hq_leader', 'office_officer', 'auditor'];
      const hpLogins = srv.logins.filter((l) => String(l.unit).startsWith('HP'));
      assert.ok(hpLogins.length > 0, `a demo login at a unit whose code starts with HP: ${JSON.stringify(srv.logins.map((l) => [l.username, l.unit]))}`);
      const l = hpLogins.find((x) => x.roles.some((r) => scoped.includes(r))) || hpLogins[0];
      const all = await listUnits(admin);
      let top = all.find((u) => u.code === l.unit);
      assert.ok(top, `unit ${l.unit} exists`);
      for (;;) {
        const parent = all.find((u) => u.id === top.parent_id);
        if (!parent || !parent.code.startsWith('HP')) break;
        top = parent;
      }
      const hp = subtreeIds(all, top.id);
      const c = await login(srv.url, l.username, l.password);
      const r = await c.get('/api/v1/users');
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.items.length > 0, 'the list is not empty');
      const outside = r.json.items.filter((u) => !hp.has(u.unit_id));
      assert.deepEqual(outside.map((u) => u.username), [], `users outside the HP subtree (rooted at ${top.code})`);
      // The filter matters: headquarters sees people of other provinces.
      const hq = await admin.get('/api/v1/users');
      assert.equal(hq.status, 200, hq.text);
      assert.ok(hq.json.items.some((u) => !hp.has(u.unit_id)), 'admin at the root sees users outside Hải Phòng');
      // A user outside the scope cannot be fetched either.
      const stranger = hq.json.items.find((u) => !hp.has(u.unit_id));
      const g = await c.get(`/api/v1/users/${stranger.id}`);
      assertProblem(g, [403, 404], null);
      // ...but anybody may read themselves.
      const self = await c.get(`/api/v1/users/${c.user.id}`);
      assert.equal(self.status, 200, self.text);
    });

    test('an external requester sees only its own unit and no audit', async () => {
      const l = pickLogin(srv.logins, 'external_requester');
      const c = await login(srv.url, l.username, l.password);
      const r = await c.get('/api/v1/units');
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.items.map((u) => u.code), [l.unit]);
      const other = units.find((u) => u.code !== l.unit);
      assertProblem(await c.get(`/api/v1/units/${other.id}`), [403, 404], null);
      assertProblem(await c.get('/api/v1/audit'), 403, 'forbidden');
    });

    test('the auditor reads the audit log with actor and request id; others may not', async () => {
      const al = srv.logins.find((l) => l.roles.includes('auditor') && l.unit === root.code) || pickLogin(srv.logins, 'auditor');
      const auditorUnit = units.find((u) => u.code === al.unit);
      const code = `AUD-${uniq()}`;
      const created = await admin.post('/api/v1/units', unitBody(auditorUnit.id, code));
      assert.equal(created.status, 201, created.text);

      const auditor = await login(srv.url, al.username, al.password);
      const r = await auditor.get('/api/v1/audit?action=unit.create&limit=500');
      assert.equal(r.status, 200, r.text);
      assert.ok(Array.isArray(r.json.items), r.text);
      assert.ok(r.json.items.every((e) => e.action.startsWith('unit.create')), 'action filter applies');
      const entry = r.json.items.find((e) => e.object_id === String(created.json.id));
      assert.ok(entry, `unit.create entry for unit ${created.json.id}: ${r.text.slice(0, 2000)}`);
      assert.equal(entry.action, 'unit.create');
      assert.equal(entry.actor, adminLogin.username);
      assert.ok(typeof entry.request_id === 'string' && entry.request_id.length > 0, `request_id: ${JSON.stringify(entry)}`);
      assert.match(entry.hash, /^[0-9a-f]{64}$/);
      assert.match(entry.prev_hash, /^[0-9a-f]{64}$/);
      assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      for (let i = 1; i < r.json.items.length; i++) {
        assert.ok(r.json.items[i - 1].seq > r.json.items[i].seq, 'newest first');
      }

      const v = await auditor.get('/api/v1/audit/verify');
      assert.equal(v.status, 200, v.text);
      assert.equal(v.json.ok, true, v.text);
      assert.equal(v.json.first_broken_seq, null);

      const dl = pickLogin(srv.logins, 'duty_officer', { exclude: ['admin', 'auditor'] });
      const duty = await login(srv.url, dl.username, dl.password);
      assertProblem(await duty.get('/api/v1/audit'), 403, 'forbidden');
    });
  });

  describe('users', () => {
    const PW = 'Giam-Sat-Truc-Tuyen-2026!';
    const secrets = [PW, 'Doi-Mat-Khau-Moi-2026#'];

    function assertNoSecrets(responses) {
      for (const r of responses) {
        for (const s of secrets) assert.ok(!r.text.includes(s), `a response leaked a password: ${r.text}`);
        const keys = keysMatching(r.json, /pass|hash|salt/i)
          .filter((k) => !/must_change_password$/.test(k) && !/(^|\.)(prev_)?hash$/.test(k));
        assert.deepEqual(keys, [], `password-like fields in ${r.text}`);
      }
    }

    test('password policy is enforced on create', async () => {
      const username = `policy.${uniq().toLowerCase()}`;
      const unit = units.find((u) => u.name_vi === 'Cục Điều tra chống buôn lậu') || root;
      for (const password of ['Short-1a', 'alllowercaseletters', username]) {
        const r = await admin.post('/api/v1/users', {
          username, full_name: 'Lê Văn Cường', unit_id: unit.id, password, roles: [],
        });
        assertFieldError(r, 'password');
      }
      const list = await admin.get(`/api/v1/users?q=${encodeURIComponent(username)}`);
      assert.equal(list.status, 200, list.text);
      assert.ok(!list.json.items.some((u) => u.username === username), 'no user was written');
    });

    test('a created user can log in; passwords never come back', async () => {
      const unit = units.find((u) => u.name_vi === 'Cục Điều tra chống buôn lậu') || root;
      const username = `giamsat.${uniq().toLowerCase()}`;
      const r = await admin.post('/api/v1/users', {
        username, full_name: 'Phạm Thị Dung', unit_id: unit.id, title: 'Chuyên viên', password: PW,
        roles: [{ role: 'duty_officer', unit_id: unit.id }],
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.username, username);
      assert.equal(r.json.full_name, 'Phạm Thị Dung');
      assert.equal(r.json.active, true);
      assert.deepEqual(r.json.roles, [{ role: 'duty_officer', unit_id: unit.id }]);
      const c = await login(srv.url, username, PW);
      assert.equal(c.user.username, username);
      assert.equal((await c.get('/api/v1/units')).status, 200);
      const g = await admin.get(`/api/v1/users/${r.json.id}`);
      assert.equal(g.status, 200, g.text);
      await admin.get('/api/v1/users');
      await c.get('/api/v1/auth/me');
      assertNoSecrets([...admin.responses, ...c.responses, c.loginResponse]);
    });

    test('must_change_password blocks everything until the password is changed', async () => {
      const unit = root;
      const username = `doimk.${uniq().toLowerCase()}`;
      const r = await admin.post('/api/v1/users', {
        username, full_name: 'Hoàng Văn Em', unit_id: unit.id, password: PW,
        roles: [{ role: 'duty_officer', unit_id: unit.id }], must_change_password: true,
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.must_change_password, true);
      const c = await login(srv.url, username, PW);
      assert.equal(c.user.must_change_password, true);
      assertProblem(await c.get('/api/v1/units'), 403, 'password-change-required');
      assertProblem(await c.get('/api/v1/users'), 403, 'password-change-required');
      const me = await c.get('/api/v1/auth/me');
      assert.equal(me.status, 200, me.text);
      const wrongCurrent = await c.post('/api/v1/auth/password', { current_password: 'Not-The-Pass-99', new_password: secrets[1] });
      assert.ok(wrongCurrent.status >= 400 && wrongCurrent.status < 500, `wrong current password refused: ${wrongCurrent.text}`);
      const ch = await c.post('/api/v1/auth/password', { current_password: PW, new_password: secrets[1] });
      assert.equal(ch.status, 204, ch.text);
      const after = await c.get('/api/v1/units');
      assert.equal(after.status, 200, `after the change the session works: ${after.text}`);
      assert.equal((await loginRaw(srv.url, username, PW)).status, 401, 'old password no longer works');
      const again = await login(srv.url, username, secrets[1]);
      assert.equal(again.user.must_change_password, false);
      assertNoSecrets([...c.responses, again.loginResponse]);
    });

    test('deactivating a user ends their session', async () => {
      const username = `tatkh.${uniq().toLowerCase()}`;
      const r = await admin.post('/api/v1/users', {
        username, full_name: 'Vũ Thị Giang', unit_id: root.id, password: PW,
        roles: [{ role: 'duty_officer', unit_id: root.id }],
      });
      assert.equal(r.status, 201, r.text);
      const c = await login(srv.url, username, PW);
      assert.equal((await c.get('/api/v1/auth/me')).status, 200);
      const p = await admin.patch(`/api/v1/users/${r.json.id}`, { active: false });
      assert.equal(p.status, 200, p.text);
      assert.equal(p.json.active, false);
      assertProblem(await c.get('/api/v1/auth/me'), 401, 'unauthenticated');
      assertProblem(await c.get('/api/v1/units'), 401, 'unauthenticated');
      assertProblem(await loginRaw(srv.url, username, PW), 401, 'unauthenticated');
      assertNoSecrets([...admin.responses]);
    });
  });

  // Last on this server: a deadlock here would otherwise take every later test with it.
  describe('concurrency', () => {
    test('concurrent creates and reads all succeed and the server stays responsive', async () => {
      const prefix = `CC-${uniq()}`;
      const n = 40;
      for (let round = 0; round < 3; round++) {
        const writes = Array.from({ length: n }, (_, i) =>
          admin.post('/api/v1/units', unitBody(root.id, `${prefix}-${round}-${i}`), { timeout: 10_000 })
            .then((r) => `POST ${r.status}`, (e) => `POST failed: ${e.message}`));
        const reads = Array.from({ length: n }, () =>
          admin.get('/api/v1/units', { timeout: 10_000 }).then((r) => `GET ${r.status}`, (e) => `GET failed: ${e.message}`));
        const results = await Promise.all([...writes, ...reads]);
        const counts = {};
        for (const r of results) counts[r] = (counts[r] || 0) + 1;
        assert.deepEqual(counts, { 'POST 201': n, 'GET 200': n }, `round ${round}: ${n} concurrent creates and ${n} reads`);
      }
      const h = await request(srv.url, 'GET', '/healthz', { timeout: 5000 });
      assert.equal(h.status, 200);
      const made = (await listUnits(admin)).filter((u) => u.code.startsWith(`${prefix}-`));
      assert.equal(made.length, 3 * n);
      assert.equal(new Set(made.map((u) => u.id)).size, 3 * n, 'distinct ids');
    });
  });
});

describe('restricted server (throttling and limits)', () => {
  let srv;
  let adminLogin;
  before(async () => {
    srv = await startServer({
      demo: true,
      config: {
        server: { max_body_bytes: 1024, max_header_bytes: 8192, max_connections: 4 },
        security: { login_free_failures: 3 },
      },
    });
    adminLogin = pickLogin(srv.logins, 'admin');
  });
  after(async () => { if (srv) await srv.stop(); });

  test('login throttling: after 3 failures from one address even the right password gets 429 there', async () => {
    const l = pickLogin(srv.logins, 'duty_officer', { exclude: ['admin'] });
    const statuses = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await loginRaw(srv.url, l.username, `${l.password}-wrong-${i}`);
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    assertProblem(last, 429, 'throttled');
    const retry = last.headers.get('retry-after');
    assert.ok(retry && /^\d+$/.test(retry) && Number(retry) > 0, `Retry-After: ${retry}`);
    const right = await loginRaw(srv.url, l.username, l.password);
    assertProblem(right, 429, 'throttled');
    assert.equal(right.setCookies.filter((c) => c.startsWith('wf_session=')).length, 0, 'no session while throttled');
    // Other users are not locked out by one user's failures.
    const ok = await loginRaw(srv.url, adminLogin.username, adminLogin.password);
    assert.equal(ok.status, 200, ok.text);
  });

  test('a body over max_body_bytes gets 413 and writes nothing', async () => {
    const c = await login(srv.url, adminLogin.username, adminLogin.password);
    const before = await c.get('/api/v1/units');
    assert.equal(before.status, 200);
    const root = before.json.items.find((u) => u.parent_id === null);
    const code = `BIG-${uniq()}`;
    const body = JSON.stringify({ ...unitBody(root.id, code), name_vi: 'Đ'.repeat(1000) });
    assert.ok(Buffer.byteLength(body) >= 2048);
    const r = await rawHttp(srv.port, {
      method: 'POST', path: '/api/v1/units', body,
      headers: { 'Content-Type': 'application/json', Cookie: c.cookie, 'X-CSRF-Token': c.csrf },
    });
    assert.equal(r.status, 413, `status line of: ${r.raw.slice(0, 500)} (error ${r.error})`);
    assert.ok((r.headers['content-type'] || '').startsWith(PROBLEM), `content-type ${r.headers['content-type']}`);
    assert.ok(JSON.parse(r.body).type.endsWith('payload-too-large'), r.body);
    assert.equal((await request(srv.url, 'GET', '/healthz')).status, 200);
    const after = await c.get('/api/v1/units');
    assert.ok(!after.json.items.some((u) => u.code === code), 'nothing written');
  });

  test('a 64 KiB header gets 431 and the server keeps serving', async () => {
    const r = await rawHttp(srv.port, {
      method: 'GET', path: '/healthz', headers: { 'X-Padding': 'a'.repeat(64 * 1024) }, chunkSize: 4096,
    });
    assert.equal(r.status, 431, `status line of: ${r.raw.slice(0, 300)} (error ${r.error}, timedOut ${r.timedOut})`);
    const h = await rawHttp(srv.port, { method: 'GET', path: '/healthz' });
    assert.equal(h.status, 200, h.raw);
  });

  test('connections over max_connections get 503, and service resumes after they close', async () => {
    const idle = [];
    for (let i = 0; i < 6; i++) idle.push(await openIdle(srv.port));
    await sleep(300);
    const extra = await rawHttp(srv.port, { method: 'GET', path: '/healthz', timeout: 3000 });
    await sleep(100);
    const idleStatuses = idle.map((s) => {
      const m = s.data.match(/^HTTP\/1\.[01] (\d{3})/);
      return m ? Number(m[1]) : null;
    });
    const saw503 = extra.status === 503 || idleStatuses.includes(503);
    for (const s of idle) s.sock.destroy();
    assert.ok(saw503,
      `expected a 503 for connections beyond 4; new request: ${extra.status} (timedOut ${extra.timedOut}, error ${extra.error}); ` +
      `idle connections received: ${JSON.stringify(idleStatuses)}`);
    if (extra.status === 503) {
      assert.ok((extra.headers['content-type'] || '').startsWith(PROBLEM), `503 is problem+json: ${extra.raw}`);
    }
    let h;
    const deadline = Date.now() + 5000;
    do {
      await sleep(100);
      h = await rawHttp(srv.port, { method: 'GET', path: '/healthz', timeout: 2000 });
    } while (h.status !== 200 && Date.now() < deadline);
    assert.equal(h.status, 200, `after closing the idle connections: ${h.raw} (timedOut ${h.timedOut})`);
    const f = await request(srv.url, 'GET', '/readyz');
    assert.equal(f.status, 200, f.text);
  });
});
