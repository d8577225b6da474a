#!/usr/bin/env node
// Benchmark for issue 16: one installation, three ways of running it, measured in one invocation —
//   SQLITE-1  one server on the installation's SQLite file (the single-machine layout, the baseline)
//   PG-1      one API server on PostgreSQL (the same data, moved with `watchfloor migrate-store`)
//   PG-2      two API servers on that PostgreSQL store
// The API servers on PostgreSQL do not record ([recorder] enabled = false): in the national layout recorder nodes do,
// and so the two of PG-2 are alike (a recording server, held to a quota, also falls behind with its cameras).
// For each: the case creation rate (cases created and reported through the API, `--concurrency` in flight per
// server, spread over the servers), p50/p99 of the main list and detail routes (on every server), and the
// delivery of new cases to `--consoles` live consoles (split over the servers; each case created on one server
// in turn): from the event's `at` (its commit) to its arrival at each console.
// The installation is grown by `watchfloor seed` (the demo, then cases and cameras through the domain layer). The
// PostgreSQL cluster is a throw-away one (scripts/pg-test-cluster, with PG_DURABLE=1: fsync and synchronous commit
// on, as SQLite's synchronous=FULL). Goals (issue 16): every list p99 < 200 ms; delivery p99 < 200 ms at 500
// consoles; two API servers sustain ≥ 1.6× the case rate of one.
//
// Each layout also says how busy the machine and each API server were while creating (from /proc). Scaling out pays
// where the API servers' cores are the bound; on a machine of a few cores that everything shares, `--api-cpu P` makes
// them so while the rate is measured (each server gets P % of one core, as on a small machine of its own), and then
// says in how many of its quota's periods each used up its share: a layout whose servers seldom did was bound by
// the machine (or the store) instead, and its figure says nothing of what a server adds.
//
//   node bench/scale/run.mjs [--cases 1000000] [--cameras 3000] [--create 800] [--warmup 200] [--concurrency 16] [--samples 40]
//                            [--consoles 500] [--rate 20] [--seconds 15] [--data-parent DIR] [--keep] [--json FILE] [--api-cpu P]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BIN, REPO, login, startServer } from '../../tests/api/server.mjs';
import { connectWs } from '../../tests/api/ws-client.mjs';
import { create, parseOptions, reads, request, seed, summary } from '../lib/api.mjs';

const GOAL_LIST_P99_MS = 200;
const GOAL_DELIVERY_P99_MS = 200;
const GOAL_SCALE = 1.6;
// The officers who file cases while the rate is measured, each in a unit of their own: a national installation's
// cases come from many units at once. One unit's cases are numbered one at a time (its series is gap-free), so
// `--units 1` (every case in HP-CKKV1) measures the rate of one unit instead. The first also files the cases whose
// delivery is measured.
const FILERS = [['canbo.hpkv1', 'HP-CKKV1'], ['canbo.qt', 'QT-DKS'], ['canbo.gstt', 'DTCBL-GSTT'], ['canbo.hp', 'HP-GSQL']];
const READER = 'truongca.hp';
const CAMERA_READER = 'admin.tchq';
// Users whose scope covers HP-CKKV1; each signed in many times for the consoles.
const CONSOLE_USERS = ['lanhdao.hp', 'truongca.hp', 'trucban.hp', 'vanphong.hp', 'canbo.hp'];

const HELP = `usage: node bench/scale/run.mjs [options]
  --cases N          reported cases in the installation (default 1000000)
  --cameras N        cameras in the catalogue (default 3000)
  --users N          people (default 2000)
  --audit N          audit log entries (default 10000000)
  --create N         cases created through the API in each layout (default 800)
  --warmup N         cases created untimed in each layout before those (default 200)
  --units N          units those cases are filed in at once, 1 to ${FILERS.length} (default ${FILERS.length})
  --concurrency C    requests in flight per server while creating (default 16)
  --samples N        requests per read route and server (default 40)
  --consoles N       live consoles (default 500)
  --rate R           cases per second while measuring delivery (default 20)
  --seconds S        length of the delivery measurement (default 15)
  --data-parent DIR  where the installation and the cluster are made (default: the OS temp dir)
  --seeded DIR       an installation seeded before (\`watchfloor seed --data DIR …\` with these sizes; the seed adds
                     what is missing): its copy is measured, so a national-sized one is seeded once
  --pg URL           a PostgreSQL database the --seeded installation was already moved into (\`watchfloor
                     migrate-store\`), measured as it is instead of a throw-away cluster moved into again
  --keep             keep the data directory (it is printed)
  --sqlite-only      measure the SQLite layout only (no PostgreSQL cluster, no migration)
  --api-cpu P        while the case rate is measured, each API server may use P % of one core (a cgroup CPU quota;
                     as root): the API servers as machines of their own, where this machine's few cores would
                     otherwise be shared by PostgreSQL and every server
  --json FILE        also write the results as JSON`;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

