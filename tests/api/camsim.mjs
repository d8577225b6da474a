// The camera simulator (tools/camsim) for the API and browser tests and the benchmarks: a free port,
// polling until something holds, and a simulator started on its own clip cache and stopped with it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO, sleep } from './server.mjs';

export const CAMSIM = path.resolve(REPO, process.env.WATCHFLOOR_CAMSIM || 'build/watchfloor-camsim');

/** A TCP port free on 127.0.0.1 now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `fn` until it returns something truthy (returned), or throws after `timeoutMs`. */
export async function until(what, fn, timeoutMs = 30_000, everyMs = 250) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

/**
 * Starts watchfloor-camsim with `args` (without --port and --cache) and resolves once it is ready.
 * Options: port (default a free one), cache (default a temporary directory removed by stop()),
 * control (stdin commands, see tools/camsim/README.md), readyTimeoutMs (clips are encoded on the first start).
 * Returns {proc, port, url(k, stream), output(), control(cmd), stop()}.
 */
export async function startCamsim(args, { port = null, cache = null, control = false, readyTimeoutMs = 180_000 } = {}) {
  const ownCache = !cache;
  const dir = cache || fs.mkdtempSync(path.join(os.tmpdir(), 'wf-camsim-cache-'));
  const p = port || (await freePort());
  const proc = spawn(CAMSIM, [...args, '--port', String(p), '--cache', dir, ...(control ? ['--control'] : [])], {
    stdio: [control ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  await until(`camsim ${args.join(' ')} ready`, () => {
    if (proc.exitCode !== null) throw new Error(`camsim exited ${proc.exitCode}: ${err}`);
    return out.includes('camsim: ready');
  }, readyTimeoutMs, 100);
  return {
    proc,
    port: p,
    url: (k, stream = 'main') => `rtsp://127.0.0.1:${p}/cam${k}/${stream}`,
    output: () => out,
    /** Sends a control command and waits for its one-line answer. */
    async control(cmd) {
      const before = out.length;
      proc.stdin.write(cmd + '\n');
      await until(`camsim answer to ${cmd}`, () => /\b(ok|error)\b/.test(out.slice(before)), 5000, 50);
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
      if (ownCache && process.env.WF_KEEP_DATA !== '1') fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
