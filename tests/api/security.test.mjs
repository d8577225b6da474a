// Security hardening (issue 11): hostile bodies and numbers, slow clients, cross-site requests,
// refusals in the audit log, HTTPS and the reverse proxy. Each test reproduces an attack that
// worked before the fix.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { startServer, login, loginFrom, pickLogin, request, run, makeTempDir } from './server.mjs';
import { connectWs, openWs } from './ws-client.mjs';

const PROBLEM = 'application/problem+json';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function assertProblem(r, status, slug) {
  const ctx = `${r.status} ${r.contentType} ${r.text.slice(0, 400)}`;
  assert.equal(r.status, status, ctx);
  assert.ok(r.contentType.startsWith(PROBLEM), ctx);
  assert.ok(r.json && r.json.type.endsWith(slug), ctx);
  assert.ok(r.json.title_vi && r.json.title, ctx);
}

async function unitByCode(client, code) {
  const r = await client.get('/api/v1/units');
  assert.equal(r.status, 200, r.text);
  const u = r.json.items.find((x) => x.code === code);
  assert.ok(u, `unit ${code}`);
  return u;
}

const deepArrays = (n) => '['.repeat(n) + ']'.repeat(n);
const deepObjects = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** A TCP connection from `localAddress` (any of 127.0.0.0/8) that records what it receives and when it ends. */
function connectFrom(port, localAddress) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    const c = { sock, data: '', closed: false, closedAt: 0 };
    sock.setEncoding('latin1');
    sock.on('data', (d) => { c.data += d; });
    sock.on('close', () => { c.closed = true; c.closedAt = Date.now(); });
    sock.on('error', () => { /* a reset counts as closed */ });
    sock.once('connect', () => resolve(c));
    sock.once('error', reject);
  });
}

