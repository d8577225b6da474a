// The live channel GET /api/v1/ws: who may open it, what each console receives (filtered on the
// server), catch-up after a reconnect, and how it ends (logout, SIGTERM).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, pickLogin, request, uniq } from './server.mjs';
import { connectWs, openWs } from './ws-client.mjs';

const PROBLEM = 'application/problem+json';

function assertProblem(r, status, slug) {
  const ctx = `${r.status} ${r.contentType} ${r.text}`;
  assert.equal(r.status, status, ctx);
  assert.ok(r.contentType.startsWith(PROBLEM), ctx);
  assert.ok(r.json && r.json.type.endsWith(slug), ctx);
  assert.ok(r.json.title_vi, ctx);
}

async function unitByCode(client, code) {
  const r = await client.get('/api/v1/units');
  assert.equal(r.status, 200, r.text);
  const u = r.json.items.find((x) => x.code === code);
  assert.ok(u, `unit ${code} is listed`);
  return u;
}

async function rename(admin, unit) {
  const r = await admin.patch(`/api/v1/units/${unit.id}`, { name_en: `${unit.code} renamed ${uniq()}` });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const sockets = [];
async function track(ws) {
  sockets.push(ws);
  await ws.next((m) => m.type === 'hello', { what: 'hello' });
  return ws;
}

describe('live channel', () => {
  let srv;
  let admin;
  let dutyLogin;
  let extLogin;
  before(async () => {
    srv = await startServer({ demo: true });
    const a = pickLogin(srv.logins, 'admin');
    admin = await login(srv.url, a.username, a.password);
    dutyLogin = pickLogin(srv.logins, 'duty_officer');
    extLogin = pickLogin(srv.logins, 'external_requester');
  });
  after(async () => {
    for (const ws of sockets) ws.drop();
    await srv.kill9();
  });

  test('an anonymous upgrade is refused with 401 problem+json', async () => {
    const r = await connectWs(srv.url, '/api/v1/ws');
    assert.equal(r.ok, false, 'no WebSocket without a session');
    assertProblem(r, 401, 'unauthenticated');
    const forged = await connectWs(srv.url, '/api/v1/ws', { cookie: 'wf_session=not-a-session' });
    assertProblem(forged, 401, 'unauthenticated');
  });

  test('a cross-site Origin is refused with 403; the console page and non-browser clients are accepted', async () => {
    const duty = await login(srv.url, dutyLogin.username, dutyLogin.password);
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${srv.port + 1}`, `http://127.0.0.1:${srv.port}.evil.example`]) {
      const r = await connectWs(srv.url, '/api/v1/ws', { cookie: duty.cookie, origin });
      assert.equal(r.ok, false, `Origin ${origin} must not get a WebSocket`);
      assertProblem(r, 403, 'bad-origin');
    }
    const same = await openWs(srv.url, duty.cookie);
    await track(same);
    const none = await openWs(srv.url, duty.cookie, { origin: null });
    const hello = await none.next((m) => m.type === 'hello');
    assert.equal(hello.user, dutyLogin.username);
    await same.close();
    await none.close();
  });

  test('a plain GET answers 426 Upgrade Required for a logged-in user, 401 for anyone else', async () => {
    const duty = await login(srv.url, dutyLogin.username, dutyLogin.password);
    const r = await duty.get('/api/v1/ws');
    assertProblem(r, 426, 'upgrade-required');
    assert.equal(r.headers.get('upgrade'), 'websocket');
    assertProblem(await request(srv.url, 'GET', '/api/v1/ws'), 401, 'unauthenticated');
  });

  test('a change reaches a duty officer within 1 s; an external requester only sees its own unit', async () => {
    const duty = await login(srv.url, dutyLogin.username, dutyLogin.password);
    const ext = await login(srv.url, extLogin.username, extLogin.password);
    const dutyWs = await track(await openWs(srv.url, duty.cookie));
    const extWs = await track(await openWs(srv.url, ext.cookie));
    const insideUnit = await unitByCode(admin, dutyLogin.unit);
    const extUnit = await unitByCode(admin, extLogin.unit);

    const started = Date.now();
    const updated = await rename(admin, insideUnit);
    const got = await dutyWs.next((m) => m.type === 'event' && m.topic === 'unit.updated' && m.unit_id === insideUnit.id,
      { timeout: 1000, what: `unit.updated for ${insideUnit.code} within 1 s` });
    assert.ok(Date.now() - started < 1000);
    assert.equal(got.payload.name_en, updated.name_en, 'the payload is the unit after the change');
    assert.equal(got.payload.id, insideUnit.id);
    assert.equal(typeof got.seq, 'number');
    assert.match(got.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // Events reach each socket in order, so once the external requester has the event of its own
    // (later) change, it would already hold the earlier one had it been sent.
    await rename(admin, extUnit);
    const own = await extWs.next((m) => m.type === 'event' && m.unit_id === extUnit.id,
      { timeout: 1000, what: `unit.updated for its own unit ${extUnit.code}` });
    assert.equal(own.topic, 'unit.updated');
    assert.deepEqual(extWs.events().map((e) => e.unit_id), [extUnit.id],
      'the external requester receives nothing about a customs unit');
    // Inside customs the organisation is shared: the duty officer sees both changes.
    await dutyWs.next((m) => m.type === 'event' && m.unit_id === extUnit.id, { timeout: 1000 });
    const seqs = dutyWs.events().map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in sequence order');

    dutyWs.send({ type: 'ping' });
    await dutyWs.next((m) => m.type === 'pong', { what: 'pong' });
    await dutyWs.close();
    await extWs.close();
  });

  test('resume after a disconnect replays the missed event; a seq from before is a resync', async () => {
    const duty = await login(srv.url, dutyLogin.username, dutyLogin.password);
    const unit = await unitByCode(admin, dutyLogin.unit);
    const first = await openWs(srv.url, duty.cookie);
    const hello = await first.next((m) => m.type === 'hello');
    first.drop();  // the network goes away

    const missed = await rename(admin, unit);
    const second = await openWs(srv.url, duty.cookie);
    const hello2 = await second.next((m) => m.type === 'hello');
    assert.ok(hello2.seq > hello.seq, 'the missed change happened between the two hellos');
    assert.equal(second.events().length, 0, 'a new connection does not replay on its own');
    second.send({ type: 'resume', after_seq: hello.seq });
    const replayed = await second.next((m) => m.type === 'event' && m.unit_id === unit.id, { what: 'the replayed event' });
    assert.equal(replayed.topic, 'unit.updated');
    assert.equal(replayed.payload.name_en, missed.name_en);
    const done = await second.next((m) => m.type === 'resumed');
    assert.ok(done.replayed >= 1);

    // A seq never issued (another installation's; on SQLite, one from before a restart is as old as that).
    second.send({ type: 'resume', after_seq: hello2.seq + 1_000_000_000 });
    await second.next((m) => m.type === 'resync', { what: 'resync' });
    await second.close();
  });
});

describe('how the live channel ends', () => {
  test('logging out closes the socket with 4401 at the next session check', async () => {
    const srv = await startServer({ demo: true, config: { server: { ws_session_check_s: 1 } } });
    try {
      const l = pickLogin(srv.logins, 'duty_officer');
      const duty = await login(srv.url, l.username, l.password);
      const ws = await openWs(srv.url, duty.cookie);
      await ws.next((m) => m.type === 'hello');
      const out = await duty.post('/api/v1/auth/logout');
      assert.equal(out.status, 204, out.text);
      const closed = await Promise.race([ws.closed, new Promise((r) => setTimeout(() => r(null), 4000))]);
      assert.ok(closed, 'the socket closes within a few seconds of the logout');
      assert.equal(closed.code, 4401);
      assert.equal(closed.reason, 'session ended');
    } finally {
      await srv.kill9();
    }
  });

  test('SIGTERM closes open sockets with 1001 "going away" and the server exits 0', async () => {
    const srv = await startServer({ demo: true });
    try {
      const l = pickLogin(srv.logins, 'duty_officer');
      const duty = await login(srv.url, l.username, l.password);
      const a = await openWs(srv.url, duty.cookie);
      const b = await openWs(srv.url, duty.cookie);
      await a.next((m) => m.type === 'hello');
      await b.next((m) => m.type === 'hello');
      const started = Date.now();
      const exit = await srv.stop(8000);
      assert.deepEqual(exit, { code: 0, signal: null }, srv.describe());
      assert.ok(Date.now() - started < 5000, 'the sockets do not hold the stop for the grace period');
      for (const ws of [a, b]) assert.deepEqual(await ws.closed, { code: 1001, reason: 'going away' });
    } finally {
      await srv.kill9();
    }
  });
});
