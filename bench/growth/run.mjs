#!/usr/bin/env node
// Benchmark for issue 14 §4: does the store stay fast as a province's data grows? One invocation
// seeds one demo installation step by step (`watchfloor seed`: cases through the domain layer, many
// per transaction, and 3,000 cameras) and at each size starts the server and measures
//   CREATE   cases created and reported through the API, 16 at a time: cases/s
//   READ     p50/p99 of the main list and detail routes, one request at a time
//   STALL    the longest answer of a probe (a case's detail every 100 ms) during CREATE and READ
//   STOP     how long SIGTERM takes to end the server
// with the escalation runner active (it runs every 10 s in the server; the seeded cases are reported,
// not acknowledged). The baseline is the first size: the creation rate at the largest size is printed
// as a ratio of it. Goals (issue 14): creation rate at 100k ≥ 80 % of that at 1k; every list p99
// < 100 ms at 100k; no stall over 1 s. See README.md.
//
//   node bench/growth/run.mjs [--sizes 1000,10000,100000] [--cameras 3000] [--create 800]
//                             [--concurrency 16] [--samples 40] [--data-parent DIR] [--json FILE]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BIN, login, startServer } from '../../tests/api/server.mjs';
import { create, parseOptions, reads, request, seed, startProbe } from '../lib/api.mjs';

const GOAL_CREATE_RATIO = 0.8;
const GOAL_LIST_P99_MS = 100;
const GOAL_STALL_MS = 1000;
const REPORTER = 'canbo.hpkv1';  // supervision officer of HP-CKKV1 (Hải Phòng port area I)
const REPORT_UNIT = 'HP-CKKV1';
const READER = 'truongca.hp';    // shift leader of Hải Phòng: cases, inbox, tasks, coordination
const CAMERA_READER = 'admin.tchq';  // every camera of the country

const HELP = `usage: node bench/growth/run.mjs [options]
  --sizes LIST       case counts to grow to, in order (default 1000,10000,100000)
  --cameras N        cameras seeded at the first size (default 3000)
  --create N         cases created through the API at each size (default 800)
  --concurrency C    requests in flight while creating (default 16)
  --samples N        requests per read route at each size (default 40)
  --data-parent DIR  where the installation is made (default: the OS temp dir)
  --keep             keep the data directory (it is printed)
  --json FILE        also write the results as JSON
env WATCHFLOOR_BIN   server binary (default build/watchfloor)`;

// ---- main ---------------------------------------------------------------------------------------

const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');

async function main() {
  const o = parseOptions(process.argv.slice(2), { sizes: [1000, 10000, 100000], cameras: 3000, create: 800,
    concurrency: 16, samples: 40, dataParent: null, json: null, keep: false }, HELP);
  if (!fs.existsSync(BIN)) { console.error(`no server binary at ${BIN}: make native first`); process.exit(2); }
  const dataDir = fs.mkdtempSync(path.join(o.dataParent || os.tmpdir(), 'wf-growth-'));
  console.log(`bench/growth: data in ${dataDir}; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const results = [];
  try {
    for (const size of o.sizes) {
      const seeded = seed(dataDir, size, o.cameras);
      console.log(`\n== ${size} cases: seeded in ${fmt(seeded.seconds)} s (${seeded.said})`);
      const srv = await startServer({ demo: true, dataDir, config: { server: { metrics_listen: '' } } });
      try {
        const find = (u) => srv.logins.find((l) => l.username === u);
        const reporter = await login(srv.url, REPORTER, find(REPORTER).password);
        const reader = await login(srv.url, READER, find(READER).password);
        const cameraReader = await login(srv.url, CAMERA_READER, find(CAMERA_READER).password);
        const units = JSON.parse((await request(srv.url, reporter, 'GET', '/api/v1/units')).text);
        const unitId = (units.items || units).find((u) => u.code === REPORT_UNIT).id;
        const list = JSON.parse((await request(srv.url, reader, 'GET', '/api/v1/cases')).text);
        const caseId = list.items[0].id;
        // A search that finds something the reader may see: that case's container number.
        const detail = JSON.parse((await request(srv.url, reader, 'GET', `/api/v1/cases/${caseId}`)).text);
        const q = (detail.identifiers && detail.identifiers.containers && detail.identifiers.containers[0]) || detail.number;
        const probe = startProbe(srv.url, reader, caseId);
        const created = await create(srv.url, { client: reporter, unitId }, o.create, o.concurrency);
        console.log(`   create: ${fmt(created.rate)} cases/s (${o.create} at ${o.concurrency} in flight; p50 ${fmt(created.p50)} ms, p99 ${fmt(created.p99)} ms)`);
        const read = await reads(srv.url, reader, cameraReader, caseId, q, o.samples);
        for (const [name, r] of Object.entries(read))
          console.log(`   ${name.padEnd(28)} p50 ${fmt(r.p50).padStart(8)} ms   p99 ${fmt(r.p99).padStart(8)} ms   ${(r.bytes / 1024).toFixed(0)} KiB`);
        const stall = await probe.end();
        console.log(`   longest stall (probe, ${stall.n} answers): ${fmt(stall.max)} ms`);
        const t0 = performance.now();
        const exit = await srv.stop(30_000);
        const stopMs = performance.now() - t0;
        console.log(`   SIGTERM → exit ${exit.code}: ${fmt(stopMs, 0)} ms`);
        results.push({ size, seedSeconds: seeded.seconds, created, read, stall, stopMs, exitCode: exit.code });
      } finally {
        await srv.kill9();
      }
    }
  } finally {
    if (!o.keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }

  // ---- the table ----
  const names = Object.keys(results[0].read);
  console.log('\n| | ' + results.map((r) => `${r.size.toLocaleString('en')} cases`).join(' | ') + ' |');
  console.log('|---|' + results.map(() => '---').join('|') + '|');
  console.log('| case creation (cases/s) | ' + results.map((r) => fmt(r.created.rate)).join(' | ') + ' |');
  for (const n of names)
    console.log(`| \`${n}\` p50 / p99 (ms) | ` + results.map((r) => `${fmt(r.read[n].p50)} / ${fmt(r.read[n].p99)}`).join(' | ') + ' |');
  console.log('| longest stall (ms) | ' + results.map((r) => fmt(r.stall.max, 0)).join(' | ') + ' |');
  console.log('| SIGTERM to exit (ms) | ' + results.map((r) => fmt(r.stopMs, 0)).join(' | ') + ' |');

  const first = results[0];
  const last = results[results.length - 1];
  const ratio = last.created.rate / first.created.rate;
  const worstList = Math.max(...names.filter((n) => last.read[n].list).map((n) => last.read[n].p99));
  const worstStall = Math.max(...results.map((r) => r.stall.max));
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  console.log(`\ncreation rate at ${last.size} / at ${first.size}: ${fmt(ratio, 2)} (goal ≥ ${GOAL_CREATE_RATIO}: ${verdict(ratio >= GOAL_CREATE_RATIO)})`);
  console.log(`worst list p99 at ${last.size}: ${fmt(worstList)} ms = ${fmt(worstList / GOAL_LIST_P99_MS, 2)} × the goal of ${GOAL_LIST_P99_MS} ms (${verdict(worstList < GOAL_LIST_P99_MS)})`);
  console.log(`longest stall: ${fmt(worstStall, 0)} ms = ${fmt(worstStall / GOAL_STALL_MS, 2)} × the goal of ${GOAL_STALL_MS} ms (${verdict(worstStall <= GOAL_STALL_MS)})`);
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ options: o, results }, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