describe('hostile request bodies (findings 1 and 8)', () => {
  let srv;
  let admin;
  before(async () => {
    srv = await startServer();
    const a = pickLogin(srv.logins, 'admin');
    admin = await login(srv.url, a.username, a.password);
  });
  after(async () => { if (srv) await srv.stop(); });

  test('every route that takes a body answers a body nested 300 000 arrays deep without dying', async () => {
    const routes = run(['routes']).stdout.trim().split('\n').map((l) => l.split(' '))
      .filter(([m]) => ['POST', 'PUT', 'PATCH'].includes(m));
    assert.ok(routes.length > 30, `routes: ${routes.length}`);
    const body = deepArrays(300_000);  // about 600 KB, under the 1 MiB body limit
    const seen = {};
    for (const [method, pattern] of routes) {
      if (pattern === '/api/v1/auth/logout') continue;  // reads no body, and would end this session
      const p = pattern.replace(/\{[a-z_]+\}/g, '1');
      const r = await admin.request(method, p, body, { raw: true });
      assert.ok(r.status < 500, `${method} ${p}: ${r.status} ${r.text.slice(0, 200)}`);
      seen[r.status] = (seen[r.status] || 0) + 1;
      if (r.status === 400) assert.ok(r.json && r.json.type.endsWith('malformed-json'), `${method} ${p}: ${r.text.slice(0, 200)}`);
    }
    assert.ok(seen[400] > 10, `most routes read the body and refuse it: ${JSON.stringify(seen)}`);
    const h = await request(srv.url, 'GET', '/healthz');
    assert.equal(h.status, 200, 'the server (and so the recorder) is still up');
  });

  test('the duty log refuses nested arrays and objects with a 400 once the writer is authorised', async () => {
    const hp = await unitByCode(admin, 'HP');
    let writer = null;
    let shift = null;
    for (const name of ['truongca.hp', 'truongca2.hp']) {
      const l = srv.logins.find((x) => x.username === name);
      const c = await login(srv.url, l.username, l.password);
      const cur = (await c.get(`/api/v1/shifts/current?unit=${hp.id}`)).json.current;
      if (cur && JSON.stringify(cur.members || []).includes(`"user_id":${c.user.id}`)) { writer = c; shift = cur; break; }
    }
    assert.ok(writer, 'a Hải Phòng shift leader is on duty in the demo');
    const arrays = `{"kind":"note","text":"x","links":${deepArrays(300_000)}}`;
    assertProblem(await writer.post(`/api/v1/shifts/${shift.id}/log`, arrays, { raw: true }), 400, 'malformed-json');
    const objects = `{"kind":"note","text":"x","links":${deepObjects(60_000)}}`;
    assertProblem(await writer.post(`/api/v1/shifts/${shift.id}/log`, objects, { raw: true }), 400, 'malformed-json');

    // Finding 8: an id below 1 names its field and nothing is stored.
    const before = (await writer.get(`/api/v1/shifts/${shift.id}/log`)).json.items.length;
    const neg = `{"kind":"note","text":"x","links":{"case_id":-9223372036854775808}}`;
    const r = await writer.post(`/api/v1/shifts/${shift.id}/log`, neg, { raw: true });
    assertProblem(r, 400, 'validation');
    assert.ok(r.json.errors.some((e) => e.field === 'links.case_id'), r.text);
    const after = (await writer.get(`/api/v1/shifts/${shift.id}/log`)).json.items.length;
    assert.equal(after, before, 'nothing was written');
  });

  test('a nested WebSocket message is answered with an error and the socket and server go on', async () => {
    const ws = await openWs(srv.url, admin.cookie);
    await ws.next((m) => m.type === 'hello', { what: 'hello' });
    ws.send(deepArrays(100_000).slice(0, 60_000));  // under the 64 KiB message limit, 30 000 deep
    await ws.next((m) => m.type === 'error', { what: 'an error message' });
    ws.send({ type: 'ping' });
    await ws.next((m) => m.type === 'pong', { what: 'pong after the bad message' });
    await ws.close();
    assert.equal((await request(srv.url, 'GET', '/healthz')).status, 200);
  });

  test('1e400 is a 400, not a 500, and a megabyte-long number does not reach the log whole', async () => {
    const r = await request(srv.url, 'POST', '/api/v1/auth/login', { body: '{"username":1e400,"password":"x"}' });
    assertProblem(r, 400, 'malformed-json');
    const huge = `{"username":"a","password":"b","x":1${'0'.repeat(1_000_000)}e9999}`;
    const q = await request(srv.url, 'POST', '/api/v1/auth/login', { body: huge });
    assertProblem(q, 400, 'malformed-json');
    assert.ok(q.text.length < 4000, `the answer quotes the number whole: ${q.text.length} bytes`);
    await sleep(200);
    const longest = Math.max(...(srv.stderr() + srv.output()).split('\n').map((l) => l.length));
    assert.ok(longest < 16_384, `a log line of ${longest} bytes`);
  });
});

describe('cross-site requests (finding 6)', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { if (srv) await srv.stop(); });

  test('login refuses text/plain and a foreign Origin, and sets no cookie', async () => {
    const l = pickLogin(srv.logins, 'supervision_officer');
    const body = JSON.stringify({ username: l.username, password: l.password });
    const plain = await request(srv.url, 'POST', '/api/v1/auth/login', { body, headers: { 'Content-Type': 'text/plain' } });
    assertProblem(plain, 415, 'unsupported-media-type');
    assert.equal(plain.setCookies.length, 0);
    const form = await request(srv.url, 'POST', '/api/v1/auth/login', {
      body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assertProblem(form, 415, 'unsupported-media-type');
    const foreign = await request(srv.url, 'POST', '/api/v1/auth/login', { body, headers: { Origin: 'http://evil.example' } });
    assertProblem(foreign, 403, 'bad-origin');
    assert.equal(foreign.setCookies.length, 0);
    const own = await request(srv.url, 'POST', '/api/v1/auth/login', {
      body, headers: { Origin: srv.url, 'Content-Type': 'application/json; charset=utf-8' },
    });
    assert.equal(own.status, 200, own.text);
  });

  test('a change with the right CSRF token but a foreign Origin is refused', async () => {
    const a = pickLogin(srv.logins, 'admin');
    const admin = await login(srv.url, a.username, a.password);
    const hp = await unitByCode(admin, 'HP');
    const r = await admin.patch(`/api/v1/units/${hp.id}`, { name_en: 'Hijacked' }, { headers: { Origin: 'https://evil.example' } });
    assertProblem(r, 403, 'bad-origin');
    assert.notEqual((await unitByCode(admin, 'HP')).name_en, 'Hijacked');
  });
});

