// watchfloor backup / restore against a running server that records a simulated camera and takes writes
// through the API the whole time: the backup is taken without stopping anything, its manifest lists the
// video index as the copy has it, the copy restores into a fresh data directory whose audit log verifies,
// restore refuses a directory that is not empty without --force, and it names the video files missing.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, REPO, startServer, login, makeTempDir, run, sql, onPostgres } from './server.mjs';
import { startCamsim, until } from './camsim.mjs';

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Runs a CLI subcommand without blocking the event loop (the API writes go on meanwhile). */
function runAsync(args) {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

// `watchfloor backup` copies the SQLite file; a PostgreSQL store is backed up with PostgreSQL's tools (docs/deploy.md).
describe('backup and restore', { timeout: 240_000, skip: onPostgres && 'the SQLite file' }, () => {
  let sim;
  let server;
  let admin;
  let unitId;
  let camId;
  let liveDb;
  const backupDir = path.join(makeTempDir('wf-backup-'), 'backup');
  const fresh = path.join(makeTempDir('wf-restore-'), 'data');

  before(async () => {
    sim = await startCamsim(['--cameras', '1', '--resolution', '360p', '--bitrate', '400', '--gop', '25']);
    server = await startServer({ config: { recorder: { segment_s: 4, rtsp_timeout_s: 2, backoff_max_s: 2 } } });
    liveDb = path.join(server.dataDir, 'watchfloor.db');
    admin = await login(server.url, 'admin.tchq', server.logins.find((l) => l.username === 'admin.tchq').password);
    const units = (await admin.request('GET', '/api/v1/units')).json;
    unitId = (units.items || units).find((u) => u.code === 'HP-CKKV1').id;
    const site = await admin.request('POST', '/api/v1/sites', { unit_id: unitId, kind: 'seaport', name: 'Cảng Lạch Huyện' });
    assert.equal(site.status, 201, site.text);
    const cam = await admin.request('POST', '/api/v1/cameras', { site_id: site.json.id, name: 'Cổng A - camera 01', main_url: sim.url(1) });
    assert.equal(cam.status, 201, cam.text);
    camId = cam.json.id;
    await until('two recorded segments', () => sql(liveDb, `SELECT count(*) AS n FROM segments WHERE camera_id = ${camId}`)[0].n >= 2,
      60_000, 500);
  });

  after(async () => {
    if (server) await server.stop();
    if (sim) await sim.stop();
  });

  test('a backup taken while the server records and takes writes restores into a fresh directory whose audit log verifies', async () => {
    const statuses = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const r = await admin.request('POST', '/api/v1/sites', { unit_id: unitId, kind: 'seaport', name: `Bến số ${i}` });
        statuses.push(r.status);
      }
    })();
    await until('writes under way', () => statuses.length >= 5, 10_000, 20);
    const writtenBefore = statuses.length;
    const b = await runAsync(['backup', backupDir, '--data', server.dataDir]);
    const writtenDuring = statuses.length - writtenBefore;
    await until('more writes after the backup', () => statuses.length >= writtenBefore + writtenDuring + 3, 10_000, 20);
    writing = false;
    await writer;
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /watchfloor: backup in .*: database \d+ bytes \(SHA-256 [0-9a-f]{64}\)/);
    assert.ok(statuses.every((s) => s === 201), `every write around the backup was answered: ${statuses}`);
    assert.ok(writtenDuring > 0, 'the server went on taking writes while the backup ran');

    const copy = path.join(backupDir, 'watchfloor.db');
    const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.format, 1);
    assert.equal(manifest.database.sha256, sha256(copy));
    assert.equal(manifest.database.bytes, fs.statSync(copy).size);
    assert.equal(manifest.secret_key.sha256, sha256(path.join(server.dataDir, 'secret.key')));
    assert.equal(manifest.signing_key.sha256, sha256(path.join(server.dataDir, 'signing.key')));
    assert.equal(manifest.watchfloor_version, (await admin.request('GET', '/api/v1/meta')).json.version);
    assert.equal(manifest.schema_version, sql(copy, 'SELECT max(version) AS v FROM schema_migrations')[0].v);
    assert.ok(Math.abs(Date.parse(manifest.created_at) - Date.now()) < 60_000, manifest.created_at);
    // The video index exactly as the copy holds it, with the file each row stands for.
    const indexed = sql(copy, `SELECT s.camera_id, st.kind AS stream, s.seq, s.bytes, s.sha256 FROM segments s
                               JOIN streams st ON st.id = s.stream_id ORDER BY s.id`);
    assert.ok(indexed.length >= 2);
    assert.equal(manifest.segment_count, indexed.length);
    assert.deepEqual(manifest.segments.map(({ camera_id, stream, seq, bytes, sha256: h }) => ({ camera_id, stream, seq, bytes, sha256: h })),
      indexed);
    for (const s of manifest.segments) {
      assert.equal(s.path, path.join(server.dataDir, 'video', 'default', String(s.camera_id), s.stream,
        String(s.seq).padStart(12, '0') + '.mp4'));
      assert.equal(fs.statSync(s.path).size, s.bytes);
    }
    const sites = sql(copy, "SELECT name FROM sites WHERE name LIKE 'Bến số %'").map((r) => r.name);
    assert.ok(sites.length >= writtenBefore, `the copy holds the writes made before it began (${sites.length} of ${writtenBefore})`);
    const audited = sql(liveDb, "SELECT details FROM audit_log WHERE action = 'system.backup'");
    assert.equal(audited.length, 1, 'the backup is in the live audit log');
    assert.equal(JSON.parse(audited[0].details).database_sha256, manifest.database.sha256);

    const r = run(['restore', backupDir, '--data', fresh]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`all ${indexed.length} indexed segment files are present`));
    const v = run(['audit', 'verify', '--data', fresh]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^OK: \d+ entries/);
    const last = sql(path.join(fresh, 'watchfloor.db'), 'SELECT action, details FROM audit_log ORDER BY seq DESC LIMIT 1')[0];
    assert.equal(last.action, 'system.restore');
    assert.equal(JSON.parse(last.details).database_sha256, manifest.database.sha256);
    assert.deepEqual(sql(path.join(fresh, 'watchfloor.db'), "SELECT name FROM sites WHERE name LIKE 'Bến số %'").map((x) => x.name), sites);
  });

  test('restore refuses a data directory that is not empty without --force, and names the video missing here', async () => {
    const restoredBefore = sha256(path.join(fresh, 'watchfloor.db'));
    const refused = run(['restore', backupDir, '--data', fresh]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /is not empty; restore with --force/);
    assert.equal(sha256(path.join(fresh, 'watchfloor.db')), restoredBefore, 'nothing changed');

    const busy = run(['restore', backupDir, '--data', server.dataDir, '--force']);
    assert.equal(busy.status, 2);
    assert.match(busy.stderr, /a watchfloor server is using/);

    await server.stop();
    const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8'));
    const gone = manifest.segments[0];
    fs.rmSync(gone.path);
    const r = run(['restore', backupDir, '--data', fresh, '--force']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`1 of ${manifest.segments.length} indexed segment files are missing or changed`));
    assert.ok(r.stdout.includes(`${gone.path} (camera ${camId}, main, seq ${gone.seq}): missing`), r.stdout);
    assert.equal(run(['audit', 'verify', '--data', fresh]).status, 0);
  });
});