// 500 consoles share a few accounts and one address: lift the per-user socket bound, the connections (the server's
// and one address's) and the sign-in attempts allowed per address, which a real centre never meets from one machine.
const SERVER_CONFIG = {
  server: { ws_max_per_user: 0, max_connections: 2000, max_connections_per_ip: 0, metrics_listen: '' },
  security: { login_max_attempts_per_address: 1_000_000 },
};

// A server on `dataDir`, on the SQLite file or on `storeUrl`; with `apiCpu`, in a CPU cgroup of its own.
async function serve(dataDir, { storeUrl = null, demo = true, recorder = true, apiCpu = 0 } = {}) {
  const config = { ...SERVER_CONFIG, ...(recorder ? {} : { recorder: { enabled: false } }) };
  const srv = await startServer({ demo, dataDir, config, storeUrl, startTimeoutMs: 15 * 60_000 });
  srv.cgroup = apiCpu ? cgroupOf(srv.proc.pid) : null;
  const stop = srv.stop;
  srv.stop = async (ms) => {
    const r = await stop(ms);
    if (srv.cgroup) fs.rmdirSync(srv.cgroup);
    return r;
  };
  return srv;
}

// ---- CPU: quotas and use -------------------------------------------------------------------------

const PERIOD_US = 10_000;  // short, so that a server held back by its quota is not stalled for long at a time

const V2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');

// Puts process `pid` (and the threads it starts later) in a new CPU cgroup (v2, or v1's cpu controller), with no
// quota yet. Returns the cgroup's directory.
function cgroupOf(pid) {
  const dir = path.join(V2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/cpu', `wf-scale-${pid}`);
  try {
    if (V2) fs.writeFileSync('/sys/fs/cgroup/cgroup.subtree_control', '+cpu');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
  } catch (e) {
    throw new Error(`--api-cpu: cannot make the CPU cgroup ${dir} (${e.code || e.message}): run as root on a machine with cgroups`);
  }
  return dir;
}

// Allows the cgroup `percent` % of one core (0: no quota).
function quota(dir, percent) {
  const q = percent ? String(Math.round((percent / 100) * PERIOD_US)) : V2 ? 'max' : '-1';
  if (V2) return fs.writeFileSync(path.join(dir, 'cpu.max'), `${q} ${PERIOD_US}`);
  fs.writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
  fs.writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), q);
}

// Of the quota's periods so far, how many there were and in how many the cgroup used all of its share.
function periods(dir) {
  const stat = fs.readFileSync(path.join(dir, 'cpu.stat'), 'utf8');
  return { all: Number(stat.match(/nr_periods (\d+)/)[1]), held: Number(stat.match(/nr_throttled (\d+)/)[1]) };
}

// CPU seconds used so far by the process `pid` (all its threads), and by the whole machine (every core, idle and
// I/O wait not counted).
const TICK = 100;  // USER_HZ on Linux
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;  // utime, stime
}
function machineBusy() {
  const [, ...t] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (t[0] + t[1] + t[2] + t[5] + t[6] + t[7]) / TICK;  // user, nice, system, irq, softirq, steal
}

// What the servers and the machine used between now and `done()`, in % of one core and of the machine.
function cpuWindow(servers) {
  const at = () => ({ t: performance.now(), machine: machineBusy(), servers: servers.map((s) => cpuSeconds(s.proc.pid)),
    periods: servers.map((s) => (s.cgroup ? periods(s.cgroup) : { all: 0, held: 0 })) });
  const start = at();
  return () => {
    const end = at();
    const secs = (end.t - start.t) / 1000;
    const pct = (a, b) => Math.round((100 * (b - a)) / secs);
    const held = (a, b) => (b.all > a.all ? Math.round((100 * (b.held - a.held)) / (b.all - a.all)) : 0);
    return { machine: Math.round(pct(start.machine, end.machine) / os.cpus().length), servers: end.servers.map((v, i) => pct(start.servers[i], v)),
      held: end.periods.map((v, i) => held(start.periods[i], v)) };
  };
}

// ---- one layout ---------------------------------------------------------------------------------

