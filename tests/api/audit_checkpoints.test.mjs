// Signed audit checkpoints (docs/formats.md §14): a removed tail passes the hash chain but not a checkpoint
// kept elsewhere, nor the newest stored one; a changed checkpoint file is refused.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, login, pickLogin, run, makeTempDir, sqlText, dropAppendOnlyGuards } from './server.mjs';

describe('audit checkpoints', () => {
  let srv;
  after(async () => { await srv?.kill9(); });

  test('a checkpoint handed to another unit shows that the log was cut short, and a changed file is refused', async () => {
    srv = await startServer({ demo: true, config: { audit: { checkpoint_entries: 5 } } });
    const a = pickLogin(srv.logins, 'admin');
    const admin = await login(srv.url, a.username, a.password);
    for (let i = 0; i < 3; i++) assert.equal((await admin.get('/api/v1/users')).status, 200);  // audited reads
    // An auditor signs the head now and downloads it, to hand it to another unit.
    const au = pickLogin(srv.logins, 'auditor');
    const auditor = await login(srv.url, au.username, au.password);
    const taken = await auditor.request('POST', '/api/v1/audit/checkpoints');
    assert.equal(taken.status, 201, taken.text);
    const file = await auditor.get(`/api/v1/audit/checkpoints/${taken.json.seq}`);
    assert.equal(file.status, 200, file.text);
    assert.match(file.headers.get('content-disposition'), new RegExp(`attachment; filename="audit-checkpoint-${taken.json.seq}.json"`));
    const key = await admin.get('/api/v1/keys/public');
    assert.deepEqual(key.json, { algorithm: 'Ed25519', key_id: file.json.key_id, public_key: file.json.public_key });
    const mine = (await auditor.get('/api/v1/audit?action=audit.checkpoint')).json.items;
    assert.equal(mine[0]?.actor, au.username, 'taking a checkpoint is audited');
    assert.equal((await auditor.get('/api/v1/audit/checkpoints?limit=1')).json.items[0].seq, taken.json.seq);
    assert.equal((await auditor.get('/api/v1/audit/checkpoints?limit=0')).status, 400);
    const early = path.join(makeTempDir('wf-cp-'), 'from-the-console.json');
    fs.writeFileSync(early, file.text);
    await srv.stop();  // a clean stop signs the head
    const dir = srv.dataDir;
    const db = path.join(dir, 'watchfloor.db');
    const stored = Number(sqlText(db, 'SELECT COUNT(*) FROM audit_checkpoints'));
    assert.ok(stored >= 2, `checkpoints every 5 entries and at the stop: ${stored}`);
    assert.equal(sqlText(db, 'SELECT MAX(seq) FROM audit_checkpoints'), sqlText(db, 'SELECT MAX(seq) FROM audit_log'));
    assert.equal(fs.statSync(path.join(dir, 'signing.key')).mode & 0o777, 0o600);

    const out = path.join(makeTempDir('wf-cp-'), 'checkpoint.json');
    const cli = run(['audit', 'checkpoint', '--out', out, '--data', dir]);
    assert.equal(cli.status, 0, cli.stderr);
    const cp = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(cp.format, 'watchfloor-audit-checkpoint/1');
    assert.equal(String(cp.seq), sqlText(db, 'SELECT MAX(seq) FROM audit_log'));
    let v = run(['audit', 'verify', '--checkpoint', out, '--data', dir]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /OK: checkpoint of entry \d+/);

    // A changed file: the signature no longer holds.
    const forged = path.join(path.dirname(out), 'forged.json');
    fs.writeFileSync(forged, JSON.stringify({ ...cp, seq: cp.seq - 3 }));
    v = run(['audit', 'verify', '--checkpoint', forged, '--data', dir]);
    assert.equal(v.status, 1, v.stdout);
    assert.match(v.stdout, /signature is not valid/);

    // Someone with the database removes the last entry (and the trigger that refuses it): the auditor's read of
    // the log after the checkpoint they downloaded.
    dropAppendOnlyGuards(db, 'audit_log');
    sqlText(db, 'DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)');
    v = run(['audit', 'verify', '--checkpoint', out, '--data', dir]);
    assert.equal(v.status, 1, v.stdout);
    assert.match(v.stdout, /OK: \d+ entries, hash chain intact/, 'the chain alone cannot see it');
    assert.match(v.stdout, /BROKEN: the newest stored checkpoint: The log was cut short/);
    assert.match(v.stdout, new RegExp(`BROKEN: checkpoint of entry ${cp.seq} .*cut short: it ends at entry ${cp.seq - 1}`));
    // The file from the console is from before the cut entry: it still holds.
    const before = run(['audit', 'verify', '--checkpoint', early, '--data', dir]);
    assert.match(before.stdout, new RegExp(`OK: checkpoint of entry ${taken.json.seq} `), before.stdout);

    // The console's "verify" says so too.
    srv = await startServer({ dataDir: dir });
    const au2 = pickLogin(srv.logins, 'auditor');
    const again = await login(srv.url, au2.username, au2.password);
    const check = await again.get('/api/v1/audit/verify');
    assert.equal(check.status, 200, check.text);
    assert.equal(check.json.ok, false, check.text);
    assert.equal(check.json.checkpoint.ok, false);
    // Cut short, or (once the restart's own entries reach its number again) an entry that is not what was signed.
    assert.match(check.json.checkpoint.reason_vi, /cắt cụt|không còn như/);
  });
});
