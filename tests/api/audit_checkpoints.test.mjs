// Signed audit checkpoints (docs/formats.md §14): a removed tail passes the hash chain but not a checkpoint
// kept elsewhere, nor the newest stored one; a changed checkpoint file is refused.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startServer, login, pickLogin, run, makeTempDir } from './server.mjs';

function sqlite(db, sql) {
  const r = spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, `sqlite3 ${sql}: ${r.stderr}`);
  return r.stdout.trim();
}

describe('audit checkpoints', () => {
  let srv;
  after(async () => { await srv?.kill9(); });

  test('a checkpoint handed to another unit shows that the log was cut short, and a changed file is refused', async () => {
    srv = await startServer({ demo: true, config: { audit: { checkpoint_entries: 5 } } });
    const a = pickLogin(srv.logins, 'admin');
    const admin = await login(srv.url, a.username, a.password);
    for (let i = 0; i < 3; i++) assert.equal((await admin.get('/api/v1/users')).status, 200);  // audited reads
    await srv.stop();  // a clean stop signs the head
    const dir = srv.dataDir;
    const db = path.join(dir, 'watchfloor.db');
    const stored = Number(sqlite(db, 'SELECT COUNT(*) FROM audit_checkpoints'));
    assert.ok(stored >= 2, `checkpoints every 5 entries and at the stop: ${stored}`);
    assert.equal(sqlite(db, 'SELECT MAX(seq) FROM audit_checkpoints'), sqlite(db, 'SELECT MAX(seq) FROM audit_log'));
    assert.equal(fs.statSync(path.join(dir, 'signing.key')).mode & 0o777, 0o600);

    const out = path.join(makeTempDir('wf-cp-'), 'checkpoint.json');
    const taken = run(['audit', 'checkpoint', '--out', out, '--data', dir]);
    assert.equal(taken.status, 0, taken.stderr);
    const cp = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(cp.format, 'watchfloor-audit-checkpoint/1');
    assert.equal(String(cp.seq), sqlite(db, 'SELECT MAX(seq) FROM audit_log'));
    let v = run(['audit', 'verify', '--checkpoint', out, '--data', dir]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /OK: checkpoint of entry \d+/);

    // A changed file: the signature no longer holds.
    const forged = path.join(path.dirname(out), 'forged.json');
    fs.writeFileSync(forged, JSON.stringify({ ...cp, seq: cp.seq - 3 }));
    v = run(['audit', 'verify', '--checkpoint', forged, '--data', dir]);
    assert.equal(v.status, 1, v.stdout);
    assert.match(v.stdout, /signature is not valid/);

    // Someone with the database removes the last three entries (and the triggers that refuse it).
    sqlite(db, 'DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) - 3 FROM audit_log)');
    v = run(['audit', 'verify', '--checkpoint', out, '--data', dir]);
    assert.equal(v.status, 1, v.stdout);
    assert.match(v.stdout, /OK: \d+ entries, hash chain intact/, 'the chain alone cannot see it');
    assert.match(v.stdout, /BROKEN: the newest stored checkpoint: The log was cut short/);
    assert.match(v.stdout, new RegExp(`BROKEN: checkpoint of entry ${cp.seq} .*cut short: it ends at entry ${cp.seq - 3}`));
  });
});