async function measure(name, servers, logins, o) {
  const find = (u) => logins.find((l) => l.username === u);
  const on = async (srv, u) => ({ ...(await login(srv.url, u, find(u).password)), url: srv.url });
  const readers = await Promise.all(servers.map((s) => on(s, READER)));
  const cameraReaders = await Promise.all(servers.map((s) => on(s, CAMERA_READER)));
  const units = JSON.parse((await request(servers[0].url, cameraReaders[0], 'GET', '/api/v1/units')).text);

  // CREATE: every server at once, each with its share of the cases, filed by officers of `--units` units.
  const filers = await Promise.all(servers.map((s) => Promise.all(FILERS.slice(0, o.units).map(async ([user, code]) =>
    ({ client: await on(s, user), unitId: units.items.find((u) => u.code === code).id })))));
  // Untimed first: the layout measured first would otherwise also pay for reading the store into memory (the SQLite
  // file's copy leaves PostgreSQL's pages out of the page cache, and PG-1 comes before PG-2).
  await Promise.all(servers.map((s, i) => create(s.url, filers[i], Math.ceil(o.warmup / servers.length), o.concurrency)));
  // What the servers use doing nothing asked of them. A server that has just started leads the cluster's duties and
  // catches up first (escalating the unanswered cases of earlier runs on a --pg store): wait for that to end (up to
  // two minutes), or it is counted against the one server's rate.
  let idle;
  for (const until = performance.now() + 120_000; ;) {
    const quiet = cpuWindow(servers);
    await new Promise((res) => setTimeout(res, 5000));
    idle = quiet().servers;
    if (idle.every((p) => p < 5) || performance.now() > until) break;
  }
  for (const s of servers) if (s.cgroup) quota(s.cgroup, o.apiCpu);
  const cpu = cpuWindow(servers);
  const t0 = performance.now();
  const parts = await Promise.all(servers.map((s, i) =>
    create(s.url, filers[i], Math.ceil(o.create / servers.length), o.concurrency)));
  const seconds = (performance.now() - t0) / 1000;
  for (const s of servers) if (s.cgroup) quota(s.cgroup, 0);
  const created = { rate: parts.reduce((n, p) => n + p.rate * p.seconds, 0) / seconds, perServer: parts.map((p) => p.rate), cpu: { ...cpu(), idle } };
  // A server's CPU per case it created: the same in every layout, unless one of them also did other work (a server
  // catching up with escalations of cases an earlier run on a --pg store left unanswered, say).
  created.cpu.perCase = created.cpu.servers.map((p) => Math.round((100 * p * seconds) / Math.ceil(o.create / servers.length)) / 10);
  console.log(`   create: ${created.rate.toFixed(1)} cases/s (${servers.length} server(s): ${created.perServer.map((r) => r.toFixed(1)).join(' + ')}); ` +
    `machine ${created.cpu.machine} % busy, server(s) ${created.cpu.servers.join(' + ')} % of a core (idle before: ${idle.join(' + ')} %; ` +
    `${created.cpu.perCase.join(' + ')} ms per case)` +
    (o.apiCpu ? ` (quota ${o.apiCpu} %, used up in ${created.cpu.held.join(' + ')} % of its periods)` : ''));

  // READ: the main routes on every server.
  const list = JSON.parse((await request(servers[0].url, readers[0], 'GET', '/api/v1/cases')).text);
  const caseId = list.items[0].id;
  const detail = JSON.parse((await request(servers[0].url, readers[0], 'GET', `/api/v1/cases/${caseId}`)).text);
  const q = detail.identifiers?.containers?.[0] || detail.number;
  const read = {};
  for (const [i, s] of servers.entries()) {
    const r = await reads(s.url, readers[i], cameraReaders[i], caseId, q, o.samples);
    for (const [route, v] of Object.entries(r)) {
      const key = servers.length > 1 ? `${route} (server ${i + 1})` : route;
      read[key] = v;
      console.log(`   ${key.padEnd(40)} p50 ${v.p50.toFixed(1).padStart(8)} ms   p99 ${v.p99.toFixed(1).padStart(8)} ms`);
    }
  }

  // DELIVERY: consoles spread over the servers; cases created on each server in turn at the rate.
  const delivery = await deliver(servers, logins, filers.map((f) => f[0]), o);
  console.log(`   delivery to ${o.consoles} consoles: p50 ${delivery.p50.toFixed(1)} ms, p99 ${delivery.p99.toFixed(1)} ms, ` +
    `max ${delivery.max.toFixed(1)} ms; ${delivery.n} of ${delivery.expected} events`);
  return { name, servers: servers.length, created, read, delivery };
}