describe('slow clients (finding 2)', () => {
  let srv;
  before(async () => {
    srv = await startServer({
      config: { server: { header_timeout_s: 2, idle_timeout_s: 2, max_connections: 64, max_connections_per_ip: 12, ws_max_per_user: 2 } },
    });
  });
  after(async () => { if (srv) await srv.stop(); });

  test('one address trickling headers on 80 connections does not shut out anyone else', async () => {
    const attack = [];
    for (let i = 0; i < 80; i++) {
      const c = await connectFrom(srv.port, '127.0.0.2');
      c.sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      attack.push(c);
    }
    const started = Date.now();
    const trickle = setInterval(() => {
      for (const c of attack) if (!c.closed) c.sock.write(`X-Slow-${Date.now()}: 1\r\n`);
    }, 500);
    try {
      // Meanwhile the rest of the centre is served, again and again.
      const l = pickLogin(srv.logins, 'duty_officer');
      for (let i = 0; i < 5; i++) {
        assert.equal((await request(srv.url, 'GET', '/healthz', { timeout: 2000 })).status, 200);
        const officer = await login(srv.url, l.username, l.password);
        assert.equal((await officer.get('/api/v1/auth/me')).status, 200);
        await sleep(300);
      }
      const deadline = Date.now() + 6000;
      while (attack.some((c) => !c.closed) && Date.now() < deadline) await sleep(100);
    } finally {
      clearInterval(trickle);
    }
    const open = attack.filter((c) => !c.closed).length;
    for (const c of attack) c.sock.destroy();
    assert.equal(open, 0, 'every trickling connection was cut off');
    const refused = attack.filter((c) => /^HTTP\/1\.1 429/.test(c.data)).length;
    assert.ok(refused >= 80 - 12, `connections beyond the per-address cap are refused at once: ${refused}`);
    const answer = attack.find((c) => /^HTTP\/1\.1 429/.test(c.data)).data;
    assert.match(answer, /"type":"[^"]*too-many-connections"/, 'not the message of failed logins');
    assert.match(Buffer.from(answer, 'latin1').toString('utf8'), /"detail_vi":"Địa chỉ này đang mở quá nhiều kết nối/);
    const cut = attack.filter((c) => c.data === '').map((c) => c.closedAt - started);
    assert.ok(cut.length > 0 && cut.length <= 12, `admitted: ${cut.length}`);
    assert.ok(Math.max(...cut) < 5000, `the head deadline ends them: ${JSON.stringify(cut)}`);
  });

  test('an idle keep-alive connection is closed after idle_timeout_s', async () => {
    const c = await connectFrom(srv.port, '127.0.0.3');
    c.sock.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n\r\n`);
    const t0 = Date.now();
    while (!c.data.includes('\r\n\r\n') && Date.now() - t0 < 2000) await sleep(20);
    assert.match(c.data, /^HTTP\/1\.1 200/);
    while (!c.closed && Date.now() - t0 < 5000) await sleep(50);
    assert.ok(c.closed, 'closed by the server');
    assert.ok(c.closedAt - t0 >= 1500, `not before the idle timeout: ${c.closedAt - t0} ms`);
  });

  test('one user holds at most ws_max_per_user live connections', async () => {
    const l = pickLogin(srv.logins, 'supervision_officer');
    const u = await login(srv.url, l.username, l.password);
    const a = await openWs(srv.url, u.cookie);
    const b = await openWs(srv.url, u.cookie);
    const third = await connectWs(srv.url, '/api/v1/ws', { cookie: u.cookie });
    assert.equal(third.ok, false);
    assert.equal(third.status, 429);
    assert.ok(third.json && third.json.type.endsWith('too-many-websockets'), third.text);
    await a.close();
    await sleep(200);
    const again = await openWs(srv.url, u.cookie);
    await again.next((m) => m.type === 'hello', { what: 'hello once a slot is free' });
    await again.close();
    await b.close();
  });
});

describe('refusals in the audit log (finding 7)', () => {
  test('thirty forbidden requests are one aggregated entry, visible to the auditor', async () => {
    const srv = await startServer();
    const l = pickLogin(srv.logins, 'supervision_officer', { unitPrefix: 'HP' });
    const officer = await login(srv.url, l.username, l.password);
    for (let i = 0; i < 30; i++) assert.equal((await officer.get('/api/v1/audit')).status, 403);
    for (let i = 0; i < 4; i++) assert.equal((await officer.get('/api/v1/cases/99999999')).status, 404);
    // From an address of its own: the throttle of that address outlives the restart below where it is kept in a
    // shared store (PostgreSQL), and would keep the auditor out too.
    for (let i = 0; i < 40; i++) {
      const g = await loginFrom(srv.port, '127.0.0.6', 'nobody.flood', `guess-${i}`);
      assert.ok([401, 429].includes(g.status), g.text);
    }
    await srv.stop();  // a graceful stop writes the minute still being counted
    const again = await startServer({ dataDir: srv.dataDir });
    try {
      const a = pickLogin(again.logins, 'auditor');
      const auditor = await login(again.url, a.username, a.password);
      const r = await auditor.get('/api/v1/audit?action=access.refused&limit=500');
      assert.equal(r.status, 200, r.text);
      const mine = r.json.items.filter((e) => e.actor === l.username);
      const forbidden = mine.find((e) => e.object_id === 'GET /api/v1/audit');
      assert.ok(forbidden, JSON.stringify(mine));
      assert.equal(forbidden.details.count, 30);
      assert.equal(forbidden.details.status, 403);
      assert.equal(forbidden.ip, '127.0.0.1');
      const missing = mine.find((e) => e.object_id === 'GET /api/v1/cases/{id}');
      assert.ok(missing && missing.details.count === 4 && missing.details.status === 404, JSON.stringify(mine));
      // 40 guesses at one account: the real checks each audited, the throttled rest one aggregated entry.
      const flood = r.json.items.filter((e) => e.details.subject === 'nobody.flood');
      assert.equal(flood.length, 1, JSON.stringify(flood));
      assert.equal(flood[0].details.status, 429);
      assert.equal(flood[0].object_id, 'POST /api/v1/auth/login');
      const failed = (await auditor.get('/api/v1/audit?action=auth.login_failed&limit=500')).json.items
        .filter((e) => e.details.username === 'nobody.flood');
      assert.equal(flood[0].details.count + failed.length, 40, `${failed.length} checked, ${flood[0].details.count} throttled`);
      assert.ok(failed.length <= 5, `${failed.length} real password checks`);
      const v = run(['audit', 'verify', '--data', srv.dataDir]);
      assert.equal(v.status, 0, v.stdout + v.stderr);
    } finally {
      await again.stop();
    }
  });
});

describe('behind a reverse proxy', () => {
  test('X-Forwarded-For names the client only when the peer is a trusted proxy', async () => {
    const srv = await startServer({ config: { server: { trusted_proxies: ['127.0.0.1'] } } });
    try {
      const fwd = { 'X-Forwarded-For': '203.0.113.9, 198.51.100.7' };
      await request(srv.url, 'POST', '/api/v1/auth/login', { body: { username: 'nobody.proxy', password: 'wrong-password' }, headers: fwd });
      // The same header from an address that is not a proxy is not believed.
      const direct = await connectFrom(srv.port, '127.0.0.4');
      const body = JSON.stringify({ username: 'nobody.direct', password: 'wrong-password' });
      direct.sock.write(`POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nContent-Type: application/json\r\n` +
        `X-Forwarded-For: 198.51.100.7\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      const t0 = Date.now();
      while (!direct.closed && Date.now() - t0 < 5000) await sleep(50);
      assert.match(direct.data, /^HTTP\/1\.1 401/);
      const a = pickLogin(srv.logins, 'auditor');
      const auditor = await login(srv.url, a.username, a.password);
      const items = (await auditor.get('/api/v1/audit?action=auth.login_failed&limit=50')).json.items;
      const proxied = items.find((e) => e.details.username === 'nobody.proxy');
      assert.equal(proxied && proxied.ip, '198.51.100.7', JSON.stringify(items.slice(0, 3)));
      const notProxied = items.find((e) => e.details.username === 'nobody.direct');
      assert.equal(notProxied && notProxied.ip, '127.0.0.4', JSON.stringify(items.slice(0, 3)));
    } finally {
      await srv.stop();
    }
  });
});

