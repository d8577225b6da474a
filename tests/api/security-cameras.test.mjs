// Security finding 3 of issue 11: camera credentials cannot be sent to a host of the editor's choosing.
// A camera administrator who moves a camera's address to another host or port must enter the
// credentials again (or remove them); "test connection" and the recorder never send the stored ones
// elsewhere; credentials in the address's query string are refused, and stored ones never shown.
// Two fake RTSP cameras on 127.0.0.1 challenge every request (401 Basic) and record what they receive.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { startServer, login, sql } from './server.mjs';

const PASSWORD_A = 'Cam-pass-A-7731';
const PASSWORD_B = 'Cam-pass-B-4402';

// An RTSP server that answers 401 (Basic) to a request without Authorization and 404 to one with it,
// and keeps every request it received.
function fakeCamera() {
  const requests = [];
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = '';
    sock.setEncoding('latin1');
    sock.on('data', (d) => {
      buf += d;
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0 && requests.length < 1000; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        requests.push(head);
        const cseq = (head.match(/^CSeq:\s*(\d+)/im) || [])[1] || '0';
        const authorized = /^Authorization:/im.test(head);
        sock.write(authorized
          ? `RTSP/1.0 404 Not Found\r\nCSeq: ${cseq}\r\nContent-Length: 0\r\n\r\n`
          : `RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Basic realm="camera"\r\nContent-Length: 0\r\n\r\n`);
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        port,
        requests,
        url: (p = '/live') => `rtsp://127.0.0.1:${port}${p}`,
        // The passwords that arrived in Authorization headers (Basic, decoded).
        passwords: () => requests.flatMap((r) => [...r.matchAll(/^Authorization:\s*Basic\s+(\S+)/gim)])
          .map((m) => Buffer.from(m[1], 'base64').toString('utf8').split(':').slice(1).join(':')),
        close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
      });
    });
  });
}

