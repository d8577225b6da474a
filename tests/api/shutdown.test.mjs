// SIGTERM under load (issue 14 §4): the server stops within 2 s however busy it is, exits 0, and
// every change it acknowledged before is there after a restart.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, onPostgres, storeEnv } from './server.mjs';
import { openWs } from './ws-client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function caseBody(unitId, what) {
  return {
    unit_id: unitId, observed_at: new Date().toISOString(), site: 'Cổng B cảng Tân Vũ', subject: 'goods',
    description: `Dừng máy chủ khi đang bận ${what}: container rời bãi khi chưa thông quan`,
    immediate_measure: 'Đề nghị Đội Giám sát dừng xe tại cổng ra', report: true,
  };
}

describe('stopping a busy server', () => {
  test('SIGTERM under many concurrent requests and open WebSockets ends the server within 2 s, and every acknowledged case survives', async () => {
    const srv = await startServer({ demo: true });
    const find = (u) => srv.logins.find((l) => l.username === u);
    let again = null;
    try {
      const reporter = await login(srv.url, 'canbo.hpkv1', find('canbo.hpkv1').password);
      const leader = await login(srv.url, 'truongca.hp', find('truongca.hp').password);
      const unitId = (await reporter.get('/api/v1/units')).json.items.find((u) => u.code === 'HP-CKKV1').id;
      const sockets = [];
      for (const c of [leader, leader, reporter]) sockets.push(await openWs(srv.url, c.cookie));

      // 24 clients: 16 creating and reporting cases, 8 reading the lists, each as fast as it is answered.
      const acknowledged = [];
      let stopping = false;
      let answered = 0;
      const writer = async (w) => {
        for (let i = 0; !stopping; i++) {
          let r;
          try {
            r = await reporter.post('/api/v1/cases', caseBody(unitId, `${w}-${i}`));
          } catch { return; }  // the server is gone: a request without an answer was not acknowledged
          if (r.status === 201) acknowledged.push(r.json.id);
          answered++;
        }
      };
      const reader = async (k) => {
        const paths = ['/api/v1/cases', '/api/v1/inbox', '/api/v1/tasks', '/api/v1/coordination-requests'];
        for (let i = 0; !stopping; i++) {
          try { await leader.get(paths[(k + i) % paths.length]); } catch { return; }
          answered++;
        }
      };
      const load = [...Array.from({ length: 16 }, (_, w) => writer(w)), ...Array.from({ length: 8 }, (_, k) => reader(k))];
      while (answered < 150) await sleep(20);

      const started = Date.now();
      srv.proc.kill('SIGTERM');
      const exit = await Promise.race([srv.exited, sleep(5000).then(() => null)]);
      const took = Date.now() - started;
      stopping = true;
      assert.ok(exit, `the server was still running 5 s after SIGTERM\n${srv.describe()}`);
      assert.deepEqual(exit, { code: 0, signal: null }, srv.describe());
      assert.ok(took < 2000, `SIGTERM to exit took ${took} ms (at most 2 s)`);
      await Promise.all(load);
      await Promise.all(sockets.map((ws) => ws.closed));  // every socket ended with the server
      assert.ok(acknowledged.length > 10, `cases were created under load (${acknowledged.length})`);

      again = await startServer({ demo: true, dataDir: srv.dataDir });
      const after = await login(again.url, 'truongca.hp', find('truongca.hp').password);
      const missing = [];
      for (const id of acknowledged) if ((await after.get(`/api/v1/cases/${id}`)).status !== 200) missing.push(id);
      assert.deepEqual(missing, [], `cases answered 201 before the stop are gone after the restart`);
    } finally {
      await srv.kill9();
      if (again) await again.kill9();
    }
  });

  test('SIGTERM while requests wait behind a held write lock (a long transaction) still ends the server within 2 s', async () => {
    const srv = await startServer({ demo: true });
    const find = (u) => srv.logins.find((l) => l.username === u);
    let again = null;
    let holder = null;
    try {
      const reporter = await login(srv.url, 'canbo.hpkv1', find('canbo.hpkv1').password);
      const unitId = (await reporter.get('/api/v1/units')).json.items.find((u) => u.code === 'HP-CKKV1').id;
      const before = [];
      for (let i = 0; i < 3; i++) {
        const r = await reporter.post('/api/v1/cases', caseBody(unitId, `trước ${i}`));
        assert.equal(r.status, 201, r.text);
        before.push(r.json.id);
      }
      // Another connection holds the database's write lock, as a long escalation pass would: every
      // write of the server waits for it (SQLite's busy timeout is 5 s; on PostgreSQL the writers' advisory
      // lock of store/pg_db.cpp, kWriterLock, waited for without end).
      const db = path.join(srv.dataDir, 'watchfloor.db');
      holder = onPostgres
        ? spawn('psql', [storeEnv(srv.dataDir).WATCHFLOOR_STORE_URL, '-XAtq'], { stdio: ['pipe', 'pipe', 'inherit'] })
        : spawn('sqlite3', [db], { stdio: ['pipe', 'pipe', 'inherit'] });
      holder.stdin.write(onPostgres ? "BEGIN; SELECT pg_advisory_xact_lock(131281789611890); SELECT 'held';\n"
                                    : "BEGIN IMMEDIATE; SELECT 'held';\n");
      await new Promise((resolve) => holder.stdout.once('data', resolve));
      const stuck = Array.from({ length: 8 }, (_, i) => reporter.post('/api/v1/cases', caseBody(unitId, `kẹt ${i}`)).catch(() => null));
      await sleep(300);

      const started = Date.now();
      srv.proc.kill('SIGTERM');
      const exit = await Promise.race([srv.exited, sleep(8000).then(() => null)]);
      const took = Date.now() - started;
      assert.ok(exit, `the server was still running 8 s after SIGTERM\n${srv.describe()}`);
      assert.deepEqual(exit, { code: 0, signal: null }, srv.describe());
      assert.ok(took < 2000, `SIGTERM to exit took ${took} ms (at most 2 s)`);
      await Promise.all(stuck);
      holder.stdin.end('ROLLBACK;\n');
      await new Promise((resolve) => holder.on('exit', resolve));
      holder = null;

      again = await startServer({ demo: true, dataDir: srv.dataDir });
      const after = await login(again.url, 'canbo.hpkv1', find('canbo.hpkv1').password);
      for (const id of before) assert.equal((await after.get(`/api/v1/cases/${id}`)).status, 200, `case ${id} survived`);
    } finally {
      if (holder) holder.kill('SIGKILL');
      await srv.kill9();
      if (again) await again.kill9();
    }
  });
});