// `reporters`: one filer ({client, unitId}) per server.
async function deliver(servers, logins, reporters, o) {
  const sockets = [];
  const latencies = [];
  const mine = new Set();
  for (let i = 0; i < o.consoles; i++) {
    const user = CONSOLE_USERS[i % CONSOLE_USERS.length];
    const srv = servers[i % servers.length];
    const session = await login(srv.url, user, logins.find((l) => l.username === user).password);
    const r = await connectWs(srv.url, '/api/v1/ws', { cookie: session.cookie, raw: true });
    if (!r.ok) throw new Error(`console ${i}: ${r.status} ${r.text}`);
    sockets.push(r.ws);
  }
  // Each socket keeps its messages and their arrival times; they are read at the end.
  let created = 0;
  const start = performance.now();
  const stamps = sockets.map((ws) => ws.messages.length);
  while (performance.now() - start < o.seconds * 1000) {
    const i = created++;
    const srv = i % servers.length;
    const t = performance.now();
    const r = await request(servers[srv].url, reporters[srv].client, 'POST', '/api/v1/cases', {
      unit_id: reporters[srv].unitId, observed_at: new Date().toISOString(), site: 'Cổng B cảng Tân Vũ', subject: 'goods',
      description: `Bench scale ${i}: container rời bãi khi chưa thông quan`, immediate_measure: 'Dừng xe tại cổng ra',
      report: true,
    });
    if (r.status !== 201) throw new Error(`POST /api/v1/cases: ${r.status} ${r.text.slice(0, 300)}`);
    mine.add(JSON.parse(r.text).id);
    const wait = 1000 / o.rate - (performance.now() - t);
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  }
  await new Promise((res) => setTimeout(res, 1000));
  for (const [k, ws] of sockets.entries())
    for (let j = stamps[k]; j < ws.messages.length; j++) {
      const m = JSON.parse(ws.messages[j]);
      if (m.type !== 'event' || m.topic !== 'case.changed' || m.payload?.status !== 'reported' || !mine.has(m.payload.id)) continue;
      latencies.push(ws.arrivals[j] - Date.parse(m.at));
    }
  for (const ws of sockets) ws.drop();
  return { ...summary(latencies), expected: mine.size * o.consoles, cases: mine.size };
}

// ---- main ---------------------------------------------------------------------------------------

