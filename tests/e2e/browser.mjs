// Browser parts of the console tests: the built console, playwright-core and a headless
// Chromium. The server itself is started with startServer from ../api/server.mjs.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

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

/** "yyyy-MM-ddTHH:mm" of an instant in Vietnam time, as a datetime-local input takes it. */
export function localInput(ms, zone = 'Asia/Ho_Chi_Minh') {
  const s = new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms));
  return s.replace(' ', 'T');
}
