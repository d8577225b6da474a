#!/usr/bin/env node
// Benchmark for evidence exports (issue 15): the time to export and sign an M-minute 1080p clip (default 10),
// without and with the burned-in watermark, against ffmpeg doing the same cut (`-c copy`) and the same overlay
// (drawbox + drawtext, libx264 at the same preset and CRF) in the same run. See README.md.
//
// 1. Synthesises the recording once (cached): ffmpeg's testsrc2 at 1920×1080, 25 fps, H.264 about 4 Mbit/s with a
//    keyframe every 2 s and access unit delimiters, as a camera streams it.
// 2. Runs build/watchfloor-bench-export, which writes it into a throw-away installation through the recorder's
//    StreamWriter, then times our export (whole range) and ffmpeg's, each side's wall and CPU time.
// 3. Prints the table and the ratios (watchfloor / ffmpeg); --json FILE also writes them.
//
//   node bench/export/run.mjs [--minutes 10] [--preset veryfast] [--crf 23] [--json FILE]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../../tests/api/server.mjs';

const args = process.argv.slice(2);
const opt = { minutes: 10, preset: 'veryfast', crf: 23, json: null, cache: path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'watchfloor-bench-export') };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '-h' || a === '--help') {
    console.log('usage: node bench/export/run.mjs [--minutes 10] [--preset veryfast] [--crf 23] [--json FILE] [--cache DIR]');
    process.exit(0);
  }
  const key = a.replace(/^--/, '');
  if (!(key in opt)) { console.error(`unknown option ${a}`); process.exit(1); }
  opt[key] = typeof opt[key] === 'number' ? Number(args[++i]) : args[++i];
}
const BENCH = path.resolve(REPO, process.env.WATCHFLOOR_BENCH_EXPORT || 'build/watchfloor-bench-export');
if (!fs.existsSync(BENCH)) { console.error(`${BENCH} is missing: build first (cmake --build build)`); process.exit(1); }

fs.mkdirSync(opt.cache, { recursive: true });
const source = path.join(opt.cache, `testsrc2-1080p25-${opt.minutes}min.h264`);
if (!fs.existsSync(source)) {
  console.error(`synthesising ${opt.minutes} min of 1080p H.264 into ${source} (once) …`);
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=25', '-t', String(opt.minutes * 60),
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '4M', '-maxrate', '4M', '-bufsize', '8M', '-g', '50', '-bf', '0',
    '-x264-params', 'aud=1', '-pix_fmt', 'yuv420p', '-f', 'h264', source + '.tmp'], { stdio: 'inherit' });
  if (r.status !== 0) { console.error('ffmpeg could not synthesise the recording'); process.exit(1); }
  fs.renameSync(source + '.tmp', source);
}
const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-bench-export-'));
console.error(`load average before: ${load()} (${os.cpus().length} CPUs)`);
const r = spawnSync(BENCH, ['--h264', source, '--dir', dir, '--preset', opt.preset, '--crf', String(opt.crf)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
console.error(`load average after: ${load()}`);
if (process.env.WF_KEEP_DATA !== '1') fs.rmSync(dir, { recursive: true, force: true });
else console.error(`kept ${dir}`);
if (r.status !== 0) process.exit(1);
const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
console.log(`\nEvidence export of ${rows[0].seconds} s of 1080p (${(rows[0].bytes / 2 ** 20).toFixed(0)} MiB), preset ${opt.preset}, CRF ${opt.crf}`);
console.log('case               watchfloor wall   CPU     ffmpeg wall   CPU     ratio wall  ratio CPU');
for (const x of rows)
  console.log(`${x.case.padEnd(18)} ${x.watchfloor_wall_s.toFixed(2).padStart(10)} s ${x.watchfloor_cpu_s.toFixed(2).padStart(6)} s ${x.ffmpeg_wall_s.toFixed(2).padStart(10)} s ${x.ffmpeg_cpu_s.toFixed(2).padStart(6)} s ${x.ratio_wall.toFixed(2).padStart(10)} ${x.ratio_cpu.toFixed(2).padStart(10)}`);
if (opt.json) fs.writeFileSync(opt.json, JSON.stringify({ options: opt, rows }, null, 2));
