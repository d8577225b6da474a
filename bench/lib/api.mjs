// What bench/growth and bench/scale share: lean keep-alive HTTP, percentiles, seeding an installation through the
// domain layer (`watchfloor seed`), creating cases through the API, reading the main routes, a stall probe.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { BIN } from '../../tests/api/server.mjs';

// Command-line options named after `defaults` ("--data-parent" sets dataParent), typed by their default: a boolean is
// a flag, a number a whole number of at least `min`, an array a comma-separated list of positive whole numbers,
// anything else a string. --help prints `help`; a wrong option exits with status 2.
export function parseOptions(argv, defaults, help, { min = 0 } = {}) {
  const o = { ...defaults };
  const fail = (msg) => { console.error(msg); process.exit(2); };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    if (a === '-h' || a === '--help') { console.log(help); process.exit(0); }
    if (a.includes('=')) [a, v] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    const key = a.replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
    if (!a.startsWith('--') || !(key in defaults)) fail(`unknown option ${a}\n${help}`);
    if (typeof defaults[key] === 'boolean') { o[key] = true; continue; }
    if (v === undefined) v = argv[++i];
    if (Array.isArray(defaults[key])) {
      o[key] = String(v).split(',').map(Number);
      if (!o[key].length || o[key].some((n) => !Number.isInteger(n) || n <= 0)) fail(`${a} needs positive whole numbers, e.g. 1000,10000`);
    } else if (typeof defaults[key] === 'number') {
      o[key] = Number(v);
      if (!Number.isInteger(o[key]) || o[key] < min) fail(`${a} needs a whole number of at least ${min}, got ${v}`);
    } else {
      o[key] = v;
    }
  }
  return o;
}

// ---- HTTP, lean: keep-alive, no response log ------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function request(base, client, method, p, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers = { cookie: client.cookie };
    if (data) { headers['content-type'] = 'application/json'; headers['content-length'] = data.length; }
    if (method !== 'GET') headers['x-csrf-token'] = client.csrf;
    const t0 = performance.now();
    const req = http.request(`${base}${p}`, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

export function pct(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
export function summary(ms) {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p99: pct(s, 99), max: s[s.length - 1] };
}

// ---- phases -------------------------------------------------------------------------------------

export function seed(dataDir, cases, cameras, { users = 0, audit = 0 } = {}) {
  const t0 = performance.now();
  const r = spawnSync(BIN, ['seed', '--data', dataDir, '--cases', String(cases), '--cameras', String(cameras),
    '--users', String(users), '--audit', String(audit)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`watchfloor seed failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { seconds: (performance.now() - t0) / 1000, said: r.stdout.trim() };
}

// A probe that asks for one case's detail every 100 ms: its longest answer is the longest stall.
export function startProbe(base, client, caseId) {
  const times = [];
  let stop = false;
  const done = (async () => {
    while (!stop) {
      const r = await request(base, client, 'GET', `/api/v1/cases/${caseId}`);
      if (r.status !== 200) throw new Error(`probe: ${r.status} ${r.text.slice(0, 200)}`);
      times.push(r.ms);
      await new Promise((res) => setTimeout(res, 100));
    }
  })();
  return { async end() { stop = true; await done; return summary(times); } };
}

// Creates and reports `count` cases, `concurrency` at a time. `reporters`: one { client, unitId } or several, the
// requests in flight taking them in turn (cases of several units at once, as in a national installation).
export async function create(base, reporters, count, concurrency) {
  const by = [reporters].flat();
  let next = 0;
  const ms = [];
  const t0 = performance.now();
  const one = async (k) => {
    const { client, unitId } = by[k % by.length];
    while (next < count) {
      const i = next++;
      const r = await request(base, client, 'POST', '/api/v1/cases', {
        unit_id: unitId, observed_at: new Date().toISOString(), site: 'Cổng B cảng Tân Vũ', subject: 'goods',
        description: `Bench growth ${i}: xe đầu kéo kéo container rời bãi khi tờ khai chưa được thông quan`,
        immediate_measure: 'Đề nghị Đội Giám sát dừng xe tại cổng ra',
        identifiers: { containers: [`BGRU${String(1_000_000 + i).padStart(7, '0')}`] }, report: true,
      });
      if (r.status !== 201) throw new Error(`POST /api/v1/cases: ${r.status} ${r.text.slice(0, 300)}`);
      ms.push(r.ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, k) => one(k)));
  const seconds = (performance.now() - t0) / 1000;
  return { rate: count / seconds, seconds, ...summary(ms) };
}

export async function reads(base, reader, cameraReader, caseId, q, samples) {
  const routes = [
    ['GET /cases', reader, '/api/v1/cases', true],
    ['GET /inbox', reader, '/api/v1/inbox', true],
    ['GET /cameras', cameraReader, '/api/v1/cameras', true],
    ['GET /tasks', reader, '/api/v1/tasks', true],
    ['GET /coordination-requests', reader, '/api/v1/coordination-requests', true],
    ['GET /cases/{id}', reader, `/api/v1/cases/${caseId}`, false],
    ['GET /cases?q=…', reader, `/api/v1/cases?q=${encodeURIComponent(q)}`, true],
  ];
  const out = {};
  for (const [name, client, p, list] of routes) {
    const ms = [];
    let bytes = 0;
    for (let i = 0; i < samples; i++) {
      const r = await request(base, client, 'GET', p);
      if (r.status !== 200) throw new Error(`${name}: ${r.status} ${r.text.slice(0, 300)}`);
      ms.push(r.ms);
      bytes = r.text.length;
    }
    out[name] = { ...summary(ms), bytes, list };
  }
  return out;
}

