// Security issue 11 ("Also"): metrics off the public listener, owner-only data, no source maps.
// Each test starts its own real server on ephemeral loopback ports.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO, makeTempDir, request, sleep, startServer, onPostgres } from './server.mjs';

const TOKEN = 'hardening-metrics-token-0123456789';

function modeOf(p) {
  return fs.statSync(p).mode & 0o777;
}

function octal(m) {
  return `0${m.toString(8)}`;
}

/** Waits until the server's stderr matches re (log lines may trail the listening line on stdout). */
async function stderrMatching(srv, re, ms = 3000) {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(50)) if (re.test(srv.stderr())) return true;
  return re.test(srv.stderr());
}

function connects(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

describe('metrics listener', () => {
  test('metrics are on their own listener, which serves nothing else, and stop with the server', async () => {
    const srv = await startServer({ demo: false });
    try {
      assert.ok(srv.metricsUrl, `metrics line printed:\n${srv.output()}`);
      const metricsPort = Number(new URL(srv.metricsUrl).port);
      assert.notEqual(metricsPort, srv.port);
      // The main listener's line comes first (tests and scripts look for it).
      assert.ok(srv.output().indexOf('listening on') < srv.output().indexOf('metrics on'), srv.output());

      await request(srv.url, 'GET', '/healthz');
      const m = await request(srv.metricsUrl, 'GET', '/metrics');
      assert.equal(m.status, 200, m.text.slice(0, 300));
      assert.match(m.contentType, /^text\/plain/);
      assert.match(m.text, /^watchfloor_uptime_seconds [0-9.e+-]+$/m);
      assert.match(m.text, /^watchfloor_http_requests_total\{route="\/healthz"/m, 'counts the main listener');

      for (const p of ['/healthz', '/readyz', '/api/v1/meta', '/', '/index.html', '/metrics/x']) {
        const r = await request(srv.metricsUrl, 'GET', p);
        assert.equal(r.status, 404, `${p} on the metrics listener: ${r.status} ${r.text.slice(0, 200)}`);
      }
      // No token configured: the public listener has no metrics for anyone.
      assert.equal((await request(srv.url, 'GET', '/metrics')).status, 404);
      assert.equal((await request(srv.url, 'GET', '/metrics', { headers: { Authorization: 'Bearer ' } })).status, 404);

      const { code } = await srv.stop();
      assert.equal(code, 0, srv.describe());
      assert.equal(await connects(metricsPort), false, 'the metrics listener is closed after the stop');
    } finally {
      await srv.stop();
    }
  });

  test('with server.metrics_token the main listener answers /metrics to its bearer only', async () => {
    const srv = await startServer({ demo: false, config: { server: { metrics_token: TOKEN } } });
    try {
      const ok = await request(srv.url, 'GET', '/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } });
      assert.equal(ok.status, 200, ok.text.slice(0, 300));
      assert.match(ok.text, /^watchfloor_uptime_seconds /m);
      for (const auth of [null, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN]) {
        const r = await request(srv.url, 'GET', '/metrics', { headers: auth ? { Authorization: auth } : {} });
        assert.equal(r.status, 404, `Authorization ${auth}: ${r.status}`);
      }
      // The metrics listener itself needs no token (it is meant for a loopback or a monitoring network).
      assert.equal((await request(srv.metricsUrl, 'GET', '/metrics')).status, 200);
    } finally {
      await srv.stop();
    }
  });

  test('metrics_listen = "" starts no metrics listener', async () => {
    const srv = await startServer({ demo: false, config: { server: { metrics_listen: '' } } });
    try {
      assert.equal(srv.metricsUrl, null, srv.output());
      assert.doesNotMatch(srv.output(), /metrics on/);
      assert.equal((await request(srv.url, 'GET', '/metrics')).status, 404);
    } finally {
      await srv.stop();
    }
  });

  test('a metrics port that is taken is a warning, not a failed start', async () => {
    const blocker = net.createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = blocker.address().port;
    const srv = await startServer({ demo: true, config: { server: { metrics_listen: `127.0.0.1:${busy}` } } });
    try {
      assert.equal(srv.metricsUrl, null, srv.output());
      assert.ok(await stderrMatching(srv, new RegExp(`metrics listener 127\\.0\\.0\\.1:${busy} not started`)),
        `warning in the log:\n${srv.stderr()}`);
      assert.equal((await request(srv.url, 'GET', '/healthz')).status, 200);
      const { code } = await srv.stop();
      assert.equal(code, 0, srv.describe());
    } finally {
      await srv.stop();
      blocker.close();
    }
  });
});

describe('owner-only data', () => {
  test('a new installation is owner-only, and a database opened up to others is reported at the next start',
    { skip: onPostgres && 'the SQLite file' }, async () => {
    const oldUmask = process.umask(0o022);  // the server must not rely on its parent's umask
    const dataDir = path.join(makeTempDir(), 'data');  // does not exist yet: the server creates it
    let srv;
    try {
      srv = await startServer({ demo: true, dataDir });
      // The recorder starts (and makes video/) just after the listening line: wait for it, bounded.
      for (const t0 = Date.now(); !fs.existsSync(path.join(dataDir, 'video', 'default')) && Date.now() - t0 < 10_000;) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const db = path.join(dataDir, 'watchfloor.db');
      const expected = [
        [dataDir, 0o700], [db, 0o600], [path.join(dataDir, 'secret.key'), 0o600],
        [path.join(dataDir, 'demo-logins.json'), 0o600], [path.join(dataDir, 'video'), 0o700],
        [path.join(dataDir, 'video', 'default'), 0o700],
      ];
      for (const suffix of ['-wal', '-shm']) if (fs.existsSync(db + suffix)) expected.push([db + suffix, 0o600]);
      for (const [p, mode] of expected) assert.equal(octal(modeOf(p)), octal(mode), p);
      // Everything else the server created under the data directory (the recordings' tree, the identity file).
      const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? [path.join(d, e.name), ...walk(path.join(d, e.name))] : [path.join(d, e.name)]);
      // A file may go between the listing and the stat (the recorder renames its temporary files): skip it.
      const modeIfThere = (p) => { try { return modeOf(p); } catch (e) { if (e.code === 'ENOENT') return 0; throw e; } };
      const open = walk(dataDir).map((p) => [p, modeIfThere(p)]).filter(([, m]) => (m & 0o077) !== 0)
        .map(([p, m]) => `${p} ${octal(m)}`);
      assert.deepEqual(open, [], 'files open to group or others');
      assert.doesNotMatch(srv.stderr(), /readable or writable by group or others/);
      assert.equal((await srv.stop()).code, 0, srv.describe());

      fs.chmodSync(db, 0o644);
      fs.chmodSync(dataDir, 0o755);
      srv = await startServer({ demo: true, dataDir });
      const dbWarning = new RegExp(`${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is readable or writable by group or others \\(mode 0644\\)`);
      assert.ok(await stderrMatching(srv, dbWarning), `warning about the database:\n${srv.stderr()}`);
      assert.ok(await stderrMatching(srv, /directory .* is readable or writable by group or others \(mode 0755\)/),
        `warning about the data directory:\n${srv.stderr()}`);
      assert.doesNotMatch(srv.stderr(), /secret\.key is readable/, 'secret.key was left owner-only');
      // A warning, not a refusal, and the modes an administrator chose are left alone.
      assert.equal((await request(srv.url, 'GET', '/healthz')).status, 200);
      assert.equal(octal(modeOf(db)), '0644');
    } finally {
      process.umask(oldUmask);
      if (srv) await srv.stop();
    }
  });
});

describe('source maps', () => {
  test('a *.map in the web root is not served', async () => {
    const webRoot = makeTempDir('wf-web-');
    fs.mkdirSync(path.join(webRoot, 'assets'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>t</title>');
    fs.writeFileSync(path.join(webRoot, 'assets', 'x.js'), 'console.log(1);\n');
    fs.writeFileSync(path.join(webRoot, 'assets', 'x.js.map'), '{"version":3,"sources":["secret.ts"]}');
    fs.writeFileSync(path.join(webRoot, 'assets', 'y.js.MAP'), '{"version":3,"sources":["secret.ts"]}');
    const srv = await startServer({ demo: false, config: { server: { web_root: webRoot } } });
    try {
      const js = await request(srv.url, 'GET', '/assets/x.js');
      assert.equal(js.status, 200, 'the web root is served');
      for (const p of ['/assets/x.js.map', '/assets/y.js.MAP']) {
        const r = await request(srv.url, 'GET', p);
        assert.equal(r.status, 404, `${p}: ${r.status} ${r.text.slice(0, 200)}`);
        assert.ok(!r.text.includes('secret.ts'), p);
      }
    } finally {
      await srv.stop();
    }
  });

  test('the console build emits no source maps', (t) => {
    const dist = path.join(REPO, 'web', 'dist');
    if (!fs.existsSync(path.join(dist, 'index.html'))) {
      t.skip('web/dist is not built (make web)');
      return;
    }
    const files = fs.readdirSync(dist, { recursive: true }).map(String);
    assert.deepEqual(files.filter((f) => f.endsWith('.map')), [], 'source maps in web/dist');
    const js = files.filter((f) => f.endsWith('.js'));
    assert.ok(js.length > 0, 'the build has scripts');
    for (const f of js) assert.doesNotMatch(fs.readFileSync(path.join(dist, f), 'utf8'), /sourceMappingURL=/, f);
  });
});