async function main() {
  const o = parseOptions(process.argv.slice(2), { cases: 1_000_000, cameras: 3000, users: 2000, audit: 10_000_000, create: 800, warmup: 200, units: FILERS.length, concurrency: 16,
    samples: 40, consoles: 500, rate: 20, seconds: 15, dataParent: null, seeded: null, pg: null, sqliteOnly: false, keep: false, json: null, apiCpu: 0 }, HELP, { min: 1 });
  if (o.units > FILERS.length) { console.error(`--units: at most ${FILERS.length}`); process.exit(2); }
  if (!fs.existsSync(BIN)) { console.error(`no server binary at ${BIN}: make native first`); process.exit(2); }
  const parent = fs.mkdtempSync(path.join(o.dataParent || os.tmpdir(), 'wf-scale-'));
  const dataDir = path.join(parent, 'sqlite');
  let pgDir = null;
  console.log(`bench/scale: data in ${parent}; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const results = [];
  let cluster = false;
  try {
    if (o.seeded) fs.cpSync(o.seeded, dataDir, { recursive: true });
    else fs.mkdirSync(dataDir);
    const seeded = seed(dataDir, o.cases, o.cameras, { users: o.users, audit: o.audit });
    console.log(`seeded in ${seeded.seconds.toFixed(0)} s (${seeded.said})`);

    console.log('\n== SQLITE-1: one server on the SQLite file');
    const srv = await serve(dataDir, { apiCpu: o.apiCpu });
    try {
      results.push(await measure('SQLite, one server', [srv], srv.logins, o));
    } finally {
      await srv.stop(30_000);
    }

    if (o.sqliteOnly) return report(o, results);
    let url = o.pg;
    if (!url) {
      // Not under `parent`: the cluster runs as postgres, which may not enter a directory of root's.
      pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-scale-pg-'));
      const admin = run('bash', [path.join(REPO, 'scripts/pg-test-cluster'), 'start', pgDir], { env: { ...process.env, PG_DURABLE: '1' } });
      cluster = true;
      run('psql', [admin, '-qc', 'CREATE DATABASE wf_scale']);
      url = admin.replace(/\/postgres$/, '/wf_scale');
      const t0 = performance.now();
      console.log(`\nmigrate-store: ${run(BIN, ['migrate-store', '--from', `sqlite:${path.join(dataDir, 'watchfloor.db')}`, '--to', url]).split('\n').pop()}` +
        ` (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    // The API servers' own directories, with the installation's keys.
    const dirs = [1, 2].map((n) => {
      const d = path.join(parent, `api${n}`);
      fs.mkdirSync(d);
      for (const key of ['secret.key', 'signing.key']) fs.copyFileSync(path.join(dataDir, key), path.join(d, key));
      return d;
    });

    console.log('\n== PG-1: one API server on PostgreSQL');
    const a = await serve(dirs[0], { storeUrl: url, recorder: false, apiCpu: o.apiCpu });
    try {
      // The demo prints its logins again at each start (with passwords of its own).
      results.push(await measure('PostgreSQL, one server', [a], a.logins, o));
      console.log('\n== PG-2: two API servers on PostgreSQL');
      const b = await serve(dirs[1], { storeUrl: url, demo: false, recorder: false, apiCpu: o.apiCpu });
      try {
        results.push(await measure('PostgreSQL, two servers', [a, b], a.logins, o));
      } finally {
        await b.stop(30_000);
      }
    } finally {
      await a.stop(30_000);
    }
  } finally {
    if (cluster) spawnSync('bash', [path.join(REPO, 'scripts/pg-test-cluster'), 'stop', pgDir]);
    if (!o.keep) fs.rmSync(parent, { recursive: true, force: true });
  }

  report(o, results);
}

// ---- the table ----
function report(o, results) {
  const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : '–');
  console.log(`\n${o.cases.toLocaleString('en')} cases, ${o.cameras.toLocaleString('en')} cameras; cases filed in ${o.units} unit(s) at once`);
  console.log('| | ' + results.map((r) => r.name).join(' | ') + ' |');
  console.log('|---|' + results.map(() => '---').join('|') + '|');
  console.log('| case creation (cases/s) | ' + results.map((r) => f(r.created.rate)).join(' | ') + ' |');
  console.log(`| while creating: machine busy (%); API server(s) (% of a core${o.apiCpu ? `, quota ${o.apiCpu}` : ''}; idle before; ms per case)` +
    `${o.apiCpu ? '; % of its periods it used up' : ''} | ` +
    results.map((r) => `${r.created.cpu.machine}; ${r.created.cpu.servers.join(' + ')}; ${r.created.cpu.idle.join(' + ')}; ${r.created.cpu.perCase.join(' + ')}` +
      `${o.apiCpu ? `; ${r.created.cpu.held.join(' + ')}` : ''}`).join(' | ') + ' |');
  const routes = Object.keys(results[0].read);
  const worst = (r, route) =>
    Math.max(...Object.entries(r.read).filter(([k]) => k === route || k.startsWith(`${route} (`)).map(([, v]) => v.p99));
  for (const route of routes) console.log(`| \`${route}\` p99 (ms, worst server) | ` + results.map((r) => f(worst(r, route))).join(' | ') + ' |');
  console.log(`| delivery to ${o.consoles} consoles p50 / p99 (ms) | ` + results.map((r) => `${f(r.delivery.p50)} / ${f(r.delivery.p99)}`).join(' | ') + ' |');

  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  const lists = results.flatMap((r) => Object.entries(r.read).filter(([, v]) => v.list).map(([, v]) => v.p99));
  const worstList = Math.max(...lists);
  const worstDelivery = Math.max(...results.map((r) => r.delivery.p99));
  console.log(`\nworst list p99: ${f(worstList)} ms (goal < ${GOAL_LIST_P99_MS} ms: ${verdict(worstList < GOAL_LIST_P99_MS)})`);
  console.log(`worst delivery p99: ${f(worstDelivery)} ms (goal < ${GOAL_DELIVERY_P99_MS} ms: ${verdict(worstDelivery < GOAL_DELIVERY_P99_MS)})`);
  const scale = results.length === 3 && results[2].created.rate / results[1].created.rate;
  if (scale) console.log(`two API servers / one on PostgreSQL, case rate: ${scale.toFixed(2)}×` +
    `${o.apiCpu ? ` with each API server allowed ${o.apiCpu} % of one core` : ''} (goal ≥ ${GOAL_SCALE}: ${verdict(scale >= GOAL_SCALE)}); ` +
    `against one on SQLite: ${(results[2].created.rate / results[0].created.rate).toFixed(2)}×`);
  if (scale) {
    const one = results[1].created.cpu.perCase[0];
    const two = results[2].created.cpu.perCase;
    if (two.some((ms) => ms * 1.25 < one || ms > one * 1.25))
      console.log(`   not like for like: a server of one used ${one} ms of CPU per case, those of two ${two.join(' and ')} ms: ` +
        'one layout did other work (escalations of an earlier run\'s cases on a --pg store?), and the ratio shows it');
  }
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ options: o, results }, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