describe('camera credentials are bound to their host and port', () => {
  let server;
  let admin;
  let cameraAdmin; // camera_admin of DTCBL-GSTT: may change the unit's cameras and test them
  let reader; // reads the unit's cameras, may not change them
  let auditor;
  let camA;
  let camB;
  let siteId;

  before(async () => {
    camA = await fakeCamera();
    camB = await fakeCamera();
    server = await startServer();
    const pw = (u) => server.logins.find((l) => l.username === u).password;
    admin = await login(server.url, 'admin.tchq', pw('admin.tchq'));
    cameraAdmin = await login(server.url, 'camera.gstt', pw('camera.gstt'));
    reader = await login(server.url, 'truongca.dtcbl', pw('truongca.dtcbl'));
    auditor = await login(server.url, 'kiemtra.tchq', pw('kiemtra.tchq'));
    const units = (await admin.request('GET', '/api/v1/units')).json;
    const unit = (units.items || units).find((u) => u.code === 'DTCBL-GSTT');
    const site = await admin.request('POST', '/api/v1/sites', { unit_id: unit.id, kind: 'border_gate', name: 'Cửa khẩu Bờ Y' });
    assert.equal(site.status, 201, site.text);
    siteId = site.json.id;
  });

  after(async () => {
    if (server) await server.stop();
    if (camA) await camA.close();
    if (camB) await camB.close();
  });

  const createCamera = async (name) => {
    const c = await admin.request('POST', '/api/v1/cameras', {
      site_id: siteId, name, main_url: camA.url(), username: 'viewer', password: PASSWORD_A,
    });
    assert.equal(c.status, 201, c.text);
    return c.json;
  };
  const probe = async (id) => {
    const p = await cameraAdmin.request('POST', `/api/v1/cameras/${id}/probe`, undefined, { timeout: 15_000 });
    assert.equal(p.status, 200, p.text);
    return p.json;
  };

  test('moving the address to another host or port without the credentials is refused and changes nothing', async () => {
    const cam = await createCamera('Cổng 1 - camera 01');
    // The stored credentials go to the host they were entered for.
    assert.equal((await probe(cam.id)).code, 'not_found');
    assert.ok(camA.passwords().includes(PASSWORD_A), 'the fake camera challenges and receives the credentials');

    const moved = await cameraAdmin.request('PATCH', `/api/v1/cameras/${cam.id}`, { main_url: camB.url(), name: 'đổi' });
    assert.equal(moved.status, 422, moved.text);
    assert.match(moved.contentType, /application\/problem\+json/);
    const err = moved.json.errors.find((e) => e.field === 'password');
    assert.ok(err, moved.text);
    assert.match(err.message_vi, /nhập lại tên đăng nhập và mật khẩu/);
    assert.match(err.message_en, /host or port changed/);
    const after = (await cameraAdmin.request('GET', `/api/v1/cameras/${cam.id}`)).json;
    assert.equal(after.main_url, camA.url());
    assert.equal(after.name, cam.name);
    assert.equal(after.credentials_set, true);

    // Another port on the same host is another camera, too.
    const port = await cameraAdmin.request('PATCH', `/api/v1/cameras/${cam.id}`, { main_url: `rtsp://127.0.0.1:${camA.port + 1}/live` });
    assert.equal(port.status, 422, port.text);

    await probe(cam.id);
    assert.deepEqual(camB.passwords(), [], 'no credentials reach the other host');
    assert.ok(!camB.requests.join('\n').includes(Buffer.from(`viewer:${PASSWORD_A}`).toString('base64')));
    await admin.request('DELETE', `/api/v1/cameras/${cam.id}`);
  });

  test('entering the credentials again moves them; the audit entry says so without the secret', async () => {
    const cam = await createCamera('Cổng 1 - camera 02');
    const moved = await cameraAdmin.request('PATCH', `/api/v1/cameras/${cam.id}`, {
      main_url: camB.url('/cam2'), username: 'viewer-b', password: PASSWORD_B,
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.main_url, camB.url('/cam2'));
    assert.equal(moved.json.credentials_set, true);
    await probe(cam.id);
    assert.ok(camB.passwords().includes(PASSWORD_B), 'the new credentials go to the new host');
    assert.ok(!camB.passwords().includes(PASSWORD_A), 'the old ones never do');

    const audit = await auditor.get('/api/v1/audit?action=camera.update&limit=50');
    assert.equal(audit.status, 200, audit.text);
    const entry = audit.json.items.find((e) => e.object_id === String(cam.id));
    assert.ok(entry, audit.text.slice(0, 2000));
    assert.equal(entry.details.credentials, 'rebound');
    assert.equal(entry.details.credentials_host, `127.0.0.1:${camB.port}`);
    assert.ok(!JSON.stringify(entry).includes(PASSWORD_B) && !JSON.stringify(entry).includes('viewer-b'));

    // Or they are removed in the same change.
    const cleared = await cameraAdmin.request('PATCH', `/api/v1/cameras/${cam.id}`, { main_url: camA.url('/cam2'), username: null });
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.json.credentials_set, false);
    const audit2 = await auditor.get('/api/v1/audit?action=camera.update&limit=50');
    assert.equal(audit2.json.items.find((e) => e.object_id === String(cam.id)).details.credentials, 'removed');
    await admin.request('DELETE', `/api/v1/cameras/${cam.id}`);
  });

  test('credentials in the query string are refused, naming the address; stored ones are never shown', async () => {
    for (const [field, url] of [['main_url', camA.url('/live?user=x&password=y')], ['main_url', camA.url('/live?channel=1&PWD=y')],
      ['sub_url', camA.url('/sub?access_token=y')]]) {
      const body = { site_id: siteId, name: 'thử', main_url: camA.url() };
      body[field] = url;
      const r = await admin.request('POST', '/api/v1/cameras', body);
      assert.equal(r.status, 422, `${url}: ${r.text}`);
      const err = r.json.errors.find((e) => e.field === field);
      assert.ok(err, r.text);
      assert.match(err.message_vi, /Tên đăng nhập và Mật khẩu/);
      assert.match(err.message_en, /username and password fields/);
    }
    const cam = await createCamera('Cổng 1 - camera 03');
    const r = await cameraAdmin.request('PATCH', `/api/v1/cameras/${cam.id}`, { main_url: camA.url('/live?user=x&password=y') });
    assert.equal(r.status, 422, r.text);
    assert.ok(r.json.errors.some((e) => e.field === 'main_url'), r.text);
    assert.equal((await cameraAdmin.request('GET', `/api/v1/cameras/${cam.id}`)).json.main_url, camA.url());

    // A row stored before the refusal: readers see *** in place of the value.
    sql(path.join(server.dataDir, 'watchfloor.db'),
      `UPDATE cameras SET main_url = '${camA.url('/live?channel=1&password=hunter2')}' WHERE id = ${cam.id}`);
    for (const c of [reader, cameraAdmin]) {
      const one = await c.request('GET', `/api/v1/cameras/${cam.id}`);
      assert.equal(one.status, 200, one.text);
      assert.equal(one.json.main_url, camA.url('/live?channel=1&password=***'));
      const list = await c.request('GET', `/api/v1/cameras?site=${siteId}`);
      assert.ok(!list.text.includes('hunter2'), list.text);
    }
    await admin.request('DELETE', `/api/v1/cameras/${cam.id}`);
  });
});