describe('HTTPS', () => {
  let srv;
  let ca;
  before(async () => {
    const dir = makeTempDir('wf-tls-');
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' });
    ca = fs.readFileSync(cert);
    srv = await startServer({ config: { server: { tls_cert: cert, tls_key: key } } });
  });
  after(async () => { if (srv) await srv.stop(); });

  function tlsRequest(method, p, { body = null, headers = {} } = {}) {
    return new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: srv.port, path: p, method, ca, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.setTimeout(5000, () => req.destroy(new Error('timeout')));
      if (body) req.end(body); else req.end();
    });
  }

  test('serves HTTPS with HSTS, Secure cookies, and refuses plain HTTP on the same port', async () => {
    assert.match(srv.output(), /listening on https:\/\/127\.0\.0\.1:\d+/);
    const h = await tlsRequest('GET', '/healthz');
    assert.equal(h.status, 200, h.text);
    assert.match(h.headers['strict-transport-security'] || '', /max-age=\d+/);
    const l = pickLogin(srv.logins, 'duty_officer');
    const r = await tlsRequest('POST', '/api/v1/auth/login', {
      body: JSON.stringify({ username: l.username, password: l.password }), headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(r.status, 200, r.text);
    const cookie = (r.headers['set-cookie'] || []).find((c) => c.startsWith('wf_session='));
    assert.match(cookie || '', /; Secure/);
    const plain = await request(`http://127.0.0.1:${srv.port}`, 'GET', '/healthz', { timeout: 3000 }).catch((e) => e);
    assert.ok(plain instanceof Error || plain.status !== 200, 'plain HTTP is not served');
    assert.equal((await tlsRequest('GET', '/healthz')).status, 200, 'still serving after the plain attempt');

    // WSS: the live channel over the same TLS port says hello.
    const hello = await new Promise((resolve, reject) => {
      const req = https.request({
        host: '127.0.0.1', port: srv.port, path: '/api/v1/ws', ca,
        headers: {
          Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
          Origin: `https://127.0.0.1:${srv.port}`, Cookie: cookie.split(';')[0],
        },
      });
      req.setTimeout(5000, () => req.destroy(new Error('no WSS answer')));
      req.on('response', (res) => reject(new Error(`WSS refused: ${res.statusCode}`)));
      req.on('upgrade', (res, socket, head) => {
        let data = head.toString('latin1');
        if (data.includes('"hello"')) { socket.destroy(); resolve(data); return; }
        socket.on('data', (d) => {
          data += d.toString('latin1');
          if (data.includes('"hello"')) { socket.destroy(); resolve(data); }
        });
      });
      req.on('error', reject);
      req.end();
    });
    assert.match(hello, /"type":"hello"/);
  });
});
