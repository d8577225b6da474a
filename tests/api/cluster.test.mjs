// Several API servers on one PostgreSQL store (issue 16; docs/deploy.md §3): what one server writes the other
// reads at once, a session signed in on one is good on the other, events committed on either reach the consoles of
// both in one order (and a console resumes on either), cases filed on both at the same time get numbers that never
// repeat (the writers' lock across processes), and sign-in throttling is one budget for both (auth/throttle.h).
// Runs in the PostgreSQL pass only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, login, makeClient, makeTempDir, onPostgres, pickLogin, loginFrom, assertThrottled, sleep,
} from './server.mjs';
import { openWs } from './ws-client.mjs';

function caseBody(unitId, what) {
  return {
    unit_id: unitId, observed_at: new Date().toISOString(), site: 'Cổng B cảng Tân Vũ', subject: 'goods',
    description: `Hai máy chủ ${what}: container rời bãi khi chưa thông quan`,
    immediate_measure: 'Đề nghị Đội Giám sát dừng xe tại cổng ra', report: true,
  };
}

describe('two API servers on one PostgreSQL store', { skip: !onPostgres && 'needs PostgreSQL (the PostgreSQL pass)' }, () => {
  let a, b;
  before(async () => {
    a = await startServer({ demo: true });
    // The second server: its own data directory with the installation's keys (camera credentials are sealed,
    // evidence and checkpoints signed, with them), the same store.
    const dirB = makeTempDir();
    for (const key of ['secret.key', 'signing.key'])
      if (fs.existsSync(path.join(a.dataDir, key))) fs.copyFileSync(path.join(a.dataDir, key), path.join(dirB, key));
    // One server records the cameras; the other is told not to (until recorder nodes take them over).
    b = await startServer({ demo: false, dataDir: dirB, storeOf: a.dataDir, config: { recorder: { enabled: false } } });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  test('share what they write, the sessions, and one numbering of cases', async () => {
    const who = a.logins.find((l) => l.username === 'canbo.hpkv1');
    const onA = await login(a.url, who.username, who.password);
    // The session signed in on A, used on B.
    const onB = makeClient(b.url, onA.cookie, onA.csrf);
    assert.match(b.output() + b.stderr(), /recorder\.disabled/, 'B does not record what A records');
    const me = await onB.get('/api/v1/auth/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.username, who.username);
    const unitId = (await onA.get('/api/v1/units')).json.items.find((u) => u.code === 'HP-CKKV1').id;

    // Filed on both at once: every case acknowledged, each with its own number.
    const servers = Array.from({ length: 20 }, (_, i) => (i % 2 ? [onA, onB] : [onB, onA]));
    const filed = await Promise.all(servers.map(([by], i) => by.post('/api/v1/cases', caseBody(unitId, `vụ ${i}`))));
    for (const r of filed) assert.equal(r.status, 201, r.text);
    const numbers = filed.map((r) => r.json.number);
    assert.equal(new Set(numbers).size, numbers.length, `numbers repeat: ${numbers.join(', ')}`);
    // What one server wrote, the other reads at once.
    for (const [i, r] of filed.entries()) {
      const seen = await servers[i][1].get(`/api/v1/cases/${r.json.id}`);
      assert.equal(seen.status, 200, seen.text);
      assert.equal(seen.json.number, r.json.number);
    }
  });

  test("a console on one server receives what the other commits, in one order, and resumes on either", async () => {
    const who = a.logins.find((l) => l.username === 'canbo.hpkv1');
    const onA = await login(a.url, who.username, who.password);
    const onB = makeClient(b.url, onA.cookie, onA.csrf);
    const unitId = (await onA.get('/api/v1/units')).json.items.find((u) => u.code === 'HP-CKKV1').id;
    const wsA = await openWs(a.url, onA.cookie);
    const wsB = await openWs(b.url, onA.cookie);
    const [helloA, helloB] = [await wsA.next((m) => m.type === 'hello'), await wsB.next((m) => m.type === 'hello')];
    // Cases filed alternately on A and B: both consoles receive every one, with the same sequence numbers.
    const ids = [];
    for (let i = 0; i < 6; i++) {
      const r = await (i % 2 ? onB : onA).post('/api/v1/cases', caseBody(unitId, `sự kiện ${i}`));
      assert.equal(r.status, 201, r.text);
      ids.push(r.json.id);
    }
    const changed = (ws) => Promise.all(ids.map((id) => ws.next((m) => m.type === 'event' && m.topic === 'case.changed' &&
      m.payload.id === id, { timeout: 3000, what: `case.changed of case ${id}` })));
    const [onWsA, onWsB] = [await changed(wsA), await changed(wsB)];
    assert.deepEqual(onWsB.map((m) => m.seq), onWsA.map((m) => m.seq), "the cluster's sequence numbers on both");
    const seqs = onWsA.map((m) => m.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in the order the cases were filed');
    assert.ok(seqs[0] > Math.max(helloA.seq, helloB.seq));

    // The console on B loses its connection; a case is filed meanwhile; it reconnects, through the load balancer,
    // to A and resumes from the last event it had.
    const last = onWsB.at(-1).seq;
    wsB.drop();
    const missed = await onB.post('/api/v1/cases', caseBody(unitId, 'khi mất kết nối'));
    assert.equal(missed.status, 201, missed.text);
    await sleep(200);
    const again = await openWs(a.url, onA.cookie);
    const hello = await again.next((m) => m.type === 'hello');
    assert.ok(hello.seq > last, 'the missed case is before the new hello');
    again.send({ type: 'resume', after_seq: last });
    const replayed = await again.next((m) => m.type === 'event' && m.topic === 'case.changed' && m.payload.id === missed.json.id,
      { what: 'the missed case, replayed by the other server' });
    assert.ok(replayed.seq > last && replayed.seq <= hello.seq);
    assert.ok((await again.next((m) => m.type === 'resumed')).replayed >= 1);
    await again.close();
    await wsA.close();
  });

  test('wrong passwords spread over both servers are throttled as on one; an unlock on A lets the user in on B', async () => {
    const adminLogin = pickLogin(a.logins, 'admin');
    const adminOnA = await login(a.url, adminLogin.username, adminLogin.password);
    const adminOnB = makeClient(b.url, adminOnA.cookie, adminOnA.csrf);
    const officer = pickLogin(a.logins, 'duty_officer', { exclude: ['admin'] });
    const found = await adminOnA.get(`/api/v1/users?q=${encodeURIComponent(officer.username)}`);
    const id = found.json.items.find((u) => u.username === officer.username).id;

    // The installation's free failures (5 by default), alternating between the servers: each is checked.
    const attacker = '127.0.0.7';
    for (let i = 0; i < 5; i++) {
      const r = await loginFrom((i % 2 ? b : a).port, attacker, officer.username, `wrong-${i}`);
      assert.equal(r.status, 401, `attempt ${i + 1} on ${i % 2 ? 'B' : 'A'}: ${r.text}`);
    }
    // The next waits on either server, even with the right password, as it would on one.
    for (const srv of [a, b]) {
      const r = await loginFrom(srv.port, attacker, officer.username, officer.password);
      assertThrottled(r);
      assert.equal(r.headers['set-cookie'], undefined, 'no session while throttled');
    }
    // Both servers show the administrator the wait.
    for (const admin of [adminOnA, adminOnB]) {
      const seen = await admin.get(`/api/v1/users/${id}`);
      assert.equal(seen.status, 200, seen.text);
      assert.ok(seen.json.locked_until && Date.parse(seen.json.locked_until) > Date.now(), seen.text);
    }

    // The administrator unlocks on A; B lets the officer in at once.
    const un = await adminOnA.post(`/api/v1/users/${id}/unlock`);
    assert.equal(un.status, 204, un.text);
    assert.equal((await adminOnB.get(`/api/v1/users/${id}`)).json.locked_until, null);
    const inOnB = await loginFrom(b.port, attacker, officer.username, officer.password);
    assert.equal(inOnB.status, 200, inOnB.text);
  });
});
