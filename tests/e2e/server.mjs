// Starts a real watchfloor server for browser tests: a fresh data directory, an ephemeral
// loopback port, and the demo installation (2017 organisation and one login per role).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const binary = join(repoRoot, 'build', 'watchfloor');

/** The server serves the console from web/dist: fail clearly when it was not built. */
export function assertConsoleBuilt() {
  const index = join(repoRoot, 'web', 'dist', 'index.html');
  if (!existsSync(index)) throw new Error(`${index} is missing: run "npm ci && npm run build" in web/ first`);
}

/** playwright-core as installed in web/node_modules (the repository root has no package.json). */
export function loadPlaywright() {
  const require = createRequire(new URL('../../web/package.json', import.meta.url));
  return require('playwright-core');
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser() {
  const { chromium } = loadPlaywright();
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Spawn `build/watchfloor <mode> --data <tmp> --listen 127.0.0.1:0` and wait for
 * "watchfloor: listening on http://HOST:PORT". Returns { url, dataDir, logins, output(), stop() }.
 * `logins` is <dataDir>/demo-logins.json for mode "demo", else [].
 */
export async function startServer({ mode = 'demo', args = [], timeoutMs = 30000, env = {} } = {}) {
  if (!existsSync(binary)) throw new Error(`server binary not found: ${binary} (build it first)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'wf-e2e-'));
  const child = spawn(binary, [mode, '--data', dataDir, '--listen', '127.0.0.1:0', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test process that dies (uncaught error, Ctrl-C) must not leave a server behind.
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    err += d;
  });

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server did not report listening within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /watchfloor: listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code}, signal ${signal})\nstdout:\n${out}\nstderr:\n${err}`));
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });

  let logins = [];
  if (mode === 'demo') {
    const file = join(dataDir, 'demo-logins.json');
    logins = JSON.parse(readFileSync(file, 'utf8'));
  }

  let stopped = false;
  async function stop({ keepData = false } = {}) {
    if (!stopped) {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(timer);
      }
    }
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  }

  return { url, dataDir, logins, process: child, output: () => ({ stdout: out, stderr: err }), stop };
}

const INTERNAL_NON_ADMIN = [
  'duty_officer',
  'shift_leader',
  'supervision_officer',
  'unit_leader',
  'hq_leader',
  'office_officer',
  'camera_admin',
  'auditor',
];

function roleNames(login) {
  return (login.roles ?? []).map((r) => (typeof r === 'string' ? r.split('@')[0] : r.role));
}

/** A demo login with a duty_officer role if there is one, else any internal, non-admin one. */
export function pickLogin(logins, preferred = 'duty_officer') {
  const usable = logins.filter((l) => !l.must_change_password);
  const byRole = (role) => usable.find((l) => roleNames(l).includes(role));
  const found =
    byRole(preferred) ??
    usable.find((l) => {
      const names = roleNames(l);
      return !names.includes('admin') && names.some((n) => INTERNAL_NON_ADMIN.includes(n));
    });
  if (!found) throw new Error(`no suitable demo login in ${JSON.stringify(logins.map((l) => l.username))}`);
  return found;
}
