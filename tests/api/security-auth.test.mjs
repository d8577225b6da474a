// Sign-in throttling (security findings 4 and 5 of issue 11): per account and source address, counted
// before the password check, also at password change; an administrator's unlock.
// The server keys on the socket address, so the attackers here connect from other loopback
// addresses (127.0.0.0/8 is all loopback on Linux) with http.request's localAddress.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, pickLogin, loginFrom, assertThrottled } from './server.mjs';

const PROBLEM = 'application/problem+json';

describe('sign-in throttling', () => {
  let srv;
  let admin;
  let officer; // locked out from one address, signs in from another
  let target; // 30 concurrent guesses
  let changer; // password change guesses
  let ids;

  before(async () => {
    srv = await startServer({
      demo: true,
      config: {
        security: {
          login_free_failures: 5, login_delay_s: 30, login_max_delay_s: 900,
          login_max_attempts_per_address: 30, login_address_window_minutes: 15,
        },
      },
    });
    const a = pickLogin(srv.logins, 'admin');
    admin = await login(srv.url, a.username, a.password);
    officer = pickLogin(srv.logins, 'duty_officer', { exclude: ['admin'] });
    target = pickLogin(srv.logins, 'supervision_officer', { exclude: ['admin', 'duty_officer'] });
    changer = pickLogin(srv.logins, 'office_officer', { exclude: ['admin', 'duty_officer', 'supervision_officer'] });
    assert.equal(new Set([officer.username, target.username, changer.username]).size, 3);
    ids = {};
    for (const l of [officer, target, changer]) {
      const r = await admin.get(`/api/v1/users?q=${encodeURIComponent(l.username)}`);
      ids[l.username] = r.json.items.find((u) => u.username === l.username).id;
    }
  });
  after(async () => { if (srv) await srv.stop(); });

  const auditRows = async (action, userId) => {
    const r = await admin.get(`/api/v1/audit?action=${action}&object_id=${userId}&limit=500`);
    assert.equal(r.status, 200, r.text);
    return r.json.items.filter((e) => e.action === action);
  };

  test('failures from one address do not lock the officer out at another', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await loginFrom(srv.port, '127.0.0.2', officer.username, `wrong-${i}`);
      assert.equal(r.status, 401, r.text);
    }
    // The attacker's address now waits, even with the right password.
    const right = await loginFrom(srv.port, '127.0.0.2', officer.username, officer.password);
    assertThrottled(right);
    assert.equal(right.headers['set-cookie'], undefined, 'no session while throttled');
    // The officer at her own desk gets in.
    const desk = await loginFrom(srv.port, '127.0.0.3', officer.username, officer.password);
    assert.equal(desk.status, 200, desk.text);

    // The administrator sees the wait and lifts it; the unlock is audited.
    const seen = await admin.get(`/api/v1/users/${ids[officer.username]}`);
    assert.equal(seen.status, 200, seen.text);
    assert.ok(seen.json.locked_until && Date.parse(seen.json.locked_until) > Date.now(), seen.text);
    const un = await admin.post(`/api/v1/users/${ids[officer.username]}/unlock`);
    assert.equal(un.status, 204, un.text);
    const rows = await auditRows('user.unlock', ids[officer.username]);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0].details.was_throttled, true);
    const after = await admin.get(`/api/v1/users/${ids[officer.username]}`);
    assert.equal(after.json.locked_until, null, after.text);
    const again = await loginFrom(srv.port, '127.0.0.2', officer.username, officer.password);
    assert.equal(again.status, 200, again.text);
  });

  test('only an administrator unlocks', async () => {
    const c = await login(srv.url, changer.username, changer.password);
    const r = await c.post(`/api/v1/users/${ids[officer.username]}/unlock`);
    assert.ok([403, 404].includes(r.status), `${r.status} ${r.text}`);
    assert.equal((await admin.post('/api/v1/users/999999/unlock')).status, 404);
    // Unlocking someone who is not throttled is harmless, and still audited.
    assert.equal((await admin.post(`/api/v1/users/${ids[changer.username]}/unlock`)).status, 204);
    const rows = await auditRows('user.unlock', ids[changer.username]);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0].details.was_throttled, false);
  });

  test('30 concurrent wrong logins get at most 5 real password checks', async () => {
    const all = await Promise.all(
      Array.from({ length: 30 }, (_, i) => loginFrom(srv.port, '127.0.0.4', target.username, `wrong-${i}`)));
    const statuses = all.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, 5, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 429).length, 25, JSON.stringify(statuses));
    const failed = await auditRows('auth.login_failed', ids[target.username]);
    assert.equal(failed.length, 5, `password checks audited: ${failed.length}`);
    // The address has used up its attempts (failed and refused): another account is refused there too,
    // and the target still signs in from elsewhere.
    assertThrottled(await loginFrom(srv.port, '127.0.0.4', changer.username, changer.password));
    assert.equal((await loginFrom(srv.port, '127.0.0.5', target.username, target.password)).status, 200);
  });

  test('password change: wrong current passwords are audited and then throttled', async () => {
    const c = await login(srv.url, changer.username, changer.password);
    const body = (i) => ({ current_password: `Not-The-Pass-${i}`, new_password: 'Mot-Mat-Khau-Moi-2026' });
    for (let i = 0; i < 5; i++) {
      const r = await c.post('/api/v1/auth/password', body(i));
      assert.equal(r.status, 400, r.text);
      assert.ok(r.json.errors.some((e) => e.field === 'current_password'), r.text);
    }
    const refused = await c.post('/api/v1/auth/password', body(99));
    assert.equal(refused.status, 429, refused.text);
    assert.ok(refused.contentType.startsWith(PROBLEM));
    assert.match(refused.headers.get('retry-after') || '', /^[1-9]\d*$/);
    // Even the right current password waits: no check is made.
    const right = await c.post('/api/v1/auth/password', { current_password: changer.password, new_password: 'Mot-Mat-Khau-Moi-2026' });
    assert.equal(right.status, 429, right.text);

    const rows = await auditRows('auth.password_change_failed', ids[changer.username]);
    assert.equal(rows.length, 5, JSON.stringify(rows));
    for (const e of rows) {
      assert.equal(e.actor, changer.username);
      assert.ok(!JSON.stringify(e.details).includes('Not-The-Pass'), 'no secrets in the audit');
    }

    // The administrator's unlock lifts this too.
    assert.equal((await admin.post(`/api/v1/users/${ids[changer.username]}/unlock`)).status, 204);
    const ok = await c.post('/api/v1/auth/password', { current_password: changer.password, new_password: 'Mot-Mat-Khau-Moi-2026' });
    assert.equal(ok.status, 204, ok.text);
  });
});
